"""Template tags handing the head-meta and export-link includes their data, built in Python.

They read only what the detail views prefetched, so the includes run no queries.
"""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString

from catalogue.citations import FORMATS, formatted_citation
from catalogue.i18n import language_name, translated
from catalogue.metadata import PageMetadata, citation_record, publication_metadata, workshop_metadata
from catalogue.models import Edition, Publication, Workshop

register = template.Library()


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


def _language(context) -> str:
    return context.get("LANGUAGE_CODE") or translation.get_language() or settings.LANGUAGE_CODE


@register.simple_tag(takes_context=True)
def publication_page_metadata(context, publication: Publication) -> PageMetadata:
    """`{% publication_page_metadata publication as meta %}`."""
    return publication_metadata(publication, request=context["request"], language=_language(context))


@register.simple_tag(takes_context=True)
def workshop_page_metadata(context, workshop: Workshop) -> PageMetadata:
    """`{% workshop_page_metadata workshop as meta %}`."""
    return workshop_metadata(workshop, request=context["request"], language=_language(context))


def _citation_links(url_name: str, filename_stem: str, **kwargs) -> list[DownloadLink]:
    return [
        DownloadLink(
            label=output.label,
            url=reverse(url_name, kwargs={**kwargs, "citation_format": extension}),
            content_type=output.content_type.split(";")[0],
            filename=f"{filename_stem}.{extension}",
        )
        for extension, output in FORMATS.items()
    ]


@register.simple_tag(takes_context=True)
def publication_exports(context, publication: Publication) -> PublicationExports:
    """`{% publication_exports publication as exports %}`: formatted citation and citation downloads."""
    language = _language(context)
    record = citation_record(publication, request=context["request"], language=language)
    editions = [
        EditionCitation(
            edition=edition,
            label=f"{language_name(edition.language, language)}, {edition.get_format_display()}",
            links=_citation_links(
                "catalogue:edition-citation",
                f"{publication.slug}-{edition.language}-{edition.format}",
                slug=publication.slug,
                language=edition.language,
                edition_format=edition.format,
            ),
        )
        for edition in publication.editions.all()
    ]
    return PublicationExports(
        citation=formatted_citation(record, page_language=language),
        links=_citation_links("catalogue:publication-citation", publication.slug, slug=publication.slug),
        editions=editions,
        series_feed_url=reverse("catalogue:series-feed", kwargs={"slug": publication.series.slug}),
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


@register.simple_tag(takes_context=True)
def workshop_exports(context, workshop: Workshop) -> WorkshopExports:
    """`{% workshop_exports workshop as exports %}`: the workshop's and each session's iCalendar file."""
    language = _language(context)
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
                filename=f"{workshop.slug}-{item.position}.ics",
            )
        )
    return WorkshopExports(
        calendar_url=reverse("catalogue:workshop-calendar", kwargs={"slug": workshop.slug}),
        calendar_filename=f"{workshop.slug}.ics",
        sessions=sessions,
    )
