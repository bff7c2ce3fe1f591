"""Every public page type, in each language, is valid HTML for the W3C Nu validator (the vnu-jar package from npm,
run with Java), with no error: the pages as the demo data fills them, a search with results, one without, a facet
selected, the empty catalogue's pages and the 404 page."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from catalogue.models import Publication, Series, Topic, Workshop

from ..conftest import REPO_DIR, _missing_dependency

VNU_JAR = REPO_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ("en", "fr", "es")

pytestmark = pytest.mark.django_db


def nu_errors(pages: dict[str, bytes], folder: Path) -> list[str]:
    """The Nu validator's errors for each page, as 'url line:column message'."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        _missing_dependency(
            f"The Nu validator needs Java and {VNU_JAR.relative_to(REPO_DIR)}: apt-get install default-jre-headless, "
            "then `npm ci`."
        )
    files = {}
    for number, (url, body) in enumerate(pages.items()):
        path = folder / f"page-{number}.html"
        path.write_bytes(body)
        files[str(path.resolve())] = url
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only", *map(str, files)],
        capture_output=True,
        timeout=300,
        env={**os.environ, "JAVA_TOOL_OPTIONS": "-Djava.awt.headless=true"},
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr.decode()  # 1: some page has an error
    report = json.loads(result.stdout)
    return [
        f"{files.get(message.get('url', '').removeprefix('file:'), message.get('url'))} "
        f"{message.get('lastLine')}:{message.get('firstColumn')} "
        f"{message['message']}"
        for message in report["messages"]
        if message["type"] == "error"
    ]


def page_urls() -> list[str]:
    publication = Publication.objects.published().order_by("pk").first()
    workshop = Workshop.objects.published().order_by("pk").first()
    series = Series.objects.order_by("pk").first()
    topic = Topic.objects.order_by("pk").first()
    assert None not in (publication, workshop, series, topic), "the demo data fills every page type"
    paths = [
        "",
        "publications/",
        "publications/?q=migration",
        "publications/?q=xylophonequartz",
        f"publications/?topic={topic.slug}",
        f"publications/{publication.slug}/",
        "series/",
        f"series/{series.slug}/",
        "topics/",
        f"topics/{topic.slug}/",
        "workshops/",
        f"workshops/{workshop.slug}/",
        "no-such-page/",
    ]
    return [f"/{language}/{path}" for language in LANGUAGES for path in paths]


def test_every_public_page_type_is_valid_html_in_each_language(client, tmp_path):
    call_command("load_demo", verbosity=0)
    pages = {}
    for url in page_urls():
        response = client.get(url)
        assert response.status_code == (404 if "no-such-page" in url else 200), url
        assert response["Content-Type"].startswith("text/html"), url
        pages[url] = response.content

    assert nu_errors(pages, tmp_path) == []


def test_the_validator_reports_an_invalid_page(tmp_path):
    # The check can fail: a page the validator must refuse gives its error, named by URL.
    valid = b"<!DOCTYPE html><html lang='en'><head><title>x</title></head><body><p>a</p></body></html>"
    invalid = valid.replace(b"<p>a</p>", b"<p><div></p>")

    errors = nu_errors({"/en/valid/": valid, "/en/broken/": invalid}, tmp_path)

    assert sorted(errors) == [
        "/en/broken/ 1:70 Unclosed element \u201cdiv\u201d.",
        "/en/broken/ 1:75 No \u201cp\u201d element in scope but a \u201cp\u201d end tag seen.",
        "/en/broken/ 1:79 End tag for  \u201cbody\u201d seen, but there were unclosed elements.",
    ]
