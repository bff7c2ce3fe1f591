"""Staff import a spreadsheet of publications in Chromium: the preview names the bad rows, the fixed file imports,
and the public site finds the new publications by title and by ISBN in three languages."""

import datetime
import io

import pytest
from openpyxl import Workbook

from catalogue.dataio.generate import isbn13
from catalogue.dataio.tabular import column_letter, columns
from catalogue.editorial.roles import PUBLISHER
from catalogue.identifiers import format_isbn
from catalogue.models import Publication
from catalogue.tests.factories import SeriesFactory, create_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = {
    "en": "Tidewater harbour study {n}",
    "fr": "Étude portuaire marémotrice {n}",
    "es": "Estudio portuario mareomotriz {n}",
}


def workbook(*, bad: bool) -> bytes:
    """50 publications with an edition each; with `bad`, rows 11 and 31 hold a wrong ISBN and a year too early."""
    book = Workbook()
    sheet = book.active
    sheet.append(columns())
    for n in range(101, 151):
        row = {
            "series": "idm",
            "number": n,
            "year": 2025,
            "status": "published",
            "publish_date": datetime.datetime(2025, 1, 15, 9, 0),  # noqa: DTZ001  (spreadsheet dates are naive)
            "edition_language": "en",
            "edition_format": "pdf",
            "isbn": format_isbn(isbn13(n)),
            **{f"title_{code}": title.format(n=n) for code, title in TITLES.items()},
        }
        if bad and n == 110:
            row["isbn"] = row["isbn"][:-1] + str((int(row["isbn"][-1]) + 1) % 10)
        if bad and n == 130:
            row["year"] = 19
        sheet.append([row.get(name) for name in columns()])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def letter(column: str) -> str:
    """The template's spreadsheet letter of `column`."""
    return column_letter(columns().index(column))


def upload(page, content: bytes) -> None:
    page.get_by_label("File").set_input_files(
        {"name": "publications.xlsx", "mimeType": "application/octet-stream", "buffer": content}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()


def test_staff_import_a_spreadsheet_fix_its_bad_rows_and_the_public_finds_the_publications(
    page, log_in, screenshot, axe_violations, external_requests
):
    SeriesFactory()
    log_in(create_staff("pub", PUBLISHER))
    page.goto("/admin/catalogue/publication/")
    with page.expect_navigation():
        page.get_by_role("link", name="Import", exact=True).click()

    bad_isbn = format_isbn(isbn13(110))
    bad_isbn = bad_isbn[:-1] + str((int(bad_isbn[-1]) + 1) % 10)
    upload(page, workbook(bad=True))

    assert page.locator("#import-summary").inner_text() == (
        "Publications: 48 to create, 0 to update, 0 unchanged, 2 refused."
    )
    assert page.locator("#import-errors li").all_inner_texts() == [
        f"Row 11, column “isbn” ({letter('isbn')}): “{bad_isbn}” is not a valid ISBN: the check digit is wrong.",
        f"Row 31, column “year” ({letter('year')}): Ensure this value is greater than or equal to 1900.",
    ]
    assert page.locator("#import-preview tr.import-refuse th").all_inner_texts() == ["11", "31"]
    screenshot(page, "admin-import-preview-with-errors")
    assert axe_violations(page) == []
    assert Publication.objects.count() == 0

    with page.expect_navigation():
        page.get_by_role("link", name="Upload another file").click()
    upload(page, workbook(bad=False))
    assert page.locator("#import-summary").inner_text() == (
        "Publications: 50 to create, 0 to update, 0 unchanged, 0 refused."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Import", exact=True).click()

    assert page.locator(".messagelist").inner_text() == (
        "Imported publications.xlsx: 50 publications created, 0 updated, 0 unchanged, 0 left out."
    )
    assert Publication.objects.published().count() == 50

    for code, query in (("en", "tidewater 137"), ("fr", "marémotrice 137"), ("es", "mareomotriz 137")):
        page.goto(f"/{code}/publications/?q={query}")
        assert page.get_by_role("link", name=TITLES[code].format(n=137)).count() == 1, code
        page.goto(f"/{code}/publications/?q={format_isbn(isbn13(142))}")
        assert page.get_by_role("link", name=TITLES[code].format(n=142)).count() == 1, code
    assert external_requests == []
