"""The catalogue list: facets and their counts, several values per facet, year range, sorting, pagination."""

import datetime
import random

import lxml.html
import pytest
from django.http import QueryDict
from django.utils import timezone

from catalogue.models import Edition, Publication
from catalogue.public.filters import PublicationFilter
from catalogue.search import indexing_deferred, search_publications
from catalogue.tests.factories import EditionFactory, PublicationFactory, SeriesFactory, TopicFactory, create_idm28

pytestmark = pytest.mark.django_db


def get(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def titles(tree) -> list[str]:
    return [" ".join(a.text_content().split()) for a in tree.xpath("//ol[contains(@class, 'results__list')]//h3/a")]


def facet(tree, name: str) -> list[tuple[str, int, bool]]:
    """(label, count, checked) of each value the facet offers."""
    values = []
    for item in tree.xpath(f"//input[@type='checkbox'][@name='{name}']"):
        label = tree.xpath(f"//label[@for='{item.get('id')}']")[0]
        count = int(label.xpath("span[@class='count']")[0].text_content().strip("()"))
        values.append((label.xpath("span")[0].text_content(), count, item.get("checked") is not None))
    return values


@pytest.fixture
def catalogue():
    """Three public publications and a draft, with editions in several languages and formats."""
    series = SeriesFactory()
    other_series = SeriesFactory(slug="mpp", name_en="Migration Policy Practice", short_name_en="MPP")
    cities, youth = TopicFactory(slug="cities", name_en="Cities"), TopicFactory(slug="youth", name_en="Youth")
    a = PublicationFactory(series=series, number=25, year=2016, title_en="Migrants and cities", topics=[cities])
    b = PublicationFactory(series=series, number=29, year=2018, title_en="Youth and migration", topics=[youth])
    c = PublicationFactory(series=other_series, number=3, year=2018, title_en="Practice", topics=[cities, youth])
    d = PublicationFactory(series=series, number=30, year=2018, status=Publication.Status.DRAFT, publish_date=None)
    EditionFactory(publication=a, language="en")
    EditionFactory(publication=a, language="fr")
    EditionFactory(publication=b, language="en")
    EditionFactory(publication=b, language="en", format=Edition.Format.PRINT)
    EditionFactory(publication=c, language="es", format=Edition.Format.PRINT)
    EditionFactory(publication=c, language="ar")
    EditionFactory(publication=d, language="fr")
    return a, b, c


def test_facets_without_filters_count_public_publications_only(client, catalogue):
    tree = get(client, "/en/publications/")

    assert titles(tree) == ["Youth and migration", "Practice", "Migrants and cities"]
    assert facet(tree, "series") == [
        ("International Dialogue on Migration", 2, False),
        ("Migration Policy Practice", 1, False),
    ]
    assert facet(tree, "topic") == [("Cities", 2, False), ("Youth", 2, False)]
    assert facet(tree, "year") == [("2018", 2, False), ("2016", 1, False)]
    assert facet(tree, "language") == [
        ("English", 2, False),
        ("Arabic", 1, False),
        ("French", 1, False),
        ("Spanish", 1, False),
    ]
    assert facet(tree, "format") == [("PDF", 3, False), ("Print", 2, False)]


def test_facet_counts_follow_the_other_filters_but_not_their_own(client, catalogue):
    tree = get(client, "/en/publications/?language=fr")

    assert titles(tree) == ["Migrants and cities"]
    # The language facet ignores its own filter, so the other languages stay offered with their counts.
    assert facet(tree, "language") == [
        ("English", 2, False),
        ("Arabic", 1, False),
        ("French", 1, True),
        ("Spanish", 1, False),
    ]
    assert facet(tree, "year") == [("2016", 1, False)]
    assert facet(tree, "topic") == [("Cities", 1, False)]
    assert facet(tree, "format") == [("PDF", 1, False)]


def test_several_values_of_one_facet_match_any_of_them(client, catalogue):
    tree = get(client, "/en/publications/?language=fr&language=es")

    assert titles(tree) == ["Practice", "Migrants and cities"]
    assert facet(tree, "series") == [
        ("International Dialogue on Migration", 1, False),
        ("Migration Policy Practice", 1, False),
    ]


def test_values_of_different_facets_all_apply(client, catalogue):
    tree = get(client, "/en/publications/?topic=cities&topic=youth&year=2018&format=print")

    assert titles(tree) == ["Youth and migration", "Practice"]
    # Without its own filter the year facet still has the format filter: no print edition in 2016.
    assert facet(tree, "year") == [("2018", 2, True)]


def test_year_range_limits_results_and_other_facet_counts(client, catalogue):
    assert titles(get(client, "/en/publications/?year_from=2017")) == ["Youth and migration", "Practice"]
    tree = get(client, "/en/publications/?year_to=2016")
    assert titles(tree) == ["Migrants and cities"]
    assert facet(tree, "year") == [("2016", 1, False)]
    assert titles(get(client, "/en/publications/?year_from=2017&year_to=2016")) == []


def test_selected_value_without_results_stays_offered_so_it_can_be_unchecked(client, catalogue):
    tree = get(client, "/en/publications/?year=2016&language=es")

    assert titles(tree) == []
    assert facet(tree, "language") == [("English", 1, False), ("French", 1, False), ("Spanish", 0, True)]


def test_active_filters_each_link_to_the_page_without_them(client, catalogue):
    tree = get(client, "/en/publications/?q=&language=fr&language=es&year=2016&page=1")

    links = tree.xpath("//div[@class='active-filters']//li/a")
    assert [" ".join(a.text_content().split()) for a in links] == [
        "Remove filter Year: 2016",
        "Remove filter Available in: French",
        "Remove filter Available in: Spanish",
    ]
    assert [a.get("href") for a in links] == [
        "?q=&language=fr&language=es",
        "?q=&language=es&year=2016",
        "?q=&language=fr&year=2016",
    ]


def test_unknown_facet_values_match_nothing_and_malformed_ones_are_ignored(client, catalogue):
    assert titles(get(client, "/en/publications/?series=nope")) == []
    assert titles(get(client, "/en/publications/?language=xx")) == []
    tree = get(client, "/en/publications/?language=<script>&year=20x8&format=vinyl&topic=a%20b&year_from=abc")
    assert titles(tree) == ["Youth and migration", "Practice", "Migrants and cities"]
    assert tree.xpath("//div[@class='active-filters']") == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["Youth and migration", "Practice", "Migrants and cities"]),
        ("newest", ["Youth and migration", "Practice", "Migrants and cities"]),
        ("oldest", ["Migrants and cities", "Practice", "Youth and migration"]),
        ("title", ["Migrants and cities", "Practice", "Youth and migration"]),
        ("number", ["Migrants and cities", "Youth and migration", "Practice"]),
        ("relevance", ["Youth and migration", "Practice", "Migrants and cities"]),  # no query: newest
        ("bogus", ["Youth and migration", "Practice", "Migrants and cities"]),
    ],
)
def test_sorting(client, catalogue, sort, expected):
    assert titles(get(client, f"/en/publications/?sort={sort}")) == expected


def test_title_sorting_uses_the_page_language_with_fallbacks(client):
    PublicationFactory(title_en="Zebra", title_fr="Alpha", title_es="Zeta")
    PublicationFactory(title_en="beta", title_fr=None, title_es=None)
    PublicationFactory(title_en="Gamma", title_fr="Delta", title_es="Gama")
    assert titles(get(client, "/fr/publications/?sort=title")) == ["Alpha", "beta", "Delta"]
    assert titles(get(client, "/en/publications/?sort=title")) == ["beta", "Gamma", "Zebra"]
    # Spanish falls back to English, then French: "beta" has neither Spanish nor French title.
    assert titles(get(client, "/es/publications/?sort=title")) == ["beta", "Gama", "Zeta"]


def test_sort_options_offer_relevance_only_with_a_query(client, catalogue):
    without = get(client, "/en/publications/")
    with_query = get(client, "/en/publications/?q=migration")

    assert without.xpath("//select[@name='sort']/option/@value") == ["newest", "oldest", "title", "number"]
    assert with_query.xpath("//select[@name='sort']/option/@value") == [
        "relevance",
        "newest",
        "oldest",
        "title",
        "number",
    ]
    assert with_query.xpath("//select[@name='sort']/option[@selected]/@value") == ["relevance"]


def test_pagination_keeps_every_parameter(client):
    series = SeriesFactory()
    for number in range(1, 46):
        EditionFactory(publication=PublicationFactory(series=series, number=number), language="fr")

    tree = get(client, "/en/publications/?language=fr&language=en&sort=number&page=2")

    assert tree.xpath("//nav[@class='pagination']//a/@href") == [
        "?language=fr&language=en&sort=number&page=1",
        "?language=fr&language=en&sort=number&page=1",
        "?language=fr&language=en&sort=number&page=2",
        "?language=fr&language=en&sort=number&page=3",
        "?language=fr&language=en&sort=number&page=3",
    ]
    assert [" ".join(a.text_content().split()) for a in tree.xpath("//nav[@class='pagination']//a")] == [
        "Previous page",
        "1",
        "2",
        "3",
        "Next page",
    ]
    assert tree.xpath("//nav[@class='pagination']//a[@aria-current='page']/@aria-label") == ["Page 2 of 3"]
    assert tree.xpath("//ol[contains(@class, 'results__list')]/@start") == ["21"]


@pytest.mark.parametrize(
    ("page_number", "shown", "query"),
    [
        ("abc", "Page 1 of 2", "?sort=title"),
        ("-1", "Page 1 of 2", "?sort=title"),
        ("2", "Page 2 of 2", "?sort=title&page=2"),
    ],
)
def test_pagination_with_malformed_page_numbers_shows_the_first_page_and_links_it(client, page_number, shown, query):
    for _ in range(25):
        PublicationFactory()

    tree = get(client, f"/en/publications/?sort=title&page={page_number}")

    assert tree.xpath("//nav[@class='pagination']//a[@aria-current='page']/@aria-label") == [shown]
    assert tree.xpath("//nav[@class='language-switcher']//a/@href") == [
        f"/en/publications/{query}",
        f"/fr/publications/{query}",
        f"/es/publications/{query}",
    ]
    assert tree.xpath("//head/link[@rel='canonical']/@href") == [f"http://testserver/en/publications/{query}"]
    assert tree.xpath("//head/link[@type='application/json']/@href") == [f"/api/publications/{query}"]


def test_pagination_elides_distant_pages(client):
    PublicationFactory.create_batch(300)

    tree = get(client, "/en/publications/?q=&page=7")

    items = [" ".join(li.text_content().split()) for li in tree.xpath("//nav[@class='pagination']//li")]
    assert items == ["Previous page", "1", "…", "5", "6", "7", "8", "9", "…", "15", "Next page"]
    assert tree.xpath("//nav[@class='pagination']//a[text()='15']/@href") == ["?q=&page=15"]


def test_facet_with_many_values_lists_them_all_with_the_rest_behind_show_more(client):
    long_name = "Migration, environment and climate change: evidence for policy in small island developing states"
    topics = [TopicFactory(slug=f"t{n:02}", name_en=f"Topic {n:02}") for n in range(12)]
    topics.append(TopicFactory(slug="long", name_en=long_name))
    PublicationFactory(topics=topics)

    closed = get(client, "/en/publications/")
    chosen = get(client, "/en/publications/?topic=t11")

    assert len(closed.xpath("//fieldset[legend='Topic']/ul/li")) == 8
    assert closed.xpath("//fieldset[legend='Topic']/details/summary/text()") == ["Show 5 more"]
    assert closed.xpath("//fieldset[legend='Topic']/details/@open") == []
    assert len(closed.xpath("//fieldset[legend='Topic']/details/ul/li")) == 5
    assert next(label for label, _count, _checked in facet(closed, "topic")) == long_name
    assert chosen.xpath("//fieldset[legend='Topic']/details/@open") == [""]  # a boolean attribute


def test_a_facet_value_is_a_checkbox_with_its_label_escaped_and_marked_when_in_another_language(client):
    rights = TopicFactory(slug="rights", name_en="Rights & <duties>", name_fr="", name_es="")
    PublicationFactory(topics=[rights, TopicFactory(slug="cities", name_en="Cities", name_fr="Villes")])

    response = client.get("/fr/publications/?topic=cities")
    tree = lxml.html.fromstring(response.content)

    assert b"Rights &amp; &lt;duties&gt;" in response.content
    checkbox = tree.xpath("//input[@name='topic'][@value='rights']")[0]
    assert (checkbox.get("id"), checkbox.get("checked")) == ("facet-topic-rights", None)
    label = tree.xpath("//label[@for='facet-topic-rights']/span")
    assert [(span.get("lang"), span.text_content()) for span in label] == [("en", "Rights & <duties>"), (None, "(1)")]
    chosen = tree.xpath("//label[@for='facet-topic-cities']/span")[0]
    assert (chosen.get("lang"), chosen.text_content()) == (None, "Villes")
    assert tree.xpath("//input[@id='facet-topic-cities']/@checked") == ["checked"]


def test_search_finds_idm28_in_french_with_a_highlighted_snippet(client):
    create_idm28()
    PublicationFactory(title_en="Unrelated", title_fr="Sans rapport")

    tree = get(client, "/fr/publications/?q=partenariat")

    assert titles(tree) == [
        "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"
    ]
    snippet = tree.xpath("//p[@class='card__snippet']")[0]
    assert snippet.xpath("span[@class='card__snippet-field']/text()") == ["Dans le résumé\xa0:"]
    assert [mark.text for mark in snippet.xpath(".//mark")] == ["partenariats"]
    assert tree.xpath("//input[@name='q']/@value") == ["partenariat"]


def test_search_counts_facets_within_the_results(client):
    create_idm28()
    EditionFactory(publication=PublicationFactory(title_en="Unrelated"), language="ar")

    tree = get(client, "/en/publications/?q=partnerships")

    assert facet(tree, "language") == [("English", 1, False), ("French", 1, False), ("Spanish", 1, False)]


def test_search_also_lists_matching_workshops(client):
    create_idm28()

    tree = get(client, "/es/publications/?q=gobernanza migracion")

    assert [" ".join(a.text_content().split()) for a in tree.xpath("//section[@class='matching-workshops']//h3/a")] == [
        "Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración a escala mundial"
    ]
    assert tree.xpath("//section[@class='matching-workshops']//h3/a/@href") == ["/es/workshops/idm-2018-new-york/"]


def test_without_a_query_no_workshops_are_listed(client):
    create_idm28()

    assert get(client, "/es/publications/").xpath("//section[@class='matching-workshops']") == []


# Facet counts against the slow way ------------------------------------------------------------


@pytest.fixture
def varied_catalogue():
    """Twenty-four public publications with random series, topics, years, words and editions; and records that are not
    public (drafts, one scheduled) holding values no public record has (series `hidden`, topic `secret`, year 1999,
    German editions, HTML format), which no facet may count."""
    with indexing_deferred("default"):  # one index write at the end, not one per saved row
        _create_varied_catalogue()


def _create_varied_catalogue():
    rng = random.Random(9)
    series = [SeriesFactory(slug=f"s{n}", name_en=f"Series {n}") for n in range(3)]
    hidden = SeriesFactory(slug="hidden", name_en="Hidden")
    topics = [TopicFactory(slug=f"t{n}", name_en=f"Topic {n}") for n in range(5)]
    secret = TopicFactory(slug="secret", name_en="Secret")
    for _ in range(24):
        publication = PublicationFactory(
            series=rng.choice(series),
            year=rng.randint(2015, 2019),
            title_en=" ".join(rng.sample(["alpha", "beta", "gamma", "delta", "report"], 2)),
            topics=rng.sample(topics, rng.randint(0, 3)),
        )
        pairs = {(rng.choice(["en", "fr", "es", "ar"]), rng.choice(["pdf", "print", "epub"])) for _ in range(3)}
        for language, edition_format in pairs:
            EditionFactory(publication=publication, language=language, format=edition_format)
    not_public = [
        {"status": Publication.Status.DRAFT, "publish_date": None},
        {"status": Publication.Status.REVIEW, "publish_date": None},
        {"publish_date": timezone.now() + datetime.timedelta(days=3)},
    ]
    for fields in not_public:
        publication = PublicationFactory(series=hidden, year=1999, title_en="alpha beta", topics=[secret], **fields)
        EditionFactory(publication=publication, language="de", format="html")


def slow_facet_counts(params: dict) -> dict[str, dict[str, int]]:
    """Each facet's counts the slow way: every public publication read in Python and tested against every filter
    but the facet's own (the search through search_publications, on its own)."""
    public = Publication.objects.published()
    matched = set(search_publications(public, params["q"], language="en").values_list("pk", flat=True))
    rows = []
    for publication in public.prefetch_related("topics", "editions").select_related("series"):
        editions = list(publication.editions.all())
        rows.append(
            {
                "pk": publication.pk,
                "year": publication.year,
                "series": {publication.series.slug},
                "topic": {topic.slug for topic in publication.topics.all()},
                "language": {edition.language for edition in editions},
                "format": {edition.format for edition in editions},
            }
        )
    for row in rows:
        row["year_value"] = {str(row["year"])}
    keys = {"series": "series", "topic": "topic", "year": "year_value", "language": "language", "format": "format"}

    def kept(row, without):
        if params["q"] and row["pk"] not in matched:
            return False
        if params.get("year_from") and row["year"] < int(params["year_from"]):
            return False
        return all(row[keys[name]] & set(params[name]) for name in keys if name != without and params.get(name))

    counts = {}
    for name, key in keys.items():
        counted = {}
        for row in rows:
            if kept(row, name):
                for value in row[key]:
                    counted[value] = counted.get(value, 0) + 1
        for value in params.get(name, []):
            counted.setdefault(value, 0)
        counts[name] = counted
    return counts


FACET_CASES = [
    {"q": ""},
    {"q": "alpha"},
    {"q": "alpha", "language": ["fr"]},
    {"q": "", "topic": ["t1", "t2"], "year": ["2017"], "format": ["print"]},
    {"q": "", "series": ["s0"], "language": ["es", "ar"], "year_from": "2016"},
    {"q": "beta", "series": ["s1", "s2"], "topic": ["t3"], "language": ["en"], "format": ["pdf"], "year": ["2018"]},
    {"q": "", "series": ["hidden"], "topic": ["secret"], "language": ["de"], "format": ["html"], "year": ["1999"]},
    {"q": "nothing-matches-this"},
]


def test_facet_counts_equal_the_slow_way_and_never_count_records_that_are_not_public(varied_catalogue):
    for params in FACET_CASES:
        check_facet_counts(params)


def check_facet_counts(params: dict) -> None:
    data = QueryDict(mutable=True)
    for name, value in params.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    filterset = PublicationFilter(data, queryset=Publication.objects.published().for_listing(), language="en")

    shown = {facet.name: {value.value: value.count for value in facet.values} for facet in filterset.facets()}

    expected = slow_facet_counts(params)
    assert shown == expected
    for name, value in [("series", "hidden"), ("topic", "secret"), ("year", "1999"), ("language", "de")]:
        assert shown[name].get(value, 0) == 0
    assert shown["format"].get("html", 0) == 0
    assert any(shown.values()) or params["q"] == "nothing-matches-this"
