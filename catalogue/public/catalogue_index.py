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

from catalogue.models import Edition, Publication, Series, Topic, Workshop
from catalogue.models.version import content_version

from . import id_order, workshop_index

# The facets, each with the SQL of its (publication id, value) pairs over the public publications (%s: their ids).
FACETS = ("series", "topic", "year", "language", "format")


@dataclass
class CatalogueIndex:
    using: str
    version: object
    public: BitMap
    facets: dict[str, dict[str, BitMap]]  # facet → value (a series' or topic's pk, a year, a code) → publication ids
    slugs: dict[str, dict[str, str]]  # "series"/"topic" → slug → pk, as the facets key them
    workshops: BitMap  # the public workshops
    _workshop_index: workshop_index.WorkshopIndex | None = field(default=None, repr=False)
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

    def publication_count(self, name: str, value) -> int:
        """How many public publications have `value` (a series' or topic's pk…) of facet `name`."""
        return len(self.facets[name].get(str(value), ()))

    def with_publication_counts(self, records, name: str) -> list:
        """`records` (series or topics: facet `name`) each with `publication_count`, its number of public
        publications: read here, not counted in SQL over every publication."""
        records = list(records)
        for record in records:
            record.publication_count = self.publication_count(name, record.pk)
        return records

    def workshop_index(self) -> workshop_index.WorkshopIndex:
        """The public workshops by date, year and city (the workshop list's), read the first time it is asked for."""
        if self._workshop_index is None:
            with self._lock:
                if self._workshop_index is None:
                    self._workshop_index = workshop_index.build(self.using)
        return self._workshop_index

    def most_used(self, name: str, limit: int) -> list[str]:
        """The `limit` values of facet `name` that the most public publications have (ties: by value)."""
        by_size = sorted(self.facets[name].items(), key=lambda item: (-len(item[1]), item[0]))
        return [value for value, _ids in by_size[:limit]]

    def ordered(self, ids: BitMap, key: str, ordering: list, start: int, stop: int) -> list[int]:
        """`ids` (public publications) from `start` to `stop` in the order `ordering` names (`key` names it here)."""
        order = self._order(key, ordering)
        return id_order.page(ids, order, lambda: self._position(key, order), start, stop)

    def _order(self, key: str, ordering: list) -> array:
        """The public publications' ids in `ordering`: every publication's read along the sort's index (migration
        0020), the public ones kept."""
        if key not in self._orders:
            with self._lock:
                if key not in self._orders:
                    rows = Publication.objects.using(self.using).order_by(*ordering).values_list("pk", flat=True)
                    sql, params = rows.query.sql_with_params()
                    with connections[self.using].cursor() as cursor:
                        cursor.execute(sql, params)
                        public = self.public
                        self._orders[key] = array("q", (pk for (pk,) in cursor if pk in public))  # streamed
        return self._orders[key]

    def ordered_workshops(self, ids: BitMap, limit: int) -> list[int]:
        """The first `limit` of `ids` (public workshops), latest first."""
        if "workshops" not in self._orders:
            with self._lock:
                if "workshops" not in self._orders:
                    rows = Workshop.objects.using(self.using).published().order_by("-start_date", "pk")
                    self._orders["workshops"] = array(
                        "q", rows.values_list("pk", flat=True).iterator(chunk_size=10_000)
                    )
        chosen = []
        for pk in self._orders["workshops"]:
            if len(chosen) == limit:
                break
            if pk in ids:
                chosen.append(pk)
        return chosen

    def _position(self, key: str, order: array) -> array:
        if key not in self._positions:
            with self._lock:
                if key not in self._positions:
                    self._positions[key] = id_order.positions(order)
        return self._positions[key]


def build(using: str, version) -> CatalogueIndex:
    """Read the index of the public catalogue from database `using`: the public publications' ids, then each facet's
    ids per value from an index that holds both (migration 0020), every publication's, kept when public. Each
    value's ids come as one text value (group_concat/string_agg) parsed in C, not row by row."""
    publications = Publication.objects.using(using)
    public = BitMap.union(BitMap(), *dict(_grouped_ids(publications.published(), "status", "id", using)).values())
    sources = {  # facet: (rows, column of the value, column of the publication id)
        "series": (publications, "series_id", "id"),
        "topic": (Publication.topics.through.objects.using(using), "topic_id", "publication_id"),
        "year": (publications, "year", "id"),
        "language": (Edition.objects.using(using), "language", "publication_id"),
        "format": (Edition.objects.using(using), "format", "publication_id"),
    }
    facets = {}
    for name, (rows, value, pk) in sources.items():
        kept = ((found, ids & public) for found, ids in _grouped_ids(rows, value, pk, using))
        facets[name] = {found: ids for found, ids in kept if ids}
    slugs = {
        "series": {slug: str(pk) for slug, pk in Series.objects.using(using).values_list("slug", "pk")},
        "topic": {slug: str(pk) for slug, pk in Topic.objects.using(using).values_list("slug", "pk")},
    }
    workshops = BitMap.union(
        BitMap(), *dict(_grouped_ids(Workshop.objects.using(using).published(), "status", "id", using)).values()
    )
    return CatalogueIndex(using, version, public, facets, slugs, workshops)


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
