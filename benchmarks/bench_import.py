"""Import and export benchmark on a throw-away SQLite database.

    .venv/bin/python benchmarks/bench_import.py [--publications 10000] [--format csv]
    bin/with-postgres .venv/bin/python benchmarks/bench_import.py     # on PostgreSQL (an empty DATABASE_URL)

Writes a file of N synthetic publications (three editions each, six table-of-contents headings, three topics:
generate_catalogue's rows) in the import layout, then measures in the same run:
- `import_catalogue`'s path (read the file, check every row, write in batches, write the search index) into an
  empty catalogue, with the time of each stage;
- a bare bulk_create of the same publications, editions, contents and topic links (no reading, no checks, no
  index; rolled back), before the import: the floor; the ratio import / floor says what the checks and the index cost;
- the same file imported a second time (nothing changes);
- export of the catalogue in the same layout (after freeing the imports' objects, as its own process would be).
Figures only, no pass/fail: they depend on the machine. Each figure is the process's CPU time, and the rate per CPU
second, with the wall clock beside it (on a machine whose cores are shared, it also counts the waits for a core).
The floor is Django's bulk_create; the import writes with its own multi-row INSERTs (dataio/inserting.py).
"""

import argparse
import datetime
import gc
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bare_bulk_create(rows: list[dict]) -> float:
    """Seconds to bulk_create the rows' records without any check, in a transaction rolled back."""
    from django.db import transaction
    from django.utils.dateparse import parse_datetime

    from catalogue.models import Edition, Publication, Series, TocEntry, Topic

    series = dict(Series.objects.values_list("slug", "pk"))
    topics = dict(Topic.objects.values_list("slug", "pk"))
    start = time.perf_counter()
    with transaction.atomic():
        publications, editions, contents, links = {}, [], [], []
        for row in rows:
            key = (row["series"], row["number"])
            if key not in publications:
                publications[key] = Publication(
                    series_id=series[row["series"]],
                    number=row["number"],
                    year=row["year"],
                    slug=row["slug"],
                    status=row["status"],
                    publish_date=parse_datetime(row["publish_date"]) if row["publish_date"] else None,
                    original_language=row["original_language"],
                    **{name: row[name] for name in row if name.startswith(("title_", "summary_"))},
                )
                contents.append((publications[key], row))
                links += [(publications[key], topics[slug]) for slug in row["topics"].split(";")]
            editions.append(
                Edition(
                    publication=publications[key],
                    language=row["edition_language"],
                    format=row["edition_format"],
                    isbn=row["isbn"],
                    pages=row["pages"],
                    price=row["price"] or None,
                    currency=row["currency"],
                )
            )
        Publication.objects.bulk_create(publications.values(), batch_size=1000)
        Edition.objects.bulk_create(editions, batch_size=1000)
        Publication.topics.through.objects.bulk_create(
            (Publication.topics.through(publication=one, topic_id=topic) for one, topic in links), batch_size=1000
        )
        chapters, sections = [], []
        for publication, row in contents:
            titles = {code: row[f"contents_title_{code}"].splitlines() for code in ("en", "fr", "es")}
            for index, line in enumerate(row["contents"].splitlines()):
                entry = TocEntry(
                    publication=publication,
                    position=index + 1,
                    kind=line.lstrip("> ").split()[0],
                    **{f"title_{code}": titles[code][index] for code in titles},
                )
                (sections if line.startswith(">") else chapters).append(entry)
                if not line.startswith(">"):
                    parent = entry
                else:
                    entry.parent = parent
        TocEntry.objects.bulk_create(chapters, batch_size=1000)
        TocEntry.objects.bulk_create(sections, batch_size=1000)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publications", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    options = parser.parse_args()
    directory = tempfile.TemporaryDirectory(prefix="bench-import-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(directory.name) / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "idm.settings"
    # Production settings (DEBUG off: no query log), with a throw-away secret key.
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from catalogue.dataio.export import catalogue_export_table
    from catalogue.dataio.generate import Generator
    from catalogue.dataio.tabular import read_table, write_table
    from catalogue.dataio.upsert import catalogue_import
    from catalogue.models import Edition, Publication, SearchDocument, TocEntry

    call_command("migrate", verbosity=0)
    generator = Generator(0)
    series, topics, _speakers = generator.taxonomy()
    rows = generator.rows(0, options.publications, series, topics)
    path = Path(directory.name) / f"catalogue.{options.format}"
    with open(path, "wb") as handle:
        write_table(rows, options.format, handle)
    text_rows = read_table(open(path, "rb"), path.name).rows  # noqa: SIM115  (the floor reads what the file holds)
    print(f"{options.publications:,} publications, {len(rows):,} rows, {path.stat().st_size / 1e6:.1f} MB "
          f"{options.format.upper()}, {connection.vendor}, {datetime.datetime.now(datetime.UTC).date()}")  # fmt: skip

    # The floor first, into the same empty catalogue, rolled back.
    cpu_start = time.process_time()
    floor = bare_bulk_create([dict(row) for _number, row in text_rows])
    floor_cpu = time.process_time() - cpu_start

    stages = {}

    def progress(stage, done, total):
        stages.setdefault(stage, (time.perf_counter(), time.process_time()))

    start, cpu_start = time.perf_counter(), time.process_time()
    with open(path, "rb") as handle:
        table = read_table(handle, path.name)
    import_start, import_cpu_start, read_cpu = start, cpu_start, time.process_time() - cpu_start
    result = catalogue_import(table=table, progress=progress)
    end, cpu_end = time.perf_counter(), time.process_time()
    cpu = cpu_end - cpu_start
    elapsed = end - import_start
    counts = (Publication.objects.count(), Edition.objects.count(), TocEntry.objects.count())
    assert result.counts["create"] == options.publications, result.counts
    assert SearchDocument.objects.count() == options.publications

    start, cpu_start = time.perf_counter(), time.process_time()
    with open(path, "rb") as handle:
        again = catalogue_import(table=read_table(handle, path.name))
    twice, twice_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    assert again.counts["unchanged"] == options.publications, again.counts

    del table, text_rows, rows, result, again  # an export runs in a process of its own: not among the import's objects
    gc.collect()
    start, cpu_start = time.perf_counter(), time.process_time()
    with open(Path(directory.name) / f"export.{options.format}", "wb") as handle:
        catalogue_export_table(publications=Publication.objects.all(), kind=options.format, handle=handle)
    exported, exported_cpu = time.perf_counter() - start, time.process_time() - cpu_start

    rate = options.publications / cpu
    floor_rate = options.publications / floor_cpu
    writing, indexing = stages.get("writing", (end, cpu_end)), stages.get("indexing", (end, cpu_end))
    print(f"records imported: {counts[0]:,} publications, {counts[1]:,} editions, {counts[2]:,} contents entries")
    print("Rates are per CPU second of the process (the wall clock also counts the waits for a shared core).")
    print(f"import (read, check, write, index): CPU {cpu:6.2f} s  {rate:8,.0f} publications/s  (wall {elapsed:.2f} s)")
    print(f"  CPU: read {read_cpu:.2f} s, check {writing[1] - import_cpu_start - read_cpu:.2f} s, "
          f"write {indexing[1] - writing[1]:.2f} s, index {cpu_end - indexing[1]:.2f} s")  # fmt: skip
    print(
        f"bare bulk_create of the same rows:  CPU {floor_cpu:6.2f} s  {floor_rate:8,.0f} publications/s  (wall {floor:.2f} s)"
    )
    print(f"ratio import / bare bulk_create:    {rate / floor_rate:6.2f}")
    print(f"import again (nothing changes):     CPU {twice_cpu:6.2f} s  "
          f"{options.publications / twice_cpu:8,.0f} publications/s  (wall {twice:.2f} s)")  # fmt: skip
    print(f"export ({options.format}):                       CPU {exported_cpu:6.2f} s  "
          f"{options.publications / exported_cpu:8,.0f} publications/s  (wall {exported:.2f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
