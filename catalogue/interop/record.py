"""The bibliographic record behind every citation format (BibTeX, RIS, CSL-JSON, the formatted
reference).

A publication and each of its editions are cited the same way; building a record reads only the
series, its ISSNs and the editions (`Publication.objects.for_citation()`), so it runs no queries.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings

from catalogue.i18n import translated
from catalogue.models import Edition, Publication

from .common import absolute_url_in, corporate_author, edition_title_language, preferred_edition, same_language_text


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


def citation_key(publication: Publication, edition: Edition | None = None) -> str:
    """The record's key, also its file's name: the publication's slug, then the edition's language and format."""
    return f"{publication.slug}-{edition.language}-{edition.format}" if edition else publication.slug


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
        key = citation_key(publication)
        url = absolute_url_in(request, publication, language)
    else:
        citation_language = edition_title_language(edition)
        title, title_language = translated(publication, "title", citation_language)
        cited_language = edition.language
        key = citation_key(publication, edition)
        page_language = edition.language if edition.language in settings.MODELTRANSLATION_LANGUAGES else language
        url = absolute_url_in(request, publication, page_language)
    # A subtitle belongs with its title: only in the title's language.
    subtitle, _subtitle_language = same_language_text(publication, "subtitle", title_language)
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


def _pdf_edition(publication: Publication, language: str) -> Edition | None:
    pdfs = [edition for edition in publication.editions.all() if edition.download_url]
    pdfs = [edition for edition in pdfs if edition.format == Edition.Format.PDF]
    for edition in pdfs:
        if edition.language == language:
            return edition
    return None
