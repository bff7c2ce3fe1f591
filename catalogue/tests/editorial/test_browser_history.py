"""Staff journey: edit a publication, read its history and diff, revert, and find the old title again."""

import re

import pytest

from catalogue.editorial.roles import EDITOR
from catalogue.tests.factories import IDM28_TITLE_FR, create_staff

NEW_TITLE_FR = "Partenariats pour la gouvernance des migrations"


def toc_title_inputs(page):
    return page.locator("#toc_entries-group input[name$='-title_en']")


@pytest.mark.django_db(transaction=True)
def test_revert_brings_back_a_deleted_row_and_the_old_title(
    page, idm28, log_in, screenshot, axe_violations, external_requests
):
    log_in(create_staff("edith", EDITOR))
    page.goto(f"/admin/catalogue/publication/{idm28.pk}/change/")
    page.get_by_role("tab", name=re.compile("fr", re.IGNORECASE)).first.click()
    page.locator("#id_title_fr").fill(NEW_TITLE_FR)
    row = page.locator("#toc_entries-group tr.form-row", has=page.locator("input[value='Introduction']"))
    row.locator("input[name$='-DELETE']").check()
    page.locator("input[name='_continue']").click()
    page.wait_for_selector(".messagelist .success")
    assert "Introduction" not in toc_title_inputs(page).evaluate_all("inputs => inputs.map(i => i.value)")

    page.get_by_role("link", name="History").click()
    page.wait_for_url(re.compile(r"/history/$"))
    assert axe_violations(page) == []
    page.get_by_role("link", name="Show changes").first.click()
    page.wait_for_url(re.compile(r"/history/\d+/$"))
    fields = page.locator("table.history-diff").first
    assert fields.locator("tr", has_text="Title [French]").locator("td").all_inner_texts() == [
        IDM28_TITLE_FR,
        NEW_TITLE_FR,
    ]
    assert page.locator("tbody.history-row-removed th[scope=rowgroup]").inner_text() == (
        "Table of contents entry 3 (removed)"
    )
    screenshot(page, "admin-history-diff")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Back to the history").click()
    page.wait_for_url(re.compile(r"/history/$"))
    page.get_by_role("link", name="Revert to this version").last.click()
    page.wait_for_url(re.compile(r"/revert/$"))
    screenshot(page, "admin-history-revert")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Revert to this version").click()
    page.wait_for_selector(".messagelist .success")
    assert "Introduction" in toc_title_inputs(page).evaluate_all("inputs => inputs.map(i => i.value)")
    assert page.locator("#id_title_fr").input_value() == IDM28_TITLE_FR

    page.goto("/en/publications/?q=novateurs")
    assert page.locator("main a[href='/en/publications/idm-28/']").count() >= 1
    assert external_requests == []
