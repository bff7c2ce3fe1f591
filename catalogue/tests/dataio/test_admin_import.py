"""The publications' Import page in the admin (catalogue/admin/importing.py): upload, preview, confirm; the
template downloads and the export actions."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from catalogue.dataio.tabular import columns
from catalogue.editorial.roles import EDITOR, PUBLISHER
from catalogue.models import Publication
from catalogue.tests.factories import SeriesFactory, create_idm28, create_staff

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/catalogue/publication/import/"
GOOD_AND_BAD = (
    b"series,number,year,title_en,title_fr,edition_language,isbn\n"
    b"idm,40,2024,Forty,Quarante,en,978-92-9068-780-1\n"
    b"idm,41,2024,Forty-one,Quarante et un,en,978-92-9068-780-2\n"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # where uploaded files wait between the preview and the confirmation
    return tmp_path


@pytest.fixture
def publisher():
    SeriesFactory()
    client = Client()
    client.force_login(create_staff("pub", PUBLISHER))
    with translation.override("en"):
        yield client


def upload(client, content: bytes, name: str = "new.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, content)})


def test_change_list_links_to_the_import_page(publisher):
    page = publisher.get("/admin/catalogue/publication/").content.decode()

    assert f'<a href="{IMPORT_URL}">Import</a>' in page


def test_preview_names_each_refused_row_and_writes_nothing(publisher):
    response = upload(publisher, GOOD_AND_BAD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Publications: 1 to create, 0 to update, 0 unchanged, 1 refused." in page
    assert (
        "<li>Row 3, column “isbn” (G): “978-92-9068-780-2” is not a valid ISBN: the check digit is wrong.</li>" in page
    )
    assert 'name="valid_only" value="Import only the valid rows"' in page
    assert 'value="Import">' not in page  # the whole file cannot be imported
    assert Publication.objects.count() == 0


def test_confirming_imports_only_the_valid_rows_when_asked(publisher, media_root):
    token = upload(publisher, GOOD_AND_BAD).context["preview"]["token"]

    response = publisher.post(IMPORT_URL, {"token": token, "valid_only": "1"}, follow=True)

    assert list(Publication.objects.values_list("number", "title_fr")) == [(40, "Quarante")]
    assert list((media_root / "imports").iterdir()) == []  # the uploaded file, once imported, is deleted
    assert "Imported new.csv: 1 publications created, 0 updated, 0 unchanged, 1 left out." in response.content.decode()


def test_confirming_a_file_with_a_refused_row_without_choosing_valid_rows_changes_nothing(publisher):
    token = upload(publisher, GOOD_AND_BAD).context["preview"]["token"]

    response = publisher.post(IMPORT_URL, {"token": token})

    assert response.status_code == 200
    assert "is not a valid ISBN" in response.content.decode()
    assert Publication.objects.count() == 0


def test_a_forged_or_foreign_token_is_refused(publisher):
    token = upload(publisher, GOOD_AND_BAD).context["preview"]["token"]
    other = Client()
    other.force_login(create_staff("other", PUBLISHER))

    for client, value in ((publisher, token + "x"), (other, token)):
        response = client.post(IMPORT_URL, {"token": value, "valid_only": "1"}, follow=True)
        assert "This preview has expired: upload the file again." in response.content.decode()
    assert Publication.objects.count() == 0


def test_an_unreadable_file_is_a_form_error(publisher):
    response = upload(publisher, b"series,number,titel_en\n", "x.csv")

    assert response.context["form"].errors == {
        "file": ["Unknown column “titel_en” (C1): the template's header row names the columns."]
    }


def test_editors_without_the_publish_permission_cannot_import():
    client = Client()
    client.force_login(create_staff("ed", EDITOR))

    assert client.get(IMPORT_URL).status_code == 403
    assert IMPORT_URL not in client.get("/admin/catalogue/publication/").content.decode()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_templates_hold_the_header_row(publisher, kind):
    response = publisher.get(f"{IMPORT_URL}template.{kind}")

    assert response["Content-Disposition"] == f'attachment; filename="publications-template.{kind}"'
    if kind == "csv":
        assert list(csv.reader(io.StringIO(response.content.decode()))) == [columns()]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [list(row) for row in sheet.iter_rows(values_only=True)] == [columns()]


def test_export_action_downloads_the_selection_in_the_import_columns(publisher):
    publication = create_idm28()

    response = publisher.post(
        "/admin/catalogue/publication/", {"action": "export_csv", "_selected_action": [publication.pk]}
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="publications.csv"'
    assert [(row["number"], row["edition_language"], row["isbn"]) for row in rows] == [
        ("28", "en", "9789290687740"),
        ("28", "fr", "9789290687801"),
        ("28", "es", ""),
    ]


def test_a_long_preview_lists_the_refused_rows_first_then_says_how_many_rows_it_leaves_out(publisher, monkeypatch):
    monkeypatch.setattr("catalogue.admin.importing.PREVIEW_ROWS", 2)
    content = b"series,number,year,title_en,edition_language\n" + b"".join(
        f"idm,{number},{'20x4' if number == 43 else 2024},T{number},en\n".encode() for number in (40, 41, 42, 43)
    )

    response = upload(publisher, content)

    shown = response.context["preview"]["rows"]
    assert [(row.row, row.action) for row in shown] == [(2, "create"), (5, "refuse")]
    assert "and 2 more rows" in response.content.decode()
