"""MARC 21 bibliographic records (MARCXML) of publications, for library systems: the download beside the
citations (cite.marcxml) and the `marc21` metadata format of OAI-PMH.

One record describes a publication with all its editions (a text monograph in a series): ISBNs with their
qualifiers, ISSNs, languages (ISO 639-2/B), responsibility, titles in every language, place, publisher and
date, extent, series, contents, summary, topics, the workshops it reports on (meetings) and its links.
ISBD punctuation is omitted (leader/18 "c"): every subfield holds its value only.

Reads a publication loaded with `Publication.objects.for_detail()`, so building a record runs no queries.
"""

import datetime

import pycountry
import pymarc
from django.utils import translation
from django.utils.translation import gettext, ngettext
from lxml import etree
from pymarc import Field, Indicators, Subfield

from catalogue.i18n import language_name, number_label, translated, translations
from catalogue.models import Edition, Publication, TocEntry, Workshop

from .common import MEDIA_TYPES, absolute_url_in, one_line, workshop_location

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
CONTENT_TYPE = "application/marcxml+xml; charset=utf-8"
EXTENSION = "marcxml"

# Leader: new record (05), language material (06), monograph (07), Unicode (09), full level (17),
# ISBD punctuation omitted (18).
LEADER = "00000nam a2200000 c 4500"
# Leading articles a title is filed without (245 second indicator), by title language.
_ARTICLES = {
    "en": ("the ", "a ", "an "),
    "fr": ("les ", "le ", "la ", "l'", "l’", "un ", "une "),
    "es": ("los ", "las ", "el ", "la ", "lo ", "un ", "una "),
}


def marc_record(publication: Publication, *, request, language: str) -> pymarc.Record:
    """The MARC 21 record of `publication` with its editions, catalogued in `language` (notes, labels)."""
    source = _Source(publication, request=request, language=language)
    record = pymarc.Record(leader=LEADER, force_utf8=True)
    record.add_field(*source.control_fields(), *source.data_fields())
    return record


def marc_element(record: pymarc.Record) -> etree._Element:
    """`record` as a namespaced MARCXML <record> element (valid against MARC21slim.xsd)."""
    root = etree.Element(f"{{{MARC_NS}}}record", nsmap={"marc": MARC_NS})
    etree.SubElement(root, f"{{{MARC_NS}}}leader").text = str(record.leader)
    for field in record.get_fields():
        if field.control_field:
            element = etree.SubElement(root, f"{{{MARC_NS}}}controlfield", tag=field.tag)
            element.text = field.data
            continue
        element = etree.SubElement(
            root, f"{{{MARC_NS}}}datafield", tag=field.tag, ind1=field.indicator1, ind2=field.indicator2
        )
        for subfield in field.subfields:
            etree.SubElement(element, f"{{{MARC_NS}}}subfield", code=subfield.code).text = subfield.value
    return root


def marcxml_document(record: pymarc.Record) -> bytes:
    """A MARCXML file holding `record` in a <collection>, as library systems import them."""
    collection = etree.Element(f"{{{MARC_NS}}}collection", nsmap={None: MARC_NS})
    collection.append(marc_element(record))
    etree.cleanup_namespaces(collection, top_nsmap={None: MARC_NS})
    return etree.tostring(collection, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def marc_filename(publication: Publication) -> str:
    return f"{publication.slug}.{EXTENSION}"


def _field(tag: str, indicators: str, *subfields: tuple[str, str]) -> Field:
    """A data field of the subfields that have a value, each made one line of text XML can carry."""
    kept = [Subfield(code, one_line(str(value))) for code, value in subfields if value not in (None, "")]
    return Field(tag=tag, indicators=Indicators(*indicators), subfields=[s for s in kept if s.value])


class _Source:
    """What the record says, read from the publication and its prefetched rows."""

    def __init__(self, publication: Publication, *, request, language: str):
        self.publication = publication
        self.request = request
        self.language = language
        self.editions = list(publication.editions.all())

    # Control fields

    def control_fields(self) -> list[Field]:
        publication = self.publication
        changed = publication.content_changed_at.astimezone(datetime.UTC)
        fields = [
            Field(tag="001", data=str(publication.uuid)),
            Field(tag="005", data=changed.strftime("%Y%m%d%H%M%S.0")),
        ]
        if self.electronic:
            # Electronic resource (c), remote (r), the remaining characteristics not coded.
            fields.append(Field(tag="007", data="cr |||||||||||"))
        fields.append(Field(tag="008", data=self.fixed_length_data()))
        return fields

    def fixed_length_data(self) -> str:
        """008 for books: entered, single known date, place unknown, form, conference, language."""
        publication = self.publication
        entered = publication.created_at.astimezone(datetime.UTC).strftime("%y%m%d")
        online_only = bool(self.editions) and all(edition.format in MEDIA_TYPES for edition in self.editions)
        form = "o" if online_only else " "  # 23: online, else regular print
        conference = "1" if self.workshops else "0"  # 29
        data = "".join(
            [
                f"{entered}s{publication.year:04d}    xx ",  # 00-05 entered, 06-14 one known date, 15-17 place
                "     ",  # 18-21 illustrations, 22 target audience: not coded
                form,  # 23
                "    ",  # 24-27 nature of contents: none coded
                "|",  # 28 government publication: not coded
                conference,  # 29
                "0",  # 30 not a festschrift
                "|",  # 31 index: not coded
                " ",  # 32 undefined
                "0",  # 33 not fiction
                " ",  # 34 no biographical material
                marc_language(publication.original_language),  # 35-37
                " d",  # 38 not modified, 39 cataloguing source: other
            ]
        )
        assert len(data) == 40, data
        return data

    # Data fields

    def data_fields(self) -> list[Field]:
        fields = [
            *self.identifiers(),
            *self.responsibility_heading(),
            *self.titles(),
            *self.publication_statement(),
            *self.extent(),
            *self.series_statement(),
            *self.notes(),
            *self.subjects(),
            *self.added_entries(),
            *self.links(),
        ]
        return sorted((field for field in fields if field.control_field or field.subfields), key=_tag_order)

    @property
    def electronic(self) -> bool:
        return any(edition.format in MEDIA_TYPES for edition in self.editions)

    @property
    def workshops(self) -> list[Workshop]:
        return list(self.publication.workshops.all())

    def identifiers(self) -> list[Field]:
        publication = self.publication
        fields = [
            _field("020", "  ", ("a", edition.isbn), *[("q", q) for q in self.isbn_qualifiers(edition)])
            for edition in self.editions
            if edition.isbn
        ]
        issns = dict.fromkeys(publication.issn_for(language) for language in self.languages)
        fields += [_field("022", "  ", ("a", issn)) for issn in issns if issn]
        fields.append(_field("024", "7 ", ("a", str(publication.uuid)), ("2", "uuid")))
        fields.append(_field("040", "  ", ("b", marc_language(self.language)), ("e", "rda")))
        fields.append(_field("041", "0 ", *[("a", marc_language(language)) for language in self.languages]))
        fields.append(_field("088", "  ", ("a", publication.reference_number)))
        return fields

    @property
    def languages(self) -> list[str]:
        return self.publication.available_languages or [self.publication.original_language]

    def isbn_qualifiers(self, edition) -> list[str]:
        """020 $q: the edition's language and format, named in the cataloguing language."""
        with translation.override(self.language):
            return [language_name(edition.language, self.language), str(edition.get_format_display())]

    # Transcribed from the publication, in the language of its title

    @property
    def title_language(self) -> str:
        return translated(self.publication, "title", self.publication.original_language).language

    def text(self, instance, field: str) -> str:
        return translated(instance, field, self.title_language).value

    def responsibility_heading(self) -> list[Field]:
        author = self.text(self.publication, "corporate_author")
        return [_field("110", "2 ", ("a", author), ("e", "author"))] if author else []

    def titles(self) -> list[Field]:
        publication, language = self.publication, self.title_language
        title = self.text(publication, "title")
        subtitle = getattr(publication, f"subtitle_{language}", "") or ""
        author = self.text(publication, "corporate_author")
        fields = [
            _field(
                "245",
                f"{1 if author else 0}{nonfiling_characters(title, language)}",
                ("a", title),
                ("b", subtitle),
                ("c", author),
            )
        ]
        for other, other_title in _translations(publication, "title").items():
            if other != language and other_title != title:
                other_subtitle = getattr(publication, f"subtitle_{other}", "") or ""
                fields.append(_field("246", "31", ("a", other_title), ("b", other_subtitle)))
        return fields

    def publication_statement(self) -> list[Field]:
        publication = self.publication
        publisher = self.text(publication, "publisher") or self.text(publication, "corporate_author")
        place = self.text(publication, "place")
        return [_field("264", " 1", ("a", place), ("b", publisher), ("c", str(publication.year)))]

    def series_statement(self) -> list[Field]:
        publication = self.publication
        name = self.text(publication.series, "name")
        issn = publication.issn_for(self.title_language)
        number = number_label(publication.number, self.title_language)
        return [
            _field("490", "1 ", ("a", name), ("x", issn), ("v", number)),
            _field("830", " 0", ("a", name), ("x", issn), ("v", number)),
        ]

    def contents(self) -> list[TocEntry]:
        return list(self.publication.toc_entries.all())

    # Described by the catalogue, in the cataloguing language

    def extent(self) -> list[Field]:
        fields = []
        for edition in self.editions:
            if edition.pages:
                with translation.override(self.language):
                    pages = ngettext("%(count)d page", "%(count)d pages", edition.pages) % {"count": edition.pages}
                fields.append(_field("300", "  ", ("3", self.edition_label(edition)), ("a", pages)))
        fields.append(_field("336", "  ", ("b", "txt"), ("2", "rdacontent")))
        formats = {edition.format for edition in self.editions}
        if formats & set(MEDIA_TYPES):
            fields.append(_field("337", "  ", ("b", "c"), ("2", "rdamedia")))
            fields.append(_field("338", "  ", ("b", "cr"), ("2", "rdacarrier")))
        if Edition.Format.PRINT in formats:
            fields.append(_field("337", "  ", ("b", "n"), ("2", "rdamedia")))
            fields.append(_field("338", "  ", ("b", "nc"), ("2", "rdacarrier")))
        return fields

    def edition_label(self, edition: Edition) -> str:
        """'English, PDF' in the cataloguing language."""
        return ", ".join(self.isbn_qualifiers(edition))

    def notes(self) -> list[Field]:
        entries = [translated(entry, "title", self.title_language).value for entry in self.contents()]
        summary = translated(self.publication, "summary", self.language).value
        return [
            _field("505", "0 ", ("a", " -- ".join(entry for entry in entries if entry))),
            _field("520", "  ", ("a", summary)),
        ]

    def subjects(self) -> list[Field]:
        topics = sorted(self.publication.topics.all(), key=lambda topic: topic.slug)
        return [_field("650", " 4", ("a", translated(topic, "name", self.language).value)) for topic in topics]

    def added_entries(self) -> list[Field]:
        publication = self.publication
        fields = [_meeting(workshop, self.language) for workshop in self.workshops]
        publisher = self.text(publication, "publisher")
        if publisher and publisher != self.text(publication, "corporate_author"):
            fields.append(_field("710", "2 ", ("a", publisher), ("e", "publisher")))
        return fields

    def links(self) -> list[Field]:
        fields = []
        for edition in self.editions:
            if edition.download_url:
                fields.append(
                    _field(
                        "856",
                        "40",
                        ("3", self.edition_label(edition)),
                        ("u", self.request.build_absolute_uri(edition.download_url)),
                        ("q", MEDIA_TYPES.get(edition.format, "")),
                    )
                )
        page = absolute_url_in(self.request, self.publication, self.language)
        with translation.override(self.language):
            label = gettext("Catalogue page")
        fields.append(_field("856", "42", ("3", label), ("u", page)))
        return fields


def _meeting(workshop: Workshop, language: str) -> Field:
    """711: a workshop the publication reports on, as a meeting: name, place and dates."""
    location = workshop_location(workshop, language)
    place = ", ".join(part for part in (location["city"], location["country_name"]) if part)
    dates = workshop.start_date.isoformat()
    if workshop.end_date != workshop.start_date:
        dates = f"{dates}/{workshop.end_date.isoformat()}"
    return _field("711", "2 ", ("a", translated(workshop, "title", language).value), ("d", dates), ("c", place))


def _translations(instance, field: str) -> dict[str, str]:
    return {language: value for language, value in translations(instance, field).items() if one_line(value)}


def _tag_order(field: Field) -> str:
    return field.tag


def marc_language(code: str) -> str:
    """The MARC (ISO 639-2/B) code of the ISO 639-1 language `code`."""
    language = pycountry.languages.get(alpha_2=code)
    if language is None:
        return "und"
    return getattr(language, "bibliographic", language.alpha_3)


def nonfiling_characters(title: str, language: str) -> int:
    """How many characters of `title` a library files it without: its leading article (245 second indicator)."""
    lowered = title.lower()
    for article in _ARTICLES.get(language, ()):
        if lowered.startswith(article) and len(title) > len(article):
            return min(len(article), 9)
    return 0
