"""In Chromium: people assigned per role to a new agenda item from the workshop page, in one save, reach the
public workshop page; the admin asks for nothing that fails (no favicon 404)."""

import pytest

from catalogue.tests.factories import AgendaItemFactory, SpeakerFactory, WorkshopFactory, create_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def failed_responses(page) -> list[tuple[int, str]]:
    """(status, URL) of every response the page received with a 4xx or 5xx status."""
    failed = []
    page.on(
        "response", lambda response: failed.append((response.status, response.url)) if response.status >= 400 else None
    )
    return failed


def choose_person(page, field_id: str, name: str) -> None:
    """Pick `name` in the admin's autocomplete of the select `field_id`, typing part of the name."""
    page.locator(f"#{field_id} + .select2-container").click()
    page.locator(".select2-container--open .select2-search__field").fill(name.split()[-1][:4])
    page.locator(".select2-results__option", has_text=name).click()


def test_staff_assign_two_people_with_roles_to_a_new_agenda_item_in_one_save(
    page, log_in, failed_responses, external_requests, screenshot
):
    workshop = WorkshopFactory(title_en="Migration and health", slug="migration-and-health")
    SpeakerFactory(name="Louise Arbour", slug="louise-arbour")
    SpeakerFactory(name="António Vitorino", slug="antonio-vitorino")
    SpeakerFactory(name="William Lacy Swing", slug="william-lacy-swing")
    log_in(create_staff("boss", superuser=True))

    page.goto(f"/admin/catalogue/workshop/{workshop.pk}/change/")
    page.locator("#agenda_items-group .add-row a").click()
    # No position to type: the row is placed where it is shown, as the only one here.
    page.locator("#id_agenda_items-0-date").fill("2018-10-08")
    page.locator("#id_agenda_items-0-start_time").fill("10:00")
    page.locator("#id_agenda_items-0-title_en").fill("Opening session")
    choose_person(page, "id_agenda_items-0-people_chair", "António Vitorino")
    choose_person(page, "id_agenda_items-0-people_speaker", "Louise Arbour")
    screenshot(page, "admin-workshop-agenda-people")
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()

    assert page.locator(".errorlist").all_inner_texts() == []
    assert page.locator(".messagelist .success").count() == 1
    assert list(workshop.agenda_items.values_list("position", "title_en")) == [(1, "Opening session")]
    chosen = page.locator("#agenda_items-group .select2-selection__choice").all_inner_texts()
    assert [text.lstrip("×\n ") for text in chosen] == ["António Vitorino", "Louise Arbour"]
    page.goto("/en/workshops/migration-and-health/")
    people = page.locator(".agenda dl.people").first
    assert people.locator("dt").all_inner_texts() == ["Chair", "Speaker"]
    assert people.locator("dd .person").all_inner_texts() == ["António Vitorino", "Louise Arbour"]
    assert failed_responses == []
    assert external_requests == []


def favicon_url(page) -> str:
    """The icon a browser fetches for the page: its <link rel="icon">, else /favicon.ico."""
    return page.evaluate(
        "() => (document.querySelector('link[rel~=icon]') || {}).href || new URL('/favicon.ico', location.href).href"
    )


def test_admin_pages_make_no_request_that_fails(page, log_in, failed_responses, external_requests):
    item = AgendaItemFactory()
    log_in(create_staff("boss", superuser=True))

    icons = []
    for path in (
        "/admin/",
        "/admin/catalogue/workshop/",
        f"/admin/catalogue/workshop/{item.workshop.pk}/change/",
        f"/admin/catalogue/agendaitem/{item.pk}/change/",
    ):
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200
        icons.append(favicon_url(page))

    assert failed_responses == []
    assert external_requests == []
    # Headless Chromium fetches no favicon by itself: fetch the one a desktop browser would ask for.
    icon = page.request.get(icons[0])
    assert (icon.status, icon.headers["content-type"]) == (200, "image/svg+xml")
    assert set(icons) == {icons[0]}
    assert icons[0].endswith("/static/catalogue/favicon.svg")
