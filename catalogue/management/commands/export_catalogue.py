"""Export the catalogue: a natural-key fixture `loaddata` reads back (JSON), or the spreadsheet layout
`import_catalogue` reads back (CSV, XLSX)."""

from django.core.management.base import BaseCommand, CommandError

from catalogue.dataio.export import catalogue_export
from catalogue.dataio.workshop_rows import workshops_export_table
from catalogue.models import Workshop


class Command(BaseCommand):
    help = (
        "Writes the catalogue as JSON with natural keys (the default; stdout or --output FILE), or as CSV or XLSX "
        "in the columns import_catalogue reads (--output FILE); with --workshops, the workshops and their agendas in "
        "the columns of import_catalogue --workshops."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write; standard output when absent (JSON only).")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json", dest="kind")
        parser.add_argument(
            "--workshops",
            action="store_true",
            help="Write the workshops with their agendas in the columns of import_catalogue --workshops (any format).",
        )

    def handle(self, *args, output=None, kind="json", workshops=False, **options):
        if (kind != "json" or workshops) and not output:
            raise CommandError(f"--format {kind} writes a file: give it with --output FILE.")
        try:
            if workshops:
                with open(output, "wb") as handle:
                    workshops_export_table(workshops=Workshop.objects.all(), kind=kind, handle=handle)
                return
            catalogue_export(kind=kind, output=output, stdout=self.stdout, verbosity=options["verbosity"])
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
