"""The index is written once per admin request, not once per saved inline row."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Publication
from catalogue.search import indexing_deferred, search_publications
from catalogue.tests.admin_forms import publication_form
from catalogue.tests.factories import EditionFactory, PublicationFactory, SeriesFactory, TocEntryFactory

pytestmark = pytest.mark.django_db

EDITIONS = [
    {"language": "fr", "isbn": "978-92-9068-780-1", "order": "1"},
    {"language": "en", "isbn": "92-9068-781-9", "order": "2"},
    {"language": "es", "order": "3"},
]
TOC = [
    {"order": "1", "kind": "part", "title_en": "Part one"},
    {"order": "2", "title_en": "Remittances"},
    {"order": "3", "title_en": "Abbreviations"},
]


def document_writes(queries: CaptureQueriesContext, statement: str) -> list[str]:
    """The statements of `queries` starting with `statement` that write the search documents' table (a statement
    executed for many rows at once is logged as "<n> times: <statement>")."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if re.sub(r"^\d+ times: ", "", query["sql"]).startswith(statement)
        and '"catalogue_searchdocument"' in query["sql"]
    ]


def found(query: str) -> list[str]:
    results = search_publications(Publication.objects.all(), query, language="en")
    return list(results.values_list("slug", flat=True))


def test_publication_admin_add_with_three_editions_and_contents_writes_its_search_document_once(admin_client):
    data = publication_form(SeriesFactory(), editions=EDITIONS, toc=TOC)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(reverse("admin:catalogue_publication_add"), data)

    assert response.status_code == 302
    assert len(document_writes(queries, "INSERT")) == 1
    assert document_writes(queries, "UPDATE") == []
    assert found("remittances") == ["idm-28"]
    assert found("92-9068-781-9") == ["idm-28"]


def test_publication_admin_change_with_three_editions_and_contents_writes_its_search_document_once(admin_client):
    publication = PublicationFactory(slug="idm-28", number=28)
    data = publication_form(publication.series, editions=EDITIONS, toc=TOC)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(reverse("admin:catalogue_publication_change", args=[publication.pk]), data)

    assert response.status_code == 302
    assert len(document_writes(queries, "UPDATE")) == 1
    assert document_writes(queries, "INSERT") == []
    assert found("abbreviations") == ["idm-28"]


def test_publication_admin_save_writes_its_search_document_inside_the_save_transaction(admin_client):
    publication = PublicationFactory(slug="idm-28", number=28)
    data = publication_form(publication.series, editions=EDITIONS, toc=TOC)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(reverse("admin:catalogue_publication_change", args=[publication.pk]), data)

    assert response.status_code == 302
    statements = [query["sql"] for query in queries.captured_queries]
    # The outermost savepoint of the request (the test itself runs inside a transaction) is the save's.
    savepoint = next(sql for sql in statements if sql.startswith("SAVEPOINT")).removeprefix("SAVEPOINT ")
    released = statements.index(f"RELEASE SAVEPOINT {savepoint}")
    (write,) = [i for i, sql in enumerate(statements) if sql in document_writes(queries, "UPDATE")]
    assert write < released


def test_publication_admin_delete_with_editions_and_contents_deletes_its_search_document_once(admin_client):
    publication = PublicationFactory(slug="idm-28")
    for position in range(3):
        EditionFactory(publication=publication, language=("fr", "en", "es")[position])
        TocEntryFactory(publication=publication, position=position + 1)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.post(
            reverse("admin:catalogue_publication_delete", args=[publication.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert len(document_writes(queries, "DELETE")) == 1


def test_indexing_deferred_indexes_at_the_end_of_the_outermost_block():
    with indexing_deferred("default"):
        with indexing_deferred("default"):
            publication = PublicationFactory(title_en="Resettlement")
        assert found("resettlement") == []
    assert found("resettlement") == [publication.slug]


def test_indexing_deferred_indexes_nothing_when_the_block_fails():
    def save_then_fail():
        with indexing_deferred("default"):
            PublicationFactory(title_en="Resettlement")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert found("resettlement") == []
