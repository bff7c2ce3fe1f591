"""The public catalogue of one content version, in memory: the public publications' ids as Roaring bitmaps, per
facet value, and in each sort order, so that the catalogue page filters, counts, facets and pages its results with
set operations (results.py), whatever the number of publications a search or a filter matches.

Built on first use for each content version (models/version.py: any write to public content, or a scheduled
record's publish date coming, moves it), in each process: about 0.5 s of SQL at 100,000 publications, then every
page reuses it until the catalogue changes. A sort order is read the first time a page asks for it. Several app
servers each build their own: the index is derived, never written back, so they can't disagree for longer than the
content version they read.
"""

import json
import threading
from array import array
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import F
from pyroaring import BitMap

from catalogue.models import Edition, Publication, Series, Topic
from catalogue.models.version import content_version

# The facets, each with the SQL of its (publication id, value) pairs over the public publications (%s: their ids).
FACETS = ("series", "topic", "year", "language", "format")


@dataclass
class CatalogueIndex:
    using: str
    version: object
    public: BitMap
    facets: dict[str, dict[str, BitMap]]  # facet → value (a series' or topic's pk, a year, a code) → publication ids
    slugs: dict[str, dict[str, str]]  # "series"/"topic" → slug → pk, as the facets key them
    _orders: dict[str, array] = field(default_factory=dict, repr=False)
    _positions: dict[str, array] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def selected(self, name: str, values) -> BitMap:
        """The publications with any of `values` of facet `name` (slugs for series and topics)."""
        by_value = self.facets[name]
        if name in self.slugs:
            values = [self.slugs[name].get(value) for value in values]
        return BitMap.union(BitMap(), *(by_value[value] for value in values if value in by_value))

    def years(self, first: int | None, last: int | None) -> BitMap:
        """The publications of the years from `first` to `last` (either may be open)."""
        chosen = [
            ids
            for year, ids in self.facets["year"].items()
            if (first is None or int(year) >= first) and (last is None or int(year) <= last)
        ]
        return BitMap.union(BitMap(), *chosen)

    def counts(self, name: str, ids: BitMap) -> dict[str, int]:
        """How many of `ids` have each value of facet `name` (values none of them has are left out)."""
        found = {value: ids.intersection_cardinality(members) for value, members in self.facets[name].items()}
        return {value: count for value, count in found.items() if count}

    def ordered(self, ids: BitMap, key: str, ordering: list, start: int, stop: int) -> list[int]:
        """`ids` (public publications) from `start` to `stop` in the order `ordering` names (`key` names it here)."""
        order = self._order(key, ordering)
        if len(ids) * 16 < len(order):  # few: sort them by their position in the order
            positions = self._position(key, order)
            return sorted(ids, key=positions.__getitem__)[start:stop]
        chosen = []  # many: walk the order until the page is full
        for pk in order:
            if pk in ids:
                chosen.append(pk)
                if len(chosen) == stop:
                    break
        return chosen[start:stop]

    def _order(self, key: str, ordering: list) -> array:
        if key not in self._orders:
            with self._lock:
                if key not in self._orders:
                    keys = Publication.objects.using(self.using).filter(pk__in=self._public_query()).order_by(*ordering)
                    self._orders[key] = array("q", keys.values_list("pk", flat=True).iterator(chunk_size=10_000))
        return self._orders[key]

    def _position(self, key: str, order: array) -> array:
        if key not in self._positions:
            with self._lock:
                if key not in self._positions:
                    positions = array("q", bytes(8 * (max(order, default=0) + 1)))
                    for position, pk in enumerate(order):
                        positions[pk] = position
                    self._positions[key] = positions
        return self._positions[key]

    def _public_query(self):
        return Publication.objects.using(self.using).published().values("pk")


def build(using: str, version) -> CatalogueIndex:
    """Read the index of the public catalogue from database `using`: one statement per facet, each value's
    publication ids read as one text value (group_concat/string_agg) and parsed in C, not row by row."""
    public = Publication.objects.using(using).published()
    links = Publication.topics.through.objects.using(using).filter(publication_id__in=public.values("pk"))
    editions = Edition.objects.using(using).filter(publication_id__in=public.values("pk"))
    sources = {  # facet: (queryset, column of the value, column of the publication id)
        "series": (public, "series_id", "id"),
        "topic": (links, "topic_id", "publication_id"),
        "year": (public, "year", "id"),
        "language": (editions, "language", "publication_id"),
        "format": (editions, "format", "publication_id"),
    }
    facets = {name: dict(_grouped_ids(queryset, value, pk, using)) for name, (queryset, value, pk) in sources.items()}
    public_ids = BitMap.union(BitMap(), *facets["year"].values())  # every publication has a year
    slugs = {
        "series": {slug: str(pk) for slug, pk in Series.objects.using(using).values_list("slug", "pk")},
        "topic": {slug: str(pk) for slug, pk in Topic.objects.using(using).values_list("slug", "pk")},
    }
    return CatalogueIndex(using, version, public_ids, facets, slugs)


def _grouped_ids(queryset, value: str, pk: str, using: str):
    """(value as text, BitMap of ids) for each value of column `value` in `queryset` (NULL left out)."""
    # Named columns: Django writes a values_list()'s columns in its own order, not the one asked for.
    pairs = queryset.order_by().annotate(facet_value=F(value), facet_id=F(pk)).values_list("facet_value", "facet_id")
    sql, params = pairs.query.sql_with_params()
    connection = connections[using]
    concat = (
        "string_agg(CAST(facet_id AS text), ',')" if connection.vendor == "postgresql" else "group_concat(facet_id)"
    )
    grouped = (
        f"WITH s AS ({sql}) SELECT facet_value, {concat} FROM s WHERE facet_value IS NOT NULL GROUP BY facet_value"
    )
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        for found, ids in cursor.fetchall():
            yield str(found), BitMap(json.loads(f"[{ids}]"))


_current: dict[str, CatalogueIndex] = {}
_building = threading.Lock()


def catalogue_index(using: str = "default") -> CatalogueIndex:
    """The index of the public catalogue as it is now: one cheap query for the content version, the index
    rebuilt when it moved."""
    version = content_version(using=using)
    index = _current.get(using)
    if index is not None and index.version == version:
        return index
    with _building:
        index = _current.get(using)
        if index is None or index.version != version:
            index = _current[using] = build(using, version)
    return index


def forget() -> None:
    """Drop the indexes built so far (a test's database is rolled back under them)."""
    _current.clear()
