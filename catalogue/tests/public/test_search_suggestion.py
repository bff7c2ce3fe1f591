"""The search page's "Did you mean …?": a misspelt search offers its correction, one click away, filters kept."""

import lxml.html
import pytest

from catalogue.models import Status
from catalogue.tests.factories import PublicationFactory, create_idm28

pytestmark = pytest.mark.django_db

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def catalogue():
    create_idm28()
    PublicationFactory(
        number=200, slug="draft", title_en="Zanzibarian memorandum", status=Status.DRAFT, publish_date=None
    )


def page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content)


def suggestion(tree) -> tuple[str, list[str]] | None:
    """The suggestion's text (spaces collapsed) and its links, or None."""
    found = tree.xpath("//p[@class='suggestion']")
    if not found:
        return None
    (paragraph,) = found
    return " ".join(paragraph.text_content().replace(NBSP, " ").replace(NNBSP, " ").split()), paragraph.xpath("a/@href")


def result_slugs(tree) -> list[str]:
    return [
        href.rstrip("/").rsplit("/", 1)[-1]
        for href in tree.xpath("//ol[contains(@class, 'results__list')]//h3/a/@href")
    ]


@pytest.mark.parametrize(
    ("url", "text", "link"),
    [
        ("/en/publications/?q=migartion", "Did you mean: migration?", "?q=migration"),
        (
            "/en/publications/?q=Inclusve+partnershisp",
            "Did you mean: inclusive partnerships?",
            "?q=inclusive+partnerships",
        ),
        (
            "/fr/publications/?q=gouvernnace+mondaile",
            "Vouliez-vous dire : gouvernance mondiale ?",
            "?q=gouvernance+mondiale",
        ),
        ("/fr/publications/?q=partenarait", "Vouliez-vous dire : partenariats ?", "?q=partenariats"),
        ("/es/publications/?q=gobernanaz", "¿Quiso decir: gobernanza?", "?q=gobernanza"),
        # The other filters are kept; the page number and empty fields are not.
        (
            "/en/publications/?q=migartion&language=fr&sort=title&year_from=&page=1",
            "Did you mean: migration?",
            "?q=migration&language=fr&sort=title",
        ),
    ],
)
def test_a_misspelt_search_offers_its_correction_one_click_away(client, catalogue, url, text, link):
    tree = page(client, url)

    assert result_slugs(tree) == []
    assert suggestion(tree) == (text, [link])
    assert result_slugs(page(client, url.split("?")[0] + link)) == ["idm-28"]


@pytest.mark.parametrize(
    "url",
    [
        "/en/publications/?q=migration",  # found
        "/en/publications/?q=zanzibarain",  # close only to a draft's word
        "/en/publications/?q=zanzibarian",
        "/en/publications/?q=migartion&language=ar",  # the correction finds nothing under the filters
        "/en/publications/?q=zzzzqqq",
        "/en/publications/",
    ],
)
def test_no_suggestion_is_shown(client, catalogue, url):
    assert suggestion(page(client, url)) is None


def test_the_empty_page_with_a_suggestion_hides_empty_facets_and_the_sort_menu(client, catalogue):
    tree = page(client, "/en/publications/?q=migartion")

    assert tree.xpath("//fieldset[@class='facet']") == []
    assert tree.xpath("//select[@name='sort']") == []
    assert tree.xpath("//ul[@class='topic-links']//a/@href") == ["/en/topics/migration-governance/"]


def test_a_search_with_very_few_results_is_offered_a_correction_finding_more(client, catalogue):
    PublicationFactory(number=100, slug="climate", title_en="Climate and migartion")  # a typo in a title
    PublicationFactory(number=101, slug="labour", title_en="Labour migration")

    tree = page(client, "/en/publications/?q=migartion")

    assert result_slugs(tree) == ["climate"]
    assert suggestion(tree) == ("Did you mean: migration?", ["?q=migration"])
    # A rare word with no more frequent word close to it is kept; a correction that finds nothing more is not offered.
    assert suggestion(page(client, "/en/publications/?q=labour")) is None
    assert suggestion(page(client, "/en/publications/?q=climate+migartion")) is None


@pytest.mark.parametrize("size", [1, 6])
def test_a_misspelt_search_page_runs_a_fixed_number_of_queries(client, catalogue, django_assert_num_queries, size):
    for number in range(size):
        PublicationFactory(number=300 + number, title_en=f"Migration report {number}")

    page(client, "/en/publications/?warm=1")  # builds the catalogue index of this content version (kept)
    # A page without results: the HTTP validators, the content version the catalogue index is of, the matches, the
    # topics to go on to, the matching workshops' ids (none, so nothing to rank); then the suggestion: the known
    # words, the candidates of the misspelt ones (one statement) and one search of the correction.
    with django_assert_num_queries(5):
        assert suggestion(page(client, "/en/publications/?q=zzz")) is None  # too short to correct
    with django_assert_num_queries(5 + 3):
        assert suggestion(page(client, "/en/publications/?q=migartion+reprot")) == (
            "Did you mean: migration report?",
            ["?q=migration+report"],
        )
