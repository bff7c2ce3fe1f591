"""Load the demo data (fixtures/*.json) into an empty catalogue; leave a catalogue with any record untouched."""

from django.core.management.base import BaseCommand

from catalogue.dataio.demo import load_demo


class Command(BaseCommand):
    help = "Loads the demo data (fixtures/*.json) only if the catalogue is empty; never changes existing records."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="Database alias (default: default).")

    def handle(self, *args, database, **options):
        result = load_demo(using=database)
        names = ", ".join(path.name for path in result.fixtures) or "none"
        if result.loaded:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded into the empty catalogue: {names}."))
        elif result.existing:
            held = ", ".join(f"{count} {name}" for name, count in result.existing.items())
            self.stdout.write(
                f"The catalogue already holds records ({held}): demo data not loaded, nothing changed. "
                "To start again from the demo data, delete the database (var/db.sqlite3 on SQLite) and run bin/serve."
            )
        else:
            self.stdout.write("No demo fixtures found in fixtures/: nothing loaded.")
