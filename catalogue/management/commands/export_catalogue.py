"""Export the catalogue as a fixture that `loaddata` reads back: natural keys, translations per language."""

from django.core.management.base import BaseCommand

from catalogue.dataio.export import catalogue_export_json


class Command(BaseCommand):
    help = "Writes every catalogue record as pretty-printed JSON with natural keys (stdout or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write; standard output when absent.")

    def handle(self, *args, output=None, **options):
        catalogue_export_json(output=output, stdout=self.stdout, verbosity=options["verbosity"])
