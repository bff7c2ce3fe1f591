"""Exporting the catalogue: as a fixture that the catalogue's `loaddata` reads back (JSON), or in the spreadsheet
layout that `import_catalogue` reads back (CSV, XLSX; tabular.py)."""

from collections import defaultdict
from collections.abc import Iterator
from types import SimpleNamespace

from django.core.management import call_command
from django.db.models import QuerySet

from catalogue.i18n import content_languages
from catalogue.models import Edition, Publication, TocEntry

from .cells import headings_cells
from .tabular import EDITION_FIELDS, publication_columns, write_table

# Derived data: the search index is rebuilt from the catalogue when the fixture is loaded.
# Derived: rebuilt (the search documents and their vocabulary), stamped on load.
EXCLUDED_MODELS = ["catalogue.SearchDocument", "catalogue.SearchWord", "catalogue.CatalogueChange"]
CHUNK_SIZE = 1000


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
    """The rows of `publications` in the spreadsheet layout: one per edition, the publication's columns repeated.

    Read as plain values, a chunk of publications at a time (four queries per chunk): building model instances
    would cost most of the export's time."""
    fields = [
        column for column in publication_columns() if column not in ("series", "topics", "contents")
        and not column.startswith("contents_title_")
    ]  # fmt: skip
    ordered = publications.order_by("series__slug", "number").values_list("pk", flat=True)
    keys = list(ordered)
    for start in range(0, len(keys), CHUNK_SIZE):
        chunk = keys[start : start + CHUNK_SIZE]
        rows = Publication.objects.filter(pk__in=chunk).values("pk", "series__slug", *fields)
        by_pk = {row["pk"]: row for row in rows}
        editions, entries, topics = defaultdict(list), defaultdict(list), defaultdict(list)
        for edition in Edition.objects.filter(publication__in=chunk).order_by("position", "pk").values():
            editions[edition["publication_id"]].append(edition)
        titles = [f"title_{code}" for code in content_languages()]
        heads = TocEntry.objects.filter(publication__in=chunk)
        for entry in heads.values("id", "publication_id", "parent_id", "position", "kind", "page", *titles):
            entries[entry["publication_id"]].append(SimpleNamespace(pk=entry["id"], **entry))
        links = Publication.topics.through.objects.filter(publication__in=chunk)
        for publication, slug in links.values_list("publication_id", "topic__slug"):
            topics[publication].append(slug)
        for pk in chunk:
            values = by_pk[pk]
            row = {"series": values["series__slug"], "topics": ";".join(sorted(topics[pk]))}
            row.update((column, values[column]) for column in fields)
            row.update(headings_cells(entries[pk]))
            if not editions[pk]:
                yield row
            for edition in editions[pk]:
                yield {**row, **{column: edition[name] for column, name in EDITION_FIELDS.items()}}


def catalogue_export_table(*, publications: QuerySet, kind: str, handle) -> None:
    """Write `publications` as CSV or XLSX (`kind`) in the layout import_catalogue reads, to the binary `handle`."""
    write_table(export_rows(publications), kind, handle)


def catalogue_export(*, kind: str, output: str | None, stdout, verbosity: int = 1) -> None:
    """Export the whole catalogue: `kind` json (the natural-key fixture), csv or xlsx."""
    if kind == "json":
        catalogue_export_json(output=output, stdout=stdout, verbosity=verbosity)
        return
    with open(output, "wb") as handle:
        catalogue_export_table(publications=Publication.objects.all(), kind=kind, handle=handle)
