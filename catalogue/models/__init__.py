"""The catalogue's domain: series, publications, editions, contents, topics, workshops.

One module per aggregate, each QuerySet beside its model. Human-readable fields are translated by
django-modeltranslation (catalogue/translation.py); read logic lives in the QuerySets, writes that
touch several models in the packages that own the use case (editorial/, dataio/).
"""

from .common import CountPrecision, State, Status, count_display, published_q, state_of
from .contents import TocEntry
from .documents import DocumentPage, TextState
from .import_run import ImportRun
from .publication import Edition, Publication, api_lookups, detail_lookups, oai_lookups
from .search_document import SearchDocument, SearchWord
from .staff import StaffLanguage
from .taxonomy import Series, SeriesIssn, Topic
from .version import CatalogueChange, catalogue_changed, content_version, record_version
from .workshop import AgendaItem, AgendaParticipation, Speaker, Workshop, time_zone_choices

__all__ = [
    "AgendaItem",
    "AgendaParticipation",
    "CatalogueChange",
    "CountPrecision",
    "DocumentPage",
    "Edition",
    "ImportRun",
    "Publication",
    "SearchDocument",
    "SearchWord",
    "Series",
    "SeriesIssn",
    "Speaker",
    "StaffLanguage",
    "State",
    "Status",
    "TextState",
    "TocEntry",
    "Topic",
    "Workshop",
    "api_lookups",
    "catalogue_changed",
    "content_version",
    "count_display",
    "detail_lookups",
    "oai_lookups",
    "published_q",
    "record_version",
    "state_of",
    "time_zone_choices",
]
