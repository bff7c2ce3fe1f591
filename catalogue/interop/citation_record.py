"""A publication or one of its editions as one citation reads it (BibTeX, RIS, CSL-JSON, the formatted
reference, the page's citation_* tags): the `record.PublicationRecord` seen in one language."""

import datetime
from dataclasses import dataclass

from django.conf import settings

from catalogue.models import Edition, Publication

from .record import EditionRecord, PublicationRecord, publication_record


@dataclass(frozen=True)
class CitationRecord:
    """What a reference manager needs to cite a publication or one of its editions.

    Every text field is read in the citation's language with its own fallback; `<field>_language`
    says which language each one is written in. `year` is the catalogue publication year (the cited
    date), `online_date` the day it went online; an edition's own date is not a citation's.
    """

    key: str
    title: str
    subtitle: str
    full_title: str
    title_language: str
    language: str
    author: str
    author_language: str
    publisher: str
    publisher_language: str
    place: str
    place_language: str
    year: int
    online_date: datetime.date | None
    series: str
    series_language: str
    series_number: int
    isbn: str
    isbns: tuple[str, ...]
    issn: str
    pages: int | None
    url: str
    pdf_url: str
    reference_number: str
    abstract: str
    abstract_language: str


def cite(
    record: PublicationRecord, *, language: str, edition: EditionRecord | None = None, per_field: bool = False
) -> CitationRecord:
    """`record` cited as read in the page's `language`, or one of its `edition`s cited in its own language.

    A publication is cited in one language, its title's on that page (a citation file cannot say that
    a field is in another language), with the identifiers of its edition in that language (else none).
    With `per_field` (a reference on a page, which marks each part's language), every text is read in
    the page's language with its own fallback. An edition is cited in its own language: its title when
    written in it, else the fallback title, the only one there is.
    """
    if edition is None:
        title = record.title(language)
        edition = record.preferred_edition(title.language)
        cited_language = title.language
        key, url = record.key, record.page_url(language)
        citation_language = language if per_field else title.language
    else:
        citation_language = edition.language
        title = record.title(citation_language)
        cited_language = edition.language
        key = edition.key
        url = record.page_url(edition.language if edition.language in settings.MODELTRANSLATION_LANGUAGES else language)
    full_title = record.full_title(title.language)
    abstract = record.summary(citation_language)
    author = record.creator(citation_language)
    publisher = record.publisher(citation_language)
    place = record.place(citation_language)
    series = record.series_name(citation_language)
    pdf = record.edition(cited_language, Edition.Format.PDF)
    isbns = [edition.isbn] if edition and edition.isbn else []
    isbns += [e.isbn for e in record.editions_in(cited_language) if e.isbn and e.isbn not in isbns]
    return CitationRecord(
        key=key,
        title=title.value,
        subtitle=record.subtitle(title.language),
        full_title=full_title.value,
        title_language=title.language,
        language=cited_language,
        author=author.value,
        author_language=author.language,
        publisher=publisher.value,
        publisher_language=publisher.language,
        place=place.value,
        place_language=place.language,
        year=record.year,
        online_date=record.online_date,
        series=series.value,
        series_language=series.language,
        series_number=record.number,
        isbn=isbns[0] if isbns else "",
        isbns=tuple(isbns),
        issn=record.issn(cited_language),
        pages=edition.pages if edition else None,
        url=url,
        pdf_url=pdf.url if pdf else "",
        reference_number=record.reference_number,
        abstract=abstract.value,
        abstract_language=abstract.language,
    )


def citation_record(
    publication: Publication, *, request, language: str, edition: Edition | None = None, per_field: bool = False
) -> CitationRecord:
    """The citation of `publication` read in `language`, or of its `edition` (see `cite`)."""
    record = publication_record(publication, request=request)
    edition_record = record.edition(edition.language, edition.format) if edition else None
    return cite(record, language=language, edition=edition_record, per_field=per_field)
