"""Export the catalogue: a natural-key fixture `loaddata` reads back (JSON), or the spreadsheet layout
`import_catalogue` reads back (CSV, XLSX)."""

from django.core.management.base import BaseCommand, CommandError

from catalogue.dataio.export import catalogue_export


class Command(BaseCommand):
    help = (
        "Writes the catalogue as JSON with natural keys (the default; stdout or --output FILE), or as CSV or XLSX "
        "in the columns import_catalogue reads (--output FILE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write; standard output when absent (JSON only).")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json", dest="kind")

    def handle(self, *args, output=None, kind="json", **options):
        if kind != "json" and not output:
            raise CommandError(f"--format {kind} writes a file: give it with --output FILE.")
        try:
            catalogue_export(kind=kind, output=output, stdout=self.stdout, verbosity=options["verbosity"])
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
