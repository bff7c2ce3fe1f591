"""/sitemap.xml (an index of sitemap files listing every public page in en, fr, es with hreflang alternates) and
/robots.txt."""

import datetime

import lxml.html
import pytest
from django.utils import timezone
from lxml import etree

from catalogue.interop.sitemaps import items_per_file
from catalogue.models import Publication, Workshop
from catalogue.tests.factories import PublicationFactory, SeriesFactory, TopicFactory, WorkshopFactory, create_idm28

pytestmark = pytest.mark.django_db

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NS = {"s": SITEMAP_NS, "xhtml": XHTML_NS}
HOST = "http://testserver"


def parse(client, path: str, root_tag: str) -> etree._Element:
    response = client.get(path)
    assert (response.status_code, response["Content-Type"]) == (200, "application/xml")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    root = etree.fromstring(content)
    assert root.tag == f"{{{SITEMAP_NS}}}{root_tag}"
    return root


def sitemap_files(client) -> list[str]:
    """The paths of the sitemap files the index at /sitemap.xml links."""
    root = parse(client, "/sitemap.xml", "sitemapindex")
    assert {element.tag for element in root.iter()} == {
        f"{{{SITEMAP_NS}}}{name}" for name in ("sitemapindex", "sitemap", "loc")
    }
    return [loc[len(HOST) :] for loc in root.xpath("/s:sitemapindex/s:sitemap/s:loc/text()", namespaces=NS)]


def sitemap(client) -> etree._Element:
    """Every <url> of every file the index links, gathered in one <urlset>."""
    gathered = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "xhtml": XHTML_NS})
    for path in sitemap_files(client):
        root = parse(client, path, "urlset")
        # Every element is in the sitemap namespace, except the hreflang links in XHTML's.
        assert {element.tag for element in root.iter()} <= {
            f"{{{SITEMAP_NS}}}{name}" for name in ("urlset", "url", "loc", "lastmod", "changefreq")
        } | {f"{{{XHTML_NS}}}link"}
        gathered.extend(root.findall("s:url", NS))
    return gathered


def locations(root) -> list[str]:
    return [loc[len(HOST) :] for loc in root.xpath("/s:urlset/s:url/s:loc/text()", namespaces=NS)]


def in_languages(path: str) -> list[str]:
    return [f"/{code}{path}" for code in ("en", "fr", "es")]


def test_sitemap_lists_every_public_page_in_three_languages(client):
    create_idm28()

    root = sitemap(client)

    assert locations(root) == [
        *in_languages("/"),
        *in_languages("/publications/"),
        *in_languages("/series/"),
        *in_languages("/topics/"),
        *in_languages("/workshops/"),
        *in_languages("/publications/idm-28/"),
        *in_languages("/series/idm/"),
        *in_languages("/topics/migration-governance/"),
        *in_languages("/workshops/idm-2018-new-york/"),
        *in_languages("/workshops/idm-2018-geneva/"),
    ]


def test_sitemap_url_has_hreflang_alternates_and_x_default(client):
    create_idm28()

    root = sitemap(client)

    (url,) = root.xpath('/s:urlset/s:url[s:loc="http://testserver/fr/publications/idm-28/"]', namespaces=NS)
    alternates = [(link.get("rel"), link.get("hreflang"), link.get("href")) for link in url.findall("xhtml:link", NS)]
    assert alternates == [
        ("alternate", "en", f"{HOST}/en/publications/idm-28/"),
        ("alternate", "fr", f"{HOST}/fr/publications/idm-28/"),
        ("alternate", "es", f"{HOST}/es/publications/idm-28/"),
        # The English page itself, as the pages' heads say; the unprefixed URL only redirects.
        ("alternate", "x-default", f"{HOST}/en/publications/idm-28/"),
    ]


@pytest.mark.parametrize("path", ["/", "/publications/idm-28/", "/series/idm/", "/workshops/idm-2018-geneva/"])
def test_sitemap_x_default_is_the_page_heads_x_default_and_answers_200(client, path):
    create_idm28()
    root = sitemap(client)

    for language in ("en", "fr", "es"):
        (url,) = root.xpath(f'/s:urlset/s:url[s:loc="{HOST}/{language}{path}"]', namespaces=NS)
        (in_sitemap,) = url.xpath('xhtml:link[@hreflang="x-default"]/@href', namespaces=NS)
        head = lxml.html.document_fromstring(client.get(f"/{language}{path}").content)
        assert head.xpath('//head/link[@rel="alternate"][@hreflang="x-default"]/@href') == [in_sitemap]
        assert client.get(in_sitemap).status_code == 200


def test_sitemap_lastmod_is_the_latest_public_change(client):
    publication = create_idm28()
    stamp = datetime.datetime(2020, 3, 6, 12, tzinfo=datetime.UTC)
    # Public since before that change (a record first public later shows that date instead).
    published = stamp - datetime.timedelta(days=30)
    Publication.objects.filter(pk=publication.pk).update(content_changed_at=stamp, publish_date=published)
    Workshop.objects.filter(publication=publication).update(content_changed_at=stamp, publish_date=published)
    # A draft in the same series and topic changed later must not show.
    PublicationFactory(
        slug="draft", status=Publication.Status.DRAFT, publish_date=None, topics=list(publication.topics.all())
    )

    root = sitemap(client)

    lastmods = {
        loc[len(HOST) :]: lastmod
        for loc, lastmod in (
            (url.findtext("s:loc", namespaces=NS), url.findtext("s:lastmod", namespaces=NS))
            for url in root.findall("s:url", NS)
        )
    }
    assert {lastmods[path] for path in in_languages("/publications/idm-28/")} == {"2020-03-06"}
    assert {lastmods[path] for path in in_languages("/series/idm/")} == {"2020-03-06"}
    assert {lastmods[path] for path in in_languages("/topics/migration-governance/")} == {"2020-03-06"}
    assert {lastmods[path] for path in in_languages("/workshops/idm-2018-geneva/")} == {"2020-03-06"}
    assert {lastmods[path] for path in in_languages("/")} == {"2020-03-06"}


def test_sitemap_never_lists_drafts_or_what_only_drafts_show(client):
    draft_series = SeriesFactory(slug="draft-series", name_en="Draft series")
    draft_topic = TopicFactory(slug="draft-topic")
    draft = PublicationFactory(
        series=draft_series, slug="draft", status=Publication.Status.DRAFT, publish_date=None, topics=[draft_topic]
    )
    future = PublicationFactory(slug="future", publish_date=timezone.now() + datetime.timedelta(days=1))
    WorkshopFactory(slug="draft-workshop", publication=draft)
    WorkshopFactory(slug="future-workshop", publication=future)
    WorkshopFactory(slug="unreported", publication=None)

    root = sitemap(client)

    assert locations(root) == [
        *in_languages("/"),
        *in_languages("/publications/"),
        *in_languages("/series/"),
        *in_languages("/topics/"),
        *in_languages("/workshops/"),
        *in_languages("/workshops/unreported/"),
    ]


@pytest.mark.parametrize("size", [1, 5])
def test_sitemap_query_count_does_not_grow_with_the_catalogue(client, django_assert_num_queries, size):
    for _ in range(size):
        topic = TopicFactory()
        publication = PublicationFactory(topics=[topic])
        WorkshopFactory(publication=publication)

    with django_assert_num_queries(4 + 1):  # the HTTP validators (idm/caching.py), one count per section of records
        files = sitemap_files(client)
    with django_assert_num_queries(1 + 1):  # the HTTP validators (idm/caching.py), the pages' lastmod
        parse(client, "/sitemaps/pages-1.xml", "urlset")
    for path in files[1:]:
        with django_assert_num_queries(
            2 + 1
        ):  # the HTTP validators (idm/caching.py), the file's first primary key, then its rows
            parse(client, path, "urlset")

    assert len(locations(sitemap(client))) == 3 * (5 + size + 1 + size + size)


def test_sitemap_index_links_files_of_bounded_size_that_list_every_page_once(client, settings):
    settings.SITEMAP_ITEMS_PER_FILE = 2
    for number in range(1, 6):
        WorkshopFactory(slug=f"w{number}", publication=PublicationFactory(number=number, slug=f"p{number}"))

    files = sitemap_files(client)
    per_file = {path: locations(parse(client, path, "urlset")) for path in files}

    assert files == [
        "/sitemaps/pages-1.xml",
        "/sitemaps/publications-1.xml",
        "/sitemaps/publications-2.xml",
        "/sitemaps/publications-3.xml",
        "/sitemaps/series-1.xml",
        "/sitemaps/workshops-1.xml",
        "/sitemaps/workshops-2.xml",
        "/sitemaps/workshops-3.xml",
    ]
    assert per_file["/sitemaps/publications-1.xml"] == [
        *in_languages("/publications/p1/"),
        *in_languages("/publications/p2/"),
    ]
    assert per_file["/sitemaps/publications-3.xml"] == in_languages("/publications/p5/")
    assert per_file["/sitemaps/workshops-3.xml"] == in_languages("/workshops/w5/")
    everything = [location for paths in per_file.values() for location in paths]
    assert len(everything) == len(set(everything)) == 3 * (5 + 5 + 1 + 5)


@pytest.mark.parametrize(("setting", "expected"), [(5_000, 5_000), (10**9, 16_666)])
def test_a_sitemap_file_never_holds_more_than_50000_urls(settings, setting, expected):
    settings.SITEMAP_ITEMS_PER_FILE = setting

    assert items_per_file() == expected
    assert items_per_file() * len(settings.LANGUAGES) <= 50_000


@pytest.mark.parametrize(
    "path",
    ["/sitemaps/publications-2.xml", "/sitemaps/pages-2.xml", "/sitemaps/nothing-1.xml", "/sitemaps/topics-1.xml"],
)
def test_sitemap_file_past_the_last_or_of_no_section_is_a_404(client, path):
    create_idm28()
    TopicFactory(slug="unused")  # a topic no publication has: no file of topics beyond the first

    assert client.get(path).status_code == (200 if path == "/sitemaps/topics-1.xml" else 404)


def test_sitemap_files_are_streamed(client):
    create_idm28()

    response = client.get("/sitemaps/publications-1.xml")

    assert (response.streaming, response["Content-Type"]) == (True, "application/xml")


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")

    assert (response.status_code, response["Content-Type"]) == (200, "text/plain; charset=utf-8")
    assert response.content.decode() == (
        "User-agent: *\nDisallow: /admin/\nDisallow: /i18n/\nAllow: /\n\nSitemap: http://testserver/sitemap.xml\n"
    )


def test_robots_txt_sitemap_url_follows_the_request_scheme_and_host(client, settings):
    settings.ALLOWED_HOSTS = ["catalogue.example.org"]

    response = client.get("/robots.txt", headers={"host": "catalogue.example.org"}, secure=True)

    assert response.content.decode().splitlines()[-1] == "Sitemap: https://catalogue.example.org/sitemap.xml"
