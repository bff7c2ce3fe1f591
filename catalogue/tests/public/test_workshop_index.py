"""The workshop list's sections, pages and filters computed from the catalogue index's workshops
(public/workshop_index.py, workshop_listing.py), against the same lists read with SQL."""

import datetime

import pytest
from django.http import QueryDict

from catalogue.models import Status, Workshop
from catalogue.public.workshop_listing import WorkshopListing
from catalogue.tests.factories import PublicationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def workshops():
    """40 past workshops in Lyon over four years, two past and two upcoming in Geneva, and some never listed."""
    for number in range(40):
        start = datetime.date(2020 + number % 4, 1 + number % 12, 1 + number % 20)
        WorkshopFactory(slug=f"lyon-{number}", city_en="Lyon", start_date=start, end_date=start)
    for slug, start, days in [
        ("geneva-2019", datetime.date(2019, 5, 2), 1),
        ("geneva-2025", datetime.date(2025, 11, 20), 2),
        ("geneva-ongoing", datetime.date(2026, 6, 14), 3),  # started, not over: upcoming
        ("geneva-next", datetime.date(2026, 9, 1), 1),
    ]:
        WorkshopFactory(
            slug=slug, city_en="Geneva", city_fr="Genève", start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
        )  # fmt: skip
    WorkshopFactory(slug="draft", city_en="Geneva", status=Status.DRAFT, publish_date=None)
    WorkshopFactory(slug="draft-report", city_en="Geneva", publication=PublicationFactory(status=Status.DRAFT))


def listing(query: str = "", language: str = "en") -> WorkshopListing:
    return WorkshopListing(QueryDict(query), language, today=TODAY)


def slugs(keys_or_rows) -> list[str]:
    rows = list(keys_or_rows)
    if rows and isinstance(rows[0], int):
        by_key = Workshop.objects.in_bulk(rows)
        rows = [by_key[key] for key in rows]
    return [row.slug for row in rows]


def expected_past(**filters) -> list[str]:
    rows = Workshop.objects.published().filter(end_date__lt=TODAY, **filters).order_by("-start_date", "-pk")
    return list(rows.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("", {}),
        ("city=Geneva", {"city_en": "Geneva"}),  # few: sorted by their place in the order
        ("year=2021", {"start_date__year": 2021}),
        ("year=2025&city=Geneva", {"start_date__year": 2025, "city_en": "Geneva"}),
        ("city=Nowhere", {"city_en": "Nowhere"}),
    ],
)
def test_past_workshops_come_newest_first_in_pages_as_sql_orders_them(workshops, query, filters):
    past = listing(query).workshops()
    expected = expected_past(**filters)

    assert past.count() == len(expected)
    assert slugs(past[0 : len(expected)]) == expected
    assert slugs(past[5:12]) == expected[5:12]


def test_upcoming_workshops_are_those_not_over_soonest_first(workshops):
    assert slugs(listing().upcoming()) == ["geneva-ongoing", "geneva-next"]
    assert slugs(listing("year=2026").upcoming()) == ["geneva-ongoing", "geneva-next"]
    assert slugs(listing("city=Lyon").upcoming()) == []


def test_filter_counts_count_each_value_under_the_other_filter(workshops):
    years = {option.value: option.count for option in listing("city=Geneva").year_options()}
    assert years == {"2026": 2, "2025": 1, "2019": 1}
    years = listing("year=2025").year_options()  # a year's own filter does not narrow the years
    assert [(option.value, option.count, option.selected) for option in years] == [
        ("2026", 2, False), ("2025", 1, True), ("2023", 10, False), ("2022", 10, False), ("2021", 10, False),
        ("2020", 10, False), ("2019", 1, False),
    ]  # fmt: skip

    def cities(query: str) -> list[tuple]:
        return [(option.value, str(option.label), option.count) for option in listing(query, "fr").city_options()]

    assert cities("") == [("Geneva", "Genève", 4), ("Lyon", "Lyon", 40)]
    assert cities("year=2021&city=Geneva") == [("Lyon", "Lyon", 10)]
