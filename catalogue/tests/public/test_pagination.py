"""DeferredJoinPaginator: the same pages as Django's Paginator, read as keys then rows."""

import pytest
from django.core.paginator import Paginator

from catalogue import search
from catalogue.models import Publication, Status
from catalogue.public.pagination import DeferredJoinPaginator
from catalogue.tests.factories import EditionFactory, PublicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    for number in range(1, 24):
        publication = PublicationFactory(number=number, year=2000 + number % 5, title_en=f"Migration {number}")
        EditionFactory(publication=publication, language="fr")
    PublicationFactory(number=99, year=2004, title_en="Migration draft", status=Status.DRAFT, publish_date=None)


@pytest.mark.parametrize("orphans", [0, 3])
@pytest.mark.parametrize("ordering", [("-year", "-number", "pk"), ("year", "number", "pk"), ("-number",)])
def test_pages_hold_the_same_rows_in_the_same_order_as_djangos_paginator(catalogue, ordering, orphans):
    queryset = Publication.objects.published().for_listing().order_by(*ordering)
    ours, django = DeferredJoinPaginator(queryset, 5, orphans=orphans), Paginator(queryset, 5, orphans=orphans)

    assert ours.num_pages == django.num_pages
    for number in ours.page_range:
        assert [p.pk for p in ours.page(number)] == [p.pk for p in django.page(number)]


def test_rows_of_a_page_come_with_their_related_rows_in_a_fixed_number_of_queries(catalogue, django_assert_num_queries):
    queryset = Publication.objects.published().for_listing().order_by("-year", "-number", "pk")

    with django_assert_num_queries(4):  # count, the page's keys, its rows (series joined), their editions
        page = DeferredJoinPaginator(queryset, 10).page(2)
        shown = [(p.series.slug, [e.language for e in p.editions.all()]) for p in page]

    assert len(shown) == 10
    assert {languages[0] for _slug, languages in shown} == {"fr"}


@pytest.mark.parametrize("rows", ["the queryset", "the unsearched queryset"])
def test_a_search_results_page_keeps_its_order_and_leaves_drafts_out(catalogue, rows):
    published = Publication.objects.published().for_listing()
    matches = search.search_publications(published, "migration", language="en")
    queryset = matches.order_by("-search_rank", "-year", "-number", "pk")

    pages = DeferredJoinPaginator(queryset, 10, rows=published if rows == "the unsearched queryset" else None)
    shown = [p.pk for number in pages.page_range for p in pages.page(number)]

    assert shown == list(queryset.values_list("pk", flat=True))
    assert len(shown) == 23
    assert Publication.objects.get(number=99).pk not in shown


def test_a_key_whose_row_is_no_longer_among_the_rows_is_not_shown(catalogue):
    """As when a record is unpublished between the two queries: the page shows one row fewer, never that one."""
    queryset = Publication.objects.published().order_by("number")
    gone = queryset.first()

    page = DeferredJoinPaginator(queryset, 5, rows=queryset.exclude(pk=gone.pk)).page(1)

    assert [publication.number for publication in page] == [2, 3, 4, 5]
