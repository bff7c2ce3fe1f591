"""Finding one's way: series and topic indexes, the workshop list's upcoming/past split and filters, pages past the
last, the two "in other languages" lines, the organisation in the header, and each language's typography."""

import datetime

import lxml.html
import pytest
from django.utils import timezone

from catalogue.models import Publication, Status
from catalogue.public.pagination import PAGE_SIZE
from catalogue.tests.factories import (
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    TopicFactory,
    WorkshopFactory,
    create_idm28,
)

pytestmark = pytest.mark.django_db

NBSP, NNBSP = "\u00a0", "\u202f"


def page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status
    return lxml.html.fromstring(response.content)


def texts(tree, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in tree.xpath(xpath)]


# Pages past the last ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/en/publications/", "/en/series/idm/", "/en/topics/migration-governance/", "/en/workshops/"]
)
def test_a_page_number_past_the_last_is_not_found(client, path):
    create_idm28()

    assert client.get(f"{path}?page=1").status_code == 200
    assert client.get(f"{path}?page=2").status_code == 404
    assert client.get(f"{path}?page=99").status_code == 404
    assert client.get(f"{path}?page=0").status_code == 404
    assert client.get(f"{path}?page=abc").status_code == 200  # not a page number: the first page


def test_the_last_page_is_found_and_the_next_is_not(client):
    for number in range(PAGE_SIZE + 1):
        PublicationFactory(number=number + 1)

    assert client.get("/en/publications/?page=2").status_code == 200
    assert client.get("/en/publications/?page=3").status_code == 404


# Index pages ---------------------------------------------------------------------------------------------


def test_series_index_lists_every_series_by_name_with_its_count_and_issns(client):
    idm28 = create_idm28()
    PublicationFactory(series=idm28.series, number=29, status=Publication.Status.DRAFT, publish_date=None)
    SeriesFactory(slug="mpp", name_en="Migration Policy Practice", name_fr="Pratiques des politiques migratoires")

    tree = page(client, "/fr/series/")

    assert texts(tree, "//main//h2/a") == [
        "Dialogue international sur la migration",
        "Pratiques des politiques migratoires",
    ]
    assert tree.xpath("//main//h2/a/@href") == ["/fr/series/idm/", "/fr/series/mpp/"]
    assert texts(tree, "//main//p[@class='card__meta']")[0].startswith("1 publication · ISSN 1726-2224 (anglais)")
    assert tree.xpath("//nav[@class='site-nav']//a[@aria-current='page']/@href") == ["/fr/series/"]
    assert texts(tree, "//nav[@class='breadcrumbs']//li") == ["Accueil", "Séries"]


def test_topic_index_nests_topics_and_leaves_out_those_without_public_publications(client):
    parent = TopicFactory(slug="parent", name_en="Governance")
    child = TopicFactory(slug="child", name_en="Partnerships", parent=parent)
    TopicFactory(slug="empty", name_en="Empty")
    hidden = TopicFactory(slug="hidden", name_en="Only drafts")
    PublicationFactory(topics=[child])
    PublicationFactory(topics=[child, parent])
    PublicationFactory(topics=[hidden], status=Publication.Status.DRAFT, publish_date=None)

    tree = page(client, "/en/topics/")

    assert texts(tree, "//main/ul[@class='topic-index']/li/a") == ["Governance"]
    assert texts(tree, "//main/ul/li/ul/li") == ["Partnerships (2)"]
    assert texts(tree, "//main/ul/li/span[@class='count']") == ["(1)"]


def test_topic_and_series_pages_lead_back_to_their_index(client):
    create_idm28()

    assert page(client, "/en/series/idm/").xpath("//nav[@class='breadcrumbs']//a/@href") == ["/en/", "/en/series/"]
    assert page(client, "/es/topics/migration-governance/").xpath("//nav[@class='breadcrumbs']//a/@href") == [
        "/es/",
        "/es/topics/",
    ]


def test_index_pages_are_in_the_sitemap(client):
    create_idm28()

    content = b"".join(client.get("/sitemaps/pages-1.xml").streaming_content).decode()

    for path in ("/en/series/", "/fr/series/", "/es/topics/", "/fr/topics/"):
        assert f"<loc>http://testserver{path}</loc>" in content


# The workshop list ---------------------------------------------------------------------------------------


@pytest.fixture
def workshops():
    today = timezone.localdate()
    report = PublicationFactory(number=31)
    WorkshopFactory(slug="geneva-2018", title_en="Geneva 2018", city_en="Geneva", city_fr="Genève", publication=report)
    WorkshopFactory(
        slug="new-york-2018",
        title_en="New York 2018",
        city_en="New York",
        city_es="Nueva York",
        start_date=datetime.date(2018, 3, 26),
        end_date=datetime.date(2018, 3, 27),
        publication=None,
    )
    WorkshopFactory(
        slug="soon",
        title_en="Soon",
        city_en="Geneva",
        city_fr="Genève",
        start_date=today + datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=11),
        publication=None,
    )
    return report


def test_workshop_list_puts_upcoming_workshops_apart_from_past_ones(client, workshops):
    tree = page(client, "/en/workshops/")

    assert texts(tree, "//section[h2[@id='upcoming-heading']]//h3") == ["Soon"]
    assert texts(tree, "//h2[@id='workshop-list-heading']") == ["2 past workshops"]
    assert texts(tree, "//section[h2[@id='workshop-list-heading']]//h3") == ["Geneva 2018", "New York 2018"]
    # Each card names its report by series and number, and links it.
    assert texts(tree, "//p[@class='card__report']") == ["Report: IDM No. 31"]
    assert tree.xpath("//p[@class='card__report']/a/@href") == [workshops.get_absolute_url()]


def test_workshop_list_filters_by_year_and_city_named_in_the_page_language(client, workshops):
    tree = page(client, "/fr/workshops/?city=Geneva")

    assert texts(tree, "//select[@name='city']/option") == ["Toutes les villes", "Genève (2)", "New York (1)"]
    assert tree.xpath("//select[@name='city']/option[@selected]/@value") == ["Geneva"]
    assert texts(tree, "//h3/a") == ["Soon", "Geneva 2018"]
    soon = timezone.localdate() + datetime.timedelta(days=10)
    assert texts(tree, "//select[@name='year']/option") == ["Toutes les années", f"{soon.year} (1)", "2018 (1)"]

    assert texts(page(client, "/es/workshops/?year=2018"), "//select[@name='city']/option") == [
        "Todas las ciudades",
        "Geneva (1)",
        "Nueva York (1)",
    ]
    assert texts(page(client, "/en/workshops/?year=2018&city=New+York"), "//h3/a") == ["New York 2018"]
    assert texts(page(client, "/en/workshops/?year=20x8&city=Nowhere"), "//h3/a") == []


def test_filtered_workshop_lists_are_not_indexed(client, workshops):
    assert page(client, "/en/workshops/?year=2018").xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert page(client, "/en/workshops/").xpath("//meta[@name='robots']/@content") == []


# Labels, header, typography ------------------------------------------------------------------------------


def test_this_page_in_other_languages_is_told_apart_from_editions_in_other_languages(client):
    publication = create_idm28()
    EditionFactory(publication=publication, language="ar", url="https://example.org/idm-28-ar.pdf")

    tree = page(client, "/en/publications/idm-28/")

    assert texts(tree, "//p[@class='also-available']") == ["This page in: Français, Español"]
    assert texts(tree, "//p[@class='other-editions']") == ["Editions in other languages: Arabic"]
    assert tree.xpath("//p[@class='other-editions']/a/@href") == ["https://example.org/idm-28-ar.pdf"]


def test_header_and_title_name_the_organisation(client):
    create_idm28()

    tree = page(client, "/fr/publications/idm-28/")

    assert texts(tree, "//a[@class='site-name']/span") == [
        "Organisation internationale pour les migrations",
        "Catalogue des publications IDM",
    ]
    assert tree.findtext(".//title").endswith("· Catalogue IDM · OIM")


def test_french_pages_space_their_punctuation_and_keep_numbers_and_isbns_whole(client):
    create_idm28()

    html = client.get("/fr/publications/idm-28/").content.decode()
    tree = lxml.html.fromstring(html)

    assert f"Données ouvertes{NBSP}:" in html  # an interface string
    assert f"n°{NBSP}28" in html
    assert set(tree.xpath("//dt[text()='ISBN']/following-sibling::dd[1]/@class")) == {"nowrap"}
    summary = "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"
    assert f"<title>{summary} · Catalogue IDM · OIM</title>" in html


# The empty result page -----------------------------------------------------------------------------------


def test_an_empty_search_hides_empty_facets_and_the_sort_menu_and_offers_topics(client):
    create_idm28()
    # A topic only a draft has, and one no publication has, are not offered.
    PublicationFactory(status=Status.DRAFT, publish_date=None).topics.add(TopicFactory(slug="draft-only"))
    TopicFactory(slug="unused")

    tree = page(client, "/en/publications/?q=zzzzqqq")

    assert tree.xpath("//fieldset[@class='facet']") == []
    assert tree.xpath("//select[@name='sort']") == []
    assert texts(tree, "//div[@class='no-results']/p") == [
        "No publications match your search. Try other words.",
        "Browse all publications",
        "All topics",
    ]
    assert tree.xpath("//ul[@class='topic-links']//a/@href") == ["/en/topics/migration-governance/"]
    assert tree.xpath("//div[@class='no-results']/p/a/@href") == ["/en/publications/", "/en/topics/"]


def test_an_empty_search_offers_the_twelve_most_used_topics_by_name(client):
    # Topic n is on n public publications (and on as many drafts more, which do not count).
    names = {f"name_{code}": "Topic {}" for code in ("en", "fr", "es")}
    topics = [
        TopicFactory(slug=f"topic-{n:02}", **{field: name.format(chr(ord("Z") - n)) for field, name in names.items()})
        for n in range(1, 15)
    ]
    for n, topic in enumerate(topics, start=1):
        for _ in range(n):
            PublicationFactory(topics=[topic])
    for _ in range(30):
        PublicationFactory(topics=[topics[0]], status=Status.DRAFT, publish_date=None)

    tree = page(client, "/fr/publications/?q=zzzzqqq")

    # Topics 3 to 14 (the two least used left out), by name: "Topic L" (14) … "Topic W" (3).
    assert tree.xpath("//ul[@class='topic-links']//a/@href") == [f"/fr/topics/topic-{n:02}/" for n in range(14, 2, -1)]


def test_an_empty_filtered_result_keeps_the_selected_values_and_says_a_filter_can_go(client):
    create_idm28()

    tree = page(client, "/en/publications/?year=1999&year_from=2000")

    assert [legend.text for legend in tree.xpath("//fieldset[@class='facet']/legend")] == ["Year"]
    assert tree.xpath("//input[@name='year']/@value") == ["2018", "1999"]  # 2018 still has one from 2000 on
    assert texts(tree, "//summary[@class='filters__toggle']") == ["Filter (2)"]
    assert texts(tree, "//div[@class='active-filters']//li/a") == [
        "Remove filter Year: 1999",
        "Remove filter From year: 2000",
    ]
    assert texts(tree, "//div[@class='no-results']/p")[0] == (
        "No publications match your search. Try other words or remove a filter."
    )
