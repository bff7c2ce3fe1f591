"""The export links of publication and workshop pages: the formatted citation, citation downloads
(the publication's and each edition's), the MARC 21 record, the series feed, and the iCalendar files.

Built from what the detail views prefetched, so they run no queries.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString

from catalogue.i18n import language_name, translated
from catalogue.models import Edition, Publication, Workshop

from .calendars import calendar_filename
from .citation_record import citation_record
from .citations import FORMATS, formatted_citation
from .marc import CONTENT_TYPE as MARC_CONTENT_TYPE
from .marc import marc_filename
from .record import citation_key


@dataclass(frozen=True)
class DownloadLink:
    label: str
    url: str
    content_type: str
    filename: str


@dataclass(frozen=True)
class EditionCitation:
    edition: Edition
    label: str
    links: list[DownloadLink]


@dataclass(frozen=True)
class PublicationExports:
    citation: SafeString
    links: list[DownloadLink]
    editions: list[EditionCitation]
    series_feed_url: str
    marc: DownloadLink  # the MARC 21 record, for library systems


def _citation_links(url_name: str, key: str, **kwargs) -> list[DownloadLink]:
    return [
        DownloadLink(
            label=output.label,
            url=reverse(url_name, kwargs={**kwargs, "citation_format": extension}),
            content_type=output.content_type.split(";")[0],
            filename=output.filename(key),
        )
        for extension, output in FORMATS.items()
    ]


def publication_exports(publication: Publication, *, request, language: str) -> PublicationExports:
    """The formatted citation and citation downloads of a publication page in `language`."""
    record = citation_record(publication, request=request, language=language, per_field=True)
    editions = [
        EditionCitation(
            edition=edition,
            label=f"{language_name(edition.language, language)}, {edition.get_format_display()}",
            links=_citation_links(
                "catalogue:edition-citation",
                citation_key(publication, edition),
                slug=publication.slug,
                language=edition.language,
                edition_format=edition.format,
            ),
        )
        for edition in publication.editions.all()
    ]
    return PublicationExports(
        citation=formatted_citation(record, page_language=language),
        links=_citation_links("catalogue:publication-citation", citation_key(publication), slug=publication.slug),
        editions=editions,
        series_feed_url=reverse("catalogue:series-feed", kwargs={"slug": publication.series.slug}),
        marc=DownloadLink(
            label="MARC 21 (MARCXML)",
            url=reverse("catalogue:publication-marc", kwargs={"slug": publication.slug}),
            content_type=MARC_CONTENT_TYPE.split(";")[0],
            filename=marc_filename(publication),
        ),
    )


@dataclass(frozen=True)
class SessionCalendar:
    title: str
    language: str
    url: str
    filename: str


@dataclass(frozen=True)
class WorkshopExports:
    calendar_url: str
    calendar_filename: str
    sessions: list[SessionCalendar]


def workshop_exports(workshop: Workshop, *, language: str) -> WorkshopExports:
    """The workshop's and each session's iCalendar file, titled in `language`."""
    sessions = []
    for item in workshop.agenda_items.all():
        title, title_language = translated(item, "title", language)
        sessions.append(
            SessionCalendar(
                title=title,
                language=title_language if title_language != language else "",
                url=reverse(
                    "catalogue:agenda-item-calendar", kwargs={"slug": workshop.slug, "position": item.position}
                ),
                filename=calendar_filename(item),
            )
        )
    return WorkshopExports(
        calendar_url=reverse("catalogue:workshop-calendar", kwargs={"slug": workshop.slug}),
        calendar_filename=calendar_filename(workshop),
        sessions=sessions,
    )
