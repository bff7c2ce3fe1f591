"""Exporting the catalogue: as a fixture that the catalogue's `loaddata` reads back (JSON), or in the spreadsheet
layout that `import_catalogue` reads back (CSV, XLSX; tabular.py)."""

from collections.abc import Iterator

from django.core.management import call_command
from django.db.models import QuerySet

from catalogue.models import Publication

from .cells import headings_cells
from .tabular import EDITION_FIELDS, publication_columns, write_table

# Derived data: the search index is rebuilt from the catalogue when the fixture is loaded.
EXCLUDED_MODELS = ["catalogue.SearchDocument"]
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
    """The rows of `publications` in the spreadsheet layout: one per edition, the publication's columns repeated."""
    publication_fields = [
        column for column in publication_columns() if column not in ("series", "topics", "contents")
        and not column.startswith("contents_title_")
    ]  # fmt: skip
    queryset = (
        publications.select_related("series")
        .prefetch_related("editions", "toc_entries", "topics")
        .order_by("series__slug", "number")
    )
    for publication in queryset.iterator(chunk_size=CHUNK_SIZE):
        row = {"series": publication.series.slug, "topics": ";".join(sorted(t.slug for t in publication.topics.all()))}
        for column in publication_fields:
            row[column] = getattr(publication, column)
        row.update(headings_cells(list(publication.toc_entries.all())))
        editions = sorted(publication.editions.all(), key=lambda edition: (edition.position, edition.pk))
        if not editions:
            yield row
        for edition in editions:
            yield {**row, **{column: getattr(edition, name) for column, name in EDITION_FIELDS.items()}}


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
