"""OAI-PMH records as lxml trees: the header and the oai_dc metadata of a publication, a set's
description, and the element builders the verbs share. Built as trees, never by string formatting,
so they stay well-formed whatever the content."""

from django.conf import settings
from django.http import HttpRequest
from lxml import etree

from catalogue.i18n import content_languages
from catalogue.models import Publication

from ..marc import MARC_NS, MARC_SCHEMA, marc_element, marc_record
from ..record import PublicationRecord, publication_record
from .protocol import (
    DC_NS,
    OAI_DC_NS,
    OAI_DC_SCHEMA,
    OAI_NS,
    XML_LANG,
    XSI_NS,
    format_datestamp,
    publication_identifier_prefix,
    xml_text,
)
from .queries import OaiSet


def record_identifier(publication: Publication) -> str:
    return f"{publication_identifier_prefix()}{publication.slug}"


def header(publication: Publication) -> etree._Element:
    """A record's header: identifier, datestamp and the sets it belongs to (topics prefetched); a withdrawn
    publication's is marked deleted."""
    element = oai_element("header")
    if publication.is_withdrawn:
        element.set("status", "deleted")
    add_text(element, oai_element("identifier"), record_identifier(publication))
    add_text(element, oai_element("datestamp"), format_datestamp(publication.oai_datestamp))
    add_text(element, oai_element("setSpec"), f"series:{publication.series.slug}")
    for slug in sorted(topic.slug for topic in publication.topics.all()):
        add_text(element, oai_element("setSpec"), f"topic:{slug}")
    return element


def record(publication: Publication, request: HttpRequest, metadata_prefix: str = "oai_dc") -> etree._Element:
    """A record with its metadata in `metadata_prefix` (oai_dc or marc21)."""
    element = oai_element("record")
    element.append(header(publication))
    if not publication.is_withdrawn:  # a deleted record has a header only
        metadata = marc21(publication, request) if metadata_prefix == "marc21" else oai_dc(publication, request)
        oai_child(element, "metadata").append(metadata)
    return element


def marc21(publication: Publication, request: HttpRequest) -> etree._Element:
    """The publication's MARC 21 record (MARCXML), catalogued in the site's default language; the publication
    comes with what `Publication.objects.for_detail()` loads."""
    element = marc_element(marc_record(publication, request=request, language=settings.LANGUAGE_CODE))
    element.set(f"{{{XSI_NS}}}schemaLocation", f"{MARC_NS} {MARC_SCHEMA}")
    return element


def oai_dc(publication: Publication, request: HttpRequest) -> etree._Element:
    """The publication record as simple Dublin Core, every translation tagged with its xml:lang: the year as
    its date, the responsible body as creator, the series (its label and ISSNs) as relations."""
    record = publication_record(publication, request=request)
    dc = oai_dc_root()
    for language, title in _xml_values(record.full_titles()).items():
        add_text(dc, dc_element("title"), title, language)
    for language, creator in _xml_values(_per_language(record, record.creator)).items():
        add_text(dc, dc_element("creator"), creator, language)
    for names in record.topics:
        for language, name in _xml_values(names).items():
            add_text(dc, dc_element("subject"), name, language)
    for language, summary in _xml_values(record.summaries).items():
        add_text(dc, dc_element("description"), summary, language)
    for language, publisher in _xml_values(_per_language(record, record.publisher)).items():
        add_text(dc, dc_element("publisher"), publisher, language)
    add_text(dc, dc_element("date"), str(record.year))
    add_text(dc, dc_element("type"), "Text")
    for media_type in dict.fromkeys(edition.media_type for edition in record.editions if edition.media_type):
        add_text(dc, dc_element("format"), media_type)
    for isbn in record.isbns():
        add_text(dc, dc_element("identifier"), f"urn:isbn:{isbn}")
    for url in record.page_urls.values():
        add_text(dc, dc_element("identifier"), url)
    for language in record.languages:
        add_text(dc, dc_element("language"), language)
    labels = {code: record.series_label(code) for code in record.series.names}
    for language, label in _xml_values({label.language: label.value for label in labels.values()}).items():
        add_text(dc, dc_element("relation"), label, language)
    for issn in record.issns():
        add_text(dc, dc_element("relation"), f"urn:issn:{issn}")
    return dc


def _per_language(record: PublicationRecord, read) -> dict[str, str]:
    """`read(language)` for each content language, each value once under the language it is written in."""
    values = {}
    for code in content_languages():
        text = read(code)
        values.setdefault(text.language, text.value)
    return values


def _xml_values(values: dict[str, str]) -> dict[str, str]:
    """The values with some text left once made safe for XML, stripped."""
    values = {language: xml_text(value).strip() for language, value in values.items()}
    return {language: value for language, value in values.items() if value}


def oai_element(name: str) -> etree._Element:
    return etree.Element(f"{{{OAI_NS}}}{name}")


def oai_child(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{OAI_NS}}}{name}")


def dc_element(name: str) -> etree._Element:
    return etree.Element(f"{{{DC_NS}}}{name}")


def add_text(parent: etree._Element, element: etree._Element, text: str, language: str | None = None):
    """Append `element` with `text` (made safe for XML) to `parent`, with an xml:lang when given."""
    element.text = xml_text(text)
    if language:
        element.set(XML_LANG, language)
    parent.append(element)
    return element


def oai_dc_root() -> etree._Element:
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    return dc


def set_element(item: OaiSet) -> etree._Element:
    """A set of ListSets, with its titles and descriptions in every language as oai_dc."""
    element = oai_element("set")
    add_text(element, oai_element("setSpec"), item.spec)
    add_text(element, oai_element("setName"), item.name)
    if item.titles or item.descriptions:
        dc = oai_dc_root()
        for language, title in item.titles.items():
            add_text(dc, dc_element("title"), title, language)
        for language, description in item.descriptions.items():
            add_text(dc, dc_element("description"), description, language)
        oai_child(element, "setDescription").append(dc)
    return element
