"""What a page's <head> tells machines about its subject: Highwire/Google Scholar `citation_*`,
Dublin Core and OpenGraph tags, and the JSON-LD, gathered in one PageMetadata."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from catalogue.i18n import page_language, translated
from catalogue.models import Publication, Workshop

from .citation_record import CitationRecord, cite
from .common import absolute_url_in
from .events import workshop_json_ld
from .jsonld import json_ld_script, publication_json_ld
from .record import PublicationRecord, publication_record

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
    """JSON-LD, citation_*, Dublin Core and OpenGraph for a publication page in `language`, all read from
    the one publication record."""
    language = page_language(language)
    record = publication_record(publication, request=request)
    citation = cite(record, language=language)
    return PageMetadata(
        json_ld=publication_json_ld(record, language=language),
        citation_tags=_citation_tags(record, citation),
        dublin_core_tags=_dublin_core_tags(record, citation),
        open_graph_tags=_open_graph_tags(publication, record, citation, language=language),
    )


def _citation_tags(record: PublicationRecord, citation: CitationRecord) -> list[MetaTag]:
    """Highwire Press tags, as Google Scholar and Zotero read them: the citation in one language (its title's),
    every ISBN of the publication (the cited edition's first), the publication year and the online date."""
    tags = [MetaTag("citation_title", citation.full_title, citation.title_language)]
    tags.append(MetaTag("citation_author", citation.author, citation.author_language))
    isbns = [citation.isbn] if citation.isbn else []
    isbns += [isbn for isbn in record.isbns() if isbn not in isbns]
    tags += [MetaTag("citation_isbn", isbn) for isbn in isbns]
    if citation.issn:
        tags.append(MetaTag("citation_issn", citation.issn))
    tags.append(MetaTag("citation_series_title", citation.series, citation.series_language))
    tags.append(MetaTag("citation_publication_date", str(citation.year)))
    if citation.online_date:
        tags.append(MetaTag("citation_online_date", citation.online_date.strftime("%Y/%m/%d")))
    tags.append(MetaTag("citation_language", citation.language))
    tags.append(MetaTag("citation_publisher", citation.publisher, citation.publisher_language))
    if citation.reference_number:
        # A report number names the institution that numbered it: the publisher.
        tags.append(MetaTag("citation_technical_report_institution", citation.publisher, citation.publisher_language))
        tags.append(MetaTag("citation_technical_report_number", citation.reference_number))
    if citation.pdf_url:
        tags.append(MetaTag("citation_pdf_url", citation.pdf_url))
    tags.append(MetaTag("citation_abstract_html_url", citation.url))
    return tags


def _dublin_core_tags(record: PublicationRecord, citation: CitationRecord) -> list[MetaTag]:
    """Dublin Core elements (DC.*), one DC.title per translation with its language."""
    tags = [MetaTag("DC.title", citation.full_title, citation.title_language)]
    tags += [
        MetaTag("DC.title.alternative", title, code)
        for code, title in record.full_titles().items()
        if code != citation.title_language
    ]
    tags.append(MetaTag("DC.identifier", citation.url))
    tags += [MetaTag("DC.identifier", f"urn:isbn:{isbn}") for isbn in record.isbns()]
    if citation.issn:
        tags.append(MetaTag("DC.relation.ispartof", f"urn:issn:{citation.issn}"))
    tags += [MetaTag("DC.language", code) for code in record.languages]
    tags.append(MetaTag("DC.date", str(citation.year)))
    tags.append(MetaTag("DC.publisher", citation.publisher, citation.publisher_language))
    tags.append(MetaTag("DC.creator", citation.author, citation.author_language))
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


def _open_graph_tags(publication: Publication, record: PublicationRecord, citation: CitationRecord, *, language):
    tags = _open_graph_page_tags(citation.full_title, "book", record.page_url(language), language)
    # A preview's text, in the page's language wherever the title is read from.
    summary = record.summary(language)
    if summary:
        tags.append(MetaTag("og:description", _first_paragraph(summary.value)))
    if record.cover_url:
        tags.append(MetaTag("og:image", record.cover_url))
        if publication.cover_alt:
            tags.append(MetaTag("og:image:alt", translated(publication, "cover_alt", language).value))
    if citation.isbn:
        tags.append(MetaTag("book:isbn", citation.isbn))
    tags.append(MetaTag("book:release_date", str(citation.year)))
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
