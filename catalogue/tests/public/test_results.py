"""The catalogue page's results from the in-memory catalogue index and a search's match set (public/results.py,
public/catalogue_index.py, search/sets.py): the same publications, order and counts as the SQL they replace."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from catalogue import search
from catalogue.models import Publication, Workshop
from catalogue.public import catalogue_index
from catalogue.public.filters import PublicationFilter
from catalogue.public.results import matching_workshops
from catalogue.search import sets
from catalogue.tests.factories import (
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    TopicFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def results(query_string: str, language: str = "en"):
    published = Publication.objects.published()
    return PublicationFilter(QueryDict(query_string), queryset=published, language=language).results


def slugs(keys) -> list[str]:
    by_pk = dict(Publication.objects.filter(pk__in=keys).values_list("pk", "slug"))
    return [by_pk[key] for key in keys]


@pytest.fixture
def many_matches(monkeypatch):
    """Seven public matches of "diaspora", ranked in tiers (more than RANKED_MATCHES, made 2 here), and a draft."""
    monkeypatch.setattr(search, "RANKED_MATCHES", 2)
    numbered = SeriesFactory(slug="numbered")  # numbers of their own: the factory's sequence numbers the others
    PublicationFactory(slug="body-2019", year=2019, series=numbered, number=101, summary_en="The diaspora and return.")
    PublicationFactory(slug="fr-title-2010", year=2010, title_fr="La diaspora")
    PublicationFactory(slug="body-2021", year=2021, summary_es="Diáspora.")
    PublicationFactory(slug="en-title-2005", year=2005, title_en="Diaspora")
    PublicationFactory(slug="en-title-2015", year=2015, title_en="Diaspora and development")
    PublicationFactory(slug="body-2019-b", year=2019, series=numbered, number=102, summary_fr="La diaspora.")
    PublicationFactory(slug="isbn", year=2000, summary_en="Diaspora", title_en="Other")
    EditionFactory(publication=Publication.objects.get(slug="isbn"), isbn="9789290687801")
    PublicationFactory(slug="draft", year=2022, title_en="Diaspora", status=Publication.Status.DRAFT, publish_date=None)


ENGLISH_ORDER = [
    "en-title-2015",  # every word in a title of the page language, newest first
    "en-title-2005",
    "fr-title-2010",  # in another language's title
    "body-2021",  # the rest, newest first (then by number, descending)
    "body-2019-b",
    "body-2019",
    "isbn",
]


def test_many_matches_are_ranked_in_tiers_each_newest_first(many_matches):
    found = results("q=diaspora")

    assert found.count() == 7  # the draft is not counted
    assert slugs(found[0:7]) == ENGLISH_ORDER
    # The page language's titles come first: in French, "La diaspora".
    assert slugs(results("q=diaspora", "fr")[0:3]) == ["fr-title-2010", "en-title-2015", "en-title-2005"]


@pytest.mark.parametrize(("start", "stop"), [(0, 2), (1, 4), (2, 3), (3, 7), (5, 6), (6, 20), (7, 9)])
def test_a_slice_across_tiers_is_the_same_slice_of_the_whole_ranking(many_matches, start, stop):
    assert slugs(results("q=diaspora")[start:stop]) == ENGLISH_ORDER[start:stop]


def test_an_identifier_of_the_query_ranks_its_publication_first_among_many_matches(many_matches):
    # "diaspora" and the ISBN: only the publication with both matches; with the ISBN alone, its publication.
    assert slugs(results("q=9789290687801")[0:5]) == ["isbn"]
    assert slugs(results("q=diaspora+978-92-9068-780-1")[0:5]) == ["isbn"]


def test_few_matches_are_ranked_like_search_publications(monkeypatch):
    PublicationFactory(slug="summary", year=2020, summary_en="Remittances and families.")
    PublicationFactory(slug="title", year=2001, title_en="Remittances")
    PublicationFactory(slug="other", year=2020, title_en="Families")

    expected = search.search_publications(Publication.objects.published(), "remittances", language="en")
    expected = list(expected.order_by("-search_rank", "-year", "-number", "pk").values_list("slug", flat=True))
    assert slugs(results("q=remittances")[0:20]) == expected == ["title", "summary"]


def test_facets_and_filters_combine_with_the_matches(many_matches):
    youth = TopicFactory(slug="youth")
    Publication.objects.get(slug="body-2021").topics.add(youth)
    Publication.objects.get(slug="en-title-2005").topics.add(youth)
    Publication.objects.get(slug="draft").topics.add(youth)

    found = results("q=diaspora&topic=youth")
    assert found.count() == 2
    assert slugs(found[0:20]) == ["en-title-2005", "body-2021"]  # a title first, then the rest
    counts = found.facet_counts()
    assert counts["topic"] == {str(youth.pk): 2}
    assert counts["year"] == {"2005": 1, "2021": 1}
    # Each facet is counted under the other filters: the topic under the search only.
    assert results("q=diaspora&year=2005").facet_counts()["topic"] == {str(youth.pk): 1}
    assert results("q=diaspora&year_from=2015&year_to=2021").count() == 4


def test_every_sort_orders_the_filtered_publications_like_sql():
    for number, (year, title) in enumerate([(2019, "Beta"), (2010, "alpha"), (2019, "Gamma"), (2005, "Delta")]):
        PublicationFactory(slug=f"p{number}", number=number + 1, year=year, title_en=title)
    published = Publication.objects.published()

    for sort in ("newest", "oldest", "title", "number"):
        chosen = PublicationFilter(QueryDict(f"sort={sort}"), queryset=published, language="en")
        expected = list(chosen.qs.values_list("pk", flat=True))
        assert chosen.results[0:20] == expected, sort
        assert chosen.results[1:3] == expected[1:3], sort


def test_the_index_follows_the_content_version(client):
    PublicationFactory(slug="first", title_en="Return migration")
    assert slugs(results("q=return")[0:20]) == ["first"]
    kept = catalogue_index.catalogue_index()

    # A new publication moves the content version: the next page reads a new index (and new search sets).
    PublicationFactory(slug="second", title_en="Return and reintegration")
    assert catalogue_index.catalogue_index() is not kept
    assert sorted(slugs(results("q=return")[0:20])) == ["first", "second"]
    # Unchanged, it is kept.
    assert catalogue_index.catalogue_index() is catalogue_index.catalogue_index()


def test_a_scheduled_publication_enters_the_results_when_its_date_comes(monkeypatch):
    PublicationFactory(slug="now", title_en="Labour migration")
    soon = timezone.now() + datetime.timedelta(hours=1)
    PublicationFactory(slug="scheduled", title_en="Labour mobility", publish_date=soon)
    assert slugs(results("q=labour")[0:20]) == ["now"]
    assert results("q=labour").facet_counts()["year"] == {str(Publication.objects.get(slug="now").year): 1}

    later = soon + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert sorted(slugs(results("q=labour")[0:20])) == ["now", "scheduled"]


def test_search_sets_are_kept_per_content_version_and_query(django_assert_num_queries):
    PublicationFactory(title_en="Climate migration")
    version = catalogue_index.catalogue_index().version
    first = sets.publication_matches("climate", language="en", using="default", version=version)
    with django_assert_num_queries(0):
        again = sets.publication_matches("climate", language="en", using="default", version=version)
    assert again.ids == first.ids
    assert len(first.ids) == 1
    with django_assert_num_queries(1):  # another version: read again
        sets.publication_matches("climate", language="en", using="default", version=None)


def test_matching_workshops_are_ranked_in_tiers_among_many_matches(monkeypatch):
    monkeypatch.setattr(search, "RANKED_MATCHES", 1)
    when = datetime.date(2018, 10, 8)
    WorkshopFactory(slug="body-new", title_en="Workshop", description_en="Seasonal migrants", start_date=when)
    WorkshopFactory(slug="fr-title", title_fr="Les migrants saisonniers", start_date=when.replace(year=2015))
    WorkshopFactory(slug="en-title-old", title_en="Seasonal migrants", start_date=when.replace(year=2010))
    WorkshopFactory(slug="en-title-new", title_en="Seasonal migrants", start_date=when.replace(year=2016))
    WorkshopFactory(slug="draft", title_en="Seasonal migrants", status=Workshop.Status.DRAFT, publish_date=None)
    rows = Workshop.objects.published()

    def found(language, limit=5):
        return [w.slug for w in matching_workshops("migrants", rows, language=language, limit=limit)]

    assert found("en") == ["en-title-new", "en-title-old", "fr-title", "body-new"]
    assert found("fr") == ["fr-title", "en-title-new", "en-title-old", "body-new"]
    assert found("en", limit=2) == ["en-title-new", "en-title-old"]
    assert matching_workshops("xylophonequartz", rows, language="en", limit=3) == []


def test_a_ranking_is_kept_for_the_query_s_next_pages_and_filters(django_assert_num_queries):
    for year in (2010, 2015, 2020):
        PublicationFactory(slug=f"remittances-{year}", year=year, title_en=f"Remittances {year}")
    first = results("q=remittances")[0:20]

    # The next request of the query (a page, a facet) reads only the content version: its matches and its
    # bm25() ranking are kept until the catalogue changes.
    with django_assert_num_queries(1):
        assert results("q=remittances")[0:20] == first
    with django_assert_num_queries(1):
        assert results("q=remittances&year_from=2015")[0:20] == [pk for pk in first if pk != first[-1]]


def test_a_single_match_is_its_own_ranking_without_a_ranking_statement(django_assert_num_queries):
    PublicationFactory(slug="other", title_en="Remittances")
    EditionFactory(publication=PublicationFactory(slug="found", title_en="Remittances"), isbn="9789290687801")
    catalogue_index.catalogue_index()  # built once per content version, as on any earlier page
    expected = [Publication.objects.get(slug="found").pk]

    # The content version, then the ISBN's match: no bm25() over one publication.
    with django_assert_num_queries(2):
        found = results("q=978-92-9068-780-1")
        assert (found.count(), found[0:20]) == (1, expected)
    with django_assert_num_queries(2):
        assert results("q=9789290687801&year_from=3000")[0:20] == []
