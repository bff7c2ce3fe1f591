"""Citation formats for a publication or edition: BibTeX, RIS, CSL-JSON and a formatted reference.

Each takes a `citation_record.CitationRecord`, so a publication and each of its editions
are cited the same way. The date every format cites is the catalogue publication year (BibTeX `year`,
RIS `PY`, CSL `issued`), never an edition's date nor the day it went online.
"""

import json
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from catalogue.i18n import number_label
from catalogue.identifiers import format_isbn

from .citation_record import CitationRecord
from .common import one_line

# Characters with a meaning in (La)TeX, written so BibTeX prints them literally.
_BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)


@dataclass(frozen=True)
class CitationFormat:
    """A downloadable citation format: file extension, media type and its writer."""

    extension: str
    content_type: str
    label: str

    def render(self, record: CitationRecord) -> str:
        return WRITERS[self.extension](record)

    def filename(self, key: str) -> str:
        return f"{key}.{self.extension}"


def bibtex_escape(text: str) -> str:
    """`text` with TeX's special characters escaped, on one line, without control characters."""
    return one_line(text).translate(_BIBTEX_ESCAPES)


def to_bibtex(record: CitationRecord) -> str:
    """A BibTeX @book entry (also read by biblatex: pagetotal, langid-free language code)."""
    fields = []
    if record.author:
        # Double braces: a corporate author, not a person's "Last, First".
        fields.append(("author", "{" + bibtex_escape(record.author) + "}"))
    fields.append(("title", bibtex_escape(record.full_title)))
    fields.append(("series", bibtex_escape(record.series)))
    fields.append(("number", str(record.series_number)))
    if record.publisher:
        fields.append(("publisher", bibtex_escape(record.publisher)))
    if record.place:
        fields.append(("address", bibtex_escape(record.place)))
    fields.append(("year", str(record.year)))
    if record.isbn:
        fields.append(("isbn", format_isbn(record.isbn)))
    if record.issn:
        fields.append(("issn", record.issn))
    if record.pages:
        fields.append(("pagetotal", str(record.pages)))
    fields.append(("language", record.language))
    if record.reference_number:
        fields.append(("note", bibtex_escape(record.reference_number)))
    fields.append(("url", record.url))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@book{{{record.key},\n{body}\n}}\n"


def to_ris(record: CitationRecord) -> str:
    """A RIS record (TY BOOK … ER), CRLF line endings as the format asks; each value on its line, without
    control characters, so no text can start a tag of its own."""
    lines = [("TY", "BOOK")]
    if record.author:
        lines.append(("AU", record.author))
    lines.append(("TI", record.full_title))
    lines.append(("T2", record.series))
    lines.append(("IS", str(record.series_number)))
    if record.publisher:
        lines.append(("PB", record.publisher))
    if record.place:
        lines.append(("CY", record.place))
    lines.append(("PY", str(record.year)))
    # RIS has one SN tag for ISBN or ISSN: the book's own number wins.
    if record.isbn or record.issn:
        lines.append(("SN", format_isbn(record.isbn) if record.isbn else record.issn))
    if record.pages:
        lines.append(("SP", str(record.pages)))
    lines.append(("LA", record.language))
    if record.reference_number:
        lines.append(("M1", record.reference_number))
    if record.abstract:
        lines.append(("AB", record.abstract))
    lines.append(("UR", record.url))
    if record.pdf_url:
        lines.append(("L1", record.pdf_url))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {one_line(value)}\r\n" for tag, value in lines)


def to_csl_data(record: CitationRecord) -> dict:
    """The CSL-JSON item (citeproc's input format) for `record`."""
    item = {
        "id": record.key,
        "type": "book",
        "title": record.full_title,
        "collection-title": record.series,
        "collection-number": record.series_number,
        "issued": {"date-parts": [[record.year]]},
        "language": record.language,
        "URL": record.url,
    }
    if record.author:
        item["author"] = [{"literal": record.author}]
    if record.publisher:
        item["publisher"] = record.publisher
    if record.place:
        item["publisher-place"] = record.place
    if record.isbn:
        item["ISBN"] = format_isbn(record.isbn)
    if record.issn:
        item["ISSN"] = record.issn
    if record.pages:
        item["number-of-pages"] = record.pages
    if record.reference_number:
        item["number"] = record.reference_number
    if record.abstract:
        item["abstract"] = record.abstract
    return item


def to_csl_json(record: CitationRecord) -> str:
    """A CSL-JSON file: an array holding the one item."""
    return json.dumps([to_csl_data(record)], ensure_ascii=False, indent=2) + "\n"


def _lang_attribute(language: str, page_language: str) -> SafeString:
    return format_html(' lang="{}"', language) if language != page_language else mark_safe("")


def _in_language(text: str, language: str, page_language: str) -> SafeString:
    """`text`, in a <span lang="xx"> when it is not written in the page's language."""
    if language == page_language:
        return format_html("{}", text)
    return format_html('<span lang="{}">{}</span>', language, text)


def formatted_citation(record: CitationRecord, *, page_language: str) -> SafeString:
    """An APA-like reference as HTML, in the page's language:

    Corporate author (Year). <cite>Title</cite> (Series, No. N). Publisher. URL

    Each text keeps the language it is written in (lang="xx" where it differs from the page's);
    the publisher is left out when it is the author, as APA does.
    """
    parts = [
        format_html("{} ({}).", _in_language(record.author, record.author_language, page_language), record.year),
        format_html(
            "<cite{}>{}</cite> ({}, {}).",
            _lang_attribute(record.title_language, page_language),
            record.full_title,
            _in_language(record.series, record.series_language, page_language),
            number_label(record.series_number, page_language),
        ),
    ]
    if record.publisher and record.publisher != record.author:
        parts.append(format_html("{}.", _in_language(record.publisher, record.publisher_language, page_language)))
    parts.append(format_html('<a href="{}">{}</a>', record.url, record.url))
    return mark_safe(" ".join(parts))  # every part is built by format_html


WRITERS = {"bib": to_bibtex, "ris": to_ris, "json": to_csl_json}
FORMATS = {
    "bib": CitationFormat("bib", "application/x-bibtex; charset=utf-8", "BibTeX"),
    "ris": CitationFormat("ris", "application/x-research-info-systems; charset=utf-8", "RIS"),
    "json": CitationFormat("json", "application/vnd.citationstyles.csl+json; charset=utf-8", "CSL-JSON"),
}
