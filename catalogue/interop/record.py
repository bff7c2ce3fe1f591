"""The one metadata record of a publication and of each of its editions: every machine output (page meta
tags, JSON-LD, BibTeX, RIS, CSL-JSON, oai_dc, MARC, Atom) renders it, so titles, dates, languages,
responsibility, place and identifiers are decided here once.

The three dates are different facts, never mixed:

- `year`: the catalogue's publication year, the date every citation gives (BibTeX `year`, RIS `PY`,
  CSL `issued`, `citation_publication_date`, JSON-LD `datePublished` of the work, `dc:date`, MARC 264 $c);
- `EditionRecord.date`: an edition's own date (its issue or upload), given only for that edition
  (JSON-LD `workExample.datePublished`, the API's `editions[].date`);
- `online_date`: the day the publication went online in this catalogue (`citation_online_date`, CSL
  `available-date`, Atom `published`, the API's `publish_date`).

Building a record reads only the rows `Publication.objects.for_citation()` loads, so it runs no queries.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from catalogue.i18n import bibliographic_language_code, fallback_languages, number_label, requested_language
from catalogue.i18n import translations as filled_translations
from catalogue.models import Edition, Publication

from .common import FORMAT_PREFERENCE, MEDIA_TYPES, organisation_name

# What an ISBN identifies, as MARC 020 $q and the page's "ISBN (PDF)" say it.
ISBN_QUALIFIERS = {
    Edition.Format.PRINT: pgettext_lazy("ISBN qualifier", "print"),
    Edition.Format.PDF: pgettext_lazy("ISBN qualifier", "PDF"),
    Edition.Format.EPUB: pgettext_lazy("ISBN qualifier", "EPUB"),
    Edition.Format.HTML: pgettext_lazy("ISBN qualifier", "online"),
}


@dataclass(frozen=True)
class Text:
    """A text and the language (ISO 639-1) it is actually written in."""

    value: str
    language: str

    def __str__(self):
        return self.value

    def __bool__(self):
        return bool(self.value)


def isbn_qualifier(edition_format: str, language: str = "en") -> str:
    """What the ISBN of an edition in `edition_format` identifies, in `language`: 'print', 'PDF'…"""
    with translation.override(language):
        return str(ISBN_QUALIFIERS[edition_format])


def pick(values: dict[str, str], language: str) -> Text:
    """`values[language]` or its first filled fallback (the site's fallback order), with its language;
    an empty Text in `language` when no language has one."""
    wanted = requested_language(language)
    for code in [wanted, *fallback_languages(wanted)]:
        if values.get(code):
            return Text(values[code], code)
    return Text("", wanted)


def join_title(title: str, subtitle: str, language: str) -> str:
    """A title and its subtitle the way `language` punctuates them ('Titre : sous-titre')."""
    if not subtitle:
        return title
    return f"{title}{' : ' if language == 'fr' else ': '}{subtitle}"


@dataclass(frozen=True)
class SeriesRecord:
    slug: str
    names: dict[str, str]
    # (issn, language, medium) of every ISSN the series carries, medium "" when not stated.
    issns: tuple[tuple[str, str, str], ...]

    def name(self, language: str) -> Text:
        return pick(self.names, language)


@dataclass(frozen=True)
class EditionRecord:
    """One language and format of the publication."""

    key: str
    language: str
    format: str
    isbn: str
    issn: str  # the ISSN that applies: the edition's own, else the series' for its language
    pages: int | None
    date: datetime.date | None  # the edition's own date (issue or upload)
    url: str  # the absolute URL of its file, "" when it has none
    title: Text | None  # its title only when written in its language (a fallback is not its name)
    subtitle: str
    is_original: bool
    availability: str  # "" when not stated
    price: Decimal | None
    currency: str

    @property
    def language_bibliographic(self) -> str:
        """ISO 639-2/B code of its language ("fre"), as MARC and library systems want it."""
        return bibliographic_language_code(self.language)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(self.format, "")

    @property
    def full_title(self) -> str:
        return join_title(self.title.value, self.subtitle, self.language) if self.title else ""

    def isbn_qualifier(self, language: str = "en") -> str:
        return isbn_qualifier(self.format, language)


@dataclass(frozen=True)
class PublicationRecord:
    """Everything the outputs say about a publication, every translation kept with its language.

    Dicts keyed by language hold only the languages a text is written in; the methods taking a
    `language` read it there or in its fallback, and return the language it came from.
    """

    key: str
    uuid: str
    number: int
    year: int
    online_date: datetime.date | None
    original_language: str
    titles: dict[str, str]
    subtitles: dict[str, str]
    summaries: dict[str, str]
    corporate_authors: dict[str, str]  # the statement of responsibility, as stated (may be empty)
    publishers: dict[str, str]  # as stated (may be empty)
    places: dict[str, str]
    series: SeriesRecord
    reference_number: str
    topics: tuple[dict[str, str], ...]  # each topic's names, topics in slug order
    editions: tuple[EditionRecord, ...]
    page_urls: dict[str, str]  # the public page in each interface language
    cover_url: str

    # Titles --------------------------------------------------------------------------------

    def title(self, language: str) -> Text:
        return pick(self.titles, language)

    def subtitle(self, title_language: str) -> str:
        """The subtitle in the title's language only: a subtitle belongs with its title."""
        return self.subtitles.get(title_language, "")

    def full_title(self, language: str) -> Text:
        """Title and subtitle, read in `language` (or the title's fallback) and punctuated in it."""
        title = self.title(language)
        return Text(join_title(title.value, self.subtitle(title.language), title.language), title.language)

    def full_titles(self) -> dict[str, str]:
        """Every language's full title."""
        return {code: join_title(title, self.subtitle(code), code) for code, title in self.titles.items()}

    def summary(self, language: str) -> Text:
        return pick(self.summaries, language)

    # Responsibility and publication ----------------------------------------------------------

    def corporate_author(self, language: str) -> Text:
        """The statement of responsibility as stated, else empty."""
        return pick(self.corporate_authors, language)

    def creator(self, language: str) -> Text:
        """The body a citation names as author: the corporate author, else the publisher (a body
        publishing its own report), else the catalogue's organisation."""
        return self.corporate_author(language) or pick(self.publishers, language) or _organisation(language)

    def publisher(self, language: str) -> Text:
        """The publisher as stated, else the corporate author, else the catalogue's organisation."""
        return pick(self.publishers, language) or self.corporate_author(language) or _organisation(language)

    def place(self, language: str) -> Text:
        """The place of publication ('Geneva', 'Genève', 'Ginebra'), empty when not stated."""
        return pick(self.places, language)

    # Series -----------------------------------------------------------------------------------

    def series_name(self, language: str) -> Text:
        return self.series.name(language)

    def series_label(self, language: str) -> Text:
        """'International Dialogue on Migration No. 28' written in one language: the series name's
        (its number label follows the name's language)."""
        name = self.series_name(language)
        return Text(f"{name.value} {number_label(self.number, name.language)}", name.language)

    def issn(self, language: str) -> str:
        """The ISSN that applies to the publication in `language`: an edition's override, else the series'."""
        for edition in self.editions:
            if edition.language == language and edition.issn:
                return edition.issn
        return next((issn for issn, code, _medium in self.series.issns if code == language), "")

    def issns(self) -> list[str]:
        """The ISSN of each language of the publication, distinct, in the order of its languages."""
        return list(dict.fromkeys(issn for issn in map(self.issn, self.languages) if issn))

    # Languages and editions --------------------------------------------------------------------

    @property
    def languages(self) -> list[str]:
        """ISO 639-1 codes of the languages of its editions, else its original language."""
        return list(dict.fromkeys(edition.language for edition in self.editions)) or [self.original_language]

    @property
    def languages_bibliographic(self) -> list[str]:
        """The same languages as ISO 639-2/B codes (MARC 041, 008)."""
        return [bibliographic_language_code(code) for code in self.languages]

    def isbns(self) -> list[str]:
        """Every edition's ISBN (13 digits), electronic editions first."""
        return list(dict.fromkeys(edition.isbn for edition in _by_format(self.editions) if edition.isbn))

    def editions_in(self, language: str) -> list[EditionRecord]:
        return _by_format([edition for edition in self.editions if edition.language == language])

    def preferred_edition(self, language: str) -> EditionRecord | None:
        """The edition that stands for the publication in `language` (electronic first), if any."""
        editions = self.editions_in(language)
        return editions[0] if editions else None

    def edition(self, language: str, edition_format: str) -> EditionRecord | None:
        return next((e for e in self.editions if e.language == language and e.format == edition_format), None)

    def page_url(self, language: str) -> str:
        return self.page_urls.get(language) or self.page_urls[settings.LANGUAGE_CODE]

    def topic_names(self, language: str) -> list[Text]:
        return [pick(names, language) for names in self.topics]


def _organisation(language: str) -> Text:
    return Text(organisation_name(language), requested_language(language))


def _by_format(editions) -> list:
    return sorted(editions, key=lambda edition: FORMAT_PREFERENCE.index(edition.format))


def citation_key(publication: Publication, edition: Edition | None = None) -> str:
    """The record's key, also its file's name: the publication's slug, then the edition's language and format."""
    return f"{publication.slug}-{edition.language}-{edition.format}" if edition else publication.slug


def online_date(publication: Publication) -> datetime.date | None:
    """The day (site time zone) the publication went online in the catalogue."""
    return timezone.localdate(publication.publish_date) if publication.publish_date else None


def publication_record(publication: Publication, *, request) -> PublicationRecord:
    """The record of `publication` (loaded with `for_citation()` or a QuerySet method loading as much)."""
    titles = filled_translations(publication, "title")
    subtitles = filled_translations(publication, "subtitle")
    series = publication.series
    page_urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            page_urls[code] = request.build_absolute_uri(publication.get_absolute_url())
    editions = tuple(
        EditionRecord(
            key=citation_key(publication, edition),
            language=edition.language,
            format=edition.format,
            isbn=edition.isbn,
            issn=publication.issn_for(edition.language),
            pages=edition.pages,
            date=edition.date,
            url=request.build_absolute_uri(edition.download_url) if edition.download_url else "",
            title=Text(titles[edition.language], edition.language) if edition.language in titles else None,
            subtitle=subtitles.get(edition.language, ""),
            is_original=edition.language == publication.original_language,
            availability=edition.availability,
            price=edition.price,
            currency=edition.currency,
        )
        for edition in publication.editions.all()
    )
    return PublicationRecord(
        key=citation_key(publication),
        uuid=str(publication.uuid),
        number=publication.number,
        year=publication.year,
        online_date=online_date(publication),
        original_language=publication.original_language,
        titles=titles,
        subtitles=subtitles,
        summaries=filled_translations(publication, "summary"),
        corporate_authors=filled_translations(publication, "corporate_author"),
        publishers=filled_translations(publication, "publisher"),
        places=filled_translations(publication, "place"),
        series=SeriesRecord(
            slug=series.slug,
            names=filled_translations(series, "name"),
            issns=tuple(
                (row.issn, row.language, row.medium)
                for row in sorted(series.issns.all(), key=lambda row: row.MEDIUM_PREFERENCE.index(row.medium))
            ),
        ),
        reference_number=publication.reference_number,
        topics=tuple(
            filled_translations(topic, "name") for topic in sorted(publication.topics.all(), key=lambda t: t.slug)
        ),
        editions=editions,
        page_urls=page_urls,
        cover_url=request.build_absolute_uri(publication.cover_image.url) if publication.cover_image else "",
    )
