"""Exporting the catalogue: as a fixture that the catalogue's `loaddata` reads back (JSON), or in the spreadsheet
layout that `import_catalogue` reads back (CSV, XLSX; tabular.py)."""

import csv
from collections import defaultdict
from collections.abc import Iterator

from django.core.management import call_command
from django.db.models import QuerySet

from catalogue.models import Edition, Publication

from .cells import headings_cells, stored_contents
from .tabular import EDITION_FIELDS, cell_value, columns, publication_columns, write_table

# Derived data: the search index is rebuilt from the catalogue when the fixture is loaded.
# Derived: rebuilt (the search documents and their vocabulary), stamped on load.
EXCLUDED_MODELS = ["catalogue.SearchDocument", "catalogue.SearchWord", "catalogue.CatalogueChange"]
CHUNK_SIZE = 1000
WRITE_SIZE = 100  # publications gathered before each write to the file


def catalogue_export_json(*, output: str | None, stdout, verbosity: int = 1) -> None:
    """Write every catalogue record as pretty-printed JSON with natural keys to `output` (or `stdout`)."""
    call_command(
        "dumpdata",
        "catalogue",
        exclude=EXCLUDED_MODELS,
        natural_foreign=True,
        natural_primary=True,
        indent=2,
        output=output,
        stdout=stdout,
        verbosity=verbosity,
    )


def export_rows(publications: QuerySet) -> Iterator[dict[str, object]]:
    """The rows of `publications` in the spreadsheet layout: one per edition, the publication's columns repeated."""
    for row, editions in _records(publications):
        if not editions:
            yield row
        for edition in editions:
            yield {**row, **edition}


def _records(publications: QuerySet) -> Iterator[tuple[dict[str, object], list[dict[str, object]]]]:
    """Each publication's cells with its editions' cells, keyed by column.

    Read as plain values, a chunk of publications at a time (four queries per chunk), through Django's plain
    QuerySet: model instances, or modeltranslation's rewriting of each values() row, would cost most of the
    export's time."""
    fields = [
        column for column in publication_columns() if column not in ("series", "topics", "contents")
        and not column.startswith("contents_title_")
    ]  # fmt: skip
    using = publications.db
    ordered = publications.order_by("series__slug", "number").values_list("pk", flat=True)
    keys = list(ordered)
    edition_columns = list(EDITION_FIELDS)
    for start in range(0, len(keys), CHUNK_SIZE):
        chunk = keys[start : start + CHUNK_SIZE]
        rows = QuerySet(Publication, using=using).filter(pk__in=chunk).values_list("pk", "series__slug", *fields)
        by_pk = {row[0]: row for row in rows}
        editions, topics = defaultdict(list), defaultdict(list)
        stored = QuerySet(Edition, using=using).filter(publication__in=chunk).order_by("position", "pk")
        for publication, *values in stored.values_list("publication_id", *EDITION_FIELDS.values()):
            editions[publication].append(dict(zip(edition_columns, values, strict=True)))
        contents = stored_contents(chunk, using=using)
        links = QuerySet(Publication.topics.through, using=using).filter(publication__in=chunk)
        for publication, slug in links.values_list("publication_id", "topic__slug"):
            topics[publication].append(slug)
        for pk in chunk:
            values = by_pk[pk]
            row = {"series": values[1], "topics": ";".join(sorted(topics[pk]))}
            row.update(zip(fields, values[2:], strict=True))
            row.update(headings_cells(contents.get(pk, [])))
            yield row, editions[pk]


class _Lines(list):
    """Where a csv.writer writes: each row it writes becomes an item (it writes a row in one call)."""

    write = list.append


def _write_csv(publications: QuerySet, handle) -> None:
    """The CSV file of `publications`, each publication's cells quoted once for all its rows (the csv module's
    quoting of its ~10 KB of text is most of an export's time), gathered as strings and written WRITE_SIZE
    publications at a time."""
    header = columns()
    publication_header, edition_header = header[: -len(EDITION_FIELDS)], header[-len(EDITION_FIELDS) :]
    lines = _Lines()
    writer = csv.writer(lines)
    writer.writerow(header)
    for count, (row, editions) in enumerate(_records(publications), start=1):
        writer.writerow(
            [value if type(value) is str else cell_value(value) for value in map(row.get, publication_header)]
        )
        prefix = lines.pop().removesuffix("\r\n") + ","
        for edition in editions or [{}]:
            lines.append(prefix)
            writer.writerow(
                [value if type(value) is str else cell_value(value) for value in map(edition.get, edition_header)]
            )
        if count % WRITE_SIZE == 0:
            handle.write("".join(lines).encode())
            lines.clear()
    handle.write("".join(lines).encode())


def catalogue_export_table(*, publications: QuerySet, kind: str, handle) -> None:
    """Write `publications` as CSV or XLSX (`kind`) in the layout import_catalogue reads, to the binary `handle`."""
    if kind == "csv":
        _write_csv(publications, handle)
    else:
        write_table(export_rows(publications), kind, handle)


def catalogue_export(*, kind: str, output: str | None, stdout, verbosity: int = 1) -> None:
    """Export the whole catalogue: `kind` json (the natural-key fixture), csv or xlsx."""
    if kind == "json":
        catalogue_export_json(output=output, stdout=stdout, verbosity=verbosity)
        return
    with open(output, "wb") as handle:
        catalogue_export_table(publications=Publication.objects.all(), kind=kind, handle=handle)
