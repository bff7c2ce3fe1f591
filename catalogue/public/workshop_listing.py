"""The workshop list's page data: upcoming workshops apart from past ones, narrowed by year and city.

Like the catalogue's facets, the filters are lenient: a malformed or unknown value is dropped or matches nothing,
so any link still gives a page.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from catalogue.i18n import content_languages, translated
from catalogue.models import Workshop

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
    """Upcoming and past public workshops under the `year` and `city` of the query string (a QueryDict)."""

    def __init__(self, params, language: str, today: datetime.date | None = None):
        self.language = language
        self.today = today or timezone.localdate()
        year = params.get("year", "")
        self.year = int(year) if YEAR_RE.fullmatch(year) else None
        self.city = params.get("city", "")[:MAX_CITY_LENGTH] or None

    @property
    def filtered(self) -> bool:
        return self.year is not None or self.city is not None

    def _base(self):
        workshops = Workshop.objects.published()
        if self.year is not None:
            workshops = workshops.filter(start_date__year=self.year)
        if self.city is not None:
            workshops = workshops.filter(city_en=self.city)
        return workshops

    def upcoming(self) -> list[Workshop]:
        """Workshops not over yet, soonest first."""
        workshops = self._base().filter(end_date__gte=self.today).select_related("publication__series")
        return list(workshops.order_by("start_date", "pk")[:MAX_UPCOMING])

    def workshops(self):
        """Past workshops, newest first (paginated by the view)."""
        workshops = self._base().filter(end_date__lt=self.today).select_related("publication__series")
        return workshops.order_by("-start_date", "-pk")

    def year_options(self) -> list[Option]:
        """Every year with a public workshop (under the city filter), newest first."""
        workshops = Workshop.objects.published()
        if self.city is not None:
            workshops = workshops.filter(city_en=self.city)
        rows = (
            workshops.annotate(year=ExtractYear("start_date"))
            .values("year")
            .annotate(count=Count("pk"))
            .order_by("-year")
        )
        return [Option(str(row["year"]), str(row["year"]), row["count"], row["year"] == self.year) for row in rows]

    def city_options(self) -> list[Option]:
        """Every city with a public workshop (under the year filter), named in the page language, by name."""
        workshops = Workshop.objects.published()
        if self.year is not None:
            workshops = workshops.filter(start_date__year=self.year)
        names = [f"city_{code}" for code in content_languages()]
        rows = workshops.values(*names).annotate(count=Count("pk")).order_by()
        options: dict[str, Option] = {}
        for row in rows:
            key = row["city_en"]
            if key in options:  # the same English name with different translations: one city
                options[key].count += row["count"]
                continue
            label = translated(_Row(row), "city", self.language)
            options[key] = Option(key, label, row["count"], key == self.city)
        return sorted(options.values(), key=lambda option: str(option.label).lower())


class _Row:
    """A values() row read like a record by translated()."""

    def __init__(self, row: dict):
        self.__dict__.update(row)
