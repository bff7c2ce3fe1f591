"""What can be imported from a spreadsheet: publications with their editions, or workshops with their agendas.

Each kind has its layout (the columns read and written), its import function and its export of a selection;
the command, the admin's Import pages and the import runs (runs.py) take a kind's name and find the rest here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from .export import catalogue_export_table
from .tabular import PUBLICATIONS, Layout
from .upsert import ImportResult, catalogue_import
from .workshop_import import workshops_import
from .workshop_rows import WORKSHOPS, workshops_export_table


def _publications_export(*, records: QuerySet, kind: str, handle) -> None:
    catalogue_export_table(publications=records, kind=kind, handle=handle)


def _workshops_export(*, records: QuerySet, kind: str, handle) -> None:
    workshops_export_table(workshops=records, kind=kind, handle=handle)


@dataclass(frozen=True)
class Kind:
    layout: Layout
    importer: Callable[..., ImportResult]  # (table=, valid_only=, dry_run=, progress=)
    exporter: Callable[..., None]  # (records=, kind=, handle=)


KINDS = {
    "publications": Kind(PUBLICATIONS, catalogue_import, _publications_export),
    "workshops": Kind(WORKSHOPS, workshops_import, _workshops_export),
}
