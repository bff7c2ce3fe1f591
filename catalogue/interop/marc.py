"""MARC 21 bibliographic records (MARCXML) of publications, for library systems: the download beside the
citations (cite.marcxml) and the `marc21` metadata format of OAI-PMH.

One record describes a publication with all its editions (a text monograph in a series): ISBNs with their
qualifiers, ISSNs, languages (ISO 639-2/B), responsibility, titles in every language, place, publisher and
date, extent, series, contents, summary, topics, the workshops it reports on (meetings) and its links.
ISBD punctuation is omitted (leader/18 "c"): every subfield holds its value only.

Renders the publication record (`record.publication_record`: its year, languages, responsibility, place,
ISBN qualifiers), adding what only MARC carries: the table of contents and the workshops. Reads a publication
loaded with `Publication.objects.for_detail()`, so building a record runs no queries.
"""

import datetime

import pymarc
from django.utils import translation
from django.utils.translation import gettext, ngettext
from lxml import etree
from pymarc import Field, Indicators, Subfield

from catalogue.i18n import bibliographic_language_code, language_name, number_label, translated
from catalogue.models import Edition, Publication, Workshop

from .common import MEDIA_TYPES, one_line, workshop_location
from .record import EditionRecord, PublicationRecord, publication_record

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
    source = _Source(publication, publication_record(publication, request=request), language=language)
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


def _field(tag: str, indicators: str, *subfields: tuple[str, object]) -> Field:
    """A data field of the subfields that have a value, each made one line of text XML can carry."""
    kept = [Subfield(code, one_line(str(value))) for code, value in subfields if value]
    return Field(tag=tag, indicators=Indicators(*indicators), subfields=[s for s in kept if s.value])


class _Source:
    """The fields of a publication's MARC record. Transcribed elements (titles, responsibility, place,
    publisher, series, contents) are in the language of the title proper, the original's; the cataloguer's
    notes (extent, summary, subjects, meetings, labels) in the cataloguing `language`."""

    def __init__(self, publication: Publication, record: PublicationRecord, *, language: str):
        self.publication = publication
        self.record = record
        self.language = language
        self.title = record.title(record.original_language)  # the title proper, and its language

    @property
    def transcribed_language(self) -> str:
        return self.title.language

    @property
    def workshops(self) -> list[Workshop]:
        return list(self.publication.workshops.all())

    # Control fields

    def control_fields(self) -> list[Field]:
        changed = self.publication.content_changed_at.astimezone(datetime.UTC)
        fields = [
            Field(tag="001", data=self.record.uuid),
            Field(tag="005", data=changed.strftime("%Y%m%d%H%M%S.0")),
        ]
        if any(edition.media_type for edition in self.record.editions):
            # Electronic resource (c), remote (r), the remaining characteristics not coded.
            fields.append(Field(tag="007", data="cr |||||||||||"))
        fields.append(Field(tag="008", data=self.fixed_length_data()))
        return fields

    def fixed_length_data(self) -> str:
        """008 for books: entered, single known date (the record's year), place unknown, form, conference,
        language of the original."""
        entered = self.publication.created_at.astimezone(datetime.UTC).strftime("%y%m%d")
        editions = self.record.editions
        online_only = bool(editions) and all(edition.media_type for edition in editions)
        data = "".join(
            [
                f"{entered}s{self.record.year:04d}    xx ",  # 00-05 entered, 06-14 one known date, 15-17 place
                "     ",  # 18-21 illustrations, 22 target audience: not coded
                "o" if online_only else " ",  # 23 form of item: online, else regular print
                "    ",  # 24-27 nature of contents: none coded
                "|",  # 28 government publication: not coded
                "1" if self.workshops else "0",  # 29 conference publication: it reports on workshops
                "0",  # 30 not a festschrift
                "|",  # 31 index: not coded
                " ",  # 32 undefined
                "0",  # 33 not fiction
                " ",  # 34 no biographical material
                bibliographic_language_code(self.record.original_language),  # 35-37
                " d",  # 38 not modified, 39 cataloguing source: other
            ]
        )
        assert len(data) == 40, data
        return data

    # Data fields

    def data_fields(self) -> list[Field]:
        fields = [
            *self.identifiers(),
            *self.titles(),
            *self.responsibility(),
            *self.publication_statement(),
            *self.extent(),
            *self.series_statement(),
            *self.notes(),
            *self.subjects(),
            *[_meeting(workshop, self.language) for workshop in self.workshops],
            *self.links(),
        ]
        return sorted((field for field in fields if field.subfields), key=lambda field: field.tag)

    def identifiers(self) -> list[Field]:
        record = self.record
        fields = [
            _field("020", "  ", ("a", edition.isbn), *[("q", q) for q in self.qualifiers(edition)])
            for edition in record.editions
            if edition.isbn
        ]
        fields += [_field("022", "  ", ("a", issn)) for issn in record.issns()]
        fields.append(_field("024", "7 ", ("a", record.uuid), ("2", "uuid")))
        fields.append(_field("040", "  ", ("b", bibliographic_language_code(self.language)), ("e", "rda")))
        fields.append(_field("041", "0 ", *[("a", code) for code in record.languages_bibliographic]))
        fields.append(_field("088", "  ", ("a", record.reference_number)))
        return fields

    def qualifiers(self, edition: EditionRecord) -> list[str]:
        """What an edition's ISBN identifies (020 $q): its format as the record qualifies it, and its language."""
        return [edition.isbn_qualifier(self.language), language_name(edition.language, self.language)]

    def edition_label(self, edition: EditionRecord) -> str:
        """'English, PDF': which edition a 300 or 856 field is about ($3), in the cataloguing language."""
        return f"{language_name(edition.language, self.language)}, {edition.isbn_qualifier(self.language)}"

    # Transcribed, in the language of the title proper

    def titles(self) -> list[Field]:
        record, title = self.record, self.title
        author = record.corporate_author(title.language)
        fields = [
            _field(
                "245",
                f"{1 if author else 0}{nonfiling_characters(title.value, title.language)}",
                ("a", title),
                ("b", record.subtitle(title.language)),
                ("c", author),
            )
        ]
        for code, other in record.titles.items():
            if code != title.language:
                fields.append(_field("246", "31", ("a", other), ("b", record.subtitle(code))))
        return fields

    def responsibility(self) -> list[Field]:
        """110 for the body responsible for the content as stated; 710 for the publisher when it is another."""
        author = self.record.corporate_author(self.transcribed_language)
        publisher = self.record.publisher(self.transcribed_language)
        fields = [_field("110", "2 ", ("a", author), ("e", "author"))] if author else []
        if publisher.value != author.value:
            fields.append(_field("710", "2 ", ("a", publisher), ("e", "publisher")))
        return fields

    def publication_statement(self) -> list[Field]:
        language = self.transcribed_language
        record = self.record
        return [
            _field("264", " 1", ("a", record.place(language)), ("b", record.publisher(language)), ("c", record.year))
        ]

    def series_statement(self) -> list[Field]:
        name = self.record.series_name(self.transcribed_language)
        issn = self.record.issn(name.language)
        number = number_label(self.record.number, name.language)
        return [
            _field("490", "1 ", ("a", name), ("x", issn), ("v", number)),
            _field("830", " 0", ("a", name), ("x", issn), ("v", number)),
        ]

    # Described by the catalogue, in the cataloguing language

    def extent(self) -> list[Field]:
        fields = []
        for edition in self.record.editions:
            if edition.pages:
                with translation.override(self.language):
                    pages = ngettext("%(count)d page", "%(count)d pages", edition.pages) % {"count": edition.pages}
                fields.append(_field("300", "  ", ("3", self.edition_label(edition)), ("a", pages)))
        fields.append(_field("336", "  ", ("b", "txt"), ("2", "rdacontent")))
        formats = {edition.format for edition in self.record.editions}
        if formats & set(MEDIA_TYPES):
            fields.append(_field("337", "  ", ("b", "c"), ("2", "rdamedia")))
            fields.append(_field("338", "  ", ("b", "cr"), ("2", "rdacarrier")))
        if Edition.Format.PRINT in formats:
            fields.append(_field("337", "  ", ("b", "n"), ("2", "rdamedia")))
            fields.append(_field("338", "  ", ("b", "nc"), ("2", "rdacarrier")))
        return fields

    def notes(self) -> list[Field]:
        """505 the table of contents (in the language of the title proper), 520 the summary."""
        entries = [
            translated(entry, "title", self.transcribed_language).value for entry in self.publication.toc_entries.all()
        ]
        return [
            _field("505", "0 ", ("a", " -- ".join(one_line(entry) for entry in entries if one_line(entry)))),
            _field("520", "  ", ("a", self.record.summary(self.language))),
        ]

    def subjects(self) -> list[Field]:
        return [_field("650", " 4", ("a", name)) for name in self.record.topic_names(self.language)]

    def links(self) -> list[Field]:
        fields = [
            _field("856", "40", ("3", self.edition_label(edition)), ("u", edition.url), ("q", edition.media_type))
            for edition in self.record.editions
            if edition.url
        ]
        with translation.override(self.language):
            label = gettext("Catalogue page")
        fields.append(_field("856", "42", ("3", label), ("u", self.record.page_url(self.language))))
        return fields


def _meeting(workshop: Workshop, language: str) -> Field:
    """711: a workshop the publication reports on, as a meeting: its name, dates (ISO 8601) and place."""
    location = workshop_location(workshop, language)
    place = ", ".join(part for part in (location["city"], location["country_name"]) if part)
    dates = workshop.start_date.isoformat()
    if workshop.end_date != workshop.start_date:
        dates = f"{dates}/{workshop.end_date.isoformat()}"
    return _field("711", "2 ", ("a", translated(workshop, "title", language).value), ("d", dates), ("c", place))


def nonfiling_characters(title: str, language: str) -> int:
    """How many characters of `title` a library files it without: its leading article (245 second indicator)."""
    lowered = title.lower()
    for article in _ARTICLES.get(language, ()):
        if lowered.startswith(article) and len(title) > len(article):
            return min(len(article), 9)
    return 0
