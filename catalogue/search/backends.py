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
from .known_items import known_item_queries
from .query import ParsedQuery, parse_query
from .schema import (
    BODY_FIELDS,
    CONFIGURATIONS,
    DOCUMENT_TABLE,
    FTS_COLUMNS,
    FTS_KIND_BLOCK,
    FTS_TABLE,
    LANGUAGES,
    TITLE_FIELDS,
    TITLE_VECTOR_COLUMNS,
    VECTOR_COLUMNS,
    fts_first_rowid,
    fts_rowid,
)
from .text import Pieces, forms, pieces_of, stemmed_pieces, stems

EDITION_TABLE = Edition._meta.db_table
PUBLICATION_TABLE = Publication._meta.db_table
SERIES_ISSN_TABLE = SeriesIssn._meta.db_table
IDENTIFIER_RANK = 1000.0  # an ISBN/ISSN match outranks any text match
KNOWN_ITEM_RANK = 500.0  # so does the publication a query names by series and number or year, after identifiers
# A search matching more documents than this is not ranked with bm25()/ts_rank() per match, whose cost grows with
# the matches (SQLite's bm25() reads every match of each word for its idf: ~250 ms for a word in nearly every
# record at 100,000 publications), but in three tiers: the page language's title holds every word, some title
# does, the rest; each tier then newest first (the views' tie-break). The title tiers look at the last indexed
# RANKED_MATCHES title matches only, so that their cost is bounded too. bm25() gives such words almost no weight
# anyway (FTS5 floors the idf of a word in more than half the documents at 1e-6).
RANKED_MATCHES = 2000
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
        sql, identifier_params = publications_with_identifiers(parsed)
        selects.append(sql)
        params += identifier_params
    if not selects:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    rank_parts = backend.rank_sql(kind, parsed, requested_language(language))
    if kind == SearchDocument.Kind.PUBLICATION and (parsed.isbns or parsed.issns):
        sql, identifier_params = publications_with_identifiers(parsed)
        # An ISBN/ISSN of the query ranks its publications first (found again through the same indexes).
        identifier_rank = (f" IN ({sql}) THEN {IDENTIFIER_RANK} ELSE 0.0 END", identifier_params)
        rank_parts += [(" + CASE WHEN ", []), _PK, identifier_rank]
    if kind == SearchDocument.Kind.PUBLICATION and (known := _known_items(backend, kind, parsed)):
        # A query naming a series and a number or year ranks that publication next (known_items.py).
        rank_parts += [(" + CASE WHEN ", []), _PK, (f" IN ({known[0]}) THEN {KNOWN_ITEM_RANK} ELSE 0.0 END", known[1])]
    return queryset.filter(pk__in=RawSQL(" UNION ".join(selects), params)).annotate(
        search_rank=_Rank([("(", []), *rank_parts, (")", [])], F("pk"))
    )


def _known_items(backend, kind: str, parsed: ParsedQuery) -> tuple[str, list] | None:
    """Ids of the documents holding every key of one of the query's known-item readings, or None."""
    selects, params = [], []
    for keys in known_item_queries(parsed):
        sql, key_params = backend.match_sql(kind, keys)
        selects.append(sql)
        params += key_params
    return (" UNION ".join(selects), params) if selects else None


_PK = object()  # where the row's primary key goes in a rank's SQL


class _Rank(Expression):
    """A search rank computed from the row's primary key: `parts` are (sql, params) pairs and _PK markers."""

    output_field = FloatField()

    def __init__(self, parts, pk):
        super().__init__()
        self.parts, self.pk = parts, pk

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        # The pk is compiled, not written out, so the expression survives alias changes in subqueries.
        pk_sql, pk_params = compiler.compile(self.pk)
        sql, params = [], []
        for part in self.parts:
            part_sql, part_params = (pk_sql, pk_params) if part is _PK else part
            sql.append(part_sql)
            params += part_params
        return "".join(sql), params


def _in(values) -> str:
    return ", ".join(["%s"] * len(values))


def publications_with_identifiers(parsed: ParsedQuery) -> tuple[str, list]:
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


class _SQLite:
    @staticmethod
    def fts_query(parsed: ParsedQuery, *, titles_only: bool = False, languages=LANGUAGES) -> str:
        """An FTS5 query: every term, in any of `languages`' columns (or title columns) under that language's stem."""
        clauses = []
        for term in parsed.terms:
            # Languages whose stems agree ("migrat" in English and French) share one phrase over their columns:
            # the same matches, each doclist read once.
            columns_by_stem = {}
            for code in languages:
                columns = [TITLE_FIELDS[code]] if titles_only else [TITLE_FIELDS[code], BODY_FIELDS[code]]
                for stemmed_term in stems(term, code):
                    columns_by_stem.setdefault(stemmed_term, []).extend(columns)
            alternatives = []
            for stemmed_term, columns in columns_by_stem.items():
                quoted = stemmed_term.replace('"', '""')
                alternatives.append(f'{{{" ".join(columns)}}} : "{quoted}"')
            clauses.append("(" + " OR ".join(alternatives) + ")")
        return " AND ".join(clauses)

    @staticmethod
    def _documents(kind: str, select: str, tail: str = "") -> str:
        """`select` over the documents of `kind` matching an FTS query (its one parameter), read from the FTS index
        alone: the kind's rowid range, each object id its rowid less the range's start ({object_id} in `select`)."""
        first = fts_first_rowid(kind)
        select = select.format(object_id=f"{FTS_TABLE}.rowid - {first}")
        return (
            f"SELECT {select} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND {FTS_TABLE}.rowid BETWEEN {first} AND {first + FTS_KIND_BLOCK - 1}{tail}"
        )

    def match_sql(self, kind: str, parsed: ParsedQuery) -> tuple[str, list]:
        """Ids of the documents of `kind` in which every term of `parsed` (it has some) matches."""
        return self.ids_sql(kind, parsed)

    def ids_sql(self, kind: str, parsed: ParsedQuery, *, titles_only=False, languages=LANGUAGES) -> tuple[str, list]:
        """Ids of the documents of `kind` with every term of `parsed` in `languages`' text (or titles only)."""
        return self._documents(kind, "{object_id}"), [
            self.fts_query(parsed, titles_only=titles_only, languages=languages)
        ]

    def rank_sql(self, kind: str, parsed: ParsedQuery, language: str) -> list:
        """The rank of the row's document: bm25() for a search with at most RANKED_MATCHES matches; beyond, the
        page language's title, then any title, then the rest (see RANKED_MATCHES)."""
        if not parsed.terms:
            return [("0.0", [])]
        query = self.fts_query(parsed)
        weights = []
        for column, code in FTS_COLUMNS.items():
            weight = SQLITE_TITLE_WEIGHT if column in TITLE_FIELDS.values() else SQLITE_BODY_WEIGHT
            weights.append(str(weight * (PAGE_LANGUAGE_BOOST if code == language else 1.0)))
        # Counts at most RANKED_MATCHES + 1 matches; an uncorrelated subquery, run once per statement.
        limit = f" LIMIT {RANKED_MATCHES + 1}"
        many = f"(SELECT count(*) FROM ({self._documents(kind, '1', tail=limit)})) > {RANKED_MATCHES}"
        # Materialised once: bm25() over every match.
        scores = self._documents(kind, f"{{object_id}} AS object_id, -bm25({FTS_TABLE}, {', '.join(weights)}) AS rank")
        # The newest RANKED_MATCHES records (highest ids) with every term in a title: FTS5 reads them newest first
        # and stops there.
        newest = f" ORDER BY {FTS_TABLE}.rowid DESC LIMIT {RANKED_MATCHES}"
        in_titles = self._documents(kind, "{object_id}", tail=newest)
        page_title = [self.fts_query(parsed, titles_only=True, languages=[language])] if language in LANGUAGES else None
        title_weight = SQLITE_TITLE_WEIGHT * PAGE_LANGUAGE_BOOST
        parts = [(f"CASE WHEN {many} THEN CASE", [query])]
        if page_title:
            parts += [(" WHEN ", []), _PK, (f" IN ({in_titles}) THEN {title_weight}", page_title)]
        parts += [
            (" WHEN ", []),
            _PK,
            (f" IN ({in_titles}) THEN {SQLITE_TITLE_WEIGHT}", [self.fts_query(parsed, titles_only=True)]),
            (
                f" ELSE {SQLITE_BODY_WEIGHT} END ELSE COALESCE((WITH r AS MATERIALIZED ({scores}) "
                "SELECT r.rank FROM r WHERE r.object_id = ",
                [query],
            ),
            _PK,
            ("), 0.0) END", []),
        ]
        return parts

    def write(self, cursor, kind: str, documents: list[SearchDocument], replaced_ids, pieces: Pieces | None = None):
        """Replace the FTS rows of `documents` (of `kind`; `pieces`: their text's, if the caller has them) and drop
        those of the objects of `kind` `replaced_ids`."""
        # New documents' rows too: `flush` empties the documents but not this virtual table, and ids restart.
        stale = sorted({fts_rowid(kind, pk) for pk in {*replaced_ids, *(document.object_id for document in documents)}})
        for start in range(0, len(stale), 500):
            chunk = stale[start : start + 500]
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)
        self.insert_rows(cursor, self.fts_rows(kind, documents, pieces))

    def fts_rows(self, kind: str, documents: list[SearchDocument], pieces: Pieces | None = None) -> list[list]:
        """The FTS rows of `documents` (of `kind`): their rowid, then each column's text folded and stemmed, from
        the documents' folded pieces (text.pieces_of()) when given. Reads and writes nothing: a rebuild's worker
        processes make them (index.py)."""
        pieces = pieces_of(documents, FTS_COLUMNS) if pieces is None else pieces
        columns_text = [stemmed_pieces(pieces[column], code) for column, code in FTS_COLUMNS.items()]
        return [
            [fts_rowid(kind, document.object_id), *texts]
            for document, texts in zip(documents, zip(*columns_text, strict=True), strict=True)
        ]

    def insert_rows(self, cursor, rows: list[list]) -> None:
        """Insert FTS rows made by fts_rows()."""
        if rows:
            columns = ", ".join(["rowid", *FTS_COLUMNS])
            placeholders = ", ".join(["%s"] * (len(FTS_COLUMNS) + 1))
            cursor.executemany(f"INSERT INTO {FTS_TABLE} ({columns}) VALUES ({placeholders})", rows)

    def clear(self, cursor) -> None:
        """Empty the FTS table."""
        cursor.execute(f"DELETE FROM {FTS_TABLE}")


class _PostgreSQL:
    @staticmethod
    def _tsquery(code: str) -> str:
        return f"plainto_tsquery('{CONFIGURATIONS[code]}', %s)"

    def _text_match(self, parsed: ParsedQuery, *, titles_only: bool = False, languages=LANGUAGES) -> tuple[str, list]:
        """Every term in one of `languages`' vectors (or title vectors, if `titles_only`)."""
        clauses, params = [], []
        for term in parsed.terms:
            alternatives = []
            for code in languages:
                vector = f"d.{(TITLE_VECTOR_COLUMNS if titles_only else VECTOR_COLUMNS)[code]}"
                for form in forms(term, code):
                    alternatives.append(f"{vector} @@ {self._tsquery(code)}")
                    params.append(form)
            clauses.append("(" + " OR ".join(alternatives) + ")")
        return "(" + " AND ".join(clauses) + ")", params

    def match_sql(self, kind: str, parsed: ParsedQuery) -> tuple[str, list]:
        return self.ids_sql(kind, parsed)

    def ids_sql(self, kind: str, parsed: ParsedQuery, *, titles_only=False, languages=LANGUAGES) -> tuple[str, list]:
        """Ids of the documents of `kind` with every term of `parsed` in `languages`' text (or titles only).

        An INTERSECT over the terms of one scan each: an OR over the term's languages and forms, which the planner
        answers with a BitmapOr of the kind's GIN indexes (migration 0022), visiting each matching row once. The
        vectors have no statistics, so the planner takes every word for a rare one and never picks a sequential scan,
        which detoasts every row's vector (~6 ms per 1,000 documents against ~0.3 ms through the bitmaps); and each
        term is a scan of its own because, taking the first term for rare, it would test the next ones row by row
        (detoasting again) rather than by their bitmaps.
        """
        term_selects, params = [], []
        for term in parsed.terms:
            match, match_params = self._text_match(ParsedQuery((term,)), titles_only=titles_only, languages=languages)
            term_selects.append(f"SELECT d.object_id FROM {DOCUMENT_TABLE} d WHERE d.kind = %s AND {match}")
            params += [kind, *match_params]
        return " INTERSECT ".join(term_selects), params

    def rank_sql(self, kind: str, parsed: ParsedQuery, language: str) -> list:
        """ts_rank() of the row's document in every language, the page language's counting double; beyond
        RANKED_MATCHES matches, the same three tiers as SQLite (see RANKED_MATCHES), so that no rank is computed
        per match."""
        if not parsed.terms:
            return [("0.0", [])]
        ranks, params = [], []
        for code in LANGUAGES:
            words = [form for term in parsed.terms for form in forms(term, code)]
            any_term = " || ".join(self._tsquery(code) for _ in words)
            boost = PAGE_LANGUAGE_BOOST if code == language else 1.0
            ranks.append(f"ts_rank({POSTGRESQL_WEIGHTS}, d.{VECTOR_COLUMNS[code]}, {any_term}) * {boost}")
            params += words
        exact = f"(SELECT {' + '.join(ranks)} FROM {DOCUMENT_TABLE} d WHERE d.kind = %s AND d.object_id = "
        match, match_params = self._text_match(parsed)
        many = (
            f"(SELECT count(*) FROM (SELECT 1 FROM {DOCUMENT_TABLE} d WHERE d.kind = %s AND {match} "
            f"LIMIT {RANKED_MATCHES + 1}) s) > {RANKED_MATCHES}"
        )
        parts = [(f"CASE WHEN {many} THEN CASE", [kind, *match_params])]
        tiers = [(SQLITE_TITLE_WEIGHT, LANGUAGES)]
        if language in LANGUAGES:
            tiers.insert(0, (SQLITE_TITLE_WEIGHT * PAGE_LANGUAGE_BOOST, [language]))
        for weight, languages in tiers:
            titles, titles_params = self._text_match(parsed, titles_only=True, languages=languages)
            newest = (
                f"SELECT d.object_id FROM {DOCUMENT_TABLE} d WHERE d.kind = %s AND {titles} "
                f"ORDER BY d.id DESC LIMIT {RANKED_MATCHES}"
            )
            parts += [(" WHEN ", []), _PK, (f" IN ({newest}) THEN {weight}", [kind, *titles_params])]
        return [*parts, (f" ELSE {SQLITE_BODY_WEIGHT} END ELSE {exact}", [*params, kind]), _PK, (") END", [])]

    def write(self, cursor, kind, documents, replaced_ids, pieces=None) -> None:
        """Nothing to do: the tsvector columns are generated from the document's columns."""

    def fts_rows(self, kind, documents, pieces=None) -> list:
        return []  # the database makes the vectors from the documents' columns

    def insert_rows(self, cursor, rows) -> None:
        """Nothing to do: see fts_rows()."""

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
