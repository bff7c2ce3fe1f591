from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from catalogue.search import rebuild_vocabulary


class Command(BaseCommand):
    help = 'Remake the vocabulary of the search index ("did you mean") from the public publications\' documents.'

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database to rebuild (default: default).")

    def handle(self, *args, **options):
        count = rebuild_vocabulary(using=options["database"])
        self.stdout.write(self.style.SUCCESS(f"The vocabulary holds {count} words."))
