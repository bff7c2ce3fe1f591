"""Import runs: an admin import of a large file, run apart from the request that confirmed it.

The request stores the file and queues an ImportRun; a runner executes it: a thread of the web process
(settings.IDM_IMPORT_RUNNER = "thread", the default: nothing else to deploy) or `manage.py run_imports` on a worker
("worker"). Either claims the run with one conditional UPDATE, so two runners never run the same one.

The import itself is one transaction, so the progress it makes cannot be read from its own rows until it ends:
each step is written to the cache (shared by every server in production), and the run's row holds its status,
its result and its errors once it ends. Staff follow it on the admin's run page (admin/import_runs.py).
"""

import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import ImportRun

from .kinds import KINDS
from .tabular import FileError, read_table
from .upsert import ImportRefused

logger = logging.getLogger(__name__)
KEPT_ERRORS = 1000  # the errors a run's row keeps; the count says how many there were
PROGRESS_TIMEOUT = 24 * 3600


def progress_key(run_id: int) -> str:
    return f"catalogue:import-run:{run_id}"


def import_run_create(*, kind: str, stored_name: str, file_name: str, valid_only: bool, user) -> ImportRun:
    """Queue the import of the stored file `stored_name` and start it once the queuing commits."""
    run = ImportRun.objects.create(
        kind=kind, stored_name=stored_name, file_name=file_name, valid_only=valid_only, created_by=user
    )
    if settings.IDM_IMPORT_RUNNER == "thread":
        transaction.on_commit(lambda: threading.Thread(target=_run_in_thread, args=(run.pk,), daemon=True).start())
    return run


def _run_in_thread(run_id: int) -> None:
    try:
        import_run_execute(run_id=run_id)
    finally:
        close_old_connections()  # the thread's own connection


def import_run_progress(run: ImportRun) -> dict:
    """What the run's page shows: status, stage, records done and in all (from the cache while it runs)."""
    data = {"status": run.status, "stage": run.stage, "done": run.done, "total": run.total}
    if run.status == ImportRun.RunStatus.RUNNING:
        data.update(cache.get(progress_key(run.pk)) or {})
    return data


def import_run_execute(*, run_id: int) -> ImportRun | None:
    """Run a queued import to its end, or None when another runner claimed it first."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.RunStatus.QUEUED).update(
        status=ImportRun.RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = ImportRun.objects.get(pk=run_id)
    kind = KINDS[run.kind]

    def progress(stage: str, done: int, total: int) -> None:
        cache.set(progress_key(run.pk), {"stage": stage, "done": done, "total": total}, PROGRESS_TIMEOUT)
        run.stage, run.done, run.total = stage, done, total

    try:
        with default_storage.open(run.stored_name, "rb") as handle:
            table = read_table(handle, run.stored_name, kind.layout)
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
        _end(run, ImportRun.RunStatus.DONE, result.counts, [str(error) for error in result.plan.errors])
    return run


def _end(run: ImportRun, status: str, counts: dict, errors: list[str]) -> None:
    run.status, run.counts, run.errors = status, counts, errors[:KEPT_ERRORS]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "stage", "done", "total", "counts", "errors", "finished_at"])
    cache.delete(progress_key(run.pk))
    default_storage.delete(run.stored_name)


def import_runs_pending() -> list[int]:
    """The queued runs, oldest first."""
    queued = ImportRun.objects.filter(status=ImportRun.RunStatus.QUEUED).order_by("created_at", "pk")
    return list(queued.values_list("pk", flat=True))
