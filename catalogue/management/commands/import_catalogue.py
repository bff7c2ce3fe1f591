"""Import publications with their editions (or, with --workshops, workshops with their agendas) from a CSV, XLSX
or JSON file in the template's columns."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from catalogue.dataio.kinds import KINDS
from catalogue.dataio.tabular import FileError, read_table
from catalogue.dataio.upsert import ImportRefused

SHOWN_ERRORS = 50
BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Imports publications and their editions from FILE (.csv, .xlsx or .json, one row per edition, the columns "
        "of the template), creating or updating them by series and number and by ISBN, in one transaction. With --workshops: workshops and their agendas (one row per agenda item), found by uuid, "
        "else slug."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change, row by row; write nothing.")
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Import the valid rows' publications and leave out those with a refused row.",
        )
        parser.add_argument(
            "--workshops",
            action="store_const",
            const="workshops",
            default="publications",
            dest="kind",
            help="FILE holds workshops with their agendas, in the workshops' template.",
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, file, dry_run, valid_only, database, kind, **options):
        self.verbosity = options["verbosity"]
        self.kind, self.records = KINDS[kind], kind
        try:
            with open(file, "rb") as handle:
                table = read_table(handle, file, self.kind.layout)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except FileError as error:
            raise CommandError(f"{file}: {error}") from None
        try:
            result = self.kind.importer(
                table=table, valid_only=valid_only, dry_run=dry_run, using=database, progress=self.progress
            )
        except ImportRefused as refused:
            self.end_progress()
            raise CommandError(self.refusal(file, refused.errors)) from None
        except DatabaseError as error:  # e.g. another session wrote the same ISBN meanwhile: nothing was kept
            self.end_progress()
            raise CommandError(f"{file}: nothing imported, the database refused it: {error}") from None
        self.end_progress()
        plan = result.plan
        if dry_run and self.verbosity >= 1:
            for row in plan.rows():
                changes = f" ({', '.join(row.changes)})" if row.changes and row.action == "update" else ""
                self.stdout.write(f"Row {row.row}: {row.action}{changes} {row.record}".rstrip())
                for error in row.errors:
                    self.stdout.write(f"  {error}")
        counts = result.counts
        summary = (
            f"{counts['create']:,} {self.records} to create, {counts['update']:,} to update, "
            f"{counts['unchanged']:,} unchanged, {counts['refuse']:,} refused"
        )
        if dry_run:
            self.stdout.write(f"{summary}. Dry run: nothing written.")
            return
        for error in plan.errors[:SHOWN_ERRORS]:
            self.stderr.write(f"Left out: {error}")
        self.stdout.write(self.style.SUCCESS(summary.replace("to create", "created").replace("to update", "updated")))

    def refusal(self, file: str, errors) -> str:
        lines = [f"{file}: nothing imported, {len(errors):,} refused rows:"]
        lines += [f"  {error}" for error in errors[:SHOWN_ERRORS]]
        if len(errors) > SHOWN_ERRORS:
            lines.append(f"  … and {len(errors) - SHOWN_ERRORS:,} more.")
        lines.append("Fix them and import again, or import only the valid rows with --valid-only.")
        return "\n".join(lines)

    def progress(self, stage: str, done: int, total: int) -> None:
        if self.verbosity < 1 or not total:
            return
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stderr.write(f"\r{stage:>8} [{bar}] {done:,}/{total:,} {self.records}", ending="")
        self.stderr.flush()
        self._progress_shown = True

    def end_progress(self) -> None:
        if getattr(self, "_progress_shown", False):
            self.stderr.write("")
            self._progress_shown = False
