"""In Chromium: a publication page leads with its cover and one Download / Read action per edition, all within the
first screen on a desktop (1280 px) and a phone (390 px); the browser picks the cover's rendition for the width."""

import pytest

from catalogue.tests.factories import EditionFactory, PublicationFactory, SeriesFactory
from catalogue.tests.upload_files import image_bytes, text_pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {1280: 800, 390: 844}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def publication():
    publication = PublicationFactory(
        series=SeriesFactory(),
        slug="idm-28",
        title_en="Migration and health: current issues, governance and knowledge gaps for the future",
        cover_alt_en="Cover: people around a table",
    )
    publication.cover_image = upload("c.png", image_bytes("PNG", size=(600, 848)))
    publication.save()
    EditionFactory(publication=publication, language="en", file=upload("x.pdf", text_pdf_bytes(["Health"])))
    EditionFactory(publication=publication, language="fr", file=upload("y.pdf", text_pdf_bytes(["Santé"])))
    EditionFactory(publication=publication, language="es", format="html", url="https://example.org/idm28")
    EditionFactory(publication=publication, language="ar", format="print")
    return publication


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
def test_cover_and_edition_actions_are_in_the_first_screen(
    publication, page, live_server, width, axe_violations, screenshot, external_requests
):
    page.set_viewport_size({"width": width, "height": VIEWPORTS[width]})
    page.goto(f"{live_server.url}/en/publications/idm-28/")
    page.wait_for_function("document.querySelector('.publication__cover').complete")
    screenshot(page, f"publication-documents-{width}")

    actions = page.locator(".edition-actions > li")
    bottoms = [box["y"] + box["height"] for box in (actions.nth(i).bounding_box() for i in range(actions.count()))]
    cover = page.locator(".publication__cover")
    shown = cover.evaluate("img => [img.naturalWidth > 0, img.currentSrc.split('-').pop()]")

    assert actions.count() == 4
    assert [text.split("\n")[0] for text in actions.all_inner_texts()] == [
        "Download",
        "Download",
        "Read online",
        "Arabic, Print: no file or link to read online",
    ]
    assert max(bottoms) <= VIEWPORTS[width]
    assert cover.bounding_box()["y"] + cover.bounding_box()["height"] <= VIEWPORTS[width]
    # The rendition for the shown width (12.5rem or 6rem) at the screen's density (1).
    assert shown == [True, "200w.webp" if width == 1280 else "100w.webp"]
    assert axe_violations(page) == []
    assert external_requests == []
