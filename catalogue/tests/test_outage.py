"""A database outage (issue 10, item 7): a 503 with Retry-After in the visitor's language, never a 500 or a traceback."""

import copy
import logging
import socket

import lxml.html
import pytest
from django.db import connections
from django.test import Client

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def database_down():
    """The default connection replaced by one to a database that cannot be opened: a real connection failure
    (SQLite: a file in a missing directory; PostgreSQL: a closed port)."""
    working = connections["default"]
    settings_dict = copy.deepcopy(working.settings_dict)
    if working.vendor == "sqlite":
        settings_dict["NAME"] = "/nonexistent-idm-outage/db.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    broken = type(working)(settings_dict, "default")
    connections["default"] = broken
    yield
    broken.close()
    connections["default"] = working


@pytest.fixture
def settings_off(settings):
    settings.DEBUG = False
    settings.DATABASE_OUTAGE_RETRY_AFTER = 45
    return settings


def outage_records(caplog):
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("en", "Service temporarily unavailable"),
        ("fr", "Service temporairement indisponible"),
        ("es", "Servicio temporalmente no disponible"),
    ],
)
def test_public_page_is_a_translated_503(settings_off, database_down, caplog, language, heading):
    response = Client().get(f"/{language}/publications/")

    assert response.status_code == 503
    assert response["Retry-After"] == "45"
    tree = lxml.html.fromstring(response.content)
    assert tree.get("lang") == language
    assert tree.xpath("//h1")[0].text_content().strip() == heading
    assert b"Traceback" not in response.content
    assert b"OperationalError" not in response.content
    [record] = outage_records(caplog)
    assert record.name == "idm.middleware"
    assert "OperationalError on database 'default'" in record.getMessage()
    assert f"GET /{language}/publications/" in record.getMessage()


def test_api_outage_is_a_json_503(settings_off, database_down, caplog):
    response = Client().get("/api/publications/")

    assert response.status_code == 503
    assert response["Retry-After"] == "45"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The service is temporarily unavailable. Please try again later."}
    assert len(outage_records(caplog)) == 1


def test_oai_outage_is_a_503(settings_off, database_down):
    response = Client().get("/oai", {"verb": "Identify"})

    assert response.status_code == 503
    assert response["Retry-After"] == "45"
    assert b"Traceback" not in response.content


class TouchDatabaseMiddleware:
    """A middleware after the outage middleware that queries, as sessions and authentication do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connections["default"].ensure_connection()
        return self.get_response(request)


def test_outage_in_a_later_middleware_is_a_503(settings_off, database_down, caplog):
    settings_off.MIDDLEWARE = [*settings_off.MIDDLEWARE, "catalogue.tests.test_outage.TouchDatabaseMiddleware"]

    response = Client(raise_request_exception=False).get("/fr/")

    assert response.status_code == 503
    assert response["Retry-After"] == "45"
    tree = lxml.html.fromstring(response.content)
    assert tree.xpath("//h1")[0].text_content().strip() == "Service temporairement indisponible"
    [record] = outage_records(caplog)
    assert "OperationalError on database 'default'" in record.getMessage()


@pytest.mark.urls("catalogue.tests.error_urls")
def test_other_errors_stay_500(settings_off):
    response = Client(raise_request_exception=False).get("/en/boom/")

    assert response.status_code == 500
    assert "Retry-After" not in response
