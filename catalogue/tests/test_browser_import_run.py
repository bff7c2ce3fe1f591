"""A publisher imports a file too large to import within the request, in Chromium: the preview's page shows it once
the rows are checked, then the import run's page follows the import by itself (what it is doing, records done out of the total), then shows the result, under the admin's
Content-Security-Policy and without accessibility violations; the list of import runs leads back to it."""

import pytest

from catalogue.editorial.roles import PUBLISHER
from catalogue.models import ImportRun, Publication
from catalogue.tests.factories import SeriesFactory, create_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 4000  # enough batches for the page to ask more than once while the import runs


@pytest.fixture
def csp_violations(page) -> list[str]:
    """Console reports of anything the Content-Security-Policy refused on the page."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def check_page(page, axe_violations, csp_violations) -> None:
    """Nothing refused by the Content-Security-Policy so far, and no accessibility violation on the page."""
    assert csp_violations == []
    assert axe_violations(page) == []
    csp_violations.clear()  # axe's own script, injected past the policy, is reported: not the page's


def large_file() -> bytes:
    lines = [f"idm,{number},2024,Coastal survey {number},en" for number in range(1, ROWS + 1)]
    return "\n".join(["series,number,year,title_en,edition_language", *lines]).encode() + b"\n"


def test_a_publisher_follows_a_large_import_to_its_result_without_reloading(
    page, log_in, settings, screenshot, axe_violations, csp_violations, external_requests
):
    settings.IDM_IMPORT_INLINE_ROWS = 100
    settings.IDM_IMPORT_RUNNER = "thread"
    SeriesFactory()
    log_in(create_staff("pub", PUBLISHER))
    page.goto("/admin/catalogue/publication/import/")
    page.get_by_label("File").set_input_files({"name": "survey.csv", "mimeType": "text/csv", "buffer": large_file()})
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    # The rows are checked apart from the request too: the preview's page shows it once the check has ended.
    preview = ImportRun.objects.get()
    assert page.url.endswith(f"/admin/catalogue/publication/import/run/{preview.pk}/")
    page.locator("#import-summary").wait_for(timeout=120_000)
    assert page.locator("#import-summary").inner_text() == (
        f"Publications: {ROWS} to create, 0 to update, 0 unchanged, 0 refused."
    )
    check_page(page, axe_violations, csp_violations)

    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()

    run = ImportRun.objects.get(dry_run=False)
    assert page.url.endswith(f"/admin/catalogue/publication/import/run/{run.pk}/")
    status = page.locator("#import-run-status")
    first = status.inner_text()
    assert first.startswith(("Waiting for its turn…", "Importing…", "Checking the rows…"))
    check_page(page, axe_violations, csp_violations)
    # The page's script updates it in place: another stage, or more records done out of the same total.
    page.wait_for_function(
        """([first, total]) => {
            const status = document.getElementById("import-run-status");
            return status && status.innerText !== first && status.innerText.endsWith("/ " + total);
        }""",
        arg=[first, f"{ROWS:,}"],
    )
    screenshot(page, "admin-import-run-progress")
    # Then, once the run has ended, it shows the result by itself.
    page.locator("#import-run-result").wait_for(timeout=120_000)

    assert page.locator("#import-run-result").inner_text() == (
        f"Imported: {ROWS} created, 0 updated, 0 unchanged, 0 left out."
    )
    assert Publication.objects.count() == ROWS
    check_page(page, axe_violations, csp_violations)

    with page.expect_navigation():
        page.get_by_role("link", name="Every import run").click()
    assert page.locator("#result_list tbody tr").all_inner_texts()[0].split("\t")[:2] == ["survey.csv", "Publications"]
    check_page(page, axe_violations, csp_violations)
    with page.expect_navigation():
        page.get_by_role("link", name="survey.csv").first.click()  # the newest: the import (then its preview)
    assert page.locator("#import-run-result").inner_text().startswith("Imported:")
    assert csp_violations == []
    assert external_requests == []
