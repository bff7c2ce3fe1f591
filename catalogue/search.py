"""Full-text search of publications and workshops in en, fr and es, on SQLite and PostgreSQL.

The one module that knows how the index is stored. Each publication and workshop has a
SearchDocument row with its own text and its related rows' text, per language, as a title
part (weighted high) and a body part, plus its ISBNs and ISSNs; signals.py keeps the rows
in step with the catalogue and `rebuild_index()` remakes them all.

Words are compared with accents folded and stemmed per language: each language's columns
are stemmed with that language's stemmer, and every query word is stemmed with each
language's stemmer and looked up in the matching columns, so a query finds words in all
three languages whatever the page language. Every query word must match (in some
language); the page language only weighs in the ranking.

- SQLite: Python folds and stems (snowballstemmer) the text that goes into an FTS5 table
  and the query words; ranked with bm25().
- PostgreSQL: per-language text-search configurations (unaccent, then snowball) generate
  tsvector columns with GIN indexes (see migration 0003); ranked with ts_rank().

Neither backend's query syntax ever sees user text: the query is split into words of
letters and digits, passed as bound parameters (PostgreSQL) or as quoted FTS5 strings.
"""

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.db import connections, router, transaction
from django.db.models import Expression, F, FloatField, Prefetch, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from stdnum import isbn, issn

from .identifiers import compact_identifier
from .models import AgendaItem, Publication, SearchDocument, Workshop

LANGUAGES = ("en", "fr", "es")
_STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}

MAX_QUERY_LENGTH = 2000  # characters of a query that are read
MAX_TERMS = 16  # distinct words of a query that are searched
MAX_TERM_LENGTH = 64  # longer words are cut
IDENTIFIER_RANK = 1000.0  # an ISBN/ISSN match outranks any text match
PAGE_LANGUAGE_BOOST = 2.0
# Relative weight of the title part (title, subtitle) against the body part.
SQLITE_TITLE_WEIGHT, SQLITE_BODY_WEIGHT = 10.0, 1.0
POSTGRESQL_WEIGHTS = "ARRAY[0.1, 0.1, 0.1, 1.0]::float4[]"  # D, C, B (body), A (title)

FTS_TABLE = "catalogue_search_fts"
_FTS_COLUMNS = [f"title_{code}" for code in LANGUAGES] + [f"body_{code}" for code in LANGUAGES]
_DOCUMENT_FIELDS = [*_FTS_COLUMNS, "identifiers"]

_WORD = re.compile(r"[^\W_]+")
# Boolean operators people type out of habit: not words to look for (lower-case "and" still is).
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b")
# Letters that Unicode does not decompose but PostgreSQL's unaccent folds.
_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ŀ": "l"})


# Words ---------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents ("Migración" -> "migracion")."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of `text`: runs of letters and digits."""
    return _WORD.findall(fold(text))


_local = threading.local()


def _stemmer(language: str):
    # Snowball stemmer objects keep state between calls: one set per thread.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {code: snowballstemmer.stemmer(name) for code, name in _STEMMERS.items()}
    return stemmers[language]


@lru_cache(maxsize=100_000)
def stem(word: str, language: str) -> str:
    """The stem of a folded `word` in `language` (en, fr or es)."""
    return _stemmer(language).stemWord(word)


def _stemmed(text: str, language: str) -> str:
    return " ".join(stem(word, language) for word in words(text))


def _page_language(language: str) -> str:
    return (language or "").split("-")[0].lower()


# Queries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]  # folded words, each of which must match
    identifiers: tuple[str, ...]  # compact ISBN-13s and ISSNs found in the query

    def __bool__(self):
        return bool(self.terms or self.identifiers)


def parse_query(query: str) -> ParsedQuery:
    """Split a user's query into searchable words and ISBN/ISSN candidates; never fails."""
    query = _OPERATORS.sub(" ", str(query or "")[:MAX_QUERY_LENGTH])
    terms = tuple(dict.fromkeys(word[:MAX_TERM_LENGTH] for word in words(query)))[:MAX_TERMS]
    return ParsedQuery(terms=terms, identifiers=_identifiers_in(query))


def _identifiers_in(query: str) -> tuple[str, ...]:
    chunks = query.split()
    candidates = ["".join(chunks), *chunks[:MAX_TERMS]]
    found = []
    for candidate in candidates:
        value = compact_identifier(candidate)
        if value.startswith(("ISBN", "ISSN")):
            value = value[4:]
        if len(value) in (10, 13) and isbn.is_valid(value):
            found.append(isbn.to_isbn13(value))
        elif len(value) == 8 and issn.is_valid(value):
            found.append(value)
    return tuple(dict.fromkeys(found))


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
    backend = _backend(queryset.db)
    match_sql, match_params = backend.match_sql(kind, parsed)
    rank_sql, rank_params = backend.rank_sql(kind, parsed, _page_language(language))
    return queryset.filter(pk__in=RawSQL(match_sql, match_params)).annotate(
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
    if not parsed.identifiers:
        return "", []
    sql = " OR ".join("d.identifiers LIKE %s" for _ in parsed.identifiers)
    return f"({sql})", [f"% {value} %" for value in parsed.identifiers]


def _identifier_rank(parsed: ParsedQuery) -> tuple[str, list]:
    condition, params = _identifier_condition(parsed)
    if not condition:
        return "0.0", []
    return f"CASE WHEN {condition} THEN {IDENTIFIER_RANK} ELSE 0.0 END", params


def _match_sql(kind: str, parsed: ParsedQuery, text_sql: str, text_params: list) -> tuple[str, list]:
    """Ids of the documents of `kind` matching the text condition or an identifier in the query."""
    conditions, params = ([text_sql], list(text_params)) if text_sql else ([], [])
    identifier_sql, identifier_params = _identifier_condition(parsed)
    if identifier_sql:
        conditions.append(identifier_sql)
        params += identifier_params
    sql = f"SELECT d.object_id FROM catalogue_searchdocument d WHERE d.kind = %s AND ({' OR '.join(conditions)})"
    return sql, [kind, *params]


class _SQLite:
    @staticmethod
    def fts_query(parsed: ParsedQuery) -> str:
        """An FTS5 query: every term, in any language's columns under that language's stem."""
        clauses = []
        for term in parsed.terms:
            alternatives = []
            for code in LANGUAGES:
                quoted = stem(term, code).replace('"', '""')
                alternatives.append(f'{{title_{code} body_{code}}} : "{quoted}"')
            clauses.append("(" + " OR ".join(alternatives) + ")")
        return " AND ".join(clauses)

    def match_sql(self, kind: str, parsed: ParsedQuery) -> tuple[str, list]:
        if not parsed.terms:
            return _match_sql(kind, parsed, "", [])
        text_sql = f"d.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
        return _match_sql(kind, parsed, text_sql, [self.fts_query(parsed)])

    def rank_sql(self, kind: str, parsed: ParsedQuery, language: str) -> tuple[str, list]:
        identifier_sql, params = _identifier_rank(parsed)
        text_sql, ranks = "0.0", ""
        if parsed.terms:
            weights = []
            for column in _FTS_COLUMNS:
                weight = SQLITE_TITLE_WEIGHT if column.startswith("title_") else SQLITE_BODY_WEIGHT
                weights.append(str(weight * (PAGE_LANGUAGE_BOOST if column.endswith(f"_{language}") else 1.0)))
            # bm25() over the whole match once, materialised (LIMIT/OFFSET stops SQLite from merging it into
            # the correlated query, where it would rescan the index for every row).
            ranks = (
                f"LEFT JOIN (SELECT rowid AS id, -bm25({FTS_TABLE}, {', '.join(weights)}) AS rank FROM {FTS_TABLE} "
                f"WHERE {FTS_TABLE} MATCH %s LIMIT -1 OFFSET 0) r ON r.id = d.id"
            )
            params.append(self.fts_query(parsed))
            text_sql = "COALESCE(r.rank, 0.0)"
        sql = (
            f"(SELECT {identifier_sql} + {text_sql} FROM catalogue_searchdocument d {ranks} "
            "WHERE d.kind = %s AND d.object_id = "
        )
        return sql, [*params, kind]

    def write(self, cursor, documents: list[SearchDocument], replaced_ids: list[int]) -> None:
        # New documents' ids too: `flush` empties the documents but not this virtual table, and ids restart.
        stale = sorted({*replaced_ids, *(document.pk for document in documents)})
        for start in range(0, len(stale), 500):
            chunk = stale[start : start + 500]
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)
        if documents:
            columns = ", ".join(["rowid", *_FTS_COLUMNS])
            placeholders = ", ".join(["%s"] * (len(_FTS_COLUMNS) + 1))
            rows = [
                [document.pk, *(_stemmed(getattr(document, column), column[-2:]) for column in _FTS_COLUMNS)]
                for document in documents
            ]
            cursor.executemany(f"INSERT INTO {FTS_TABLE} ({columns}) VALUES ({placeholders})", rows)

    def clear(self, cursor) -> None:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")


class _PostgreSQL:
    @staticmethod
    def _tsquery(code: str) -> str:
        return f"plainto_tsquery('idm_{code}', %s)"

    def match_sql(self, kind: str, parsed: ParsedQuery) -> tuple[str, list]:
        clauses, params = [], []
        for term in parsed.terms:
            alternatives = [f"d.vector_{code} @@ {self._tsquery(code)}" for code in LANGUAGES]
            clauses.append("(" + " OR ".join(alternatives) + ")")
            params += [term] * len(LANGUAGES)
        return _match_sql(kind, parsed, "(" + " AND ".join(clauses) + ")" if clauses else "", params)

    def rank_sql(self, kind: str, parsed: ParsedQuery, language: str) -> tuple[str, list]:
        identifier_sql, params = _identifier_rank(parsed)
        text_sql = "0.0"
        if parsed.terms:
            ranks = []
            for code in LANGUAGES:
                any_term = " || ".join(self._tsquery(code) for _ in parsed.terms)
                boost = PAGE_LANGUAGE_BOOST if code == language else 1.0
                ranks.append(f"ts_rank({POSTGRESQL_WEIGHTS}, d.vector_{code}, {any_term}) * {boost}")
                params += list(parsed.terms)
            text_sql = " + ".join(ranks)
        sql = f"(SELECT {identifier_sql} + {text_sql} FROM catalogue_searchdocument d WHERE d.kind = %s AND d.object_id = "
        return sql, [*params, kind]

    def write(self, cursor, documents, replaced_ids) -> None:
        """Nothing to do: the tsvector columns are generated from the document's columns."""

    def clear(self, cursor) -> None:
        """Nothing to do: the tsvector columns go with the rows."""


def _backend(using: str):
    vendor = connections[using].vendor
    if vendor == "sqlite":
        return _SQLite()
    if vendor == "postgresql":
        return _PostgreSQL()
    raise NotImplementedError(f"Full-text search does not support {vendor}.")


# Highlighting --------------------------------------------------------------------------------


def highlight(text: str, query: str, *, language: str, max_length: int = 240) -> SafeString:
    """Escaped HTML snippet of `text` around its first match of `query`, matching words in <mark>."""
    text = " ".join(unicodedata.normalize("NFC", str(text or "")).split())
    wanted = {(code, stem(term, code)) for term in parse_query(query).terms for code in LANGUAGES}
    spans = []
    for match in _WORD.finditer(text):
        folded = words(match.group())
        if any((code, stem(word, code)) in wanted for word in folded for code in LANGUAGES):
            spans.append(match.span())
    start, end = _window(text, spans[0][0] if spans else 0, max_length)
    parts = ["…"] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        position = span_end
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))


def _window(text: str, focus: int, max_length: int) -> tuple[int, int]:
    """Bounds of at most `max_length` characters (ellipses included) around `focus`, cut between words."""
    if len(text) <= max_length:
        return 0, len(text)
    budget = max(max_length - 2, 1)  # room for an ellipsis at each end
    start = max(0, min(focus - budget // 4, len(text) - budget))
    if start > 0 and not text[start - 1].isspace():
        next_space = text.find(" ", start, focus)
        start = next_space + 1 if next_space != -1 else start
    end = min(len(text), start + budget)
    if end < len(text) and not text[end].isspace():
        last_space = text.rfind(" ", start, end)
        end = last_space if last_space > focus else end
    return start, end


# Index ---------------------------------------------------------------------------------------


def _text(*values) -> str:
    # Stored as words separated by spaces, so that both databases split the text into the same words
    # (PostgreSQL's parser would read "978-92-9068" as the numbers 978, -92 and -9068).
    return "\n".join(" ".join(_WORD.findall(unicodedata.normalize("NFC", value))) for value in values if value)


def _identifiers(values: Iterable[str]) -> str:
    compact = dict.fromkeys(compact_identifier(value) for value in values if value)
    return f" {' '.join(compact)} " if compact else ""


def _agenda_prefetch() -> Prefetch:
    return Prefetch("agenda_items", queryset=AgendaItem.objects.order_by().prefetch_related("speakers"))


def _agenda_text(workshop: Workshop, code: str) -> list[str]:
    values = []
    for item in workshop.agenda_items.all():
        values.append(getattr(item, f"title_{code}"))
        values += [speaker.name for speaker in item.speakers.all()]
    return values


def _publication_documents(publications: QuerySet) -> Iterator[SearchDocument]:
    publications = (
        publications.order_by()
        .select_related("series")
        .prefetch_related(
            "series__issns",
            "editions",
            "topics",
            "toc_entries",
            Prefetch("workshops", queryset=Workshop.objects.order_by().prefetch_related(_agenda_prefetch())),
        )
    )
    for publication in publications.iterator(chunk_size=500):
        document = SearchDocument(kind=SearchDocument.Kind.PUBLICATION, object_id=publication.pk)
        for code in LANGUAGES:
            setattr(
                document,
                f"title_{code}",
                _text(getattr(publication, f"title_{code}"), getattr(publication, f"subtitle_{code}")),
            )
            body = [getattr(publication, f"summary_{code}")]
            body += [getattr(entry, f"title_{code}") for entry in publication.toc_entries.all()]
            body += [getattr(topic, f"name_{code}") for topic in publication.topics.all()]
            for workshop in publication.workshops.all():
                body += [getattr(workshop, f"title_{code}"), getattr(workshop, f"description_{code}")]
                body += _agenda_text(workshop, code)
            setattr(document, f"body_{code}", _text(*body))
        editions = publication.editions.all()
        document.identifiers = _identifiers(
            [edition.isbn for edition in editions]
            + [edition.issn for edition in editions]
            + [row.issn for row in publication.series.issns.all()]
        )
        yield document


def _workshop_documents(workshops: QuerySet) -> Iterator[SearchDocument]:
    workshops = workshops.order_by().prefetch_related(_agenda_prefetch())
    for workshop in workshops.iterator(chunk_size=500):
        document = SearchDocument(kind=SearchDocument.Kind.WORKSHOP, object_id=workshop.pk)
        for code in LANGUAGES:
            setattr(document, f"title_{code}", _text(getattr(workshop, f"title_{code}")))
            body = [getattr(workshop, f"description_{code}"), *_agenda_text(workshop, code)]
            setattr(document, f"body_{code}", _text(*body))
        yield document


_BUILDERS = {
    SearchDocument.Kind.PUBLICATION: (Publication, _publication_documents),
    SearchDocument.Kind.WORKSHOP: (Workshop, _workshop_documents),
}


def index_publications(pks: Iterable[int], *, using: str | None = None) -> None:
    """Bring the search documents of these publications up to date (removing those of deleted ones)."""
    _index(SearchDocument.Kind.PUBLICATION, pks, using=using)


def index_workshops(pks: Iterable[int], *, using: str | None = None) -> None:
    """Bring the search documents of these workshops up to date (removing those of deleted ones)."""
    _index(SearchDocument.Kind.WORKSHOP, pks, using=using)


def _index(kind: str, pks: Iterable[int], *, using: str | None) -> None:
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    using = using or router.db_for_write(SearchDocument)
    model, build = _BUILDERS[kind]
    with transaction.atomic(using=using):
        existing = dict(
            SearchDocument.objects.using(using).filter(kind=kind, object_id__in=pks).values_list("object_id", "pk")
        )
        documents = list(build(model.objects.using(using).filter(pk__in=pks)))
        for document in documents:
            document.pk = existing.pop(document.object_id, None)
        gone = list(existing.values())
        if gone:
            SearchDocument.objects.using(using).filter(pk__in=gone).delete()
        changed = [document for document in documents if document.pk is not None]
        if changed:
            SearchDocument.objects.using(using).bulk_update(changed, _DOCUMENT_FIELDS)
        created = [document for document in documents if document.pk is None]
        if created:
            SearchDocument.objects.using(using).bulk_create(created)
        with connections[using].cursor() as cursor:
            _backend(using).write(cursor, documents, gone + [document.pk for document in changed])


def rebuild_index(*, using: str | None = None) -> int:
    """Remake every search document from the catalogue; returns how many there are."""
    using = using or router.db_for_write(SearchDocument)
    backend = _backend(using)
    count = 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        SearchDocument.objects.using(using).all().delete()
        backend.clear(cursor)
        for model, build in _BUILDERS.values():
            batch = []
            for document in build(model.objects.using(using).all()):
                batch.append(document)
                if len(batch) == 500:
                    count += _insert(using, cursor, backend, batch)
                    batch = []
            count += _insert(using, cursor, backend, batch)
    return count


def _insert(using: str, cursor, backend, documents: list[SearchDocument]) -> int:
    if documents:
        SearchDocument.objects.using(using).bulk_create(documents)
        backend.write(cursor, documents, [])
    return len(documents)
