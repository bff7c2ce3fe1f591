"""The workshop list's page data: upcoming workshops apart from past ones, narrowed by year and city.

Like the catalogue's facets, the filters are lenient: a malformed or unknown value is dropped or matches nothing,
so any link still gives a page.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from pyroaring import BitMap

from catalogue.i18n import translated
from catalogue.models import Workshop

from .catalogue_index import catalogue_index

YEAR_RE = re.compile(r"[0-9]{4}")
MAX_CITY_LENGTH = 200
MAX_UPCOMING = 50  # upcoming workshops are a handful; the list is capped all the same


@dataclass
class Option:
    value: str
    label: object  # str or TranslatedValue
    count: int
    selected: bool


class WorkshopListing:
    """Upcoming and past public workshops under the `year` and `city` of the query string (a QueryDict), from the
    catalogue index's workshops (workshop_index.py): set operations, then the rows of the workshops shown."""

    def __init__(self, params, language: str, today: datetime.date | None = None, *, using: str | None = None):
        self.language = language
        self.today = today or timezone.localdate()
        year = params.get("year", "")
        self.year = int(year) if YEAR_RE.fullmatch(year) else None
        self.city = params.get("city", "")[:MAX_CITY_LENGTH] or None
        self.rows = Workshop.objects.db_manager(using).published().select_related("publication__series")
        self.index = catalogue_index(self.rows.db).workshop_index()  # the database the request reads
        self.in_year = self.index.years.get(self.year, BitMap()) if self.year is not None else None
        self.in_city = self.index.cities.get(self.city, BitMap()) if self.city is not None else None
        self.ids = BitMap.intersection(
            self.index.public, *(ids for ids in (self.in_year, self.in_city) if ids is not None)
        )

    @property
    def filtered(self) -> bool:
        return self.year is not None or self.city is not None

    def upcoming(self) -> list[Workshop]:
        """Workshops not over yet, soonest first."""
        keys = self.index.ordered(self.ids - self.index.past(self.today), 0, MAX_UPCOMING, reverse=True)
        by_key = self.rows.in_bulk(keys)
        return [by_key[key] for key in keys if key in by_key]

    def workshops(self) -> "PastWorkshops":
        """Past workshops, newest first: keys for the view's paginator, which reads their rows from `self.rows`."""
        return PastWorkshops(self.index, self.ids & self.index.past(self.today))

    def year_options(self) -> list[Option]:
        """Every year with a public workshop (under the city filter), newest first."""
        options = []
        for year in sorted(self.index.years, reverse=True):
            ids = self.index.years[year]
            count = len(ids) if self.in_city is None else ids.intersection_cardinality(self.in_city)
            if count:
                options.append(Option(str(year), str(year), count, year == self.year))
        return options

    def city_options(self) -> list[Option]:
        """Every city with a public workshop (under the year filter), named in the page language, by name."""
        options = []
        for city, ids in self.index.cities.items():
            count = len(ids) if self.in_year is None else ids.intersection_cardinality(self.in_year)
            if count:
                label = translated(_Row(self.index.city_names[city]), "city", self.language)
                options.append(Option(city, label, count, city == self.city))
        return sorted(options, key=lambda option: str(option.label).lower())


class PastWorkshops:
    """The keys of past workshops newest first, as the paginator reads them (`[start:stop]`, `count()`)."""

    def __init__(self, index, ids: BitMap):
        self.index, self.ids = index, ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, item: slice) -> list[int]:
        return self.index.ordered(self.ids, item.start or 0, item.stop if item.stop is not None else len(self.ids))


class _Row:
    """A values() row read like a record by translated()."""

    def __init__(self, row: dict):
        self.__dict__.update(row)
