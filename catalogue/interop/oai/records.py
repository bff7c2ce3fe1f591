"""OAI-PMH records as lxml trees: the header and the oai_dc metadata of a publication, a set's
description, and the element builders the verbs share. Built as trees, never by string formatting,
so they stay well-formed whatever the content."""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from lxml import etree

from catalogue.models import Publication

from ..common import MEDIA_TYPES
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
    xml_translations,
)
from .queries import OaiSet


def record_identifier(publication: Publication) -> str:
    return f"{publication_identifier_prefix()}{publication.uuid}"


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


def record(publication: Publication, request: HttpRequest) -> etree._Element:
    element = oai_element("record")
    element.append(header(publication))
    if not publication.is_withdrawn:  # a deleted record has a header only
        oai_child(element, "metadata").append(oai_dc(publication, request))
    return element


def oai_dc(publication: Publication, request: HttpRequest) -> etree._Element:
    """The publication as simple Dublin Core, every translation tagged with its xml:lang."""
    dc = oai_dc_root()
    editions = list(publication.editions.all())
    for language, title in _full_titles(publication).items():
        add_text(dc, dc_element("title"), title, language)
    for language, author in xml_translations(publication, "corporate_author").items():
        add_text(dc, dc_element("creator"), author, language)
    for topic in sorted(publication.topics.all(), key=lambda topic: topic.slug):
        for language, name in xml_translations(topic, "name").items():
            add_text(dc, dc_element("subject"), name, language)
    for language, summary in xml_translations(publication, "summary").items():
        add_text(dc, dc_element("description"), summary, language)
    for language, publisher in xml_translations(publication, "publisher").items():
        add_text(dc, dc_element("publisher"), publisher, language)
    add_text(dc, dc_element("date"), str(publication.year))
    add_text(dc, dc_element("type"), "Text")
    for media_type in dict.fromkeys(MEDIA_TYPES[e.format] for e in editions if e.format in MEDIA_TYPES):
        add_text(dc, dc_element("format"), media_type)
    for isbn in dict.fromkeys(edition.isbn for edition in editions if edition.isbn):
        add_text(dc, dc_element("identifier"), f"urn:isbn:{isbn}")
    languages = list(dict.fromkeys(edition.language for edition in editions)) or [publication.original_language]
    for issn in dict.fromkeys(publication.issn_for(language) for language in languages):
        if issn:
            add_text(dc, dc_element("identifier"), f"urn:issn:{issn}")
    for url in public_urls(publication, request):
        add_text(dc, dc_element("identifier"), url)
    for language in languages:
        add_text(dc, dc_element("language"), language)
    return dc


def _full_titles(publication: Publication) -> dict[str, str]:
    """Each language's title followed by its subtitle, if any, the way that language punctuates it."""
    subtitles = xml_translations(publication, "subtitle")
    titles = xml_translations(publication, "title")
    for language, subtitle in subtitles.items():
        if language in titles:
            separator = " : " if language == "fr" else ": "
            titles[language] = f"{titles[language]}{separator}{subtitle}"
    return titles


def public_urls(publication: Publication, request: HttpRequest) -> list[str]:
    """The publication's page in each interface language."""
    urls = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            urls.append(request.build_absolute_uri(publication.get_absolute_url()))
    return urls


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
