"""The catalogue's domain: series, publications, editions, contents, topics, workshops.

One module per aggregate, each QuerySet beside its model. Human-readable fields are translated by
django-modeltranslation (catalogue/translation.py); read logic lives in the QuerySets, writes that
touch several models in the packages that own the use case (editorial/, dataio/).
"""

from .common import CountPrecision, State, Status, count_display, published_q, state_of
from .contents import TocEntry
from .documents import DocumentPage, TextState
from .publication import Edition, Publication
from .search_document import SearchDocument
from .staff import StaffLanguage
from .taxonomy import Series, SeriesIssn, Topic
from .workshop import AgendaItem, AgendaParticipation, Speaker, Workshop, time_zone_choices

__all__ = [
    "AgendaItem",
    "AgendaParticipation",
    "CountPrecision",
    "DocumentPage",
    "Edition",
    "Publication",
    "SearchDocument",
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
    "count_display",
    "published_q",
    "state_of",
    "time_zone_choices",
]
