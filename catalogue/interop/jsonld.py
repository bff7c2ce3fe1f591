"""schema.org JSON-LD for publication pages (a Book with its editions), read from objects the detail view
already fetched, so it runs no queries. Workshop pages' Events are in events.py."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from catalogue.models import Edition

from .record import EditionRecord, PublicationRecord

SCHEMA_ORG = "https://schema.org"

# schema.org BookFormatType members for our edition formats.
BOOK_FORMATS = {
    Edition.Format.PDF: "https://schema.org/EBook",
    Edition.Format.EPUB: "https://schema.org/EBook",
    Edition.Format.HTML: "https://schema.org/EBook",
    Edition.Format.PRINT: "https://schema.org/Paperback",
}
OFFER_AVAILABILITY = {
    Edition.Availability.AVAILABLE: "https://schema.org/InStock",
    Edition.Availability.ELECTRONIC_ONLY: "https://schema.org/OnlineOnly",
    Edition.Availability.PRINT_ON_DEMAND: "https://schema.org/MadeToOrder",
    Edition.Availability.OUT_OF_PRINT: "https://schema.org/Discontinued",
}


def json_ld_script(data: dict) -> SafeString:
    """`<script type="application/ld+json">` holding `data`, escaped so no content can close the element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None, separators=(",", ":"))
    # The same escapes as Django's json_script filter: <, > and & never appear literally.
    text = text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def publication_json_ld(record: PublicationRecord, *, language: str) -> dict:
    """A schema.org Book read from the publication record: the work (dated by its publication year), its
    series, and one work example per edition (dated by the edition's own date)."""
    page_url = record.page_url(language)
    title = record.title(language)
    summary = record.summary(title.language)
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Book",
        "@id": f"{page_url}#work",
        "url": page_url,
        "name": title.value,
        "inLanguage": title.language,
        "datePublished": str(record.year),
        "position": record.number,
        "isPartOf": _series_json_ld(record, language=title.language),
    }
    subtitle = record.subtitle(title.language)
    if subtitle:
        data["alternativeHeadline"] = subtitle
    if summary and summary.language == title.language:
        data["description"] = summary.value
    data["author"] = {"@type": "Organization", "name": record.creator(title.language).value}
    publisher = {"@type": "Organization", "name": record.publisher(title.language).value}
    place = record.place(title.language)
    if place:
        publisher["location"] = {"@type": "Place", "name": place.value}
    data["publisher"] = publisher
    if record.reference_number:
        data["identifier"] = record.reference_number
    topics = [name.value for name in record.topic_names(language)]
    if topics:
        data["keywords"] = topics
    if record.cover_url:
        data["image"] = record.cover_url
    if record.editions:
        data["workExample"] = [_edition_json_ld(record, edition, page_url=page_url) for edition in record.editions]
    return data


def _series_json_ld(record: PublicationRecord, *, language: str) -> dict:
    data = {"@type": "BookSeries", "name": record.series_name(language).value}
    issns = [issn for issn, _language, _medium in record.series.issns]
    if issns:
        data["issn"] = issns if len(issns) > 1 else issns[0]
    return data


def _edition_id(page_url: str, edition: EditionRecord) -> str:
    return f"{page_url}#edition-{edition.language}-{edition.format}"


def _edition_json_ld(record: PublicationRecord, edition: EditionRecord, *, page_url: str) -> dict:
    data = {"@type": "Book", "@id": _edition_id(page_url, edition)}
    # Named only by a title written in the edition's language: a fallback title is not the edition's name.
    if edition.title:
        data["name"] = edition.title.value
    data["inLanguage"] = edition.language
    data["bookFormat"] = BOOK_FORMATS[edition.format]
    if edition.isbn:
        data["isbn"] = edition.isbn
    if edition.pages:
        data["numberOfPages"] = edition.pages
    if edition.date:
        data["datePublished"] = edition.date.isoformat()
    if edition.url:
        data["url"] = edition.url
        if edition.media_type:
            data["encodingFormat"] = edition.media_type
    if edition.price is not None:
        data["offers"] = {"@type": "Offer", "price": f"{edition.price:.2f}", "priceCurrency": edition.currency}
        if edition.availability:  # empty: not stated
            data["offers"]["availability"] = OFFER_AVAILABILITY[edition.availability]
    # Editions in the original language are the work the others translate.
    originals = [other for other in record.editions if other.is_original]
    if edition.is_original:
        translated_editions = [_edition_id(page_url, other) for other in record.editions if not other.is_original]
        if translated_editions:
            data["workTranslation"] = [{"@id": other} for other in translated_editions]
    elif originals:
        source = next((other for other in originals if other.format == edition.format), originals[0])
        data["translationOfWork"] = {"@id": _edition_id(page_url, source)}
    return data
