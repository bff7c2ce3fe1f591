"""Run the admin's queued imports (for deployments with DJANGO_IMPORT_RUNNER=worker)."""

import time

from django.core.management.base import BaseCommand

from catalogue.dataio.runs import import_run_execute, import_runs_interrupt_dead, import_runs_pending


class Command(BaseCommand):
    help = (
        "Runs the imports queued in the admin, oldest first, then exits; with --poll SECONDS, keeps looking for new "
        "ones every SECONDS. Runs left running by a runner that died (no heartbeat for "
        "DJANGO_IMPORT_HEARTBEAT_TIMEOUT seconds) are failed as interrupted first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--poll", type=float, default=0, metavar="SECONDS")

    def handle(self, *args, poll, **options):
        while True:
            interrupted = import_runs_interrupt_dead()
            if interrupted and options["verbosity"] >= 1:
                self.stdout.write(f"{interrupted} interrupted run(s) failed: their runner stopped.")
            for run_id in import_runs_pending():
                run = import_run_execute(run_id=run_id)
                if run is not None and options["verbosity"] >= 1:
                    self.stdout.write(f"{run.file_name}: {run.status} {run.counts}")
            if not poll:
                return
            time.sleep(poll)
