"""In Chromium: an edition PDF served under the sandbox policy still opens in the browser's PDF viewer, and an HTML
file left in storage by older code is a download whose script never runs.

The live test server answers /media/ itself (Django's LiveServerThread serves MEDIA_ROOT before any URLconf or
middleware), so the browser gets those responses from the site's own handler through the test client instead.
"""

import io

import pytest
from django.db import connection
from django.test import Client
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from catalogue.tests.factories import EditionFactory, PublicationFactory
from catalogue.tests.upload_files import pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def media_from_the_site(context, live_server) -> dict:
    """Answer the browser's /media/ requests with the site's response (view and middleware) to the same request;
    the headers sent, by path."""
    sent = {}

    def fulfill(route):
        path = route.request.url.removeprefix(live_server.url)
        try:
            response = Client().get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        finally:
            connection.close()  # Playwright runs this in a context of its own, whose connection nothing else closes
        sent[path] = dict(response.items())
        route.fulfill(status=response.status_code, headers=sent[path], body=body)

    context.route(f"{live_server.url}/media/**", fulfill)
    return sent


def shows_a_pdf_page(page) -> bool:
    """Whether the tab shows Chromium's PDF viewer with a page: white paper and the viewer's dark grey toolbar and
    background, each over 5 % of the tab (a page Chromium blocked is white with a little grey text)."""
    for _attempt in range(40):
        histogram = Image.open(io.BytesIO(page.screenshot())).convert("L").histogram()
        total = sum(histogram)
        if sum(histogram[:64]) > total / 20 and histogram[255] > total / 20:
            return True
        page.wait_for_timeout(250)
    return False


def test_sandboxed_pdf_opens_in_chromium_pdf_viewer(media_from_the_site, page, live_server, screenshot):
    edition = EditionFactory(publication=PublicationFactory(), file=upload("x.pdf", pdf_bytes(pages=2)))

    response = page.goto(f"{live_server.url}{edition.file.url}")
    shown = shows_a_pdf_page(page)
    screenshot(page, "media-pdf-viewer")

    assert media_from_the_site[edition.file.url]["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.status == 200
    # Chromium's viewer (its PDF extension) shows the document in a frame of its own.
    assert [frame.url for frame in page.frames if frame.url.startswith("chrome-extension://")] != []
    assert shown


def test_legacy_html_in_storage_downloads_without_running(media_from_the_site, page, live_server, media_root):
    (media_root / "editions").mkdir()
    (media_root / "editions" / "chain.html").write_bytes(
        b"<!doctype html><title>stored</title><script>document.title = 'ran'</script>"
    )
    page.goto(f"{live_server.url}/en/")

    with page.expect_download() as download:
        try:
            page.goto(f"{live_server.url}/media/editions/chain.html")
        except PlaywrightError as error:  # navigating to a download ends the navigation
            assert "Download is starting" in str(error)  # noqa: PT017

    assert download.value.suggested_filename == "chain.html"
    assert page.url == f"{live_server.url}/en/"
    assert page.title() != "ran"
