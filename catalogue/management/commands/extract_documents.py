from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from catalogue.search import edition_process, editions_to_extract


class Command(BaseCommand):
    help = (
        "Extract the text of edition PDFs for search (those left pending because they are large, or never "
        "extracted), and draw their first page as a cover."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Extract every edition PDF again.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database to work on (default: default).")

    def handle(self, *args, **options):
        editions = editions_to_extract(options["database"], everything=options["all"]).order_by("pk")
        states = {}
        for edition in editions.iterator():
            edition_process(edition, using=options["database"], extract=True)
            states[edition.get_text_state_display()] = states.get(edition.get_text_state_display(), 0) + 1
            if options["verbosity"] > 1:
                self.stdout.write(f"{edition}: {edition.get_text_state_display()}")
        summary = ", ".join(f"{label}: {count}" for label, count in sorted(states.items())) or "nothing to extract"
        self.stdout.write(self.style.SUCCESS(f"Edition PDFs: {summary}."))
