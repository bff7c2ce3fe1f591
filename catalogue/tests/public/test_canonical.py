"""What search engines read in a page's head: a canonical URL on every page, hreflang alternates on the pages
worth indexing, and `noindex` (without alternates) on search and filter results, previews and errors."""

import lxml.html
import pytest

from catalogue.public.pagination import PAGE_SIZE
from catalogue.tests.factories import PublicationFactory, create_idm28

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


def head(client, path: str, status: int = 200):
    response = client.get(path)
    assert response.status_code == status
    tree = lxml.html.document_fromstring(response.content)
    return {
        "canonical": tree.xpath("//head/link[@rel='canonical']/@href"),
        "robots": tree.xpath("//head/meta[@name='robots']/@content"),
        "hreflang": tree.xpath("//head/link[@rel='alternate'][@hreflang]/@hreflang"),
    }


@pytest.mark.parametrize(
    "path",
    [
        "/fr/",
        "/fr/publications/",
        "/fr/publications/?page=2",
        "/fr/publications/idm-28/",
        "/fr/series/idm/",
        "/fr/topics/migration-governance/",
        "/fr/workshops/",
        "/fr/workshops/idm-2018-geneva/",
    ],
)
def test_every_indexable_page_names_itself_canonical_with_its_alternates(client, path):
    create_idm28()
    for number in range(100, 100 + PAGE_SIZE):  # a second page of the catalogue
        PublicationFactory(number=number)

    found = head(client, path)

    assert found == {"canonical": [HOST + path], "robots": [], "hreflang": ["en", "fr", "es", "x-default"]}


@pytest.mark.parametrize(
    "query",
    ["q=migration", "series=idm", "topic=migration-governance", "year=2018", "year_from=2010", "sort=title",
     "language=fr&format=pdf"],
)  # fmt: skip
def test_search_and_filter_results_are_not_indexed_and_have_no_alternates(client, query):
    create_idm28()

    found = head(client, f"/en/publications/?{query}")

    assert found == {"canonical": [f"{HOST}/en/publications/?{query}"], "robots": ["noindex"], "hreflang": []}


def test_a_malformed_filter_alone_leaves_the_catalogue_indexable(client):
    create_idm28()

    found = head(client, "/en/publications/?year=abc")

    assert (found["robots"], found["hreflang"]) == ([], ["en", "fr", "es", "x-default"])


@pytest.mark.parametrize("path", ["/en/publications/nothing/", "/en/nothing/"])
def test_error_pages_name_no_canonical_and_no_alternates(client, path):
    assert head(client, path, status=404) == {"canonical": [], "robots": [], "hreflang": []}
