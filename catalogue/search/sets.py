"""A query's matches as sets of ids (Roaring bitmaps), read once per search, for pages that count, filter, facet and
rank them in memory (catalogue/public/results.py) instead of evaluating the match again in each SQL statement.

Each set is one statement that returns its ids in a single value (SQLite's group_concat(), PostgreSQL's
array_agg()): for a word in nearly every record at 100,000 publications, ~15 ms to read the FTS index and ~15 ms to
parse the ids, against ~0.2 s for each SQL statement that joined the match to the publications' rows.

The same matches as `search_publications()` (backends.py): every word in some language's text, or a page of an
edition's PDF holding every word, or an ISBN/ISSN of the query. Ranking a large match set in tiers needs the ids
ahead of the rest, best first (`Matches.tier()`): publications with an identifier of the query, those the query names as
a known item (series + number or year), those with every word in a title of the page language, in any title.
"""

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import connections
from pyroaring import BitMap, FrozenBitMap

from catalogue.i18n import requested_language
from catalogue.models import SearchDocument

from .backends import backend_for, publications_with_identifiers
from .documents_text import publications_matching_pages
from .known_items import known_item_queries
from .query import ParsedQuery, parse_query
from .schema import LANGUAGES

PUBLICATION, WORKSHOP = SearchDocument.Kind.PUBLICATION, SearchDocument.Kind.WORKSHOP


_CACHED_SETS = 64  # the id sets (and rankings) of the latest queries kept per process, for one content version
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def remember(key: tuple, compute):
    """`compute()`, kept in this process for the next requests asking for `key`, which must hold the catalogue's
    content version (so that a change to the catalogue is never answered from before it); the latest 64 kept."""
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = compute()
    with _cache_lock:
        _cache[key] = value
        while len(_cache) > _CACHED_SETS:
            _cache.popitem(last=False)
    return value


def id_set(sql: str, params: list, *, using: str, version=None) -> FrozenBitMap:
    """The ids `sql` selects (one column), read in one value. With the catalogue's content `version`, kept for the
    next request of the same query (its next page, a facet clicked) until the catalogue changes."""
    if version is not None:
        return remember((using, version, sql, tuple(params)), lambda: id_set(sql, params, using=using))
    connection = connections[using]
    if connection.vendor == "postgresql":
        aggregate = f"WITH s (i) AS ({sql}) SELECT array_agg(i) FROM s"
    else:
        aggregate = f"WITH s (i) AS ({sql}) SELECT '[' || group_concat(i) || ']' FROM s"
    with connection.cursor() as cursor:
        cursor.execute(aggregate, params)
        (value,) = cursor.fetchone()
    return FrozenBitMap(value if isinstance(value, list) else json.loads(value)) if value else FrozenBitMap()


def forget() -> None:
    """Drop the kept id sets (a test's database is rolled back under them)."""
    with _cache_lock:
        _cache.clear()


@dataclass
class Matches:
    """The publications or workshops (`kind`; any status: the caller keeps the public ones) matching a query."""

    kind: str
    parsed: ParsedQuery
    language: str
    using: str
    version: object
    ids: BitMap
    _tiers: list[BitMap] = field(default_factory=list, repr=False)
    _seen: BitMap = field(default_factory=BitMap, repr=False)
    _pending: list = field(default=None, repr=False)

    def tier(self, position: int) -> BitMap | None:
        """The `position`th group of matches ranked ahead of the rest (from 0, best first; None past the last),
        without the ids of those before it: an identifier of the query, a known item it names, every word in a
        title of the page language, in any title (a workshop: the titles only). Each read on first use: the first page of a common word needs
        only the first tiers, and a search ranked with bm25() in SQL none."""
        if self._pending is None:
            self._pending = self._tier_queries()
        while len(self._tiers) <= position and self._pending:
            sql, params = self._pending.pop(0)
            found = id_set(sql, params, using=self.using, version=self.version) & self.ids
            self._tiers.append(found - self._seen)
            self._seen |= found
        return self._tiers[position] if position < len(self._tiers) else None

    def _tier_queries(self) -> list[tuple[str, list]]:
        backend, queries = backend_for(self.using), []
        if self.kind == PUBLICATION:
            if self.parsed.isbns or self.parsed.issns:
                queries.append(publications_with_identifiers(self.parsed))
            queries += [backend.ids_sql(PUBLICATION, keys) for keys in known_item_queries(self.parsed)]
        if self.parsed.terms:
            if self.language in LANGUAGES:
                queries.append(backend.ids_sql(self.kind, self.parsed, titles_only=True, languages=[self.language]))
            queries.append(backend.ids_sql(self.kind, self.parsed, titles_only=True))
        return queries


def publication_matches(query: str, *, language: str, using: str, version=None) -> Matches | None:
    """The publications matching `query`, or None when it has nothing to search for (no filter, as
    `search_publications()` leaves its queryset unchanged). With the catalogue's content `version`, the sets read
    are kept for the next requests of the same query (id_set)."""
    parsed = parse_query(query)
    if not parsed:
        return None
    selects = []  # one statement: the text, the pages of the PDFs, the identifiers
    if parsed.terms:
        selects += [backend_for(using).ids_sql(PUBLICATION, parsed)]
        selects += [publications_matching_pages(connections[using].vendor, parsed)]
    if parsed.isbns or parsed.issns:
        selects += [publications_with_identifiers(parsed)]
    sql = " UNION ALL ".join(sql for sql, _ in selects)
    ids = id_set(sql, [param for _, params in selects for param in params], using=using, version=version)
    return Matches(PUBLICATION, parsed, requested_language(language), using, version, ids)


def workshop_matches(query: str, *, language: str, using: str, version=None) -> Matches | None:
    """The workshops matching `query` (every word in their text), or None when it has no word to search for."""
    parsed = parse_query(query)
    if not parsed.terms:
        return None
    ids = id_set(*backend_for(using).ids_sql(WORKSHOP, parsed), using=using, version=version)
    return Matches(WORKSHOP, parsed, requested_language(language), using, version, ids)
