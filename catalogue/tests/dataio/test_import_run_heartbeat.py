"""Import runs whose runner died (catalogue/dataio/runs.py): a running run without a heartbeat for longer than
settings.IDM_IMPORT_HEARTBEAT_TIMEOUT is failed as interrupted wherever runs are read or claimed."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone, translation

from catalogue.dataio.runs import (
    _heartbeat_connection,
    _write_heartbeat,
    import_run_create,
    import_run_execute,
    import_run_progress,
    progress_key,
)
from catalogue.editorial.roles import PUBLISHER
from catalogue.models import ImportRun, Publication
from catalogue.tests.factories import SeriesFactory, create_staff

pytestmark = pytest.mark.django_db

INTERRUPTED = (
    "The import was interrupted: its runner stopped (the server was restarted, for instance) before the end, "
    "and its changes were rolled back. Import the file again: rows already in the catalogue are left as they are."
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IDM_IMPORT_RUNNER = "worker"
    settings.IDM_IMPORT_HEARTBEAT_TIMEOUT = 600
    cache.clear()  # run ids come back after a rollback: no progress of an earlier test's run
    with translation.override("en"):
        yield tmp_path


def running_run(*, beat_minutes_ago: float, kind: str = "publications") -> ImportRun:
    """A run left "running", its file stored, its last heartbeat that many minutes ago."""
    beat = timezone.now() - datetime.timedelta(minutes=beat_minutes_ago)
    name = default_storage.save("imports/left.csv", ContentFile(b"series,number\n"))
    return ImportRun.objects.create(
        kind=kind,
        file_name="left.csv",
        stored_name=name,
        status="running",
        started_at=beat,
        heartbeat_at=beat,
        stage="writing",
        done=0,
        total=3000,
    )


def test_a_running_run_without_a_heartbeat_for_longer_than_the_timeout_is_failed_as_interrupted():
    run = running_run(beat_minutes_ago=11)

    assert import_run_progress(run) == {"status": "failed", "stage": "writing", "done": 0, "total": 3000}

    run.refresh_from_db()
    assert (run.status, run.errors) == ("failed", [INTERRUPTED])
    assert run.finished_at is not None
    assert not default_storage.exists(run.stored_name)


def test_a_running_run_within_the_timeout_stays_running():
    run = running_run(beat_minutes_ago=9)

    assert import_run_progress(run)["status"] == "running"
    run.refresh_from_db()
    assert (run.status, run.errors, run.finished_at) == ("running", [], None)
    assert default_storage.exists(run.stored_name)


def test_a_recent_heartbeat_in_the_cache_keeps_a_run_running_when_its_row_could_not_beat():
    run = running_run(beat_minutes_ago=30)  # on SQLite the import holds the write lock: only the cache beats
    cache.set(progress_key(run.pk), {"stage": "writing", "done": 2000, "total": 3000, "heartbeat": timezone.now()})

    assert import_run_progress(run) == {"status": "running", "stage": "writing", "done": 2000, "total": 3000}
    run.refresh_from_db()
    assert run.status == "running"


def test_the_timeout_is_a_setting(settings):
    settings.IDM_IMPORT_HEARTBEAT_TIMEOUT = 60
    run = running_run(beat_minutes_ago=2)

    assert import_run_progress(run)["status"] == "failed"


def test_the_run_page_and_its_progress_say_an_interrupted_run_failed():
    run = running_run(beat_minutes_ago=60)
    client = Client()
    client.force_login(create_staff("pub", PUBLISHER))

    progress = client.get(f"/admin/catalogue/publication/import/run/{run.pk}/progress/").json()
    page = client.get(f"/admin/catalogue/publication/import/run/{run.pk}/").content.decode()

    assert progress["status"] == "failed"
    assert "Nothing was imported:" in page
    assert INTERRUPTED in page
    assert 'id="import-run"' not in page  # nothing left to follow


def test_run_imports_fails_the_interrupted_runs_then_runs_the_queued_ones():
    SeriesFactory()
    dead = running_run(beat_minutes_ago=15)
    alive = running_run(beat_minutes_ago=1)
    name = default_storage.save("imports/new.csv", ContentFile(b"series,number,year,title_en\nidm,40,2024,Forty\n"))
    queued = import_run_create(kind="publications", stored_name=name, file_name="new.csv", valid_only=False, user=None)
    out = io.StringIO()

    call_command("run_imports", stdout=out)

    assert out.getvalue().splitlines() == [
        "1 interrupted run(s) failed: their runner stopped.",
        "new.csv: done {'create': 1, 'update': 0, 'unchanged': 0, 'refuse': 0}",
    ]
    assert dict(ImportRun.objects.values_list("pk", "status")) == {
        dead.pk: "failed",
        alive.pk: "running",
        queued.pk: "done",
    }
    assert Publication.objects.count() == 1


def test_a_run_beats_when_claimed_and_when_it_ends():
    SeriesFactory()
    name = default_storage.save("imports/new.csv", ContentFile(b"series,number,year,title_en\nidm,40,2024,Forty\n"))
    run = import_run_create(kind="publications", stored_name=name, file_name="new.csv", valid_only=False, user=None)
    assert run.heartbeat_at is None

    import_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.started_at <= run.heartbeat_at == run.finished_at


@pytest.mark.django_db(transaction=True)
def test_the_rows_heartbeat_is_written_outside_the_imports_transaction():
    """On PostgreSQL a connection of its own writes it, and a rollback of the import leaves it; on SQLite, whose
    one write lock the import holds, the row does not beat (the cache does)."""
    run = running_run(beat_minutes_ago=30)
    beat = timezone.now()

    with _heartbeat_connection() as heartbeat, pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012
        Publication.objects.update(number=0)  # the import's transaction holds its locks
        if heartbeat is not None:
            _write_heartbeat(heartbeat, run.pk, beat)
        raise RuntimeError("the import is rolled back")

    run.refresh_from_db()
    expected = beat if connection.vendor != "sqlite" else run.started_at
    assert run.heartbeat_at == expected
