"""Shared test fixtures: the Playwright browser harness (Debian's Chromium), screenshots and axe-core.

Browser tests take `page` (already pointed at the live server: `page.goto("/en/")`), `live_server`,
and the helpers below, and are marked `@pytest.mark.browser`:

    @pytest.mark.browser
    def test_home_is_accessible(page, live_server, axe_violations, screenshot, external_requests):
        page.goto("/en/")
        screenshot(page, "home-en")
        assert axe_violations(page) == []
        assert external_requests == []
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from lxml import etree

from catalogue.interop.marc import MARC_NS
from catalogue.interop.oai.protocol import OAI_DC_NS, OAI_NS
from catalogue.public import catalogue_index
from catalogue.search import sets
from catalogue.tests.factories import create_idm28, create_idm28_by_iom

# The Playwright fixtures run an event loop in the test thread; Django's ORM would refuse to run there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_DIR = Path(settings.BASE_DIR)
SCREENSHOT_DIR = REPO_DIR / "test-artifacts" / "screenshots"
AXE_SCRIPT = REPO_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BROWSER_FIXTURES = {"page", "context", "new_context", "browser", "browser_type"}


@pytest.fixture
def idm28():
    """IDM No. 28 as the seed record and FACTS.md give it (catalogue/tests/factories.py)."""
    return create_idm28()


@pytest.fixture
def idm28_by_iom():
    """IDM No. 28 with the organisation named as its corporate author and publisher."""
    return create_idm28_by_iom()


@pytest.fixture(autouse=True)
def _fresh_catalogue_index():
    """Each test starts without the in-memory catalogue index and search sets a previous test built (its rows were
    rolled back), and with an empty cache: a page or a record fragment kept by a previous test could be another
    record's, under the same id and times (ids are reused after a rollback, times may be frozen)."""
    catalogue_index.forget()
    sets.forget()
    cache.clear()


@pytest.fixture(autouse=True)
def _no_search_rows_left_behind(request, django_db_blocker):
    """After a test that commits (a transactional test, the live server's), empty SQLite's FTS tables too.

    Django flushes the models' tables after such a test, but the FTS tables are no models: their rows would outlive
    their documents and match the next test's records that reuse their ids.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    commits = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    if not commits and not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    from django.db import connection

    from catalogue.search.documents_text import PAGE_FTS_TABLE
    from catalogue.search.schema import FTS_TABLE

    if connection.vendor != "sqlite":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for table in (FTS_TABLE, PAGE_FTS_TABLE):
            cursor.execute(f"DELETE FROM {table}")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request to /fr/ leaves French active in its thread."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL, end sessions still open on the test database so that dropping it cannot fail.

    A connection left open by a server thread (the live server's) makes DROP DATABASE fail the last test
    of a worker intermittently; what was found is logged to test-artifacts/postgres-stray-sessions.log.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_start, query, pg_terminate_backend(pid)"
            " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        stray = cursor.fetchall()
    if stray:
        log = REPO_DIR / "test-artifacts" / "postgres-stray-sessions.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as file:
            file.writelines(f"{connection.settings_dict['NAME']}: {row!r}\n" for row in stray)


def _missing_dependency(message: str) -> None:
    """Fail in CI (a missing dependency must never pass as a skip there); skip with the reason elsewhere."""
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _chromium_path() -> str | None:
    candidate = os.environ.get("IDM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return candidate if os.access(candidate, os.X_OK) else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Anything that opens a browser is a browser test, so `-m "not browser"` leaves them all out.
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Launch Debian's Chromium (Playwright cannot download its own browsers here)."""
    executable = _chromium_path()
    if executable is None:
        _missing_dependency(
            "Chromium not found at /usr/bin/chromium (install it: apt-get install chromium, "
            "or set IDM_CHROMIUM to a Chromium binary)."
        )
    return {**browser_type_launch_args, "executable_path": executable, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Every page starts on the live server, so tests can `page.goto("/en/")`.

    Also replaces pytest-playwright's own fallback fixture, which pytest 9 deprecates.
    """
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture
def external_requests() -> list[str]:
    """URLs the page tried to load from any host other than the live server (each one blocked)."""
    return []


@pytest.fixture
def log_in(context, live_server):
    """Log the browser in as `user` (a session cookie, no login form): `log_in(create_staff("ed", EDITOR))`."""

    def log_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return user

    return log_in


@pytest.fixture
def context(new_context, live_server, external_requests):
    """A browser context that blocks and records every request leaving the live server."""
    context = new_context()
    context.set_default_timeout(15_000)
    own_origin = urlsplit(live_server.url).netloc

    def guard(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != own_origin:
            external_requests.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    context.route(re.compile(r".*"), guard)
    return context


def _screenshot(page, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/screenshots/ and return its path."""
    path = SCREENSHOT_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot():
    """`screenshot(page, name)`: save a full-page screenshot, return the file's path."""
    return _screenshot


def _axe_violations(page, *, tags: list[str] | None = None) -> list[dict]:
    """Run axe-core on the page (WCAG 2.0/2.1 A and AA) and return its violations, compacted."""
    if not AXE_SCRIPT.exists():
        _missing_dependency(f"axe-core is not installed ({AXE_SCRIPT} missing): run `npm ci`.")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        try:
            page.add_script_tag(path=str(AXE_SCRIPT))
        except Exception:  # a strict Content-Security-Policy refuses script tags; evaluate is not subject to it
            page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;undefined")
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)",
        tags or AXE_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in violations
    ]


@pytest.fixture
def axe_violations():
    """`axe_violations(page)`: the page's WCAG 2 A/AA violations as [{id, impact, help, targets}]."""
    return _axe_violations


@pytest.fixture(scope="session")
def oai_schema():
    """OAI-PMH.xsd with oai_dc.xsd and MARC21slim.xsd imported beside it, read from ../shared/schemas."""
    schema_dir = Path(settings.BASE_DIR).parent / "shared" / "schemas"
    if not schema_dir.is_dir():
        message = f"OAI-PMH schema tests need the schemas folder {schema_dir}, which is absent"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message}; CI must provide it.")
        pytest.skip(message)
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
      <xs:import namespace="{OAI_NS}" schemaLocation="{(schema_dir / "OAI-PMH.xsd").as_uri()}"/>
      <xs:import namespace="{OAI_DC_NS}" schemaLocation="{(schema_dir / "oai_dc.xsd").as_uri()}"/>
      <xs:import namespace="{MARC_NS}" schemaLocation="{(schema_dir / "MARC21slim.xsd").as_uri()}"/>
    </xs:schema>"""
    return etree.XMLSchema(etree.fromstring(wrapper, etree.XMLParser(no_network=True)))
