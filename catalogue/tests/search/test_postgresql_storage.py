"""How PostgreSQL keeps the search documents (migration 0022) so that a word in nearly every document is read
from its GIN index: vectors without statistics, narrow rows, title vectors of their own."""

import pytest
from django.db import connection

from catalogue.models import SearchDocument
from catalogue.search.backends import backend_for
from catalogue.search.query import parse_query
from catalogue.search.schema import DOCUMENT_TABLE, TITLE_VECTOR_COLUMNS, VECTOR_COLUMNS, vector_index

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's vectors (SQLite keeps an FTS5 table of its own)")


@pytest.fixture
def common_word():
    """2,000 documents all holding "migration" among words of their own (a vocabulary of 8,000 words: GIN's cost
    estimate takes a word's share of its index from their count), a few with it in a title."""
    SearchDocument.objects.bulk_create(
        SearchDocument(
            kind=SearchDocument.Kind.PUBLICATION,
            object_id=number,
            title_en="Migration report" if number % 100 == 0 else f"Report {number}",
            body_en=f"Migration and development, chapter {number}: alpha{number} beta{number} gamma{number}",
            public=True,
        )
        for number in range(1, 2001)
    )
    with connection.cursor() as cursor:
        # As autovacuum leaves them: the indexes' pending entries merged (GIN's cost estimate counts each pending
        # page as read by every scan), the table analysed.
        for column in [*VECTOR_COLUMNS.values(), *TITLE_VECTOR_COLUMNS.values()]:
            for kind in SearchDocument.Kind.values:
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [vector_index(column, kind)])
        cursor.execute(f"ANALYZE {DOCUMENT_TABLE}")
    return parse_query("migration")


def plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_vectors_keep_no_statistics(common_word):
    columns = [*VECTOR_COLUMNS.values(), *TITLE_VECTOR_COLUMNS.values()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attname = ANY(%s) "
            "ORDER BY attname",
            [DOCUMENT_TABLE, columns],
        )
        targets = cursor.fetchall()
        cursor.execute(
            "SELECT attname FROM pg_stats WHERE tablename = %s AND attname = ANY(%s)", [DOCUMENT_TABLE, columns]
        )
        analysed = cursor.fetchall()
    assert (targets, analysed) == ([(column, 0) for column in sorted(columns)], [])


def test_a_word_in_every_document_is_read_from_the_gin_index_not_by_a_sequential_scan(common_word):
    text = plan(*backend_for("default").ids_sql(SearchDocument.Kind.PUBLICATION, common_word))

    assert "Seq Scan" not in text
    assert f"Bitmap Index Scan on {vector_index(VECTOR_COLUMNS['en'], 'publication')}" in text


def test_a_title_tier_is_read_from_the_title_vectors_index(common_word):
    sql, params = backend_for("default").ids_sql(
        SearchDocument.Kind.PUBLICATION, common_word, titles_only=True, languages=["en"]
    )

    text = plan(sql, params)
    assert ("Seq Scan" in text, "ts_filter" in text) == (False, False)
    assert f"Bitmap Index Scan on {vector_index(TITLE_VECTOR_COLUMNS['en'], 'publication')}" in text


def test_the_documents_rows_keep_their_text_out_of_line():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [DOCUMENT_TABLE])
        assert cursor.fetchone() == (["toast_tuple_target=128"],)


def test_each_word_of_a_query_is_read_from_the_indexes_never_tested_row_by_row(common_word):
    parsed = parse_query("migration development")

    text = plan(*backend_for("default").ids_sql(SearchDocument.Kind.PUBLICATION, parsed))

    assert [line.strip() for line in text.splitlines() if "Filter" in line and "@@" in line] == []
    assert text.count("BitmapOr") == 2
