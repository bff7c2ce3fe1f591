"""Hostile input to the API, the schema and the lookups of every surface: no request value in a response header,
no NUL (which PostgreSQL refuses in a query) reaching the database; a 404 (JSON under /api/), never a 500."""

import json

import pytest
from django.contrib.auth.models import User
from lxml import etree

from catalogue.interop.oai.protocol import OAI_NS, publication_identifier_prefix
from catalogue.models import Publication

pytestmark = pytest.mark.django_db

SCHEMA_FILENAME = 'inline; filename="IDM publications catalogue API.yaml"'
MARKER = "zq9marker"


@pytest.fixture
def catalogue(idm28):
    """IDM No. 28 with its series, topics and workshops (idm-2018-geneva has an agenda)."""
    return idm28


@pytest.mark.parametrize("version", ["a\rb", "a\nb", "a\r\nSet-Cookie: x=1", "a\x00b", 'x"; y=1', "2.0", MARKER])
def test_schema_ignores_the_version_parameter_in_its_headers_and_body(client, version):
    response = client.get("/api/schema/", {"version": version})
    as_json = client.get("/api/schema/", {"version": version}, headers={"Accept": "application/vnd.oai.openapi+json"})

    assert (response.status_code, response["Content-Disposition"]) == (200, SCHEMA_FILENAME)
    assert (as_json.status_code, as_json["Content-Disposition"]) == (
        200,
        'inline; filename="IDM publications catalogue API.json"',
    )
    assert json.loads(as_json.content)["info"]["version"] == "1.0.0"


def test_schema_without_parameters_is_named_after_the_api(client):
    response = client.get("/api/schema/")

    assert (response.status_code, response["Content-Disposition"]) == (200, SCHEMA_FILENAME)


@pytest.mark.parametrize(
    "path",
    [
        "/api/schema/",
        "/api/",
        "/api/publications/",
        "/api/publications/idm-28/",
        "/api/series/",
        "/api/workshops/idm-2018-geneva/",
        "/en/",
        "/en/publications/",
        "/en/publications/idm-28/",
        "/en/publications/idm-28/cite.bib",
        "/en/workshops/idm-2018-geneva/calendar.ics",
        "/en/feed/",
        "/oai",
        "/sitemap.xml",
        "/robots.txt",
        "/i18n/setlang/",
        "/admin/login/",
    ],
)
def test_no_request_value_is_reflected_into_a_response_header(client, catalogue, path):
    parameters = dict.fromkeys(
        ("version", "lang", "format", "q", "page", "sort", "series", "verb", "x", "filename"), MARKER
    )

    response = client.get(path, parameters, headers={"Accept-Language": "fr", "X-Forwarded-Host": MARKER})

    assert response.status_code < 500
    assert {name: value for name, value in response.items() if MARKER in value} == {}


@pytest.mark.parametrize("collection", ["publications", "series", "topics", "workshops"])
@pytest.mark.parametrize("slug", ["a%00b", "%00", "idm-28%00", "a%0Ab", "a%0Db", "%C3%A9t%C3%A9", "a%20b", "a%22b"])
def test_api_lookup_with_a_character_no_slug_has_is_a_json_404(client, catalogue, collection, slug):
    response = client.get(f"/api/{collection}/{slug}/")

    assert (response.status_code, response["Content-Type"], json.loads(response.content)) == (
        404,
        "application/json",
        {"detail": "Not found."},
    )


def test_api_unknown_path_is_a_json_404_in_the_requests_language(client):
    response = client.get("/api/nothing-here/", headers={"Accept-Language": "fr"})

    assert (response.status_code, response["Content-Type"], json.loads(response.content)) == (
        404,
        "application/json",
        {"detail": "Non trouvé."},
    )


def test_api_request_refused_before_any_view_is_a_json_400(client):
    response = client.get("/api/publications/", headers={"Host": "attacker.example"})

    assert (response.status_code, response["Content-Type"], json.loads(response.content)) == (
        400,
        "application/json",
        {"detail": "Malformed request."},
    )


def test_page_refused_before_any_view_is_still_a_page(client):
    response = client.get("/en/publications/", headers={"Host": "attacker.example"})

    assert (response.status_code, response["Content-Type"]) == (400, "text/html; charset=utf-8")  # Django's own page


def test_api_server_error_is_json_without_details(client, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("catalogue.api.views.SeriesViewSet.get_queryset", fail)
    client.raise_request_exception = False

    response = client.get("/api/series/")

    assert (response.status_code, response["Content-Type"], json.loads(response.content)) == (
        500,
        "application/json",
        {"detail": "A server error occurred."},
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/publications/idm-28/", 200),
        ("/api/series/idm/", 200),
        ("/api/topics/migration-governance/", 200),
        ("/api/workshops/idm-2018-geneva/", 200),
        ("/api/publications/no-such-thing/", 404),
    ],
)
def test_api_lookup_of_slugs_is_unchanged(client, catalogue, path, status):
    assert client.get(path).status_code == status


def test_api_lookup_of_a_withdrawn_publication_is_still_gone(client, catalogue):
    Publication.objects.filter(pk=catalogue.pk).update(status=Publication.Status.WITHDRAWN)

    assert client.get("/api/publications/idm-28/").status_code == 410


@pytest.mark.parametrize(
    "path",
    [
        "/en/publications/a%00b/",
        "/en/series/a%00b/",
        "/en/topics/a%00b/",
        "/en/workshops/a%00b/",
        "/en/publications/a%00b/cite.bib",
        "/en/publications/idm-28%00/cite.ris",
        "/en/publications/a%00b/editions/fr-pdf/cite.json",
        "/en/workshops/a%00b/calendar.ics",
        "/en/workshops/idm-2018-geneva%00/agenda/1.ics",
        "/en/series/a%00b/feed/",
        "/en/topics/a%00b/feed/",
        "/fr/publications/a%0Ab/",
    ],
)
def test_public_lookup_with_a_nul_is_a_page_404(client, catalogue, path):
    response = client.get(path)

    assert (response.status_code, response["Content-Type"]) == (404, "text/html; charset=utf-8")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/publications/?q=%00", 200),
        ("/api/publications/?q=migration%00governance", 200),
        ("/api/publications/?series=a%00b", 400),
        ("/api/publications/?series=idm%00", 400),
        ("/api/publications/?topic=a%00b", 400),
        ("/api/publications/?language=e%00", 400),
        ("/api/publications/?format=p%00", 400),
        ("/api/publications/?year=20%0018", 400),
        ("/api/publications/?year_from=1%00", 400),
        ("/api/publications/?sort=%00", 400),
        ("/api/publications/?page=%00", 400),
        ("/api/publications/?page_size=%00", 400),
        ("/api/workshops/?page=1%00", 400),
        ("/en/publications/?q=%00&series=a%00b&topic=%00&language=%00&format=%00&sort=%00&page=%00", 200),
        ("/en/publications/?year=%00&year_from=%00&year_to=2%00", 200),
        ("/en/workshops/?page=%00", 200),
        ("/en/feed/?q=%00", 200),
        ("/sitemap.xml?p=1%00", 200),
        ("/sitemaps/publications-1.xml?p=%00", 200),
    ],
)
def test_query_parameters_with_a_nul_never_fail(client, catalogue, path, status):
    assert client.get(path).status_code == status


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "PREFIXa\x00b"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "PREFIXidm-28\x00"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "PREFIXidm-28\n"}, "badArgument"),
        ({"verb": "ListMetadataFormats", "identifier": "PREFIXa\x00b"}, "badArgument"),
        ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "PREFIXno-such-thing"}, "idDoesNotExist"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "series:a\x00b"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "topic:a\x00b"}, "badArgument"),
        ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2018\x00"}, "badArgument"),
        ({"verb": "ListRecords", "resumptionToken": "a\x00b"}, "badResumptionToken"),
    ],
)
def test_oai_arguments_with_a_nul_are_bad_arguments(client, catalogue, arguments, error):
    arguments = {name: value.replace("PREFIX", publication_identifier_prefix()) for name, value in arguments.items()}

    response = client.get("/oai", arguments)

    assert response.status_code == 200
    errors = etree.fromstring(response.content).findall(f"{{{OAI_NS}}}error")
    assert [element.get("code") for element in errors] == [error]


def test_oai_get_record_of_a_real_identifier_still_answers(client, catalogue):
    response = client.get(
        "/oai",
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": f"{publication_identifier_prefix()}idm-28"},
    )

    assert etree.fromstring(response.content).findall(f"{{{OAI_NS}}}error") == []


@pytest.mark.parametrize(
    "path",
    [
        "/admin/catalogue/publication/?language=a%00b",
        "/admin/catalogue/publication/?status=%00",
        "/admin/catalogue/edition/?format__exact=a%00b",
        "/admin/catalogue/edition/?availability=a%00b",
        "/admin/catalogue/workshop/?country=a%00b",
        "/admin/catalogue/agendaitem/?kind__exact=a%00b",
        "/admin/catalogue/publication/?q=a%00b",
        "/admin/catalogue/publication/?a%00b=1",
    ],
)
def test_admin_list_filter_with_a_nul_is_a_bad_request(client, catalogue, path):
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", "a long enough password"))

    assert client.get(path).status_code == 400


def test_admin_list_filter_without_a_nul_still_filters(client, catalogue):
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", "a long enough password"))

    assert client.get("/admin/catalogue/edition/?format__exact=pdf").status_code == 200
