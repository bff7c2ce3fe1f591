from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from catalogue.search import rebuild_index


class Command(BaseCommand):
    help = "Remake the full-text search index of publications and workshops from the catalogue."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database to index (default: default).")

    def handle(self, *args, **options):
        count = rebuild_index(using=options["database"])
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} search documents."))
