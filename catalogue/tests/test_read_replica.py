"""A read replica (idm/replica.py): anonymous visitors read from it; staff, forms and writes use the primary.

The routing is checked in the process for each kind of request; then, on PostgreSQL, against a real streaming
standby of the test database's server (pg_basebackup, started here) and a gunicorn process given it as
DATABASE_REPLICA_URL, the standby's replay paused to tell the two databases apart.
"""

from types import SimpleNamespace

import psycopg
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import MiddlewareNotUsed
from django.db import connection, router
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from catalogue.models import Publication
from catalogue.tests.factories import create_idm28, create_staff
from catalogue.tests.servers import (
    edit_series_through_the_admin,
    fetch,
    postgres_standby,
    site_env,
    start_gunicorn,
    stop,
    wait_for_replay,
)
from idm.replica import REPLICA, ReplicaMiddleware, ReplicaRouter

STAFF = SimpleNamespace(is_authenticated=True)


@pytest.fixture
def replica_configured(monkeypatch):
    """A "replica" alias in DATABASES, as DATABASE_REPLICA_URL adds it (never connected to here)."""
    monkeypatch.setitem(django_settings.DATABASES, REPLICA, dict(django_settings.DATABASES["default"]))


def read_alias_during(request, *, streaming=False) -> list[str]:
    """The database each read of the view answering `request` goes to: while it runs and, if it streams, while
    its content is sent; and after the request."""
    seen = []

    def view(request):
        seen.append(router.db_for_read(Publication))
        if streaming:
            return StreamingHttpResponse(seen.append(router.db_for_read(Publication)) or b"x" for _ in range(2))
        return HttpResponse()

    response = ReplicaMiddleware(view)(request)
    if streaming:
        b"".join(response)
    seen.append(router.db_for_read(Publication))
    return seen


def request(method: str, path: str, user=None):
    made = RequestFactory().generic(method, path)
    made.user = user or AnonymousUser()
    return made


@pytest.mark.usefixtures("replica_configured")
@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
def test_an_anonymous_safe_request_reads_the_replica_and_only_it(method):
    assert read_alias_during(request(method, "/en/publications/")) == [REPLICA, "default"]


@pytest.mark.usefixtures("replica_configured")
def test_a_streamed_response_reads_the_replica_while_it_is_sent():
    assert read_alias_during(request("GET", "/sitemap-publications-1.xml"), streaming=True) == [REPLICA] * 3 + [
        "default"
    ]


@pytest.mark.usefixtures("replica_configured")
@pytest.mark.parametrize(
    ("method", "path", "user"),
    [
        ("POST", "/en/publications/", None),  # a form posted: it may write, then read what it wrote
        ("GET", "/en/publications/", STAFF),  # staff see drafts and what they just saved
        ("GET", "/admin/login/", None),  # the admin, even before logging in
        ("GET", "/admin/catalogue/publication/", STAFF),
    ],
)
def test_staff_forms_and_the_admin_read_the_primary(method, path, user):
    assert read_alias_during(request(method, path, user)) == ["default", "default"]


def test_without_a_replica_the_middleware_stands_aside():
    assert REPLICA not in django_settings.DATABASES
    with pytest.raises(MiddlewareNotUsed):
        ReplicaMiddleware(lambda request: HttpResponse())


def test_writes_and_migrations_are_the_primary_s():
    replica_router = ReplicaRouter()
    assert replica_router.db_for_write(Publication) is None  # Django's default: the primary
    assert [replica_router.allow_migrate(alias, "catalogue") for alias in ("default", REPLICA)] == [True, False]


@pytest.mark.django_db(transaction=True)
def test_anonymous_pages_come_from_the_standby_and_staff_work_on_the_primary(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("a streaming standby needs PostgreSQL (the SQLite run has no server to stream from)")
    publication = create_idm28()
    create_staff("admin", superuser=True)
    page = "/en/publications/idm-28/"
    with postgres_standby() as standby_url:
        wait_for_replay(standby_url)
        server, base = start_gunicorn(site_env(tmp_path, DATABASE_REPLICA_URL=standby_url), tmp_path / "gunicorn.log")
        try:
            assert publication.series.name_en in fetch(base + page)[1]
            with psycopg.connect(standby_url, autocommit=True) as standby:
                standby.execute("SELECT pg_wal_replay_pause()")
                # Staff log in, save and see their change: the primary (the standby refuses writes, and lags).
                saved = edit_series_through_the_admin(base, publication.series_id, "Renamed on the primary")
                assert "Renamed on the primary" in saved.text
                # Visitors see the standby's catalogue, the page kept under the standby's content version.
                status, shown = fetch(base + page)
                assert (status, publication.title_en in shown, "Renamed on the primary" in shown) == (200, True, False)
                standby.execute("SELECT pg_wal_replay_resume()")
            wait_for_replay(standby_url)
            # Replayed, the standby's content version moves with it: no page built from its older rows outlives it.
            assert "Renamed on the primary" in fetch(base + page)[1]
        finally:
            stop(server)
