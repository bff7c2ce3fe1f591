"""The public pages in a real Chromium: search and facets, language switching, detail pages, fallbacks, axe."""

import re

import pytest

from catalogue.tests.factories import PublicationFactory, TocEntryFactory, TopicFactory, create_idm28

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDM28_FR = "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"
IDM28_EN = "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"


@pytest.fixture
def idm28():
    publication = create_idm28()
    PublicationFactory(number=25, title_en="Migrants and cities", title_fr="Les migrants et les villes", year=2015)
    return publication


def result_titles(page) -> list[str]:
    return page.locator(".results__list h3 a").all_inner_texts()


@pytest.mark.parametrize(
    ("language", "word", "title", "marked"),
    [
        ("fr", "partenariat", IDM28_FR, ["partenariats"]),
        ("en", "partnership", IDM28_EN, ["partnerships"]),
        ("es", "gobernanza", IDM28_EN, ["Gobernanza"]),  # found through its Spanish topic, which the result shows
    ],
)
def test_visitor_finds_idm28_from_the_home_page(
    page, idm28, screenshot, external_requests, language, word, title, marked
):
    page.goto(f"/{language}/")
    page.locator("#home-q").fill(word)
    page.locator("#home-q").press("Enter")

    page.wait_for_url(re.compile(rf"/{language}/publications/\?q="))
    assert result_titles(page) == [title]
    assert page.locator(".results__list .card__snippet mark").all_inner_texts() == marked  # not the workshops
    screenshot(page, f"search-{language}-{word}")
    assert external_requests == []


def test_facets_narrow_results_and_keep_the_query(page, idm28, screenshot):
    page.goto("/en/publications/")
    assert result_titles(page) == [IDM28_EN, "Migrants and cities"]

    page.get_by_label("French (1)").check()  # applies at once (static/catalogue/js/catalogue.js)

    page.wait_for_url(re.compile(r"language=fr"))
    page.wait_for_function("document.querySelectorAll('.results__list > li').length === 1")
    assert result_titles(page) == [IDM28_EN]
    assert page.get_by_label("French (1)").is_checked()
    screenshot(page, "catalogue-facet-french")

    page.get_by_role("link", name="Remove filter Available in: French").click()
    page.wait_for_url(re.compile(r"/en/publications/\?$|/en/publications/\?[^l]*$"))
    assert result_titles(page) == [IDM28_EN, "Migrants and cities"]


def test_language_switcher_keeps_the_page_and_the_query(page, idm28, screenshot):
    page.goto("/fr/publications/?q=partenariat&sort=title")

    page.locator(".language-switcher").get_by_role("link", name="Español").click()

    page.wait_for_url(re.compile(r"/es/publications/\?q=partenariat&sort=title$"))
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#catalogue-q").input_value() == "partenariat"
    screenshot(page, "language-switch-es")


def test_publication_page_in_french(page, idm28, screenshot, axe_violations, external_requests):
    page.goto("/fr/publications/idm-28/")

    assert page.locator("h1").inner_text() == IDM28_FR
    assert page.locator("dl.facts").get_by_text("Copie électronique uniquement").count() == 1
    assert page.locator("dl.facts").get_by_text("978-92-9068-780-1").count() == 1
    assert page.locator(".toc > ul > li").count() == 2
    screenshot(page, "publication-fr")
    assert axe_violations(page) == []
    assert external_requests == []


def test_fallback_note_on_a_page_without_its_translation(page, idm28, screenshot, axe_violations):
    page.goto("/es/publications/idm-28/")

    heading = page.locator("h1")
    assert heading.get_attribute("lang") == "en"
    assert heading.inner_text() == IDM28_EN
    assert page.locator(".publication__header .fallback-note").inner_text() == (
        "Aún no disponible en español: se muestra en inglés."
    )
    assert page.locator(".publication__header .fallback-note").is_visible()
    screenshot(page, "publication-es-fallback")
    assert axe_violations(page) == []


def test_workshop_page(page, idm28, screenshot, axe_violations):
    page.goto("/fr/workshops/idm-2018-geneva/")

    assert page.locator(".agenda-day h3").all_inner_texts() == ["Lundi 8 octobre 2018"]
    assert page.locator(".agenda-item h4").all_inner_texts() == ["Séance d’ouverture", "Mise en contexte"]
    screenshot(page, "workshop-fr")
    assert axe_violations(page) == []


def test_keyboard_reaches_the_content_through_the_skip_link(page, idm28):
    page.goto("/en/publications/idm-28/")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/fr/publications/",
        "/es/publications/?q=gobernanza&language=en",
        "/en/publications/idm-28/",
        "/en/series/idm/",
        "/es/topics/migration-governance/",
        "/es/workshops/idm-2018-new-york/",
        "/fr/nope/",
    ],
)
def test_every_page_type_passes_axe(page, idm28, screenshot, axe_violations, external_requests, url):
    page.goto(url)

    screenshot(page, "axe-" + url.strip("/"))
    assert axe_violations(page) == []
    assert external_requests == []


@pytest.mark.parametrize("width", [360, 1280])
def test_catalogue_has_no_horizontal_scroll(page, idm28, screenshot, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/en/publications/")

    screenshot(page, f"catalogue-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_publication_page_landmarks_have_unique_names(page, idm28, axe_violations):
    page.goto("/es/publications/idm-28/")

    assert [v["id"] for v in axe_violations(page, tags=["best-practice"]) if v["id"].startswith("landmark")] == []


def test_footer_reaches_the_bottom_of_a_short_page(page, idm28, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/fr/nope/")

    box = page.locator(".site-footer").bounding_box()
    screenshot(page, "404-footer")
    assert round(box["y"] + box["height"]) == 900


def test_no_page_load_asks_for_a_missing_file(page, idm28):
    missing = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)

    for url in ("/en/", "/fr/publications/", "/es/workshops/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")

    assert missing == []


@pytest.mark.parametrize("width", [390, 1280])
def test_topic_facet_shows_whole_labels_with_same_size_checkboxes(page, idm28, screenshot, width):

    long_topic = TopicFactory(
        slug="long", name_fr="Migration, environnement et changement climatique : données probantes"
    )
    idm28.topics.add(long_topic)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/fr/publications/")
    if width == 390:
        page.locator(".filters__toggle").click()  # on a phone the filters open from "Filter"

    facet = page.locator("fieldset.facet").filter(has=page.locator("legend", has_text="Thème"))
    label = facet.get_by_text("Migration, environnement et changement climatique : données probantes")
    assert label.is_visible()
    assert facet.evaluate("f => [...f.querySelectorAll('ul')].every(u => u.scrollHeight <= u.clientHeight)")
    sizes = facet.locator("input[type=checkbox]").evaluate_all(
        "boxes => boxes.map(b => [Math.round(b.getBoundingClientRect().width), Math.round(b.getBoundingClientRect().height)])"
    )
    assert len(set(map(tuple, sizes))) == 1
    screenshot(page, f"catalogue-facets-fr-{width}")


def test_admin_table_of_contents_inline_fits_the_window(page, idm28, django_user_model, screenshot):

    TocEntryFactory(publication=idm28, title_en="A very long heading " * 12)
    django_user_model.objects.create_superuser("editor", "editor@example.org", "a-long-test-password-1")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/admin/login/?next=/admin/catalogue/publication/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill("a-long-test-password-1")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/admin/catalogue/publication/$"))
    page.goto(f"/admin/catalogue/publication/{idm28.pk}/change/")

    table = page.locator("#toc_entries-group table").first
    table.wait_for()
    screenshot(page, "admin-publication-toc-1400")
    assert table.bounding_box()["width"] <= 1400
    select = page.locator("#toc_entries-group td.field-level select").first
    title = page.locator("#toc_entries-group input[name$='-title_en']").first
    assert select.bounding_box()["width"] < title.bounding_box()["width"]


@pytest.mark.parametrize("width", [390, 1280])
def test_breadcrumbs_line_up_with_the_content(page, idm28, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/es/workshops/idm-2018-new-york/")

    crumbs = page.locator(".breadcrumbs").bounding_box()
    main = page.locator("main").bounding_box()
    assert (crumbs["x"], crumbs["width"]) == (main["x"], main["width"])
