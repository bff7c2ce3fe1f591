"""Import runs: an admin import of a large file, run apart from the request that confirmed it, and the preview
before it (a dry run: every row checked, what the import would do kept on the run, nothing written).

The request stores the file and queues an ImportRun; a runner executes it: a thread of the web process
(settings.IDM_IMPORT_RUNNER = "thread", the default: nothing else to deploy) or `manage.py run_imports` on a worker
("worker"). Either claims the run with one conditional UPDATE, so two runners never run the same one.

The import itself is one transaction, so the progress it makes cannot be read from its own rows until it ends:
each step is written to the cache (shared by every server in production), and the run's row holds its status,
its result and its errors once it ends, in the language of the staff member who started it. Staff follow it on
the admin's run page (admin/importing.py) and find every run in the admin's list of import runs
(admin/import_runs.py).

A runner can die with its run: a web process recycled ends its thread, and the run's transaction is rolled back.
So each progress step is also a heartbeat, written outside the import's transaction: into the cache, and into the
run's row (`heartbeat_at`) through a connection of its own — except on SQLite, whose single write lock the
import holds. Wherever runs are read or claimed, a running run whose last heartbeat is older than
settings.IDM_IMPORT_HEARTBEAT_TIMEOUT is failed as interrupted.
"""

import datetime
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalogue.models import ImportRun

from .kinds import KINDS
from .plan import PREVIEW_ROWS
from .tabular import FileError, read_table
from .upsert import ImportRefused

logger = logging.getLogger(__name__)
KEPT_ERRORS = 1000  # the errors a run's row keeps; the count says how many there were
PROGRESS_TIMEOUT = 24 * 3600
RUNNER_THREAD = "import-run-"  # the name of a run's thread, then its id
ROW_HEARTBEAT_EVERY = 10  # seconds between two heartbeats written to the run's row (the cache's: every step)


def progress_key(run_id: int) -> str:
    return f"catalogue:import-run:{run_id}"


def import_run_create(
    *, kind: str, stored_name: str, file_name: str, valid_only: bool, user, dry_run: bool = False
) -> ImportRun:
    """Queue the import (or with `dry_run`, the preview) of the stored file `stored_name` and start it once the
    queuing commits; its messages will be in the active language."""
    run = ImportRun.objects.create(
        kind=kind,
        stored_name=stored_name,
        file_name=file_name,
        valid_only=valid_only,
        dry_run=dry_run,
        language=translation.get_language() or "",
        created_by=user,
    )
    if settings.IDM_IMPORT_RUNNER == "thread":
        thread = threading.Thread(target=_run_in_thread, args=(run.pk,), name=f"{RUNNER_THREAD}{run.pk}", daemon=True)
        transaction.on_commit(thread.start)
    return run


def _run_in_thread(run_id: int) -> None:
    try:
        import_run_execute(run_id=run_id)
    finally:
        close_old_connections()  # the thread's own connection


def import_run_progress(run: ImportRun) -> dict:
    """What the run's page shows: status, stage, records done and in all (from the cache while it runs); a run
    found interrupted is failed first."""
    import_run_interrupt_if_dead(run)
    data = {"status": run.status, "stage": run.stage, "done": run.done, "total": run.total}
    if run.status == ImportRun.RunStatus.RUNNING:
        cached = cache.get(progress_key(run.pk)) or {}
        data.update({key: cached[key] for key in ("stage", "done", "total") if key in cached})
    return data


def _last_heartbeat(run: ImportRun) -> datetime.datetime:
    """The later of the row's heartbeat and the cache's (a run from before heartbeats: when it started)."""
    beats = [run.heartbeat_at or run.started_at or run.created_at]
    cached = cache.get(progress_key(run.pk)) or {}
    if cached.get("heartbeat"):
        beats.append(cached["heartbeat"])
    return max(beats)


def import_run_interrupt_if_dead(run: ImportRun) -> bool:
    """Fail `run` as interrupted if it is running without a heartbeat for longer than the timeout; True if it did.

    The UPDATE is conditional on the heartbeat read, so a run that beat meanwhile is left running; and were a
    slow run failed wrongly, its runner's end still writes what truly came of it.
    """
    limit = timezone.now() - datetime.timedelta(seconds=settings.IDM_IMPORT_HEARTBEAT_TIMEOUT)
    if run.status != ImportRun.RunStatus.RUNNING or _last_heartbeat(run) >= limit:
        return False
    message = _(
        "The import was interrupted: its runner stopped (the server was restarted, for instance) before the end, "
        "and its changes were rolled back. Import the file again: rows already in the catalogue are left as they are."
    )
    try:
        failed = ImportRun.objects.filter(
            pk=run.pk, status=ImportRun.RunStatus.RUNNING, heartbeat_at=run.heartbeat_at
        ).update(status=ImportRun.RunStatus.FAILED, errors=[message], finished_at=timezone.now())
    except DatabaseError:  # SQLite still locked by a live import: it is not dead, then
        logger.warning("Import run %s looks interrupted but could not be marked so", run.pk, exc_info=True)
        return False
    run.refresh_from_db()
    if failed:
        logger.warning("Import run %s failed as interrupted: no heartbeat since %s", run.pk, _last_heartbeat(run))
        cache.delete(progress_key(run.pk))
        default_storage.delete(run.stored_name)
    return bool(failed)


def import_runs_interrupt_dead() -> int:
    """Fail every running run found interrupted; how many."""
    running = ImportRun.objects.filter(status=ImportRun.RunStatus.RUNNING)
    return sum(import_run_interrupt_if_dead(run) for run in running)


@contextmanager
def _heartbeat_connection():
    """A connection of its own for the row's heartbeats, outside the import's transaction; None on SQLite, where
    the import holds the one write lock (the cache's heartbeat serves there)."""
    if connections["default"].vendor == "sqlite":
        yield None
        return
    connection = connections.create_connection("default")
    try:
        yield connection
    finally:
        connection.close()


def _write_heartbeat(connection, run_id: int, now: datetime.datetime) -> None:
    table = connection.ops.quote_name(ImportRun._meta.db_table)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET heartbeat_at = %s WHERE id = %s AND status = %s",
                [now, run_id, ImportRun.RunStatus.RUNNING],
            )
    except DatabaseError:  # a missed heartbeat must not fail the import; the next one may pass
        logger.warning("Import run %s: heartbeat not written", run_id, exc_info=True)


def import_run_execute(*, run_id: int) -> ImportRun | None:
    """Run a queued import to its end, or None when another runner claimed it first."""
    now = timezone.now()
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.RunStatus.QUEUED).update(
        status=ImportRun.RunStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return None
    run = ImportRun.objects.get(pk=run_id)
    with translation.override(run.language or settings.LANGUAGE_CODE), _heartbeat_connection() as connection:
        _execute(run, connection)
    return run


def _execute(run: ImportRun, heartbeat_connection) -> None:
    kind = KINDS[run.kind]
    row_beaten = time.monotonic()

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal row_beaten
        now = timezone.now()
        cache.set(
            progress_key(run.pk), {"stage": stage, "done": done, "total": total, "heartbeat": now}, PROGRESS_TIMEOUT
        )
        run.stage, run.done, run.total = stage, done, total
        if heartbeat_connection is not None and time.monotonic() - row_beaten >= ROW_HEARTBEAT_EVERY:
            _write_heartbeat(heartbeat_connection, run.pk, now)
            run.heartbeat_at, row_beaten = now, time.monotonic()

    try:
        with default_storage.open(run.stored_name, "rb") as handle:
            table = read_table(handle, run.stored_name, kind.layout)
        if run.dry_run:
            result = kind.importer(table=table, dry_run=True, valid_only=True, progress=progress)
        else:
            result = kind.importer(table=table, valid_only=run.valid_only, progress=progress)
    except ImportRefused as refused:  # the catalogue changed since the preview
        _end(run, ImportRun.RunStatus.FAILED, refused.plan.counts(), [str(error) for error in refused.errors])
    except (FileError, OSError) as error:
        _end(run, ImportRun.RunStatus.FAILED, {}, [str(error)])
    except DatabaseError as error:  # e.g. another session wrote the same ISBN meanwhile: nothing was kept
        _end(run, ImportRun.RunStatus.FAILED, {}, [_("The database refused the import: %(error)s") % {"error": error}])
    except Exception:  # a run never stays "running": its page says it failed, the log says why
        logger.exception("Import run %s failed", run.pk)
        _end(run, ImportRun.RunStatus.FAILED, {}, [_("The import failed unexpectedly: nothing was written.")])
    else:
        errors = [str(error) for error in result.plan.errors]
        if run.dry_run:
            rows, hidden = result.plan.preview(PREVIEW_ROWS)
            run.preview = {"rows": [row.as_json() for row in rows], "hidden": hidden, "errors": len(errors)}
        _end(run, ImportRun.RunStatus.DONE, result.counts, errors)


def _end(run: ImportRun, status: str, counts: dict, errors: list[str]) -> None:
    """Record how the run ended; its file is deleted, but a finished preview's, which waits for the confirmation
    (or the admin's clearing of abandoned uploads)."""
    run.status, run.counts, run.errors = status, counts, errors[:KEPT_ERRORS]
    run.finished_at = run.heartbeat_at = timezone.now()
    fields = ["status", "stage", "done", "total", "counts", "errors", "preview", "finished_at", "heartbeat_at"]
    run.save(update_fields=fields)
    cache.delete(progress_key(run.pk))
    if not (run.dry_run and status == ImportRun.RunStatus.DONE):
        default_storage.delete(run.stored_name)


def import_runs_pending() -> list[int]:
    """The queued runs, oldest first."""
    queued = ImportRun.objects.filter(status=ImportRun.RunStatus.QUEUED).order_by("created_at", "pk")
    return list(queued.values_list("pk", flat=True))
