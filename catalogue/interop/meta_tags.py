"""What a page's <head> tells machines about its subject: Highwire/Google Scholar `citation_*`,
Dublin Core and OpenGraph tags, and the JSON-LD, gathered in one PageMetadata."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from catalogue.i18n import page_language, translated, translations
from catalogue.models import Publication, Workshop

from .common import absolute_url_in, sorted_editions
from .events import workshop_json_ld
from .jsonld import json_ld_script, publication_json_ld
from .record import CitationRecord, citation_record

# OpenGraph wants language_TERRITORY.
OG_LOCALES = {"en": "en_US", "fr": "fr_FR", "es": "es_ES"}


@dataclass(frozen=True)
class MetaTag:
    name: str
    content: str
    language: str = ""


@dataclass
class PageMetadata:
    """Everything a page's <head> says about its subject to machines."""

    json_ld: dict
    citation_tags: list[MetaTag] = field(default_factory=list)
    dublin_core_tags: list[MetaTag] = field(default_factory=list)
    open_graph_tags: list[MetaTag] = field(default_factory=list)

    @property
    def json_ld_script(self) -> SafeString:
        return json_ld_script(self.json_ld)


def publication_metadata(publication: Publication, *, request, language: str | None = None) -> PageMetadata:
    """JSON-LD, citation_*, Dublin Core and OpenGraph for a publication page in `language`."""
    language = page_language(language)
    record = citation_record(publication, request=request, language=language)
    return PageMetadata(
        json_ld=publication_json_ld(publication, request=request, language=language),
        citation_tags=_citation_tags(publication, record),
        dublin_core_tags=_dublin_core_tags(publication, record),
        open_graph_tags=_open_graph_tags(publication, record, request=request, language=language),
    )


def _citation_tags(publication: Publication, record: CitationRecord) -> list[MetaTag]:
    """Highwire Press tags, as Google Scholar and Zotero read them."""
    tags = [MetaTag("citation_title", record.full_title, record.title_language)]
    if record.author:
        tags.append(MetaTag("citation_author", record.author))
    isbns = [record.isbn] if record.isbn else []
    isbns += [
        edition.isbn
        for edition in sorted_editions(publication.editions.all())
        if edition.isbn and edition.isbn not in isbns and edition.language == record.language
    ]
    tags += [MetaTag("citation_isbn", isbn) for isbn in isbns]
    if record.issn:
        tags.append(MetaTag("citation_issn", record.issn))
    tags.append(MetaTag("citation_series_title", record.series, record.series_language))
    tags.append(
        MetaTag(
            "citation_publication_date",
            record.date.strftime("%Y/%m/%d") if record.date else str(record.year),
        )
    )
    tags.append(MetaTag("citation_language", record.language))
    if record.publisher:
        tags.append(MetaTag("citation_publisher", record.publisher))
    if record.reference_number:
        tags.append(MetaTag("citation_technical_report_number", record.reference_number))
    if record.pdf_url:
        tags.append(MetaTag("citation_pdf_url", record.pdf_url))
    tags.append(MetaTag("citation_abstract_html_url", record.url))
    return tags


def _dublin_core_tags(publication: Publication, record: CitationRecord) -> list[MetaTag]:
    """Dublin Core elements (DC.*), one DC.title per translation with its language."""
    titles = translations(publication, "title")
    tags = [MetaTag("DC.title", record.full_title, record.title_language)]
    tags += [MetaTag("DC.title.alternative", title, code) for code, title in titles.items() if code != record.language]
    tags.append(MetaTag("DC.identifier", record.url))
    for edition in sorted_editions(publication.editions.all()):
        if edition.isbn:
            tags.append(MetaTag("DC.identifier", f"urn:isbn:{edition.isbn}"))
    if record.issn:
        tags.append(MetaTag("DC.relation.ispartof", f"urn:issn:{record.issn}"))
    for code in publication.available_languages or [record.language]:
        tags.append(MetaTag("DC.language", code))
    tags.append(MetaTag("DC.date", record.date.isoformat() if record.date else str(record.year)))
    if record.publisher:
        tags.append(MetaTag("DC.publisher", record.publisher))
    if record.author:
        tags.append(MetaTag("DC.creator", record.author))
    tags.append(MetaTag("DC.type", "Text"))
    return tags


def _open_graph_page_tags(title: str, og_type: str, url: str, language: str) -> list[MetaTag]:
    """The OpenGraph tags every page has: title, type, URL, its locale and the others, the site name."""
    tags = [
        MetaTag("og:title", title),
        MetaTag("og:type", og_type),
        MetaTag("og:url", url),
        MetaTag("og:locale", OG_LOCALES.get(language, language)),
    ]
    tags += [
        MetaTag("og:locale:alternate", OG_LOCALES.get(code, code))
        for code, _name in settings.LANGUAGES
        if code != language
    ]
    tags.append(MetaTag("og:site_name", gettext("IDM publications catalogue")))
    return tags


def _open_graph_tags(publication: Publication, record: CitationRecord, *, request, language: str) -> list[MetaTag]:
    tags = _open_graph_page_tags(record.full_title, "book", absolute_url_in(request, publication, language), language)
    if record.abstract:
        tags.append(MetaTag("og:description", _first_paragraph(record.abstract)))
    if publication.cover_image:
        tags.append(MetaTag("og:image", request.build_absolute_uri(publication.cover_image.url)))
        if publication.cover_alt:
            tags.append(MetaTag("og:image:alt", translated(publication, "cover_alt", language).value))
    if record.isbn:
        tags.append(MetaTag("book:isbn", record.isbn))
    if record.date:
        tags.append(MetaTag("book:release_date", record.date.isoformat()))
    return tags


def _first_paragraph(text: str) -> str:
    return text.strip().split("\n\n")[0].strip()


def workshop_metadata(workshop: Workshop, *, request, language: str | None = None) -> PageMetadata:
    """JSON-LD Event and OpenGraph tags for a workshop page in `language`."""
    language = page_language(language)
    title, title_language = translated(workshop, "title", language)
    description, _ = translated(workshop, "description", language)
    tags = _open_graph_page_tags(title, "website", absolute_url_in(request, workshop, language), language)
    if description:
        tags.append(MetaTag("og:description", _first_paragraph(description)))
    dublin_core = [
        MetaTag("DC.title", title, title_language),
        MetaTag("DC.identifier", absolute_url_in(request, workshop, language)),
        MetaTag("DC.type", "Event"),
    ]
    return PageMetadata(
        json_ld=workshop_json_ld(workshop, request=request, language=language),
        dublin_core_tags=dublin_core,
        open_graph_tags=tags,
    )
