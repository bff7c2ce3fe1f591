"""Staff journeys in Chromium: a translator translates into French and touches nothing else; an editor cannot
publish; a publisher publishes."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from catalogue.editorial import roles
from catalogue.models import Publication
from catalogue.tests.factories import EditionFactory, PublicationFactory, TocEntryFactory, create_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ISBN = "9789290687801"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def publication():
    publication = PublicationFactory(
        number=28, title_en="Migration and health", title_fr="", status=Publication.Status.REVIEW, publish_date=None
    )
    EditionFactory(publication=publication, language="fr", isbn=ISBN)
    part = TocEntryFactory(publication=publication, position=1, title_en="Part one")
    TocEntryFactory(publication=publication, position=2, parent=part, title_en="Chapter one")
    return publication


def change_url(publication) -> str:
    return reverse("admin:catalogue_publication_change", args=[publication.pk])


def finish(page) -> None:
    # Leave no request in flight: a live-server thread still holding a connection blocks PostgreSQL's teardown.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")


def test_translator_types_the_french_title_and_sees_the_rest_read_only(
    page, log_in, publication, screenshot, external_requests
):
    log_in(create_staff("traductrice", roles.TRANSLATOR, languages=["fr"]))

    page.goto(change_url(publication))
    form = page.locator("#publication_form")
    title_fr = form.locator("#id_title_fr")
    if not title_fr.is_visible():
        form.locator(".ui-tabs-nav").first.get_by_text("FR").click()
    title_fr.fill("Migration et santé")
    screenshot(page, "roles-translator-publication")

    # English title, status, ISBN and the structure of the contents are shown but cannot be changed.
    assert form.locator("#id_title_en, #id_status, #id_slug, [name='editions-0-isbn']").count() == 0
    assert form.locator(".field-title_en .readonly").first.inner_text() == "Migration and health"
    assert form.locator(".fieldBox.field-status .readonly").inner_text() == "In review"
    assert form.locator(".fieldBox.field-isbn .readonly").inner_text() == ISBN
    contents = form.locator("#toc_entries-group")
    assert contents.locator("input[name$='-position'], select[name$='-parent'], input[name$='-DELETE']").count() == 0
    # Nor can the rows be moved: no ordering fields, so no move buttons or drag handles; the positions are shown.
    assert contents.locator("[name$='-order'], [name$='-level'], .ordering-controls").count() == 0
    assert contents.locator("td.field-position").all_inner_texts() == ["1", "2"]
    # The inline script adds an "Add another" link and hides it when no row may be added.
    expect(contents.locator("a.addlink")).to_be_hidden()
    assert contents.locator("input[name$='-title_fr']").count() == 2

    form.locator("[name='_save']").click()

    expect(page.locator(".messagelist .success")).to_have_count(1)
    publication.refresh_from_db()
    assert (publication.title_fr, publication.title_en, publication.status) == (
        "Migration et santé",
        "Migration and health",
        "review",
    )
    assert external_requests == []
    finish(page)


def test_editor_cannot_choose_published_nor_bulk_publish(page, log_in, publication, screenshot):
    log_in(create_staff("editor", roles.EDITOR))

    page.goto(change_url(publication))
    options = page.locator("#id_status option").all_inner_texts()
    page.goto(reverse("admin:catalogue_publication_changelist"))
    actions = page.locator("select[name='action'] option").all_inner_texts()
    screenshot(page, "roles-editor-changelist")

    assert options == ["Draft", "In review"]
    assert actions == [
        "---------",
        "Submit for review",
        "Return to draft",
        "Export the selected publications as CSV",
        "Export the selected publications as XLSX",
    ]
    assert page.locator("#result_list .state-badge").inner_text() == "In review"
    finish(page)


def test_publisher_publishes(page, log_in, publication):
    log_in(create_staff("publisher", roles.PUBLISHER))

    page.goto(change_url(publication))
    page.locator("#id_status").select_option("published")
    page.locator("#publication_form [name='_save']").click()

    expect(page.locator(".messagelist .success")).to_have_count(1)
    assert page.locator("#result_list .state-badge").inner_text() == "Published"
    publication.refresh_from_db()
    assert publication.is_public
    finish(page)
