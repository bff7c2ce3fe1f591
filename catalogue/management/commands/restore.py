"""Restore an archive of `manage.py backup` into an empty database and the media storage
(catalogue/dataio/restore.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from catalogue.dataio.databases import BackupError
from catalogue.dataio.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Restores an archive of manage.py backup into an empty database of the same engine (no tables, or only "
        "migrated) and writes its media files; a damaged or unsafe archive changes nothing. Output is in English."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Archive written by manage.py backup.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, archive, database, **options):
        try:
            restore_backup(archive, using=database, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
