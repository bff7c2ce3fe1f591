"""What a publication's search document holds (catalogue/search/documents.py), read from its rows as plain values."""

import pytest

from catalogue.models import Publication
from catalogue.search.documents import publication_documents
from catalogue.tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    SeriesIssnFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def test_a_publication_document_holds_its_texts_its_related_rows_and_its_identifiers_in_order():
    series = SeriesFactory()
    SeriesIssnFactory(series=series, language="en", issn="1726-2224")
    publication = PublicationFactory(
        series=series, title_en="Migration and health", subtitle_en="A review", summary_en="Findings, in short."
    )
    zebra, aardvark = TopicFactory(name_en="Zebra crossings"), TopicFactory(name_en="Aardvark counts")
    publication.topics.set([zebra, aardvark])
    TocEntryFactory(publication=publication, position=2, title_en="Second chapter")
    TocEntryFactory(publication=publication, position=1, title_en="First chapter")
    EditionFactory(publication=publication, language="fr", isbn="978-92-9068-780-1", issn="1726-4030")
    EditionFactory(publication=publication, language="en", isbn="92-9068-778-9")
    AgendaItemFactory(workshop=WorkshopFactory(publication=publication, title_en="Geneva dialogue"), title_en="Opening")
    other = PublicationFactory(series=series, title_en="Another report")

    documents = list(publication_documents(Publication.objects.filter(pk__in=[publication.pk, other.pk])))

    assert sorted(document.object_id for document in documents) == sorted([publication.pk, other.pk])
    document = next(document for document in documents if document.object_id == publication.pk)
    # The title part ends with the number as cards give it; the body with the series' name, the year, and (in the
    # first language only) the known-item keys.
    assert document.title_en == f"Migration and health\nA review\nIDM {publication.number} IDM{publication.number}"
    assert document.body_en.split("\n")[:9] == [
        "Findings in short",
        "First chapter",
        "Second chapter",
        "Aardvark counts",
        "Zebra crossings",
        "Geneva dialogue",
        "Opening",
        "International Dialogue on Migration",
        str(publication.year),
    ]
    # The editions' ISBNs (in the editions' order: position, language), then their ISSNs, then the series'.
    assert document.identifiers == " 9789290687788 9789290687801 17264030 17262224 "
    assert next(document for document in documents if document.object_id == other.pk).identifiers == " 17262224 "
