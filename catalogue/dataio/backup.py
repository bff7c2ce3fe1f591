"""`manage.py backup`: one .tar.gz archive of the whole database and every media file, with a manifest.

Archive members (all regular files):
    database/sqlite3.db or database/postgresql.dump   the whole database (every table of every app)
    media/<name>                                       each file of the default storage, under its storage name
    manifest.json                                      last: what the archive holds, with sizes and sha256

Media files are read through the storage API (`STORAGES["default"]`), not the MEDIA_ROOT directory: the names
are those the FileFields hold, and another storage backend with `listdir` works unchanged.
"""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import django
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from catalogue.dataio import databases
from catalogue.dataio.databases import BackupError

FORMAT = "idm-catalogue-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"sqlite": "database/sqlite3.db", "postgresql": "database/postgresql.dump"}
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_names(storage: Storage, folder: str = "") -> list[str]:
    """Every file of the storage, recursively, as storage names (forward slashes)."""
    if folder == "" and not storage.exists(""):
        return []
    directories, files = storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for directory in directories:
        names += media_names(storage, f"{folder}{directory}/")
    return sorted(names)


class HashingReader(io.RawIOBase):
    """Reads at most `size` bytes of a file into the archive and hashes exactly what was written."""

    def __init__(self, handle, size: int):
        self.handle, self.left, self.digest = handle, size, hashlib.sha256()

    def read(self, size=-1):
        size = self.left if size is None or size < 0 else min(size, self.left)
        data = self.handle.read(size)
        self.left -= len(data)
        self.digest.update(data)
        return data


def add_media(archive: tarfile.TarFile, storage: Storage, log: Callable[[str], None]) -> list[dict]:
    entries = []
    for name in media_names(storage):
        try:
            with storage.open(name, "rb") as handle:
                size = storage.size(name)
                member = tarfile.TarInfo(MEDIA_PREFIX + name)
                member.size, member.mtime, member.mode = (
                    size,
                    int(datetime.datetime.now(datetime.UTC).timestamp()),
                    0o644,
                )
                reader = HashingReader(handle, size)
                archive.addfile(member, reader)
        except FileNotFoundError:
            log(f"  skipped {name}: deleted while the backup ran")
            continue
        except OSError as error:
            raise BackupError(f"Reading the media file {name} failed: {error}") from error
        entries.append({"name": name, "size": size, "sha256": reader.digest.hexdigest()})
    return entries


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    member = tarfile.TarInfo(name)
    member.size, member.mtime, member.mode = len(data), int(datetime.datetime.now(datetime.UTC).timestamp()), 0o644
    archive.addfile(member, io.BytesIO(data))


def dump_database(connection, folder: Path) -> tuple[Path, databases.Snapshot]:
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backup supports SQLite and PostgreSQL, not {vendor}.")
    path = folder / Path(DATABASE_MEMBERS[vendor]).name
    dump = databases.sqlite_dump if vendor == "sqlite" else databases.postgresql_dump
    return path, dump(connection, path)


def write_archive(output: Path, connection, dump_path: Path, snapshot, storage: Storage, log, created_at: str) -> dict:
    """The archive, written to a temporary file beside `output` (mode 0600: password hashes are inside) and
    renamed to `output` once complete; its manifest goes last, with the sha256 of what was written."""
    descriptor, partial = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    try:
        with (
            open(descriptor, "wb") as handle,
            tarfile.open(fileobj=handle, mode="w:gz", format=tarfile.PAX_FORMAT) as archive,
        ):
            member = DATABASE_MEMBERS[connection.vendor]
            archive.add(dump_path, arcname=member, recursive=False)
            log("Adding the media files…")
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": created_at,
                "django_version": django.get_version(),
                "database": {
                    "vendor": connection.vendor,
                    "engine": connection.settings_dict["ENGINE"],
                    "member": member,
                    "size": dump_path.stat().st_size,
                    "sha256": sha256_of(dump_path),
                    "excluded_data": databases.EXCLUDED_DATA,
                    **snapshot.info,
                },
                "migrations": snapshot.migrations,
                "tables": snapshot.tables,
                "media": add_media(archive, storage, log),
            }
            add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return manifest


def create_backup(
    output: str | os.PathLike,
    *,
    using: str = DEFAULT_DB_ALIAS,
    storage: Storage = default_storage,
    log: Callable[[str], None] = print,
) -> dict:
    """Write the archive to `output` and return its manifest. The database is copied first, then the media
    files are read (see README: Backup and restore)."""
    output = Path(output)
    connection = connections[using]
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    created_at = datetime.datetime.now(datetime.UTC).isoformat()
    try:
        with tempfile.TemporaryDirectory(prefix="idm-backup-") as folder:
            log(f"Copying the {connection.vendor} database…")
            dump_path, snapshot = dump_database(connection, Path(folder))
            log(f"  {len(snapshot.tables)} tables, {sum(snapshot.tables.values())} rows")
            manifest = write_archive(output, connection, dump_path, snapshot, storage, log, created_at)
    except DatabaseError as error:
        raise BackupError(f"The database failed during the backup: {error}") from error
    except OSError as error:
        raise BackupError(f"Writing {output} failed: {error}") from error
    media = manifest["media"]
    log(
        f"Wrote {output}: {len(snapshot.tables)} tables, {sum(snapshot.tables.values())} rows, "
        f"{len(media)} media files ({sum(entry['size'] for entry in media)} bytes), "
        f"archive {output.stat().st_size} bytes."
    )
    return manifest
