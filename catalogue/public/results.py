"""The catalogue page's results: the public publications under its search and filters, counted, faceted and paged
with set operations over the catalogue index (catalogue_index.py) and the search's match set (search/sets.py).

A page then reads the match once and the catalogue's facet bitmaps from memory, whatever the number of matches:
the count is a bitmap's size, each facet value's count an intersection's, and the page's keys come from walking the
sort order (or sorting the few matches by their place in it). A search ranked by relevance keeps the ranking of
`search_publications()`: up to RANKED_MATCHES matches ranked with bm25()/ts_rank() in SQL (once per content
version and query, then kept), more in tiers (an identifier of the query, a known item, every word in a title of the
page language, in any title, the rest), each tier newest first.
"""

from pyroaring import BitMap

from catalogue import search
from catalogue.models import Publication

from .catalogue_index import FACETS, CatalogueIndex, catalogue_index


class PublicationResults:
    """A sequence of publication keys in the page's order (`results[start:stop]`, `count()`), with its facets."""

    def __init__(self, cleaned: dict, *, sort: str, orderings: dict, language: str, using: str):
        self.sort, self.orderings, self.language, self.using = sort, orderings, language, using
        self.query = cleaned.get("q") or ""
        self.index: CatalogueIndex = catalogue_index(using)
        self.matches = (
            search.publication_matches(self.query, language=language, using=using, version=self.index.version)
            if self.query
            else None
        )
        base = self.index.public
        if self.matches is not None:
            base = base & self.matches.ids
        if cleaned.get("year_from") is not None or cleaned.get("year_to") is not None:
            base = base & self.index.years(cleaned.get("year_from"), cleaned.get("year_to"))
        self.selections = {name: self.index.selected(name, cleaned[name]) for name in FACETS if cleaned.get(name)}
        self.base = base  # under every filter but the facets
        self.ids = BitMap.intersection(base, *self.selections.values()) if self.selections else base
        self._ranked = None

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """{facet: {value: count}}, each facet counted under every active filter but its own."""
        counts = {}
        for name in FACETS:
            others = [ids for other, ids in self.selections.items() if other != name]
            counted = BitMap.intersection(self.base, *others) if others else self.base
            counts[name] = self.index.counts(name, counted)
        return counts

    def __getitem__(self, item: slice) -> list[int]:
        start, stop = item.start or 0, item.stop if item.stop is not None else len(self.ids)
        if self.sort != "relevance" or self.matches is None:  # nothing to rank by: newest first, as in SQL
            return self._ordered(self.ids, "newest" if self.sort == "relevance" else self.sort, start, stop)
        if len(self.matches.ids) <= search.RANKED_MATCHES:  # as search_publications(): few matches in all
            return self._ranked_in_sql()[start:stop]
        return self._in_tiers(start, stop)

    def _ordered(self, ids: BitMap, sort: str, start: int, stop: int) -> list[int]:
        key = f"{sort}:{self.language}" if sort == "title" else sort
        return self.index.ordered(ids, key, self.orderings[sort], start, stop)

    def _ranked_in_sql(self) -> list[int]:
        """The results ranked with bm25()/ts_rank() (few matches): every public match ranked once per content
        version and query (search.remember), the page's filters kept in that order: a filter does not change a
        match's score."""
        if self._ranked is None:
            public = self.index.public & self.matches.ids
            if len(public) <= 1:  # an ISBN, a known item: nothing to rank, no statement to run
                self._ranked = [pk for pk in public if pk in self.ids]
                return self._ranked

            def rank():
                matching = Publication.objects.using(self.using).filter(pk__in=list(public))
                found = search.search_publications(matching, self.query, language=self.language)
                return list(found.order_by(*self.orderings["relevance"]).values_list("pk", flat=True))

            key = ("ranked", self.using, self.index.version, self.query, self.language)
            self._ranked = [pk for pk in search.remember(key, rank) if pk in self.ids]
        return self._ranked

    def _in_tiers(self, start: int, stop: int) -> list[int]:
        """The keys from `start` to `stop` ranked in tiers (search.Matches.tier()), each newest first;
        a tier is read only when the page reaches it."""
        keys, offset, position, ranked = [], 0, 0, BitMap()
        while offset < stop:
            tier = self.matches.tier(position)
            last = tier is None
            tier = self.ids - ranked if last else tier & self.ids  # last: the matches in no tier
            ranked |= tier
            if start < offset + len(tier):
                keys += self._ordered(tier, "newest", max(start - offset, 0), min(stop - offset, len(tier)))
            offset += len(tier)
            if last:
                break
            position += 1
        return keys


def matching_workshops(query: str, rows, *, language: str, limit: int, index: CatalogueIndex | None = None) -> list:
    """The `limit` public workshops (read from `rows`) that best match `query`, best first, ranked as publications are:
    with ts_rank()/bm25() in SQL when the query matches few workshops in all, else in tiers (every word in a title
    of the page language, in any title, the rest), each tier latest first."""
    index = index or catalogue_index(rows.db)  # the page's, when it has one
    matches = search.workshop_matches(query, language=language, using=rows.db, version=index.version)
    if matches is None:
        return []
    public = matches.ids & index.workshops
    if len(public) <= 1:  # nothing to rank
        keys = list(public)
    elif len(matches.ids) <= search.RANKED_MATCHES:
        found = search.search_workshops(rows.filter(pk__in=list(public)), query, language=language)
        return list(found.order_by("-search_rank", "-start_date", "pk")[:limit])
    else:
        keys = _workshops_in_tiers(matches, public, index, limit)
    by_key = rows.in_bulk(keys)
    return [by_key[key] for key in keys if key in by_key]


def _workshops_in_tiers(matches, public: BitMap, index: CatalogueIndex, limit: int) -> list[int]:
    """The keys of the `limit` best of the `public` matches, in tiers (search.Matches.tier()), each latest first."""
    keys, position, ranked = [], 0, BitMap()
    while len(keys) < limit:
        tier = matches.tier(position)
        last = tier is None
        tier = public - ranked if last else tier & public
        ranked |= tier
        keys += index.ordered_workshops(tier, limit - len(keys))
        if last:
            break
        position += 1
    return keys
