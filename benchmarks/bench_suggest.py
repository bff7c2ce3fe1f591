"""Did-you-mean benchmark: finding the corrections of misspelt words in a large vocabulary.

    .venv/bin/python benchmarks/bench_suggest.py --words 300000            # a throw-away SQLite file
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_suggest.py # any empty, migratable database

Fills SearchWord with `--words` words in en/fr/es (made as the catalogue generator makes its words: syllables, Zipf
document counts; 100,000 generated publications hold about 60,000), then, for `--samples` words drawn from it and
misspelt by one or two random edits (a letter dropped, doubled, swapped with the next or replaced), times what
`suggest_query` does before its one search of the correction: the lookup of the query's known words and the
candidates' statement with their edit distances. Prints p50/p95 in ms and how often the intended word came first.
The search of the correction itself costs a search (benchmarks/bench_search.py).
"""

import argparse
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYLLABLES = {
    "en": "ra ti on mi gra ble men ter pol cy ing ment ex al ver",
    "fr": "ra ti on mi gra eau men ter pol que ment ex al vé eur",
    "es": "ra ti on mi gra ción men ter pol ía dad ex al ve ro",
}


def misspell(word: str, rng: random.Random) -> str:
    for _ in range(rng.choice([1, 1, 2])):
        i = rng.randrange(1, len(word) - 1)  # not the first letter: SQLite reads candidates by it
        edit = rng.choice(["drop", "double", "swap", "replace"])
        if edit == "drop":
            word = word[:i] + word[i + 1 :]
        elif edit == "double":
            word = word[:i] + word[i] + word[i:]
        elif edit == "swap":
            word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            word = word[:i] + rng.choice("aeioulnrst") + word[i + 1 :]
    return word


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=300_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idm.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))  # DEBUG off: no query log
    workdir = tempfile.mkdtemp()
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from catalogue.models import SearchWord
    from catalogue.search import suggest
    from catalogue.search.text import fold

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    SearchWord.objects.all().delete()
    seen, rows = set(), []
    while len(rows) < args.words:
        code = rng.choice(list(SYLLABLES))
        spelling = "".join(rng.choice(SYLLABLES[code].split()) for _ in range(rng.randint(2, 5)))
        if (fold(spelling), code) not in seen:
            seen.add((fold(spelling), code))
            count = max(1, int(100_000 / (len(rows) + 1) ** 0.9))  # Zipf-like: a few words in most documents
            rows.append(SearchWord(word=fold(spelling), language=code, spelling=spelling, document_count=count))
    SearchWord.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SearchWord._meta.db_table}")  # as autovacuum would after such a load

    targets = [row for row in rng.sample(rows, args.samples * 3) if len(row.word) >= 6][: args.samples]
    times, first = [], 0
    for target in targets:
        typed = misspell(target.word, rng)
        started = time.perf_counter()
        known = dict(SearchWord.objects.filter(word__in=[typed]).values_list("word", "document_count"))
        choices = suggest._choices({typed: known.get(typed, 0)}, target.language, connection.alias)
        times.append((time.perf_counter() - started) * 1000)
        best = [spelling for _, spelling in choices.get(typed, [])]
        first += bool(best) and fold(best[0]) == target.word
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{connection.vendor}, {SearchWord.objects.count():,} words, {len(targets)} misspellings: "
        f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms; intended word first {first / len(targets):.0%}"
    )


if __name__ == "__main__":
    main()
