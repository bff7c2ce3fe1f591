"""`manage.py restore`: an archive of `backup` into an empty database of the same engine, and its media files.

Everything is checked before anything is written: member names and types (regular files under known names
only: no absolute path, no "..", no link), the manifest, the size and sha256 of every member, the engine, and
that the target holds nothing `migrate` does not write by itself. The database is then restored in one step
(SQLite's backup API, or pg_restore in one transaction), the media files written through the storage API, and
the row count of every table compared with the manifest.
"""

import hashlib
import json
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import DatabaseError, load_backend

from catalogue.dataio import databases
from catalogue.dataio.backup import CHUNK, DATABASE_MEMBERS, FORMAT, FORMAT_VERSION, MANIFEST, MEDIA_PREFIX
from catalogue.dataio.databases import BackupError

MANIFEST_SHAPE = {"created_at": str, "database": dict, "migrations": list, "tables": dict, "media": list}
DAMAGED = (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError)


def safe_media_name(member: str) -> str:
    """The storage name of a media member, or an error for anything that could leave MEDIA_ROOT."""
    name = member.removeprefix(MEDIA_PREFIX)
    parts = PurePosixPath(name).parts
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or any(part in ("", ".", "..") for part in name.split("/"))
        or not parts
    ):
        raise BackupError(f"The archive holds an unsafe media name, refused: {member!r}")
    return name


def check_members(members: list[tarfile.TarInfo]) -> None:
    seen = set()
    for member in members:
        if not member.isreg():
            raise BackupError(f"The archive holds a link, folder or device, refused: {member.name!r}")
        if member.name in seen:
            raise BackupError(f"The archive holds {member.name!r} twice, refused.")
        seen.add(member.name)
        if member.name.startswith(MEDIA_PREFIX):
            safe_media_name(member.name)
        elif member.name != MANIFEST and member.name not in DATABASE_MEMBERS.values():
            raise BackupError(f"The archive holds an unexpected member, refused: {member.name!r}")


def read_manifest(archive: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict:
    if MANIFEST not in members:
        raise BackupError("The archive has no manifest.json: it was not written by manage.py backup.")
    manifest = json.loads(archive.extractfile(members[MANIFEST]).read())
    if not isinstance(manifest, dict):
        raise BackupError("manifest.json is not an object: the archive was not written by manage.py backup.")
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Unknown archive format {manifest.get('format')!r} version {manifest.get('format_version')!r}: "
            f"this code reads {FORMAT} version {FORMAT_VERSION}."
        )
    if missing := [key for key, kind in MANIFEST_SHAPE.items() if not isinstance(manifest.get(key), kind)]:
        raise BackupError(f"manifest.json lacks {', '.join(missing)}: the archive is damaged or was altered.")
    expected = {manifest["database"]["member"]} | {MEDIA_PREFIX + entry["name"] for entry in manifest["media"]}
    if set(members) - {MANIFEST} != expected:
        raise BackupError("The archive's members do not match its manifest: it is damaged or was altered.")
    return manifest


def extract_verified(archive, member: tarfile.TarInfo, destination: Path, size: int, sha256: str) -> None:
    """Copy a member to `destination` (a name of ours, never the member's) and check its size and sha256."""
    digest = hashlib.sha256()
    source = archive.extractfile(member)
    with open(destination, "wb") as handle:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            handle.write(chunk)
    if member.size != size or digest.hexdigest() != sha256:
        raise BackupError(f"{member.name} does not match its sha256 in the manifest: the archive is damaged.")


def unpack(path: Path, folder: Path) -> dict:
    """Check the whole archive and extract it into `folder`; return the manifest with local paths added."""
    try:
        with tarfile.open(path, mode="r:*") as archive:
            listed = archive.getmembers()
            check_members(listed)
            members = {member.name: member for member in listed}
            manifest = read_manifest(archive, members)
            database = manifest["database"]
            database["path"] = folder / "database"
            extract_verified(
                archive, members[database["member"]], database["path"], database["size"], database["sha256"]
            )
            for index, entry in enumerate(manifest["media"]):
                safe_media_name(MEDIA_PREFIX + entry["name"])
                entry["path"] = folder / f"media-{index}"
                extract_verified(
                    archive, members[MEDIA_PREFIX + entry["name"]], entry["path"], entry["size"], entry["sha256"]
                )
    except FileNotFoundError as error:
        raise BackupError(f"No archive at {path}.") from error
    except (*DAMAGED, json.JSONDecodeError, KeyError, TypeError) as error:
        raise BackupError(f"{path} is not a readable backup archive ({error}); nothing was restored.") from error
    return manifest


def target_connection(settings_dict):
    """A connection of our own to the target, outside django.db.connections: the site's stay as they are."""
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(settings_dict, alias="restore-target")


def existing_content(connection) -> tuple[dict[str, int], bool]:
    """The target's tables that hold rows `migrate` does not write, and whether it has any table at all."""
    if connection.vendor == "sqlite" and not databases.sqlite_target_path(connection.settings_dict).exists():
        return {}, False
    with connection.cursor() as cursor:
        has_tables = bool(databases.table_names(cursor, connection.vendor))
        return databases.content_rows(cursor, connection.vendor), has_tables


def check_media(manifest: dict, storage: Storage) -> list[dict]:
    """The media files to write: those already in the storage must be identical, else nothing is restored."""
    missing = []
    for entry in manifest["media"]:
        if not storage.exists(entry["name"]):
            missing.append(entry)
            continue
        digest = hashlib.sha256()
        with storage.open(entry["name"], "rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"The media storage already holds a different {entry['name']}: nothing was restored.")
    return missing


def write_media(entries: list[dict], storage: Storage) -> None:
    written = []
    try:
        for entry in entries:
            with open(entry["path"], "rb") as handle:
                name = storage.save(entry["name"], File(handle, name=entry["name"]))
            written.append(name)
            if name != entry["name"]:
                raise BackupError(f"The storage saved {entry['name']} as {name}: a file appeared meanwhile.")
    except BackupError:
        for name in written:
            storage.delete(name)
        raise
    except Exception as error:
        for name in written:
            storage.delete(name)
        raise BackupError(f"Writing the media files failed ({error}); the database is restored, media not.") from error


def migration_notes(manifest: dict) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    archived = {tuple(pair) for pair in manifest["migrations"]}
    notes = []
    if unknown := sorted(archived - known):
        notes.append(
            f"The archive has {len(unknown)} migrations this code does not know (e.g. {unknown[0]}): deploy its code."
        )
    if pending := sorted(known - archived):
        notes.append(f"{len(pending)} migrations of this code are not applied: run manage.py migrate.")
    return notes


def restore_backup(
    path: str,
    *,
    using: str = DEFAULT_DB_ALIAS,
    settings_dict: dict | None = None,
    storage: Storage = default_storage,
    log: Callable[[str], None] = print,
) -> dict:
    """Restore the archive at `path` into the database `using` (or the one `settings_dict` describes) and the
    media storage; refuse, changing nothing, a damaged or unsafe archive, another engine, or a non-empty target."""
    settings_dict = settings_dict or connections[using].settings_dict
    connection = target_connection(settings_dict)
    try:
        with tempfile.TemporaryDirectory(prefix="idm-restore-") as folder:
            log(f"Checking {path}…")
            manifest = unpack(Path(path), Path(folder))
            database = manifest["database"]
            if database["vendor"] != connection.vendor:
                raise BackupError(
                    f"The archive holds a {database['vendor']} database; this site uses {connection.vendor}. "
                    "A restore keeps the engine; to move between engines use export_catalogue and loaddata."
                )
            content, has_tables = existing_content(connection)
            if content:
                listed = ", ".join(f"{name} ({count} rows)" for name, count in sorted(content.items()))
                raise BackupError(
                    f"The target database is not empty: {listed}. Restore into a new, empty database "
                    "(no tables, or only migrated)."
                )
            media = check_media(manifest, storage)
            log(f"Restoring {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows…")
            connection.close()
            if connection.vendor == "sqlite":
                databases.sqlite_restore(database["path"], settings_dict)
            else:
                databases.postgresql_restore(database["path"], connection, source_info=database, clean=has_tables)
            log(f"Writing {len(media)} media files…")
            write_media(media, storage)
        with connection.cursor() as cursor:
            restored = databases.table_rows(cursor, connection.vendor)
    except DatabaseError as error:
        raise BackupError(f"The target database failed: {error}") from error
    finally:
        connection.close()
    if differing := sorted(name for name, rows in manifest["tables"].items() if restored.get(name) != rows):
        raise BackupError(f"Restored, but these tables' row counts differ from the manifest: {', '.join(differing)}")
    for note in migration_notes(manifest):
        log(note)
    media_bytes = sum(entry["size"] for entry in manifest["media"])
    log(
        f"Restored {len(restored)} tables, {sum(restored.values())} rows, {len(manifest['media'])} media files "
        f"({media_bytes} bytes) from a backup of {manifest['created_at']}."
    )
    return manifest
