"""What can be imported from a spreadsheet: publications with their editions, or workshops with their agendas.

Each kind has its layout (the columns read and written), its import function and its export; the command, the
admin's Import pages and the import runs (runs.py) take a kind's name and find the rest here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from catalogue.models import Publication, Workshop

from .export import catalogue_export_table
from .tabular import PUBLICATIONS, Layout
from .upsert import ImportResult, catalogue_import
from .workshop_import import workshops_import
from .workshop_rows import WORKSHOPS, workshops_export_table


@dataclass(frozen=True)
class Kind:
    name: str
    layout: Layout
    importer: Callable[..., ImportResult]
    exporter: Callable[..., None]  # (queryset, kind, handle)
    everything: Callable[[], QuerySet]
    records: str  # the records' name, plural, for messages


KINDS = {
    "publications": Kind(
        "publications",
        PUBLICATIONS,
        catalogue_import,
        lambda *, records, kind, handle: catalogue_export_table(publications=records, kind=kind, handle=handle),
        Publication.objects.all,
        _("publications"),
    ),
    "workshops": Kind(
        "workshops",
        WORKSHOPS,
        workshops_import,
        lambda *, records, kind, handle: workshops_export_table(workshops=records, kind=kind, handle=handle),
        Workshop.objects.all,
        _("workshops"),
    ),
}
