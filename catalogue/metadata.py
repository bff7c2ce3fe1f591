"""Machine-readable descriptions of publications and workshops for their public pages.

Builds schema.org JSON-LD, Highwire/Google Scholar `citation_*`, Dublin Core and
OpenGraph tags, and the bibliographic record the citation formats share. Everything
is read from objects the detail views already fetched with their related rows
(`Publication.objects.published().for_detail()`), so building it runs no queries.
"""

import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy
from django_countries import countries

# Imported from here by feeds and calendars too.
from .i18n import translated, translations
from .models import Edition, Publication, Workshop

SCHEMA_ORG = "https://schema.org"
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"

# schema.org BookFormatType members for our edition formats.
BOOK_FORMATS = {
    Edition.Format.PDF: "https://schema.org/EBook",
    Edition.Format.EPUB: "https://schema.org/EBook",
    Edition.Format.HTML: "https://schema.org/EBook",
    Edition.Format.PRINT: "https://schema.org/Paperback",
}
MEDIA_TYPES = {
    Edition.Format.PDF: "application/pdf",
    Edition.Format.EPUB: "application/epub+zip",
    Edition.Format.HTML: "text/html",
}
OFFER_AVAILABILITY = {
    Edition.Availability.AVAILABLE: "https://schema.org/InStock",
    Edition.Availability.ELECTRONIC_ONLY: "https://schema.org/OnlineOnly",
    Edition.Availability.PRINT_ON_DEMAND: "https://schema.org/MadeToOrder",
    Edition.Availability.OUT_OF_PRINT: "https://schema.org/Discontinued",
}
# The organisation whose catalogue this is: the corporate author of a publication that names none,
# and the author of the feeds.
ORGANISATION_NAME = gettext_lazy("International Organization for Migration")
# OpenGraph wants language_TERRITORY.
OG_LOCALES = {"en": "en_US", "fr": "fr_FR", "es": "es_ES"}
# Electronic formats come first when one edition has to stand for a language.
FORMAT_PREFERENCE = [Edition.Format.PDF, Edition.Format.EPUB, Edition.Format.HTML, Edition.Format.PRINT]


def absolute_url_in(request, instance, language: str) -> str:
    """The absolute URL of `instance`'s page in the interface `language`."""
    with translation.override(language):
        return request.build_absolute_uri(instance.get_absolute_url())


def number_label(number: int, language: str) -> str:
    """'No. 28' in `language` ('n° 28', 'n.º 28')."""
    with translation.override(language):
        # The same message as the pages' "No. {{ number }}", so one translation serves both.
        return gettext("No. %(number)s") % {"number": number}


def series_number_label(series, number: int, language: str) -> str:
    """'International Dialogue on Migration No. 28' in `language` (the series name falls back if untranslated)."""
    name, _name_language = translated(series, "name", language)
    return f"{name} {number_label(number, language)}"


def corporate_author(publication: Publication, language: str) -> tuple[str, str]:
    """(name, its language) of the body that authored `publication`: its own, else the catalogue's organisation."""
    author, author_language = translated(publication, "corporate_author", language)
    return (author, author_language) if author else (organisation_name(language), language)


def organisation_name(language: str) -> str:
    """The catalogue's organisation, named in `language`."""
    with translation.override(language):
        return str(ORGANISATION_NAME)


def sorted_editions(editions) -> list[Edition]:
    """Editions with electronic formats first, keeping their given order otherwise."""
    return sorted(editions, key=lambda edition: FORMAT_PREFERENCE.index(edition.format))


def preferred_edition(publication: Publication, language: str) -> Edition | None:
    """The edition that stands for `publication` in `language` (electronic first), if there is one."""
    candidates = [edition for edition in publication.editions.all() if edition.language == language]
    return sorted_editions(candidates)[0] if candidates else None


def edition_title_language(edition: Edition) -> str:
    """The language to title an edition in: its own when it is a translated one, else the fallback's."""
    return edition.language if edition.language in settings.MODELTRANSLATION_LANGUAGES else settings.LANGUAGE_CODE


def json_ld_script(data: dict) -> SafeString:
    """`<script type="application/ld+json">` holding `data`, escaped so no content can close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None, separators=(",", ":"))
    # The same escapes as Django's json_script filter: <, > and & never appear literally.
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


# ---------------------------------------------------------------------------------------------
# The bibliographic record behind every citation format.


@dataclass(frozen=True)
class CitationRecord:
    """What a reference manager needs to cite a publication or one of its editions.

    Every text field is read in the citation's language with its own fallback; `<field>_language`
    says which language each one is written in.
    """

    key: str
    title: str
    subtitle: str
    title_language: str
    language: str
    author: str
    author_language: str
    publisher: str
    publisher_language: str
    year: int
    date: datetime.date | None
    series: str
    series_language: str
    series_number: int
    isbn: str
    issn: str
    pages: int | None
    url: str
    pdf_url: str
    reference_number: str
    abstract: str
    abstract_language: str

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title


def citation_record(publication: Publication, *, request, language: str, edition: Edition | None = None):
    """The record citing `publication` as read in the page's `language`, or citing one of its `edition`s.

    A publication is cited in the page's language, with the identifiers of its edition in that
    language (else of the edition in its title's language); an edition is cited in its own language.
    Each field falls back on its own when it is not written in the citation's language.
    """
    if edition is None:
        citation_language = language
        title, title_language = translated(publication, "title", citation_language)
        edition = preferred_edition(publication, citation_language) or preferred_edition(publication, title_language)
        cited_language = edition.language if edition else title_language
        key = publication.slug
        url = absolute_url_in(request, publication, language)
    else:
        citation_language = edition_title_language(edition)
        title, title_language = translated(publication, "title", citation_language)
        cited_language = edition.language
        key = f"{publication.slug}-{edition.language}-{edition.format}"
        page_language = edition.language if edition.language in settings.MODELTRANSLATION_LANGUAGES else language
        url = absolute_url_in(request, publication, page_language)
    # A subtitle belongs with its title: only in the title's language.
    subtitle, _subtitle_language = _same_language_text(publication, "subtitle", title_language)
    abstract, abstract_language = translated(publication, "summary", citation_language)
    author, author_language = corporate_author(publication, citation_language)
    publisher, publisher_language = translated(publication, "publisher", citation_language)
    series_name, series_language = translated(publication.series, "name", citation_language)
    pdf_edition = _pdf_edition(publication, cited_language)
    return CitationRecord(
        key=key,
        title=title,
        subtitle=subtitle,
        title_language=title_language,
        language=cited_language,
        author=author,
        author_language=author_language,
        publisher=publisher or author,
        publisher_language=publisher_language if publisher else author_language,
        year=publication.year,
        date=edition.date if edition else None,
        series=series_name,
        series_language=series_language,
        series_number=publication.number,
        isbn=edition.isbn if edition else "",
        issn=publication.issn_for(cited_language),
        pages=edition.pages if edition else None,
        url=url,
        pdf_url=request.build_absolute_uri(pdf_edition.download_url) if pdf_edition else "",
        reference_number=publication.reference_number,
        abstract=abstract,
        abstract_language=abstract_language,
    )


def _same_language_text(instance, field_name: str, language: str) -> tuple[str, str]:
    """A field in exactly `language` (so a record never mixes languages), or nothing."""
    value = getattr(instance, f"{field_name}_{language}", None) or ""
    return value, language


def _pdf_edition(publication: Publication, language: str) -> Edition | None:
    pdfs = [edition for edition in publication.editions.all() if edition.download_url]
    pdfs = [edition for edition in pdfs if edition.format == Edition.Format.PDF]
    for edition in pdfs:
        if edition.language == language:
            return edition
    return None


# ---------------------------------------------------------------------------------------------
# Publication pages.


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
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    record = citation_record(publication, request=request, language=language)
    return PageMetadata(
        json_ld=publication_json_ld(publication, request=request, language=language),
        citation_tags=_citation_tags(publication, record),
        dublin_core_tags=_dublin_core_tags(publication, record),
        open_graph_tags=_open_graph_tags(publication, record, request=request, language=language),
    )


def publication_json_ld(publication: Publication, *, request, language: str) -> dict:
    """A schema.org Book: the work, its series, and one work example per edition."""
    page_url = absolute_url_in(request, publication, language)
    title, title_language = translated(publication, "title", language)
    summary, summary_language = translated(publication, "summary", language)
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Book",
        "@id": f"{page_url}#work",
        "url": page_url,
        "name": title,
        "inLanguage": title_language,
        "datePublished": str(publication.year),
        "position": publication.number,
        "isPartOf": _series_json_ld(publication, language=language),
    }
    subtitle, _ = _same_language_text(publication, "subtitle", title_language)
    if subtitle:
        data["alternativeHeadline"] = subtitle
    if summary and summary_language == title_language:
        data["description"] = summary
    author, _ = corporate_author(publication, language)
    data["author"] = {"@type": "Organization", "name": author}
    publisher, _ = translated(publication, "publisher", language)
    data["publisher"] = {"@type": "Organization", "name": publisher or author}
    if publication.reference_number:
        data["identifier"] = publication.reference_number
    topics = [translated(topic, "name", language).value for topic in publication.topics.all()]
    if topics:
        data["keywords"] = topics
    if publication.cover_image:
        data["image"] = request.build_absolute_uri(publication.cover_image.url)
    editions = list(publication.editions.all())
    if editions:
        data["workExample"] = [
            _edition_json_ld(publication, edition, editions, page_url=page_url, request=request) for edition in editions
        ]
    return data


def _series_json_ld(publication: Publication, *, language: str) -> dict:
    series = publication.series
    name, _ = translated(series, "name", language)
    issns = [row.issn for row in series.issns.all()]
    data = {"@type": "BookSeries", "name": name}
    if issns:
        data["issn"] = issns if len(issns) > 1 else issns[0]
    return data


def _edition_id(page_url: str, edition: Edition) -> str:
    return f"{page_url}#edition-{edition.language}-{edition.format}"


def _edition_json_ld(publication: Publication, edition: Edition, editions: list[Edition], *, page_url, request) -> dict:
    data = {"@type": "Book", "@id": _edition_id(page_url, edition)}
    # Named only by a title written in the edition's language: a fallback title is not the edition's name.
    title = translations(publication, "title").get(edition.language)
    if title:
        data["name"] = title
    data["inLanguage"] = edition.language
    data["bookFormat"] = BOOK_FORMATS[edition.format]
    if edition.isbn:
        data["isbn"] = edition.isbn
    if edition.pages:
        data["numberOfPages"] = edition.pages
    if edition.date:
        data["datePublished"] = edition.date.isoformat()
    if edition.download_url:
        data["url"] = request.build_absolute_uri(edition.download_url)
        if edition.format in MEDIA_TYPES:
            data["encodingFormat"] = MEDIA_TYPES[edition.format]
    if edition.price is not None:
        data["offers"] = {"@type": "Offer", "price": f"{edition.price:.2f}", "priceCurrency": edition.currency}
        if edition.availability:  # empty: not stated
            data["offers"]["availability"] = OFFER_AVAILABILITY[edition.availability]
    # Editions in the original language are the work the others translate.
    original = publication.original_language
    originals = [other for other in editions if other.language == original]
    if edition.language == original:
        translated_editions = [_edition_id(page_url, other) for other in editions if other.language != original]
        if translated_editions:
            data["workTranslation"] = [{"@id": other} for other in translated_editions]
    elif originals:
        source = next((other for other in originals if other.format == edition.format), originals[0])
        data["translationOfWork"] = {"@id": _edition_id(page_url, source)}
    return data


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


# ---------------------------------------------------------------------------------------------
# Workshop pages.


def workshop_span(workshop: Workshop) -> tuple[datetime.date | datetime.datetime, datetime.date | datetime.datetime]:
    """When a workshop starts and ends: the first (last) session's time on its first (last) day, else the date."""
    items = list(workshop.agenda_items.all())
    starts = [item.starts_at for item in items if item.date == workshop.start_date]
    ends = [item.ends_at or item.starts_at for item in items if item.date == workshop.end_date]
    start = min(starts) if starts and None not in starts else workshop.start_date
    end = max(ends) if ends and None not in ends else workshop.end_date
    return start, end


def workshop_location(workshop: Workshop, language: str) -> dict[str, str]:
    """Venue, city and country of a workshop as written in `language`."""
    venue, _ = translated(workshop, "venue", language)
    city, _ = translated(workshop, "city", language)
    with translation.override(language):
        country_name = str(countries.name(workshop.country.code)) if workshop.country else ""
    return {"venue": venue, "city": city, "country": workshop.country.code or "", "country_name": country_name}


def workshop_location_text(workshop: Workshop, language: str) -> str:
    """'Salle XVIII, Palais des Nations, Geneva, Switzerland'."""
    location = workshop_location(workshop, language)
    return ", ".join(part for part in (location["venue"], location["city"], location["country_name"]) if part)


def workshop_metadata(workshop: Workshop, *, request, language: str | None = None) -> PageMetadata:
    """JSON-LD Event and OpenGraph tags for a workshop page in `language`."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
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


def _iso(value: datetime.date | datetime.datetime) -> str:
    return value.isoformat()


def workshop_json_ld(workshop: Workshop, *, request, language: str) -> dict:
    """A schema.org Event with its place, the report that records it and its sessions as sub-events."""
    page_url = absolute_url_in(request, workshop, language)
    title, title_language = translated(workshop, "title", language)
    description, description_language = translated(workshop, "description", language)
    start, end = workshop_span(workshop)
    place = _place_json_ld(workshop, language)
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Event",
        "@id": f"{page_url}#event",
        "url": page_url,
        "name": title,
        "inLanguage": title_language,
        "startDate": _iso(start),
        "endDate": _iso(end),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
    }
    if description and description_language == title_language:
        data["description"] = description
    report = workshop.publication
    if report is not None and report.is_public:
        report_title, _ = translated(report, "title", language)
        data["recordedIn"] = {
            "@type": "Book",
            "@id": f"{absolute_url_in(request, report, language)}#work",
            "name": report_title,
            "url": absolute_url_in(request, report, language),
        }
    items = list(workshop.agenda_items.all())
    if items:
        data["subEvent"] = [
            _agenda_item_json_ld(item, page_url=page_url, place=place, language=language) for item in items
        ]
    return data


def _place_json_ld(workshop: Workshop, language: str) -> dict:
    location = workshop_location(workshop, language)
    address = {"@type": "PostalAddress", "addressLocality": location["city"], "addressCountry": location["country"]}
    place = {"@type": "Place", "address": address}
    place["name"] = location["venue"] or location["city"]
    return place


def _agenda_item_json_ld(item, *, page_url: str, place: dict, language: str) -> dict:
    title, _ = translated(item, "title", language)
    data = {
        "@type": "Event",
        "@id": f"{page_url}#session-{item.position}",
        "name": title,
        "startDate": _iso(item.starts_at or item.date),
        "location": place,
    }
    if item.ends_at is not None:
        data["endDate"] = _iso(item.ends_at)
    description, _ = translated(item, "description", language)
    if description:
        data["description"] = description
    speakers = {participation.speaker_id: participation.speaker for participation in item.participations.all()}
    performers = [_person_json_ld(speaker, language) for speaker in speakers.values()]
    if performers:
        data["performer"] = performers
    return data


def _person_json_ld(speaker, language: str) -> dict:
    data = {"@type": "Person", "name": speaker.name}
    position, _ = translated(speaker, "position", language)
    if position:
        data["jobTitle"] = position
    affiliation, _ = translated(speaker, "affiliation", language)
    if affiliation:
        data["affiliation"] = {"@type": "Organization", "name": affiliation}
    return data
