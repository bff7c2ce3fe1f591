"""Export the catalogue as a fixture that `loaddata` reads back: natural keys, translations per language."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Derived data: the search index is rebuilt from the catalogue when the fixture is loaded.
EXCLUDED = ["catalogue.SearchDocument"]


class Command(BaseCommand):
    help = "Writes every catalogue record as pretty-printed JSON with natural keys (stdout or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write; standard output when absent.")

    def handle(self, *args, output=None, **options):
        call_command(
            "dumpdata",
            "catalogue",
            exclude=EXCLUDED,
            natural_foreign=True,
            natural_primary=True,
            indent=2,
            output=output,
            stdout=self.stdout,
            verbosity=options["verbosity"],
        )
