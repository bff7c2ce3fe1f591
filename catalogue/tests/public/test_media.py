"""Uploaded files are served in production (DEBUG off) by catalogue/public/media.py: the verified type, a readable
name, sandboxed and unsniffable, a download for anything that is not a PDF or an image we stored; or by another
origin named in DJANGO_MEDIA_URL."""

import json

import lxml.html
import pytest
from django.utils.http import http_date

from catalogue.models import Publication
from catalogue.tests.factories import EditionFactory, PublicationFactory, SeriesFactory
from catalogue.tests.test_settings import run_with_env
from catalogue.tests.upload_files import CHAIN_HTML, add_publication, image_bytes, pdf_bytes, upload

SANDBOX = "default-src 'none'; sandbox"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False
    return tmp_path


def served(response) -> dict:
    """The headers that make a served file safe, and its body."""
    headers = ["Content-Type", "Content-Disposition", "Content-Security-Policy", "X-Content-Type-Options"]
    return {
        "status": response.status_code,
        **{name: response.get(name) for name in [*headers, "Cache-Control", "Content-Encoding"]},
        "body": b"".join(response.streaming_content) if response.streaming else response.content,
    }


def test_pdf_and_cover_uploaded_in_the_admin_download_with_debug_off(client, admin_client):
    pdf, png = pdf_bytes(pages=4), image_bytes("PNG")
    add_publication(
        admin_client, cover=upload("scan.png", png, "image/png"), edition_file=upload("x.pdf", pdf, "application/pdf")
    )
    publication = Publication.objects.get(slug="idm-28")
    edition = publication.editions.get()
    with publication.cover_image.open("rb") as cover:
        stored_cover = cover.read()

    tree = lxml.html.fromstring(client.get("/en/publications/idm-28/").content)

    assert tree.xpath("//img[@class='publication__cover']/@src") == [f"/media/{publication.cover_image.name}"]
    assert tree.xpath("//a[@class='download']/@href") == [f"/media/{edition.file.name}"]
    assert edition.pages == 4
    assert served(client.get(f"/media/{edition.file.name}")) == {
        "status": 200,
        "Content-Type": "application/pdf",
        "Content-Disposition": 'inline; filename="IDM-28-fr.pdf"',
        "Content-Security-Policy": SANDBOX,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "public, max-age=86400",
        "Content-Encoding": None,
        "body": pdf,
    }
    assert served(client.get(f"/media/{publication.cover_image.name}")) == {
        "status": 200,
        "Content-Type": "image/png",
        "Content-Disposition": 'inline; filename="IDM-28-cover.png"',
        "Content-Security-Policy": SANDBOX,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "public, max-age=86400",
        "Content-Encoding": None,
        "body": stored_cover,
    }


def test_legacy_html_in_storage_is_a_sandboxed_download(client, media_root):
    """Defect 1 of issue 10: chain.html, stored before uploads were checked, ran in a superuser's session when
    opened from the site's origin; it is now a download of unknown type, which could not run if opened."""
    (media_root / "editions").mkdir()
    (media_root / "editions" / "chain.html").write_bytes(CHAIN_HTML)
    EditionFactory(publication=PublicationFactory(), file="editions/chain.html")

    assert served(client.get("/media/editions/chain.html")) == {
        "status": 200,
        "Content-Type": "application/octet-stream",
        "Content-Disposition": 'attachment; filename="chain.html"',
        "Content-Security-Policy": SANDBOX,
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "public, max-age=86400",
        "Content-Encoding": None,
        "body": CHAIN_HTML,
    }


@pytest.mark.parametrize(
    ("name", "content", "disposition"),
    [
        ("editions/report.pdf", CHAIN_HTML, 'attachment; filename="report.pdf"'),  # a PDF's name, not its bytes
        ("covers/cover.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", 'attachment; filename="cover.svg"'),
        ("covers/page.html.gz", b"\x1f\x8b\x08\x00", 'attachment; filename="page.html.gz"'),
        ("covers/run.py", b"print(1)", 'attachment; filename="run.py"'),
    ],
)
def test_stored_file_that_is_not_what_its_name_says_is_a_download(client, media_root, name, content, disposition):
    path = media_root / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)

    response = served(client.get(f"/media/{name}"))

    assert (response["Content-Type"], response["Content-Disposition"], response["Content-Encoding"]) == (
        "application/octet-stream",
        disposition,
        None,  # static.serve would send .gz as Content-Encoding: gzip, which browsers undo and render
    )
    assert response["Content-Security-Policy"] == SANDBOX


def test_pdf_of_another_format_is_named_after_it(client, media_root):
    edition = EditionFactory(
        publication=PublicationFactory(series=SeriesFactory(), number=31, slug="idm-31"),
        language="es",
        format="print",
        file=upload("x.pdf", pdf_bytes(pages=1)),
    )

    response = client.get(f"/media/{edition.file.name}")
    response.close()

    assert response["Content-Disposition"] == 'inline; filename="IDM-31-es-print.pdf"'


def test_unchanged_file_answers_not_modified_with_the_same_policy(client, media_root):
    (media_root / "covers").mkdir()
    (media_root / "covers" / "a.png").write_bytes(image_bytes("PNG"))
    first = client.get("/media/covers/a.png")
    first.close()

    again = client.get("/media/covers/a.png", headers={"If-Modified-Since": first["Last-Modified"]})

    assert first["Last-Modified"] == http_date((media_root / "covers" / "a.png").stat().st_mtime)
    assert (again.status_code, again["Content-Security-Policy"], again["Cache-Control"]) == (
        304,
        SANDBOX,
        "public, max-age=86400",
    )


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/media/covers/missing.png", 404),
        ("/media/covers/", 404),
        ("/media/covers/" + "x" * 5000, 404),  # longer than any file name
        ("/media/covers/a%00.png", 404),
        ("/media/../idm/settings.py", 400),  # SuspiciousFileOperation
        ("/media/%2e%2e/idm/settings.py", 400),
        ("/media/..%2fidm%2fsettings.py", 400),
    ],
)
def test_nothing_outside_media_root_is_served(client, media_root, path, status):
    (media_root / "covers").mkdir()

    response = client.get(path)

    assert response.status_code == status
    assert b"SECRET_KEY" not in response.content


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_media_answers_only_get_and_head(client, media_root, method):
    (media_root / "a.pdf").write_bytes(pdf_bytes(pages=1))

    head = client.head("/media/a.pdf")
    head.close()  # the test client drops a HEAD response's body without closing the file; a WSGI server closes it

    assert getattr(client, method)("/media/a.pdf").status_code == 405
    assert (head.status_code, head["Content-Type"]) == (200, "application/pdf")


PRINT_MEDIA_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from catalogue.models import Edition
try:
    route = reverse("media", kwargs={"path": "covers/a.png"})
except NoReverseMatch:
    route = None
print(json.dumps({
    "MEDIA_URL": settings.MEDIA_URL,
    "img-src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
    "route": route,
    "file_url": Edition(file="editions/a.pdf").file.url,
}))
"""


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {},
            {
                "MEDIA_URL": "/media/",
                "img-src": ["'self'", "data:"],
                "route": "/media/covers/a.png",
                "file_url": "/media/editions/a.pdf",
            },
        ),
        (
            {"DJANGO_MEDIA_URL": "https://media.example.org/idm/"},
            {
                "MEDIA_URL": "https://media.example.org/idm/",
                "img-src": ["'self'", "data:", "https://media.example.org"],
                "route": None,
                "file_url": "https://media.example.org/idm/editions/a.pdf",
            },
        ),
    ],
    ids=["served-by-django", "another-origin"],
)
def test_media_url_on_another_origin_switches_django_route_off_and_allows_its_images(env, expected):
    result = run_with_env(PRINT_MEDIA_SETTINGS, DJANGO_SECRET_KEY="test-key", **env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected
