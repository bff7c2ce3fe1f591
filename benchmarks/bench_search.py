"""Search benchmark on a throw-away SQLite database.

    .venv/bin/python benchmarks/bench_search.py [--publications 2000] [--repeat 20]

Builds N publications (three languages, contents, topics, workshops with agendas) in a
temporary SQLite file, then prints, as ratios to baselines measured in the same run:
- full-text search latency against a plain icontains scan of the same columns;
- index rebuild time and peak Python memory against creating the catalogue rows themselves.
Absolute times are printed too, but only the ratios compare across machines.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = {
    "en": [
        "migration",
        "governance",
        "partnership",
        "labour",
        "mobility",
        "remittance",
        "diaspora",
        "climate",
        "health",
        "return",
        "integration",
        "border",
        "city",
        "youth",
        "women",
        "refugee",
        "displacement",
        "development",
        "capacity",
        "dialogue",
    ],
    "fr": [
        "migration",
        "gouvernance",
        "partenariat",
        "travail",
        "mobilité",
        "transfert",
        "diaspora",
        "climat",
        "santé",
        "retour",
        "intégration",
        "frontière",
        "ville",
        "jeunesse",
        "femmes",
        "réfugié",
        "déplacement",
        "développement",
        "capacités",
        "dialogue",
    ],
    "es": [
        "migración",
        "gobernanza",
        "asociación",
        "trabajo",
        "movilidad",
        "remesa",
        "diáspora",
        "clima",
        "salud",
        "retorno",
        "integración",
        "frontera",
        "ciudad",
        "juventud",
        "mujeres",
        "refugiado",
        "desplazamiento",
        "desarrollo",
        "capacidad",
        "diálogo",
    ],
}
QUERIES = [
    ("partenariat", "fr"),
    ("gouvernance migrations", "fr"),
    ("partnership", "en"),
    ("gobernanza migracion", "es"),
    ("labour mobility remittances", "en"),
    ("xylophone", "en"),
    ("978-92-9068-780-1", "en"),
]


SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "cal",
    "den",
    "fi",
    "gor",
    "hu",
    "la",
    "lo",
    "mi",
    "na",
    "pe",
    "ra",
    "ri",
    "sa",
    "ta",
    "ve",
    "zo",
]
_filler = random.Random(0)
# Made-up words, so that each topical word appears in a few per cent of the texts, as in a real catalogue.
FILLER = ["".join(_filler.choice(SYLLABLES) for _ in range(3)) for _ in range(3000)]


def phrase(rng: random.Random, language: str, length: int) -> str:
    return " ".join(rng.choice(WORDS[language]) if rng.random() < 0.03 else rng.choice(FILLER) for _ in range(length))


def build_catalogue(count: int) -> None:
    """Create `count` publications and their related rows with bulk_create (no signals: the index stays empty)."""
    from django.utils import timezone

    from catalogue.models import AgendaItem, Edition, Publication, Series, TocEntry, Topic, Workshop
    from catalogue.tests.factories import create_idm28

    rng = random.Random(28)
    create_idm28()  # the real record, among the generated ones
    series = Series.objects.get(slug="idm")
    topics = Topic.objects.bulk_create(
        Topic(slug=f"t{n}", name_en=phrase(rng, "en", 2), name_fr=phrase(rng, "fr", 2), name_es=phrase(rng, "es", 2))
        for n in range(40)
    )
    publications = Publication.objects.bulk_create(
        Publication(
            series=series,
            number=1000 + n,
            year=2000 + n % 25,
            slug=f"p{n}",
            status=Publication.Status.PUBLISHED,
            publish_date=timezone.now(),
            **{f"title_{code}": phrase(rng, code, 8) for code in WORDS},
            **{f"summary_{code}": phrase(rng, code, 80) for code in WORDS},
        )
        for n in range(count)
    )
    Publication.topics.through.objects.bulk_create(
        Publication.topics.through(publication=publication, topic=rng.choice(topics)) for publication in publications
    )
    Edition.objects.bulk_create(Edition(publication=publication, language="en") for publication in publications)
    TocEntry.objects.bulk_create(
        TocEntry(publication=publication, position=position, **{f"title_{c}": phrase(rng, c, 5) for c in WORDS})
        for publication in publications
        for position in range(1, 6)
    )
    day = datetime.date(2018, 3, 26)
    workshops = Workshop.objects.bulk_create(
        Workshop(
            publication=publication,
            slug=f"w{n}",
            city_en="Geneva",
            country="CH",
            start_date=day,
            end_date=day,
            **{f"title_{code}": phrase(rng, code, 8) for code in WORDS},
        )
        for n, publication in enumerate(publications[::2])
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(workshop=workshop, position=position, date=day, **{f"title_{c}": phrase(rng, c, 4) for c in WORDS})
        for workshop in workshops
        for position in range(1, 5)
    )


def icontains_scan(query: str):
    """Baseline: every word somewhere in the same language columns, with icontains."""
    from django.db.models import Q

    from catalogue.models import Publication

    condition = Q()
    for word in query.split():
        any_column = Q()
        for code in WORDS:
            for path in [
                f"title_{code}",
                f"subtitle_{code}",
                f"summary_{code}",
                f"toc_entries__title_{code}",
                f"topics__name_{code}",
                f"workshops__title_{code}",
                f"workshops__agenda_items__title_{code}",
            ]:
                any_column |= Q(**{f"{path}__icontains": word})
        condition &= any_column
    return Publication.objects.published().filter(condition).distinct().order_by("-year")


def median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", metavar="FILE", help="SQLite file to keep instead of a temporary one")
    options = parser.parse_args()

    directory = tempfile.TemporaryDirectory(prefix="idm-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{options.keep or Path(directory.name) / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "idm.settings"
    os.environ.setdefault("DJANGO_DEBUG", "1")  # development settings: no secret key needed for a throw-away run
    import django

    django.setup()
    from django.core.management import call_command

    from catalogue.models import Publication
    from catalogue.search import rebuild_index, search_publications

    call_command("migrate", verbosity=0)
    tracemalloc.start()
    start = time.perf_counter()
    build_catalogue(options.publications)
    create_seconds = time.perf_counter() - start
    create_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    start = time.perf_counter()
    documents = rebuild_index()
    rebuild_seconds = time.perf_counter() - start
    rebuild_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    print(f"{Publication.objects.count()} publications, {documents} search documents, SQLite")
    print(f"create rows (baseline) {create_seconds:7.2f} s")
    print(f"rebuild_index          {rebuild_seconds:7.2f} s   ratio {rebuild_seconds / create_seconds:5.2f}")
    print(f"create rows, peak memory (baseline) {create_peak / 2**20:7.1f} MiB")
    print(
        f"rebuild_index, peak memory          {rebuild_peak / 2**20:7.1f} MiB   ratio {rebuild_peak / create_peak:5.2f}"
    )
    print()
    print(f"{'query':32} {'found':>6} {'scan':>6} {'search ms':>10} {'scan ms':>9} {'ratio':>7}")
    ratios = []
    for query, language in QUERIES:

        def run_search(query=query, language=language):
            results = search_publications(Publication.objects.published(), query, language=language)
            return list(results.order_by("-search_rank")[:20]), results.count()

        def run_scan(query=query):
            results = icontains_scan(query)
            return list(results[:20]), results.count()

        found, scanned = run_search()[1], run_scan()[1]
        search_ms, scan_ms = median_ms(run_search, options.repeat), median_ms(run_scan, options.repeat)
        ratios.append(search_ms / scan_ms)
        print(f"{query:32} {found:6} {scanned:6} {search_ms:10.2f} {scan_ms:9.2f} {search_ms / scan_ms:7.2f}")
    print(f"\nsearch / icontains scan, geometric mean ratio: {statistics.geometric_mean(ratios):.2f} (lower is faster)")
    directory.cleanup()


if __name__ == "__main__":
    main()
