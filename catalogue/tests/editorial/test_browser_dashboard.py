"""The translation dashboard in Chromium: a staff member working in French finds a missing French heading and
lands on the publication's admin page with that heading's input open, visible and focused."""

import re

import pytest
from playwright.sync_api import expect

from catalogue.editorial.roles import EDITOR, TRANSLATOR
from catalogue.tests.factories import (
    AgendaItemFactory,
    PublicationFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
    create_staff,
)

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_french_translator_reaches_a_missing_heading_from_the_dashboard(
    page, live_server, log_in, axe_violations, screenshot, external_requests
):
    publication = PublicationFactory(
        title_en="Migration and health", title_fr="Migration et santé", title_es="Migración y salud"
    )
    for position in range(1, 13):  # a long table of contents: the missing heading is below the fold
        TocEntryFactory(
            publication=publication,
            position=position,
            title_en=f"Chapter {position}",
            title_fr="" if position == 10 else f"Chapitre {position}",
            title_es=f"Capítulo {position}",
        )
    TopicFactory(name_en="Health", name_fr="Santé", name_es="")
    # A translator working in French: the dashboard is where their day starts.
    log_in(create_staff("francoise", TRANSLATOR, languages=["fr"]))

    page.goto("/admin/")
    screenshot(page, "translation-dashboard-admin-index")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Translation dashboard").click()

    expect(page.locator("h1")).to_have_text("Translation dashboard")
    assert page.locator("#translation-table thead th a").all_text_contents() == [
        "Record",
        "French",
        "English",
        "Spanish",
    ]
    french = page.locator("#translation-table tbody tr", has_text="Migration and health").locator(
        "td[data-language='fr']"
    )
    expect(french.locator(".percent")).to_have_text("92%")  # 12 of 13 fields
    screenshot(page, "translation-dashboard")
    assert axe_violations(page) == []

    french.get_by_role("link", name="Table of contents entry 10: title").click()

    page.wait_for_url(re.compile(rf"/admin/catalogue/publication/{publication.pk}/change/#id_toc_entries-9-title_fr$"))
    field = page.locator("#id_toc_entries-9-title_fr")
    expect(field).to_be_focused()
    expect(field).to_be_visible()
    expect(field).to_be_in_viewport()
    expect(page.locator("#id_toc_entries-9-title_en")).to_be_hidden()  # the French tab is the one open
    field.fill("Chapitre 10")
    screenshot(page, "translation-dashboard-target")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    assert publication.toc_entries.get(position=10).title_fr == "Chapitre 10"
    assert external_requests == []


@pytest.mark.django_db(transaction=True)
def test_missing_agenda_description_opens_in_its_language_tab(page, live_server, log_in, external_requests):
    workshop = WorkshopFactory(
        title_en="Health workshop",
        title_fr="Atelier santé",
        title_es="Taller de salud",
        city_en="Geneva",
        city_fr="Genève",
        city_es="Ginebra",
        publication=None,
    )
    AgendaItemFactory(workshop=workshop, position=1, title_en="Opening", title_fr="Ouverture", title_es="Apertura")
    AgendaItemFactory(
        workshop=workshop,
        position=2,
        title_en="Panel",
        title_fr="Table ronde",
        title_es="Mesa redonda",
        description_en="Three speakers.",
        description_es="Tres ponentes.",
    )
    log_in(create_staff("francoise", EDITOR, languages=["fr"]))

    page.goto("/admin/translations/?kind=workshop")
    page.locator("td[data-language='fr']").get_by_role("link", name="Agenda item 2: description").click()

    field = page.locator("#id_agenda_items-1-description_fr")
    expect(field).to_be_focused()
    expect(field).to_be_in_viewport()
    expect(page.locator("#id_agenda_items-1-description_es")).to_be_hidden()
    assert external_requests == []
