"""/sitemap.xml (every public page in en, fr, es with hreflang alternates) and /robots.txt."""

import datetime

import lxml.html
import pytest
from django.utils import timezone
from lxml import etree

from catalogue.models import Publication
from catalogue.tests.factories import PublicationFactory, SeriesFactory, TopicFactory, WorkshopFactory, create_idm28

pytestmark = pytest.mark.django_db

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
NS = {"s": SITEMAP_NS, "xhtml": XHTML_NS}
HOST = "http://testserver"


def sitemap(client) -> etree._Element:
    response = client.get("/sitemap.xml")
    assert (response.status_code, response["Content-Type"]) == (200, "application/xml")
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    # Every element is in the sitemap namespace, except the hreflang links in XHTML's.
    assert {element.tag for element in root.iter()} <= {
        f"{{{SITEMAP_NS}}}{name}" for name in ("urlset", "url", "loc", "lastmod", "changefreq")
    } | {f"{{{XHTML_NS}}}link"}
    return root


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
    Publication.objects.filter(pk=publication.pk).update(updated_at=stamp)
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
        *in_languages("/workshops/unreported/"),
    ]


@pytest.mark.parametrize("size", [1, 5])
def test_sitemap_query_count_does_not_grow_with_pages(client, django_assert_num_queries, size):
    for _ in range(size):
        topic = TopicFactory()
        publication = PublicationFactory(topics=[topic])
        WorkshopFactory(publication=publication)

    # One query per section: pages' lastmod, publications, series, topics, workshops.
    with django_assert_num_queries(5):
        root = sitemap(client)

    assert len(locations(root)) == 3 * (2 + size + 1 + size + size)


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
