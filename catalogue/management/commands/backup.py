"""Back up the whole database and every media file into one archive (catalogue/dataio/backup.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from catalogue.dataio.backup import create_backup
from catalogue.dataio.databases import BackupError


class Command(BaseCommand):
    help = (
        "Writes one .tar.gz archive holding every table of the database (sessions' rows excepted), every media "
        "file and a manifest, consistent while the site runs. Output is in English, for operators."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", required=True, help="Archive to write, e.g. backups/idm-2026-12-03.tar.gz."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, output, database, **options):
        try:
            create_backup(output, using=database, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
