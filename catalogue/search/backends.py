"""Running a search in SQL: the SQLite (FTS5) and PostgreSQL (tsvector) backends.

Every query word must match, in some language's columns under that language's stem, or an ISBN/ISSN
of the query must be one of the publication's (looked up through the identifier columns' indexes); the page
language only weighs in the ranking, and a document holding an identifier of the query ranks first.

- SQLite: Python folds and stems (snowballstemmer) the text that goes into an FTS5 table and the query
  words; ranked with bm25().
- PostgreSQL: per-language text-search configurations (unaccent, then snowball) generate tsvector
  columns with GIN indexes (migration 0003); ranked with ts_rank().

Neither backend's query syntax ever sees user text: the query is split into words of letters and
digits, passed as bound parameters (PostgreSQL) or as quoted FTS5 strings.
"""

from django.db import connections
from django.db.models import Expression, F, FloatField, QuerySet, Value
from django.db.models.expressions import RawSQL

from catalogue.i18n import requested_language
from catalogue.models import Edition, Publication, SearchDocument, SeriesIssn

from .documents_text import publications_matching_pages
from .query import ParsedQuery, parse_query
from .schema import (
    BODY_FIELDS,
    CONFIGURATIONS,
    DOCUMENT_TABLE,
    FTS_COLUMNS,
    FTS_TABLE,
    LANGUAGES,
    TITLE_FIELDS,
    VECTOR_COLUMNS,
)
from .text import stem, stemmed

EDITION_TABLE = Edition._meta.db_table
PUBLICATION_TABLE = Publication._meta.db_table
SERIES_ISSN_TABLE = SeriesIssn._meta.db_table
IDENTIFIER_RANK = 1000.0  # an ISBN/ISSN match outranks any text match
PAGE_LANGUAGE_BOOST = 2.0
# Relative weight of the title part (title, subtitle) against the body part.
SQLITE_TITLE_WEIGHT, SQLITE_BODY_WEIGHT = 10.0, 1.0
POSTGRESQL_WEIGHTS = "ARRAY[0.1, 0.1, 0.1, 1.0]::float4[]"  # D, C, B (body), A (title)


def search_publications(queryset: QuerySet, query: str, *, language: str) -> QuerySet:
    """Filter a Publication queryset to matches of `query`, annotated with `search_rank` (higher is better)."""
    return _search(queryset, query, kind=SearchDocument.Kind.PUBLICATION, language=language)


def search_workshops(queryset: QuerySet, query: str, *, language: str) -> QuerySet:
    """Filter a Workshop queryset to matches of `query`, annotated with `search_rank` (higher is better)."""
    return _search(queryset, query, kind=SearchDocument.Kind.WORKSHOP, language=language)


def _search(queryset: QuerySet, query: str, *, kind: str, language: str) -> QuerySet:
    parsed = parse_query(query)
    if not parsed:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    backend = backend_for(queryset.db)
    # One list of ids, so that the database reads the rows through their primary key: those whose words match
    # (the backend's text match) and those with an ISBN/ISSN of the query (through the identifiers' indexes).
    selects, params = [], []
    if parsed.terms:
        sql, match_params = backend.match_sql(kind, parsed)
        selects.append(sql)
        params += match_params
    if kind == SearchDocument.Kind.PUBLICATION and parsed.terms:  # the text inside the editions' PDFs
        sql, page_params = publications_matching_pages(connections[queryset.db].vendor, parsed)
        selects.append(sql)
        params += page_params
    if kind == SearchDocument.Kind.PUBLICATION and (parsed.isbns or parsed.issns):
        sql, identifier_params = _publications_with_identifiers(parsed)
        selects.append(sql)
        params += identifier_params
    if not selects:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    rank_sql, rank_params = backend.rank_sql(kind, parsed, requested_language(language))
    return queryset.filter(pk__in=RawSQL(" UNION ".join(selects), params)).annotate(
        search_rank=_DocumentRank(rank_sql, rank_params, F("pk"))
    )


class _DocumentRank(Expression):
    """A correlated subquery ranking the row's search document; `sql` ends where the row's pk goes."""

    output_field = FloatField()

    def __init__(self, sql, params, pk):
        super().__init__()
        self.sql, self.params, self.pk = sql, list(params), pk

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        # The pk is compiled, not written out, so the expression survives alias changes in subqueries.
        pk_sql, pk_params = compiler.compile(self.pk)
        return f"{self.sql}{pk_sql})", [*self.params, *pk_params]


def _identifier_condition(parsed: ParsedQuery) -> tuple[str, list]:
    """The document holds an identifier of the query (for ranking the few documents a search matched)."""
    if not parsed.identifiers:
        return "", []
    sql = " OR ".join("d.identifiers LIKE %s" for _ in parsed.identifiers)
    return f"({sql})", [f"% {value} %" for value in parsed.identifiers]


def _identifier_rank(parsed: ParsedQuery) -> tuple[str, list]:
    condition, params = _identifier_condition(parsed)
    if not condition:
        return "0.0", []
    return f"CASE WHEN {condition} THEN {IDENTIFIER_RANK} ELSE 0.0 END", params


def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


def _publications_with_identifiers(parsed: ParsedQuery) -> tuple[str, list]:
    """Ids of the publications that have an ISBN or ISSN of the query, found through the identifier columns'
    indexes (an edition's ISBN or ISSN, its series' ISSNs), not by reading every search document: an identifier
    lookup costs the same at any size. The same identifiers as the documents' `identifiers` (documents.py)."""
    selects, params = [], []
    if parsed.isbns:
        selects.append(
            f"SELECT publication_id FROM {EDITION_TABLE} WHERE isbn IN ({_in(parsed.isbns)}) AND NOT (isbn = '')"
        )
        params += parsed.isbns
    if parsed.issns:
        selects.append(
            f"SELECT publication_id FROM {EDITION_TABLE} WHERE issn IN ({_in(parsed.issns)}) AND NOT (issn = '')"
        )
        selects.append(
            f"SELECT p.id FROM {PUBLICATION_TABLE} p JOIN {SERIES_ISSN_TABLE} s ON s.series_id = p.series_id "
            f"WHERE s.issn IN ({_in(parsed.issns)})"
        )
        params += [*parsed.issns, *parsed.issns]
    return " UNION ".join(selects), params


def _match_sql(kind: str, text_sql: str, text_params: list) -> tuple[str, list]:
    """Ids of the documents of `kind` matching the text condition."""
    return f"SELECT d.object_id FROM {DOCUMENT_TABLE} d WHERE d.kind = %s AND {text_sql}", [kind, *text_params]


def _rank_sql(score_sql: str, joins: str = "") -> str:
    """The correlated rank subquery, up to the row's pk."""
    return f"(SELECT {score_sql} FROM {DOCUMENT_TABLE} d {joins}WHERE d.kind = %s AND d.object_id = "


class _SQLite:
    @staticmethod
    def fts_query(parsed: ParsedQuery) -> str:
        """An FTS5 query: every term, in any language's columns under that language's stem."""
        clauses = []
        for term in parsed.terms:
            alternatives = []
            for code in LANGUAGES:
                quoted = stem(term, code).replace('"', '""')
                alternatives.append(f'{{{TITLE_FIELDS[code]} {BODY_FIELDS[code]}}} : "{quoted}"')
            clauses.append("(" + " OR ".join(alternatives) + ")")
        return " AND ".join(clauses)

    def match_sql(self, kind: str, parsed: ParsedQuery) -> tuple[str, list]:
        """Ids of the documents of `kind` in which every term of `parsed` (it has some) matches."""
        text_sql = f"d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
        return _match_sql(kind, text_sql, [self.fts_query(parsed)])

    def rank_sql(self, kind: str, parsed: ParsedQuery, language: str) -> tuple[str, list]:
        identifier_sql, params = _identifier_rank(parsed)
        text_sql, ranks = "0.0", ""
        if parsed.terms:
            weights = []
            for column, code in FTS_COLUMNS.items():
                weight = SQLITE_TITLE_WEIGHT if column in TITLE_FIELDS.values() else SQLITE_BODY_WEIGHT
                weights.append(str(weight * (PAGE_LANGUAGE_BOOST if code == language else 1.0)))
            # bm25() over the whole match once, materialised (LIMIT/OFFSET stops SQLite from merging it into
            # the correlated query, where it would rescan the index for every row).
            ranks = (
                f"LEFT JOIN (SELECT rowid AS id, -bm25({FTS_TABLE}, {', '.join(weights)}) AS rank FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s LIMIT -1 OFFSET 0) r ON r.id = d.id"
            )
            params.append(self.fts_query(parsed))
            text_sql = "COALESCE(r.rank, 0.0)"
        return _rank_sql(f"{identifier_sql} + {text_sql}", f"{ranks} "), [*params, kind]

    def write(self, cursor, documents: list[SearchDocument], replaced_ids: list[int]) -> None:
        """Replace the FTS rows of `documents` and drop those of `replaced_ids`."""
        # New documents' ids too: `flush` empties the documents but not this virtual table, and ids restart.
        stale = sorted({*replaced_ids, *(document.pk for document in documents)})
        for start in range(0, len(stale), 500):
            chunk = stale[start : start + 500]
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)
        if documents:
            columns = ", ".join(["rowid", *FTS_COLUMNS])
            placeholders = ", ".join(["%s"] * (len(FTS_COLUMNS) + 1))
            rows = [
                [document.pk, *(stemmed(getattr(document, column), code) for column, code in FTS_COLUMNS.items())]
                for document in documents
            ]
            cursor.executemany(f"INSERT INTO {FTS_TABLE} ({columns}) VALUES ({placeholders})", rows)

    def clear(self, cursor) -> None:
        """Empty the FTS table."""
        cursor.execute(f"DELETE FROM {FTS_TABLE}")


class _PostgreSQL:
    @staticmethod
    def _tsquery(code: str) -> str:
        return f"plainto_tsquery('{CONFIGURATIONS[code]}', %s)"

    def match_sql(self, kind: str, parsed: ParsedQuery) -> tuple[str, list]:
        clauses, params = [], []
        for term in parsed.terms:
            alternatives = [f"d.{VECTOR_COLUMNS[code]} @@ {self._tsquery(code)}" for code in LANGUAGES]
            clauses.append("(" + " OR ".join(alternatives) + ")")
            params += [term] * len(LANGUAGES)
        return _match_sql(kind, "(" + " AND ".join(clauses) + ")", params)

    def rank_sql(self, kind: str, parsed: ParsedQuery, language: str) -> tuple[str, list]:
        identifier_sql, params = _identifier_rank(parsed)
        text_sql = "0.0"
        if parsed.terms:
            ranks = []
            for code in LANGUAGES:
                any_term = " || ".join(self._tsquery(code) for _ in parsed.terms)
                boost = PAGE_LANGUAGE_BOOST if code == language else 1.0
                ranks.append(f"ts_rank({POSTGRESQL_WEIGHTS}, d.{VECTOR_COLUMNS[code]}, {any_term}) * {boost}")
                params += list(parsed.terms)
            text_sql = " + ".join(ranks)
        return _rank_sql(f"{identifier_sql} + {text_sql}"), [*params, kind]

    def write(self, cursor, documents, replaced_ids) -> None:
        """Nothing to do: the tsvector columns are generated from the document's columns."""

    def clear(self, cursor) -> None:
        """Nothing to do: the tsvector columns go with the rows."""


def backend_for(using: str) -> _SQLite | _PostgreSQL:
    """The search backend of database `using`."""
    vendor = connections[using].vendor
    if vendor == "sqlite":
        return _SQLite()
    if vendor == "postgresql":
        return _PostgreSQL()
    raise NotImplementedError(f"Full-text search does not support {vendor}.")
