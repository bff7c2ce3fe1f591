from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from catalogue.search import rebuild_index, rebuild_page_index
from catalogue.search.index import BATCH_SIZE


class Command(BaseCommand):
    help = (
        "Remake the full-text search index of publications and workshops from the catalogue, and of the text of "
        "edition PDFs (extracting what is pending)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database to index (default: default).")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Records built and written at a time (default: {BATCH_SIZE}); memory grows with it.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Worker processes building the documents while this one writes them (default: 1, none); e.g. the "
            "number of cores the server can spare.",
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if options["jobs"] < 1:
            raise CommandError("--jobs must be at least 1.")
        count = rebuild_index(using=options["database"], batch_size=options["batch_size"], jobs=options["jobs"])
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} search documents."))
        pages = rebuild_page_index(using=options["database"])
        self.stdout.write(self.style.SUCCESS(f"Indexed {pages} pages of edition PDFs."))
        # What is pending (large PDFs) or was never extracted (files loaded with loaddata, restored).
        call_command("extract_documents", database=options["database"], stdout=self.stdout, verbosity=0)
