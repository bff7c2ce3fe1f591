"""Import runs (catalogue/dataio/runs.py) and the admin pages that start and follow them
(catalogue/admin/importing.py), with the workshops' Import page."""

import datetime
import io
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from catalogue.dataio.runs import (
    RUNNER_THREAD,
    import_run_create,
    import_run_execute,
    import_run_progress,
    progress_key,
)
from catalogue.editorial.roles import EDITOR, PUBLISHER
from catalogue.models import ImportRun, Publication, Workshop
from catalogue.tests.factories import SeriesFactory, create_staff

pytestmark = pytest.mark.django_db

PUBLICATIONS_URL = "/admin/catalogue/publication/import/"
WORKSHOPS_URL = "/admin/catalogue/workshop/import/"
TWO_PUBLICATIONS = (
    b"series,number,year,title_en,edition_language\nidm,40,2024,Forty,en\nidm,41,2024,Forty-one,fr\nidm,41,,,en\n"
)
WORKSHOPS = (
    b"slug,title_en,city_en,country,start_date,end_date,item_date,item_title_en\n"
    b"gender,Gender and migration,Geneva,CH,2021-10-08,2021-10-09,2021-10-08,Opening\n"
    b"gender,,,,,,2021-10-09,Closing\n"
    b"health,Health,Bern,CH,2021-11-08,2021-11-08,,\n"
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IDM_IMPORT_RUNNER = "worker"  # runs wait for run_imports, so each test steps through them
    cache.clear()  # run ids come back after a rollback: no progress of an earlier test's run
    return tmp_path


@pytest.fixture
def publisher():
    SeriesFactory()
    client = Client()
    client.force_login(create_staff("pub", PUBLISHER))
    with translation.override("en"):
        yield client


def confirm(client, url: str, content: bytes, name: str, **extra):
    token = client.post(url, {"file": SimpleUploadedFile(name, content)}).context["preview"]["token"]
    return client.post(url, {"token": token, **extra})


def stored(content: bytes, name: str) -> str:
    return default_storage.save(f"imports/{name}", ContentFile(content))


def test_the_workshops_import_page_previews_then_imports_with_the_agendas(publisher):
    page = publisher.get("/admin/catalogue/workshop/").content.decode()
    assert f'<a href="{WORKSHOPS_URL}">Import</a>' in page

    preview = publisher.post(WORKSHOPS_URL, {"file": SimpleUploadedFile("w.csv", WORKSHOPS)})
    assert "Workshops: 2 to create, 0 to update, 0 unchanged, 0 refused." in preview.content.decode()
    assert Workshop.objects.count() == 0

    response = publisher.post(WORKSHOPS_URL, {"token": preview.context["preview"]["token"]}, follow=True)

    assert "Imported w.csv: 2 workshops created, 0 updated, 0 unchanged, 0 left out." in response.content.decode()
    assert [
        (workshop.slug, list(workshop.agenda_items.values_list("position", "title_en")))
        for workshop in Workshop.objects.order_by("slug")
    ] == [("gender", [(1, "Opening"), (2, "Closing")]), ("health", [])]


def test_the_workshops_template_and_export_action_use_the_workshops_columns(publisher):
    template = publisher.get(f"{WORKSHOPS_URL}template.csv").content.decode()

    assert template.startswith("uuid,slug,status,publish_date,publication,title_en,title_fr,title_es,")
    assert template.rstrip().endswith("item_description_es,item_people")


def test_a_large_file_is_previewed_then_imported_each_in_a_run_that_run_imports_runs(publisher, settings, media_root):
    settings.IDM_IMPORT_INLINE_ROWS = 2

    response = publisher.post(PUBLICATIONS_URL, {"file": SimpleUploadedFile("big.csv", TWO_PUBLICATIONS)})

    preview = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/catalogue/publication/import/run/{preview.pk}/"
    assert (preview.dry_run, preview.status, preview.file_name, preview.kind, preview.created_by.username) == (
        True, "queued", "big.csv", "publications", "pub",
    )  # fmt: skip
    page = publisher.get(response["Location"]).content.decode()
    assert ("Preview of big.csv" in page, "Waiting for its turn…" in page) == (True, True)
    assert f'data-progress-url="/admin/catalogue/publication/import/run/{preview.pk}/progress/"' in page

    call_command("run_imports", stdout=io.StringIO())

    preview.refresh_from_db()
    assert (preview.status, preview.counts, preview.errors) == (
        "done", {"create": 2, "update": 0, "unchanged": 0, "refuse": 0}, [],
    )  # fmt: skip
    assert preview.preview == {
        "rows": [
            {"row": row, "action": "create", "record": record, "changes": [], "errors": []}
            for row, record in ((2, "IDM No. 40 — Forty"), (3, "IDM No. 41 — Forty-one"), (4, "IDM No. 41 — Forty-one"))
        ],
        "hidden": 0,
        "errors": 0,
    }
    assert Publication.objects.count() == 0
    assert default_storage.exists(preview.stored_name)  # waiting for the confirmation
    shown = publisher.get(response["Location"])
    page = shown.content.decode()
    assert "Publications: 2 to create, 0 to update, 0 unchanged, 0 refused." in page
    assert '<form method="post" action="/admin/catalogue/publication/import/" id="import-confirm">' in page
    assert [row.action for row in shown.context["preview"]["rows"]] == ["create", "create", "create"]

    confirmed = publisher.post(PUBLICATIONS_URL, {"token": shown.context["preview"]["token"]})

    run = ImportRun.objects.exclude(pk=preview.pk).get()
    assert confirmed["Location"] == f"/admin/catalogue/publication/import/run/{run.pk}/"
    assert (run.dry_run, run.status, run.stored_name) == (False, "queued", preview.stored_name)
    call_command("run_imports", stdout=io.StringIO())
    run.refresh_from_db()
    assert (run.status, run.counts, run.errors) == (
        "done", {"create": 2, "update": 0, "unchanged": 0, "refuse": 0}, [],
    )  # fmt: skip
    assert (run.stage, run.done, run.total) == ("indexing", 2, 2)
    assert sorted(Publication.objects.values_list("number", flat=True)) == [40, 41]
    assert list((media_root / "imports").iterdir()) == []
    progress = publisher.get(f"/admin/catalogue/publication/import/run/{run.pk}/progress/")
    assert progress.json() == {"status": "done", "stage": "indexing", "done": 2, "total": 2}
    assert progress["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    page = publisher.get(confirmed["Location"]).content.decode()
    assert "Imported: 2 created, 0 updated, 0 unchanged, 0 left out." in page
    assert "import_progress.js" in page  # loaded, and idle: no box to follow
    again = publisher.get(response["Location"])  # the preview, its file since imported
    assert (again.context["preview"]["can_import"], again.context["preview"]["token"]) == (False, "")
    assert (
        "This preview has expired, or its file was imported: upload the file again to import it."
        in again.content.decode()
    )


def test_a_preview_run_names_refused_rows_in_the_uploader_s_language_and_offers_the_valid_rows(settings):
    settings.IDM_IMPORT_INLINE_ROWS = 1
    SeriesFactory()
    uploader = Client()
    uploader.force_login(create_staff("pub", PUBLISHER))
    content = b"series,number,year,title_en\nidm,40,2024,Forty\nidm,41,20x4,Forty-one\n"
    uploader.post(PUBLICATIONS_URL, {"file": SimpleUploadedFile("bad.csv", content)}, HTTP_ACCEPT_LANGUAGE="fr")
    preview = ImportRun.objects.get()
    assert preview.language == "fr"

    with translation.override("en"):  # the runner's own language does not matter
        call_command("run_imports", stdout=io.StringIO())

    preview.refresh_from_db()
    assert (preview.status, preview.counts) == ("done", {"create": 1, "update": 0, "unchanged": 0, "refuse": 1})
    message = "La valeur «\xa020x4\xa0» doit être un nombre entier."  # Django's own French
    assert preview.errors == [f"Ligne 3, colonne « year » (C) : {message}"]
    assert preview.preview["rows"][1]["errors"] == [{"column": "year", "letter": "C", "message": message}]
    page = uploader.get(f"{PUBLICATIONS_URL}run/{preview.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert (page.context["preview"]["can_import"], page.context["preview"]["can_import_valid"]) == (False, True)
    assert "Importer seulement les lignes valides" in page.content.decode()


def test_only_the_uploader_may_confirm_a_preview_run(publisher, settings):
    settings.IDM_IMPORT_INLINE_ROWS = 1
    publisher.post(PUBLICATIONS_URL, {"file": SimpleUploadedFile("big.csv", TWO_PUBLICATIONS)})
    call_command("run_imports", stdout=io.StringIO())
    colleague = Client()
    colleague.force_login(create_staff("other", PUBLISHER))

    page = colleague.get(f"{PUBLICATIONS_URL}run/{ImportRun.objects.get().pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert (page.context["preview"]["token"], page.context["preview"]["can_import"]) == ("", False)
    assert "Only the person who uploaded this file can import it." in page.content.decode()


def test_a_run_with_a_refused_row_fails_naming_it_and_writes_nothing():
    SeriesFactory()
    name = stored(b"series,number,year,title_en\nidm,40,2024,Forty\nidm,41,20x4,Forty-one\n", "bad.csv")
    run = import_run_create(kind="publications", stored_name=name, file_name="bad.csv", valid_only=False, user=None)

    import_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert (run.status, run.counts) == ("failed", {"create": 1, "update": 0, "unchanged": 0, "refuse": 1})
    assert run.errors == ["Row 3, column “year” (C): “20x4” value must be an integer."]
    assert run.finished_at is not None
    assert Publication.objects.count() == 0
    assert not default_storage.exists(name)


def test_a_run_is_executed_once_and_a_workshops_run_reports_its_progress():
    name = stored(WORKSHOPS, "w.csv")
    run = import_run_create(kind="workshops", stored_name=name, file_name="w.csv", valid_only=False, user=None)
    assert import_run_progress(run) == {"status": "queued", "stage": "", "done": 0, "total": 0}

    assert import_run_execute(run_id=run.pk).status == "done"
    assert import_run_execute(run_id=run.pk) is None  # already claimed: a second runner leaves it

    run.refresh_from_db()
    assert import_run_progress(run) == {"status": "done", "stage": "writing", "done": 2, "total": 2}
    assert Workshop.objects.count() == 2


def test_a_running_runs_progress_comes_from_the_cache_shared_by_the_servers():
    run = ImportRun.objects.create(kind="workshops", file_name="w.csv", stored_name="imports/w.csv", status="running")
    cache.set(progress_key(run.pk), {"stage": "checking", "done": 500, "total": 2000})

    assert import_run_progress(run) == {"status": "running", "stage": "checking", "done": 500, "total": 2000}


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), (EDITOR, 403), (PUBLISHER, 200)],
)
def test_a_runs_pages_are_for_staff_who_may_import(role, status):
    run = ImportRun.objects.create(kind="publications", file_name="a.csv", stored_name="imports/a.csv")
    client = Client()
    if role:
        client.force_login(create_staff("someone", role))

    for url in (f"{PUBLICATIONS_URL}run/{run.pk}/", f"{PUBLICATIONS_URL}run/{run.pk}/progress/"):
        assert client.get(url).status_code == status


def test_a_run_is_only_shown_under_its_own_kind(publisher):
    run = ImportRun.objects.create(kind="publications", file_name="a.csv", stored_name="imports/a.csv")

    assert publisher.get(f"{WORKSHOPS_URL}run/{run.pk}/progress/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_thread_runner_previews_then_imports_once_each_request_has_committed(settings):
    settings.IDM_IMPORT_RUNNER = "thread"
    settings.IDM_IMPORT_INLINE_ROWS = 0
    SeriesFactory()
    client = Client()
    client.force_login(create_staff("pub", PUBLISHER))

    def ended(run_filter: dict) -> ImportRun:
        # The runners' threads waited for without reading meanwhile: SQLite's in-memory test database refuses a
        # write to a table another connection is reading ("database table is locked"), where a file would wait.
        deadline = time.monotonic() + 60
        while any(thread.name.startswith(RUNNER_THREAD) for thread in threading.enumerate()):
            assert time.monotonic() < deadline, "the import run's thread did not end within 60 s"
            time.sleep(0.1)
        return ImportRun.objects.get(**run_filter)

    response = client.post(PUBLICATIONS_URL, {"file": SimpleUploadedFile("big.csv", TWO_PUBLICATIONS)})

    assert ended({"dry_run": True}).status == "done"
    token = client.get(response["Location"]).context["preview"]["token"]
    client.post(PUBLICATIONS_URL, {"token": token})
    assert ended({"dry_run": False}).status == "done"
    assert sorted(Publication.objects.values_list("number", flat=True)) == [40, 41]


def test_a_running_runs_page_names_its_stage_and_carries_every_stages_words_for_its_script(publisher):
    run = ImportRun.objects.create(
        kind="publications", file_name="a.csv", stored_name="imports/a.csv", status="running", started_at=timezone.now()
    )
    cache.set(progress_key(run.pk), {"stage": "writing", "done": 1000, "total": 3000, "heartbeat": timezone.now()})

    page = publisher.get(f"{PUBLICATIONS_URL}run/{run.pk}/").content.decode()

    assert '<span id="import-run-stage">Writing the records…</span>' in page
    assert '<span id="import-run-counts">1000 / 3000</span>' in page
    assert (
        'data-label-queued="Waiting for its turn…" data-label-running="Importing…" '
        'data-label-checking="Checking the rows…" data-label-writing="Writing the records…" '
        'data-label-indexing="Updating the search index…"'
    ) in page


def test_a_runs_page_says_who_started_it_and_when_in_the_organisation_s_style(publisher, settings):
    settings.TIME_ZONE = "Europe/Zurich"
    run = ImportRun.objects.create(kind="publications", file_name="a.csv", stored_name="imports/a.csv")
    ImportRun.objects.filter(pk=run.pk).update(
        created_at=datetime.datetime(2026, 12, 4, 15, 15, tzinfo=datetime.UTC),
        created_by=get_user_model().objects.get(username="pub"),
    )

    page = publisher.get(f"{PUBLICATIONS_URL}run/{run.pk}/").content.decode()

    # Day, month, year and a 24-hour time in the server's zone: no "p.m.." at the end of the sentence.
    assert "Started by pub on 4 December 2026, 16:15." in " ".join(page.split())
