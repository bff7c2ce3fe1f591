"""schema.org JSON-LD for publication pages (a Book with its editions), read from objects the detail view
already fetched, so it runs no queries. Workshop pages' Events are in events.py."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from catalogue.i18n import translated, translations
from catalogue.models import Edition, Publication

from .common import MEDIA_TYPES, absolute_url_in, corporate_author, same_language_text

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
    subtitle, _ = same_language_text(publication, "subtitle", title_language)
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
