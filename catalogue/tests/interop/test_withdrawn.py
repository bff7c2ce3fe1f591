"""Withdrawn publications and workshops (and draft workshops) leave every public surface: the sitemap, feeds,
search, facets and the API lists; the API detail answers 410; OAI-PMH reports a withdrawn publication as a
deleted record."""

import datetime
import json

import feedparser
import lxml.html
import pytest
from lxml import etree

from catalogue.interop.oai.protocol import OAI_NS
from catalogue.models import Publication, Status, Workshop
from catalogue.search import search_publications
from catalogue.tests.factories import (
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    TopicFactory,
    WorkshopFactory,
)
from catalogue.tests.interop.test_sitemap import sitemap

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NS = {"oai": OAI_NS}
REPOSITORY = "oai:idm-catalogue.example:publication/"


def oai_id(record) -> str:
    """A record's OAI identifier: the repository's prefix and the publication's uuid (`record`: it or its slug)."""
    publication = Publication.objects.get(slug=record) if isinstance(record, str) else record
    return f"{REPOSITORY}{publication.uuid}"


PAST = datetime.datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def catalogue():
    """A public publication, a withdrawn one and a draft, all in one series and topic, each with an English
    PDF edition; and a public, a draft and a withdrawn workshop reported by the public publication."""
    series = SeriesFactory()
    topic = TopicFactory(slug="cities", name_en="Cities")
    public = PublicationFactory(slug="public", series=series, title_en="Cities and mobility", topics=[topic])
    withdrawn = PublicationFactory(
        slug="withdrawn", series=series, title_en="Cities withdrawn", year=2017, topics=[topic]
    )
    withdrawn.status = Status.WITHDRAWN
    withdrawn.save()
    draft = PublicationFactory(
        slug="draft", series=series, title_en="Cities draft", status=Status.DRAFT, publish_date=None, topics=[topic]
    )
    for publication in (public, withdrawn, draft):
        EditionFactory(publication=publication, language="en")
    WorkshopFactory(slug="public-workshop", publication=public, title_en="Cities workshop")
    WorkshopFactory(
        slug="draft-workshop", publication=public, title_en="Cities draft workshop zanzibar", status=Status.DRAFT
    )
    WorkshopFactory(
        slug="withdrawn-workshop", publication=public, title_en="Cities gone workshop", status=Status.WITHDRAWN
    )
    WorkshopFactory(slug="workshop-of-withdrawn", publication=withdrawn, title_en="Cities workshop of withdrawn")
    return public, withdrawn, draft


def facet(tree, name: str) -> list[tuple[str, int]]:
    """(label, count) of each value the facet offers."""
    values = []
    for item in tree.xpath(f"//input[@type='checkbox'][@name='{name}']"):
        label = tree.xpath(f"//label[@for='{item.get('id')}']")[0]
        count = int(label.xpath("span[@class='count']")[0].text_content().strip("()"))
        values.append((label.xpath("span")[0].text_content(), count))
    return values


# The sitemap, feeds, search and facets ---------------------------------------------------------


def test_sitemap_lists_neither_withdrawn_nor_draft_records(client, catalogue):
    root = sitemap(client)
    paths = {loc.removeprefix("http://testserver") for loc in root.xpath("//*[local-name()='loc']/text()")}

    english = sorted(path for path in paths if path.startswith("/en/"))
    assert english == sorted(
        [
            "/en/",
            "/en/publications/",
            "/en/publications/public/",
            "/en/series/",
            "/en/series/idm/",
            "/en/topics/",
            "/en/topics/cities/",
            "/en/workshops/",
            "/en/workshops/public-workshop/",
        ]
    )


@pytest.mark.parametrize("url", ["/en/feed/", "/fr/series/idm/feed/", "/es/topics/cities/feed/"])
def test_feeds_leave_out_withdrawn_and_draft_publications(client, catalogue, url):
    response = client.get(url)
    assert response.status_code == 200

    links = [entry.link for entry in feedparser.parse(response.content).entries]
    assert [link.rsplit("/", 2)[1] for link in links] == ["public"]


def test_search_and_its_facets_leave_out_withdrawn_and_draft_publications(client, catalogue):
    tree = lxml.html.fromstring(client.get("/en/publications/?q=cities").content)

    titles = [" ".join(a.text_content().split()) for a in tree.xpath("//ol[contains(@class, 'results__list')]//h3/a")]
    assert titles == ["Cities and mobility"]
    assert facet(tree, "year") == [("2018", 1)]
    assert facet(tree, "topic") == [("Cities", 1)]
    assert facet(tree, "series") == [("International Dialogue on Migration", 1)]
    workshops = [" ".join(a.text_content().split()) for a in tree.xpath("//a[contains(@href, '/workshops/')]")]
    assert [name for name in workshops if name.startswith("Cities")] == ["Cities workshop"]


def test_search_documents_hold_no_text_of_draft_workshops(catalogue):
    found = search_publications(Publication.objects.published(), "zanzibar", language="en")
    assert list(found) == []
    workshop = Workshop.objects.get(slug="draft-workshop")
    workshop.status = Status.PUBLISHED
    workshop.publish_date = PAST
    workshop.save()  # re-indexes its report
    found = search_publications(Publication.objects.published(), "zanzibar", language="en")
    assert [publication.slug for publication in found] == ["public"]


# The API ----------------------------------------------------------------------------------------


def test_api_lists_leave_out_withdrawn_and_draft_records(client, catalogue):
    publications = json.loads(client.get("/api/publications/").content)["results"]
    workshops = json.loads(client.get("/api/workshops/").content)["results"]

    assert [item["slug"] for item in publications] == ["public"]
    assert [workshop["slug"] for workshop in publications[0]["workshops"]] == ["public-workshop"]
    assert [item["slug"] for item in workshops] == ["public-workshop"]


@pytest.mark.parametrize(
    ("url", "language", "detail"),
    [
        ("/api/publications/withdrawn/", "en", "This publication has been withdrawn from the catalogue."),
        ("/api/publications/withdrawn/", "fr", "Cette publication a été retirée du catalogue."),
        ("/api/workshops/withdrawn-workshop/", "es", "Este taller ha sido retirado del catálogo."),
        ("/api/workshops/workshop-of-withdrawn/", "en", "This workshop has been withdrawn from the catalogue."),
    ],
)
def test_api_detail_of_a_withdrawn_record_is_gone(client, catalogue, url, language, detail):
    response = client.get(url, headers={"Accept-Language": language})

    assert (response.status_code, response["Content-Type"]) == (410, "application/json")
    assert json.loads(response.content) == {"detail": detail}


@pytest.mark.parametrize("url", ["/api/publications/draft/", "/api/workshops/draft-workshop/", "/api/workshops/nope/"])
def test_api_detail_of_a_draft_is_not_found(client, catalogue, url):
    assert client.get(url).status_code == 404


def test_api_schema_documents_the_410(client):
    schema = json.loads(client.get("/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).content)

    for path in ("/api/publications/{slug}/", "/api/workshops/{slug}/"):
        assert sorted(schema["paths"][path]["get"]["responses"]) == ["200", "404", "410"]


# OAI-PMH ----------------------------------------------------------------------------------------


def harvest(client, arguments) -> etree._Element:
    response = client.get("/oai", arguments)
    assert response.status_code == 200
    return etree.fromstring(response.content)


def headers(root) -> list[tuple[str, str | None]]:
    return [(h.findtext("oai:identifier", namespaces=NS), h.get("status")) for h in root.iterfind(".//oai:header", NS)]


def assert_valid(schema, root):
    assert schema.validate(root), "\n".join(str(error) for error in schema.error_log)


def test_oai_identify_declares_transient_deleted_records(client, oai_schema, catalogue):
    root = harvest(client, {"verb": "Identify"})

    assert_valid(oai_schema, root)
    assert root.findtext(".//oai:deletedRecord", namespaces=NS) == "transient"


def test_oai_get_record_of_a_withdrawn_publication_is_a_deleted_header(client, oai_schema, catalogue):
    root = harvest(client, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "withdrawn"})

    assert_valid(oai_schema, root)
    [record] = root.findall(".//oai:record", NS)
    assert [child.tag.split("}")[1] for child in record] == ["header"]
    header = record.find("oai:header", NS)
    assert header.get("status") == "deleted"
    assert [child.text for child in header] == [
        oai_id("withdrawn"),
        header.findtext("oai:datestamp", namespaces=NS),
        "series:idm",
        "topic:cities",
    ]


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
def test_oai_lists_report_withdrawn_publications_as_deleted_and_never_drafts(client, oai_schema, catalogue, verb):
    root = harvest(client, {"verb": verb, "metadataPrefix": "oai_dc"})

    assert_valid(oai_schema, root)
    assert headers(root) == [(oai_id("public"), None), (oai_id("withdrawn"), "deleted")]
    if verb == "ListRecords":
        records = root.findall(".//oai:record", NS)
        assert [record.find("oai:metadata", NS) is not None for record in records] == [True, False]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"set": "series:idm"}, ["public", "withdrawn"]),
        ({"set": "topic:cities"}, ["public", "withdrawn"]),
        ({"set": "topic"}, ["public", "withdrawn"]),
        ({"from": "2024-06-01"}, ["withdrawn"]),
        ({"until": "2024-05-31"}, ["public"]),
        ({"from": "2024-06-01", "until": "2024-06-01"}, ["withdrawn"]),
        ({"from": "2024-06-02"}, None),
    ],
)
def test_oai_deleted_records_follow_sets_and_dates(client, oai_schema, catalogue, arguments, expected):
    public, withdrawn, _draft = catalogue
    # Datestamps: the public one last changed in January, the withdrawal on 1 June 2024.
    january, june = datetime.datetime(2024, 1, 10, tzinfo=UTC), datetime.datetime(2024, 6, 1, 8, tzinfo=UTC)
    Publication.objects.filter(pk=public.pk).update(content_changed_at=january, publish_date=PAST)
    Publication.objects.filter(pk=withdrawn.pk).update(content_changed_at=june, publish_date=PAST)

    for verb in ("ListIdentifiers", "ListRecords"):
        root = harvest(client, {"verb": verb, "metadataPrefix": "oai_dc", **arguments})
        assert_valid(oai_schema, root)
        if expected is None:
            assert [e.get("code") for e in root.iterfind("oai:error", NS)] == ["noRecordsMatch"]
        else:
            assert [identifier for identifier, _status in headers(root)] == [oai_id(slug) for slug in expected]
            assert [status for identifier, status in headers(root)] == [
                "deleted" if slug == "withdrawn" else None for slug in expected
            ]


def test_oai_withdrawing_after_a_harvest_shows_the_deletion_to_the_next_incremental_harvest(client, catalogue):
    public, _withdrawn, _draft = catalogue
    Publication.objects.update(content_changed_at=datetime.datetime(2024, 1, 10, tzinfo=UTC), publish_date=PAST)
    public.status = Status.WITHDRAWN
    public.save()  # the withdrawal is a change: its datestamp is now

    today = datetime.datetime.now(UTC).strftime("%Y-%m-%d")
    root = harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": today})

    assert headers(root) == [(oai_id("public"), "deleted")]


@pytest.mark.parametrize("slug", ["draft", "never-public"])
def test_oai_a_record_never_public_stays_absent(client, oai_schema, catalogue, slug):
    # Withdrawn before its publish date came: it never was public, so there is nothing to delete.
    PublicationFactory(
        slug="never-public", status=Status.WITHDRAWN, publish_date=datetime.datetime(2999, 1, 1, tzinfo=UTC)
    )

    root = harvest(client, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + slug})

    assert_valid(oai_schema, root)
    assert [e.get("code") for e in root.iterfind("oai:error", NS)] == ["idDoesNotExist"]
    listed = harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert oai_id(slug) not in [identifier for identifier, _status in headers(listed)]


def test_oai_list_metadata_formats_knows_a_deleted_record(client, catalogue):
    root = harvest(client, {"verb": "ListMetadataFormats", "identifier": REPOSITORY + "withdrawn"})

    assert root.findtext(".//oai:metadataPrefix", namespaces=NS) == "oai_dc"
