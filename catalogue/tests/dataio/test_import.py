"""Importing publications with their editions from CSV, XLSX and JSON (catalogue/dataio/importing.py, upsert.py)."""

import csv
import datetime
import gc
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from catalogue.dataio import upsert
from catalogue.dataio.tabular import FileError, read_table
from catalogue.dataio.upsert import ImportRefused, catalogue_import
from catalogue.models import Edition, Publication, SearchDocument, SearchWord, TocEntry
from catalogue.search import rebuild_vocabulary, search_publications
from catalogue.tests.factories import PublicationFactory, SeriesFactory, TopicFactory

pytestmark = pytest.mark.django_db

HEADER = [
    "series", "number", "year", "status", "publish_date", "topics", "title_en", "title_fr", "title_es",
    "contents", "contents_title_en", "contents_title_fr",
    "edition_language", "edition_format", "isbn", "pages", "price", "currency",
]  # fmt: skip


def row(number=31, **values) -> dict:
    base = {
        "series": "idm",
        "number": number,
        "year": 2021,
        "status": "published",
        "publish_date": "2021-06-01T00:00:00+00:00",
        "topics": "governance; health",
        "title_en": f"Migration and health {number}",
        "title_fr": f"Migration et santé {number}",
        "title_es": f"Migración y salud {number}",
        "contents": "front-matter\npart 5\n> chapter 7\n> chapter 19",
        "contents_title_en": "Foreword\nReport\nIntroduction\nFindings",
        "contents_title_fr": "Avant-propos\nRapport\nIntroduction\nConstats",
        "edition_language": "en",
        "edition_format": "pdf",
        "isbn": "",
        "pages": "",
        "price": "",
        "currency": "",
    }
    return base | values


def csv_table(rows: list[dict], header: list[str] = HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[values.get(name, "") for name in header] for values in rows])
    return read_table(io.BytesIO(buffer.getvalue().encode()), "catalogue.csv")


@pytest.fixture(autouse=True)
def taxonomy():
    SeriesFactory()
    TopicFactory(slug="governance", name_en="Governance")
    TopicFactory(slug="health", name_en="Health")
    with translation.override("en"):
        yield


TWO_EDITIONS = [
    row(isbn="978-92-9068-780-1", pages="144"),
    row(edition_language="fr", edition_format="print", isbn="ISBN 92 9068 778 9", price="12.50", currency="USD"),
]


def test_import_creates_publication_with_editions_contents_topics_and_index():
    result = catalogue_import(table=csv_table(TWO_EDITIONS))

    assert result.counts == {"create": 1, "update": 0, "unchanged": 0, "refuse": 0}
    publication = Publication.objects.get(series__slug="idm", number=31)
    assert (publication.slug, publication.year, publication.title_fr) == ("idm-31", 2021, "Migration et santé 31")
    assert publication.publish_date == datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC)
    assert sorted(publication.topics.values_list("slug", flat=True)) == ["governance", "health"]
    assert list(publication.editions.order_by("position").values_list("language", "format", "isbn", "price")) == [
        ("en", "pdf", "9789290687801", None),
        ("fr", "print", "9789290687788", Decimal("12.50")),  # ISBN-10 with spaces and prefix, stored as ISBN-13
    ]
    entries = list(TocEntry.objects.filter(publication=publication).order_by("position"))
    assert [(entry.kind, entry.page, entry.title_en, entry.title_fr) for entry in entries] == [
        ("front-matter", None, "Foreword", "Avant-propos"),
        ("part", 5, "Report", "Rapport"),
        ("chapter", 7, "Introduction", "Introduction"),
        ("chapter", 19, "Findings", "Constats"),
    ]
    assert [entry.parent_id for entry in entries] == [None, None, entries[1].pk, entries[1].pk]
    assert SearchDocument.objects.filter(kind="publication", object_id=publication.pk).count() == 1
    published = Publication.objects.published()
    assert list(search_publications(published, "santé", language="fr")) == [publication]
    assert list(search_publications(published, "92-9068-778-9", language="en")) == [publication]


def test_importing_twice_changes_nothing():
    catalogue_import(table=csv_table(TWO_EDITIONS))
    publication = Publication.objects.get()
    before = (publication.updated_at, list(Edition.objects.values()), list(TocEntry.objects.values()))

    result = catalogue_import(table=csv_table(TWO_EDITIONS))

    assert result.counts == {"create": 0, "update": 0, "unchanged": 1, "refuse": 0}
    assert [entry.action for entry in result.plan.rows()] == ["unchanged", "unchanged"]
    publication.refresh_from_db()
    assert (publication.updated_at, list(Edition.objects.values()), list(TocEntry.objects.values())) == before


def test_an_import_that_writes_moves_the_content_version_and_one_that_changes_nothing_does_not():
    from catalogue.models import CatalogueChange

    CatalogueChange.objects.update(changed_at=datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC))
    catalogue_import(table=csv_table(TWO_EDITIONS))
    written = CatalogueChange.objects.get().changed_at
    assert written.year > 2001

    catalogue_import(table=csv_table(TWO_EDITIONS))

    assert CatalogueChange.objects.get().changed_at == written


def test_import_updates_by_series_number_and_isbn_naming_the_changed_columns():
    catalogue_import(table=csv_table(TWO_EDITIONS))
    first_saved = Publication.objects.get().updated_at
    publication = {
        "title_fr": "Migrations et santé",
        "contents": "front-matter\npart 5",
        "contents_title_en": "Foreword\nReport",
        "contents_title_fr": "Avant-propos\nRapport",
    }
    changed = [
        row(isbn="9789290687801", pages="150", **publication),
        row(
            edition_language="fr",
            edition_format="print",
            isbn="9290687789",
            price="12.50",
            currency="USD",
            **publication,
        ),
        row(edition_language="es", isbn="", **publication),
    ]

    result = catalogue_import(table=csv_table(changed))

    rows = result.plan.rows()
    assert [(entry.row, entry.action, entry.changes) for entry in rows] == [
        (2, "update", ["title_fr", "contents", "pages"]),
        (3, "unchanged", []),
        (4, "create", []),
    ]
    publication = Publication.objects.get()
    assert publication.title_fr == "Migrations et santé"
    assert publication.updated_at > first_saved
    assert Edition.objects.get(isbn="9789290687801").pages == 150
    assert list(publication.editions.order_by("position").values_list("language", "position")) == [
        ("en", 1), ("fr", 2), ("es", 3)
    ]  # fmt: skip
    assert TocEntry.objects.filter(publication=publication).count() == 2
    assert list(search_publications(Publication.objects.all(), "migrations", language="fr")) == [publication]


def test_a_change_to_an_edition_alone_marks_its_publication_updated():
    catalogue_import(table=csv_table(TWO_EDITIONS))
    first_saved = Publication.objects.get().updated_at

    result = catalogue_import(table=csv_table([TWO_EDITIONS[0] | {"pages": "150"}]))

    assert [(entry.action, entry.changes) for entry in result.plan.rows()] == [("update", ["pages"])]
    assert result.counts == {"create": 0, "update": 1, "unchanged": 0, "refuse": 0}
    assert Publication.objects.get().updated_at > first_saved


def test_absent_columns_leave_fields_as_they_are():
    publication = PublicationFactory(series=SeriesFactory(), number=31, title_es="Título", summary_en="Kept.")

    catalogue_import(
        table=csv_table([{"series": "idm", "number": 31, "title_fr": "Nouveau"}], ["series", "number", "title_fr"])
    )

    publication.refresh_from_db()
    assert (publication.title_fr, publication.title_es, publication.summary_en) == ("Nouveau", "Título", "Kept.")


BAD_ROWS = [
    (row(number=40, isbn="978-92-9068-780-2"), 2, "isbn", "N",
     "“978-92-9068-780-2” is not a valid ISBN: the check digit is wrong."),
    (row(number=41, series="nope"), 3, "series", "A", "No series has the slug “nope”."),
    (row(number=42, topics="governance;unknown"), 4, "topics", "F", "No topic has the slug “unknown”."),
    (row(number=43, edition_format="vinyl"), 5, "edition_format", "N", "Value 'vinyl' is not a valid choice."),
    (row(number=44, price="3", currency=""), 6, "currency", "R", "A price needs a currency."),
    (row(number=45, contents="chapter\n>> section\nchapter\nchapter"), 7, "contents", "J",
     "Line 2 “>> section” is not a heading: write its kind (part, chapter, section, annex, front-matter), then its "
     "page if any, with one “>” before it per level under the heading above."),
    (row(number=46, title_en=""), 8, "title_en", "G", "This column needs a value."),
]  # fmt: skip


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written():
    rows = [values for values, *_ in BAD_ROWS] + [row(number=50)]
    with pytest.raises(ImportRefused) as refused:
        catalogue_import(table=csv_table(rows))

    assert [(error.row, error.column, error.message) for error in refused.value.errors] == [
        (number, column, message) for _values, number, column, _letter, message in BAD_ROWS
    ]
    assert str(refused.value.errors[0]) == (
        "Row 2, column “isbn” (O): “978-92-9068-780-2” is not a valid ISBN: the check digit is wrong."
    )
    assert Publication.objects.count() == 0


LARGE_FILE = 1200  # more than one batch (importing.BATCH_SIZE) of publications


def _large_file_with_a_bad_700th_row() -> list[dict]:
    rows = [row(number=number, isbn="") for number in range(1, LARGE_FILE + 1)]
    rows[699] = row(number=700, isbn="978-92-9068-780-2")  # the 700th row: row 701 under the header
    return rows


def test_a_bad_700th_row_of_a_large_file_is_named_and_nothing_is_written():
    with pytest.raises(ImportRefused) as refused:
        catalogue_import(table=csv_table(_large_file_with_a_bad_700th_row()))

    assert [str(error) for error in refused.value.errors] == [
        "Row 701, column “isbn” (O): “978-92-9068-780-2” is not a valid ISBN: the check digit is wrong."
    ]
    counts = [model.objects.count() for model in (Publication, Edition, TocEntry, SearchDocument)]
    assert counts == [0, 0, 0, 0]


def test_valid_only_writes_every_other_row_of_a_large_file_with_its_search_document():
    result = catalogue_import(table=csv_table(_large_file_with_a_bad_700th_row()), valid_only=True)

    assert result.counts == {"create": LARGE_FILE - 1, "update": 0, "unchanged": 0, "refuse": 1}
    numbers = set(Publication.objects.values_list("number", flat=True))
    assert numbers == set(range(1, LARGE_FILE + 1)) - {700}
    assert [Edition.objects.count(), TocEntry.objects.count()] == [LARGE_FILE - 1, 4 * (LARGE_FILE - 1)]
    assert SearchDocument.objects.filter(kind="publication").count() == LARGE_FILE - 1
    found = search_publications(Publication.objects.published(), "santé 1199", language="fr")
    assert [publication.number for publication in found] == [1199]


def test_an_import_over_several_index_batches_keeps_the_vocabulary_a_rebuild_gives():
    def words():
        return sorted(SearchWord.objects.values_list("word", "language", "spelling", "document_count"))

    rows = [row(number=number, title_fr=f"Migration et santé {number} réfugiés") for number in range(1, LARGE_FILE + 1)]
    catalogue_import(table=csv_table(rows))
    assert SearchWord.objects.get(word="refugies", language="fr").document_count == LARGE_FILE
    written = words()
    rebuild_vocabulary()
    assert words() == written

    # Updated documents: their old words are taken out, their new ones counted.
    rows = [
        row(number=number, title_fr=f"Migrations {number}") if number % 2 else row(number=number)
        for number in range(1, LARGE_FILE + 1)
    ]
    result = catalogue_import(table=csv_table(rows))
    assert result.counts["update"] == LARGE_FILE
    assert SearchWord.objects.get(word="migrations", language="fr").document_count == LARGE_FILE // 2
    assert not SearchWord.objects.filter(word="refugies").exists()
    written = words()
    rebuild_vocabulary()
    assert words() == written


def test_valid_only_imports_the_publications_without_a_refused_row():
    rows = [row(number=50), row(number=51, isbn="123"), row(number=51, edition_language="fr"), row(number=52)]

    result = catalogue_import(table=csv_table(rows), valid_only=True)

    assert sorted(Publication.objects.values_list("number", flat=True)) == [50, 52]
    assert [(entry.row, entry.action) for entry in result.plan.rows()] == [
        (2, "create"), (3, "refuse"), (4, "refuse"), (5, "create")
    ]  # fmt: skip
    assert str(result.plan.rows()[2].errors[0]) == "Row 4: not imported: row 3 of the same publication is refused."


def test_a_publications_repeated_columns_must_agree():
    rows = [row(), row(edition_language="fr", title_en="Another title")]

    with pytest.raises(ImportRefused) as refused:
        catalogue_import(table=csv_table(rows))

    assert [(error.row, error.column) for error in refused.value.errors] == [(2, ""), (3, "title_en")]


def test_duplicate_isbn_in_the_file_or_the_catalogue_is_refused():
    PublicationFactory(series=SeriesFactory(), number=9).editions.create(language="en", isbn="9789290687801")
    rows = [
        row(number=60, isbn="9789290687740"),
        row(number=61, isbn="978-92-9068-774-0"),
        row(number=62, isbn="9789290687801"),
    ]

    with pytest.raises(ImportRefused) as refused:
        catalogue_import(table=csv_table(rows))

    assert [(error.row, error.column, error.message[:30]) for error in refused.value.errors] == [
        (3, "isbn", "Row 2 has the same ISBN."),
        (4, "isbn", "Another edition already has th"),
    ]


def test_errors_are_in_the_users_language():
    with translation.override("fr"), pytest.raises(ImportRefused) as refused:
        catalogue_import(table=csv_table([row(isbn="978-92-9068-780-2")]))

    assert refused.value.errors[0].message == (
        "« 978-92-9068-780-2 » n’est pas un ISBN valide : le chiffre de contrôle est faux."
    )


def test_xlsx_and_json_files_read_like_csv():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    values = row(isbn=9789290687801, pages=144, number=31.0)
    values["publish_date"] = datetime.datetime(2021, 6, 1)  # noqa: DTZ001  (a spreadsheet's dates are naive)
    sheet.append([values[name] for name in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)

    catalogue_import(table=read_table(buffer, "catalogue.xlsx"))
    catalogue_import(table=read_table(io.BytesIO(json.dumps([row(number=32)]).encode()), "more.json"))

    assert list(Publication.objects.order_by("number").values_list("number", "publish_date")) == [
        (31, datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC)),
        (32, datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC)),
    ]
    assert Edition.objects.get(publication__number=31).isbn == "9789290687801"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.txt", b"", "Unsupported file type “txt”: use a .csv, .xlsx or .json file."),
        ("a.csv", b"series,number,titel_en\n", "Unknown column “titel_en” (C1): the template's header row names the columns."),
        ("a.csv", b"series,title_en\n", "The header row has no “number” column."),
        ("a.json", b'[{"model": "catalogue.topic", "fields": {}}]',
         "This JSON file is a fixture (natural keys): load it with “manage.py loaddata”."),
        ("a.xlsx", b"not a zip", "The file cannot be read as XLSX: File is not a zip file"),
    ],
)  # fmt: skip
def test_unreadable_files_are_refused_with_the_reason(name, content, message):
    with pytest.raises(FileError) as error:
        read_table(io.BytesIO(content), name)

    assert str(error.value) == message


def test_command_exits_non_zero_naming_row_and_column(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(b"series,number,year,title_en\nidm,31,2021,Fine\nidm,32,19,Too old\n")

    with pytest.raises(CommandError) as error:
        call_command("import_catalogue", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert str(error.value) == (
        f"{path}: nothing imported, 1 refused rows:\n"
        "  Row 3, column “year” (C): Ensure this value is greater than or equal to 1900.\n"
        "Fix them and import again, or import only the valid rows with --valid-only."
    )
    assert Publication.objects.count() == 0


def test_command_dry_run_shows_each_row_and_writes_nothing(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(b"series,number,year,title_en,edition_language\nidm,31,2021,New,en\nidm,31,,,fr\n")
    out = io.StringIO()

    call_command("import_catalogue", str(path), dry_run=True, stdout=out, stderr=io.StringIO())

    assert out.getvalue() == (
        "Row 2: create IDM No. 31 — New\n"
        "Row 3: create IDM No. 31 — New\n"
        "1 publications to create, 0 to update, 0 unchanged, 0 refused. Dry run: nothing written.\n"
    )
    assert Publication.objects.count() == 0


def test_command_valid_only_and_missing_file(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(b"series,number,year,title_en\nidm,31,2021,Fine\nidm,32,19,Too old\n")
    out, err = io.StringIO(), io.StringIO()

    call_command("import_catalogue", str(path), valid_only=True, stdout=out, stderr=err)

    assert list(Publication.objects.values_list("number", flat=True)) == [31]
    assert "1 publications created, 0 updated, 0 unchanged, 1 refused" in out.getvalue()
    assert "Left out: Row 3, column “year” (C)" in err.getvalue()
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.csv: No such file or directory\."):
        call_command("import_catalogue", str(tmp_path / "missing.csv"))


def test_an_edition_cannot_take_the_language_and_format_of_a_stored_one_the_file_leaves_alone():
    catalogue_import(table=csv_table(TWO_EDITIONS))
    moved = TWO_EDITIONS[0] | {"edition_language": "fr", "edition_format": "print"}  # found by its ISBN

    with pytest.raises(ImportRefused) as refused:
        catalogue_import(table=csv_table([moved]))

    assert [str(error) for error in refused.value.errors] == [
        "Row 2, column “edition_format” (N): Another edition of this publication already has this language and format."
    ]


def test_command_shows_the_progress_of_each_stage_of_a_file_of_several_batches(tmp_path):
    path = tmp_path / "catalogue.csv"
    lines = [f"idm,{number},2021,Title {number}" for number in range(1, 1201)]  # checked and written by 1,000
    path.write_text("\n".join(["series,number,year,title_en", *lines]) + "\n", encoding="utf-8")
    err = io.StringIO()

    call_command("import_catalogue", str(path), stdout=io.StringIO(), stderr=err)

    def bar(stage: str, done: int) -> str:
        filled = 30 * done // 1200
        return f"\r{stage:>8} [{'#' * filled}{'-' * (30 - filled)}] {done:,}/1,200 publications"

    assert err.getvalue() == "".join(
        [
            bar("checking", 1000),
            bar("checking", 1200),
            bar("writing", 0),
            bar("writing", 1000),
            bar("writing", 1200),
            bar("indexing", 0),
            bar("indexing", 500),
            bar("indexing", 1000),
            bar("indexing", 1200),
            "\n",
        ]
    )
    assert Publication.objects.count() == 1200


def test_command_shows_no_progress_when_quiet(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(b"series,number,year,title_en\nidm,31,2021,Fine\n")
    err = io.StringIO()

    call_command("import_catalogue", str(path), verbosity=0, stdout=io.StringIO(), stderr=err)

    assert err.getvalue() == ""
    assert Publication.objects.count() == 1


def test_the_garbage_collector_is_paused_while_importing_and_resumed_after_a_refused_file(monkeypatch):
    checked_with_collector = []
    plan = upsert.import_plan

    def spy(table, **options):
        checked_with_collector.append(gc.isenabled())
        return plan(table, **options)

    monkeypatch.setattr(upsert, "import_plan", spy)
    with pytest.raises(ImportRefused):
        catalogue_import(table=csv_table([row(isbn="123")]))

    assert checked_with_collector == [False]
    assert gc.isenabled()
    gc.disable()
    try:
        catalogue_import(table=csv_table([row()]))
        assert not gc.isenabled()  # a caller's own pause is left as it was
    finally:
        gc.enable()
    assert checked_with_collector == [False, False]
