"""The visitor's catalogue in Chromium at a desktop (1280 px) and a phone (390 px) width: facets that apply as they
are ticked, results before the filters on a phone, every page type accessible and under the strict policy, with
screenshots of each into test-artifacts/screenshots/."""

import datetime
import re

import pytest
from django.utils import timezone

from catalogue.tests.factories import IDM28_TITLE_FR, PublicationFactory, WorkshopFactory, create_idm28

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDM28_EN = "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture
def catalogue():
    publication = create_idm28()
    PublicationFactory(number=25, title_en="Migrants and cities", title_fr="Les migrants et les villes", year=2015)
    return publication


@pytest.fixture
def csp_violations(page) -> list[str]:
    """Console reports of anything the Content-Security-Policy refused on the page."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def result_titles(page) -> list[str]:
    return page.locator(".results__list h3 a").all_inner_texts()


@pytest.mark.parametrize("width", WIDTHS)
def test_ticking_a_facet_updates_the_results_without_pressing_a_button(
    page, catalogue, width, screenshot, axe_violations, csp_violations, external_requests
):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto("/en/publications/")
    assert result_titles(page) == [IDM28_EN, "Migrants and cities"]
    assert page.get_by_role("button", name="Apply filters").is_hidden()
    if width == "phone":
        assert page.get_by_label("French (1)").is_hidden()  # the filters open from "Filter"
        page.locator(".filters__toggle").click()

    page.get_by_label("French (1)").check()

    page.wait_for_url(re.compile(r"/en/publications/\?language=fr$"))
    page.wait_for_function("document.querySelectorAll('.results__list > li').length === 1")
    assert result_titles(page) == [IDM28_EN]
    assert page.get_by_label("French (1)").is_checked()
    assert page.evaluate("document.activeElement.id") == "facet-language-fr"
    assert page.locator(".filters__toggle").inner_text().strip() == "Filter (1)"
    assert page.locator("#catalogue-status").inner_text() == "1 publication found"
    chip = page.locator(".active-filters .chips").get_by_role("link", name="Remove filter Available in: French")
    assert chip.is_visible()
    screenshot(page, f"visitor-catalogue-facet-{width}")
    assert csp_violations == []
    assert axe_violations(page) == []  # (axe's own script, refused by the policy, is injected another way)

    chip.click()
    page.wait_for_url(re.compile(r"/en/publications/\?$"))
    assert result_titles(page) == [IDM28_EN, "Migrants and cities"]
    assert external_requests == []


def test_choosing_a_workshop_year_updates_the_list_without_pressing_a_button(
    page, csp_violations, axe_violations, external_requests
):
    WorkshopFactory(slug="geneva-2018", title_en="Geneva 2018", city_en="Geneva", city_fr="Genève", publication=None)
    WorkshopFactory(
        slug="new-york-2016",
        title_en="New York 2016",
        city_en="New York",
        start_date=datetime.date(2016, 3, 26),
        end_date=datetime.date(2016, 3, 27),
        publication=None,
    )
    page.goto("/fr/workshops/")
    assert page.locator("#workshop-list-heading + ol h3 a").all_inner_texts() == ["Geneva 2018", "New York 2016"]
    assert page.get_by_role("button", name="Afficher").is_hidden()

    year = page.get_by_label("Année")
    year.focus()  # as a click or Tab leaves it
    year.select_option("2016")

    page.wait_for_url(re.compile(r"/fr/workshops/\?year=2016$"))
    page.wait_for_function("document.querySelectorAll('#workshop-list-heading + ol h3 a').length === 1")
    assert page.locator("#workshop-list-heading + ol h3 a").all_inner_texts() == ["New York 2016"]
    assert page.locator("#workshop-status").inner_text() == "1 atelier passé"
    assert page.evaluate("document.activeElement.id") == "workshop-year"
    # The city's counts follow the chosen year.
    assert page.locator("#workshop-city option").all_inner_texts() == ["Toutes les villes", "New York (1)"]
    assert csp_violations == []
    assert axe_violations(page) == []
    assert external_requests == []


@pytest.mark.parametrize("path", ["/en/publications/", "/fr/publications/?q=migration"])
def test_on_a_phone_the_first_result_is_on_the_first_screen(page, path):
    for number in range(1, 30):
        PublicationFactory(number=number, title_en=f"Migration report {number}", title_fr=f"Rapport migration {number}")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(path)

    first = page.locator(".results__list > li").first.bounding_box()
    assert first["y"] + 80 < 844  # the card's title and first line show without scrolling
    assert page.locator(".filters__toggle").is_visible()
    assert page.locator(".facets").is_hidden()


def test_a_result_found_through_a_speaker_shows_why_with_the_words_marked(page, catalogue, screenshot, axe_violations):
    page.goto("/es/publications/?q=vitorino")

    passage = page.locator(".results__list .card__snippet")
    assert passage.locator(".card__snippet-field").inner_text() == "Orador u oradora:"
    assert passage.locator("mark").all_inner_texts() == ["Vitorino"]
    assert passage.locator("mark").evaluate("mark => getComputedStyle(mark).backgroundColor") != "rgba(0, 0, 0, 0)"
    screenshot(page, "visitor-search-why-matched")
    assert axe_violations(page) == []


def test_without_javascript_the_form_applies_with_its_button(browser, live_server, catalogue):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/en/publications/")

    page.get_by_label("French (1)").check()
    page.get_by_role("button", name="Apply filters").click()

    page.wait_for_url(re.compile(r"language=fr"))
    assert result_titles(page) == [IDM28_EN]
    context.close()


def test_an_empty_search_offers_a_way_on_and_nothing_empty(page, catalogue, screenshot, axe_violations):
    page.goto("/en/publications/?q=zzzzqqq")

    assert page.locator("#results-heading").inner_text() == "0 publications found"
    assert page.locator(".facet").count() == 0
    assert page.locator("#sort").count() == 0
    assert page.locator(".no-results p").first.inner_text() == "No publications match your search. Try other words."
    assert page.locator(".no-results").get_by_role("link", name="Browse all publications").count() == 1
    assert page.locator(".topic-links a").all_inner_texts() == ["Migration governance"]
    screenshot(page, "visitor-empty-search")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_a_misspelt_search_offers_the_right_correction_and_clicking_it_shows_results(
    page, catalogue, width, screenshot, axe_violations, csp_violations
):
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    page.goto("/fr/publications/")
    page.get_by_label("Rechercher dans les publications").fill("partenarait migartion")
    page.get_by_label("Rechercher dans les publications").press("Enter")

    page.wait_for_url(re.compile(r"\?q=partenarait\+migartion&"))
    assert page.locator("#results-heading").inner_text() == "0 publication trouvée"
    suggestion = page.locator(".suggestion")
    assert " ".join(suggestion.inner_text().split()) == "Vouliez-vous dire : partenariats migration ?"
    assert suggestion.is_visible()
    assert suggestion.bounding_box()["y"] < WIDTHS[width][1]  # on the first screen, above the (empty) results
    screenshot(page, f"visitor-did-you-mean-{width}")
    assert csp_violations == []
    assert axe_violations(page) == []
    refused_before = len(csp_violations)  # axe's own script, injected past the policy, is reported

    suggestion.get_by_role("link", name="partenariats migration").click()

    # The form's other fields are kept (the sort order it had), its empty ones dropped.
    page.wait_for_url(re.compile(r"/fr/publications/\?q=partenariats\+migration&sort=newest$"))
    assert result_titles(page) == [IDM28_TITLE_FR]
    assert page.locator(".suggestion").count() == 0
    assert page.get_by_label("Rechercher dans les publications").input_value() == "partenariats migration"
    assert csp_violations[refused_before:] == []


def page_types(publication) -> dict[str, str]:
    workshop = publication.workshops.order_by("start_date").first()
    return {
        "home": "/en/",
        "catalogue": "/en/publications/",
        "search": "/fr/publications/?q=partenariat",
        "empty-search": "/es/publications/?q=zzzzqqq",
        "publication": "/fr/publications/idm-28/",
        "series-index": "/fr/series/",
        "series": f"/es/series/{publication.series.slug}/",
        "topic-index": "/es/topics/",
        "topic": "/en/topics/migration-governance/",
        "workshop-list": "/fr/workshops/",
        "workshop": f"/fr/workshops/{workshop.slug}/",
        "not-found": "/en/no-such-page/",
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_is_accessible_under_the_policy(
    page, catalogue, width, screenshot, axe_violations, csp_violations, external_requests
):
    soon = timezone.localdate() + datetime.timedelta(30)
    WorkshopFactory(slug="next", title_en="Next workshop", start_date=soon, end_date=soon)
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[width], strict=True)))
    violations, refused = {}, {}
    for name, path in page_types(catalogue).items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        if csp_violations:
            refused[name] = list(csp_violations)
        screenshot(page, f"visitor-{name}-{width}")
        found = axe_violations(page)
        if found:
            violations[name] = found
        csp_violations.clear()  # axe's own script, refused by the policy, is injected another way
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert (name, overflow) == (name, 0)  # nothing wider than the screen
    assert violations == {}
    assert refused == {}
    assert external_requests == []
