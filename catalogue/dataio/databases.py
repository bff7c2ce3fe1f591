"""The database side of backup and restore: a consistent copy of a live database and its exact restore.

SQLite: Python's online backup API (`sqlite3.Connection.backup`), in one step, so it reads one snapshot while
the site keeps writing (WAL). PostgreSQL: `pg_dump -Fc` in a snapshot exported by our own REPEATABLE READ
transaction (the row counts and migrations of the manifest come from that same snapshot) and `pg_restore` in a
single transaction. Connection settings reach the client programs through the environment (PGPASSWORD…), never
on their command line.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

from django.db import transaction
from django.db.backends.postgresql.client import DatabaseClient

# Rows that hold live credentials, not content: staff log in again after a restore (the archive keeps the table).
EXCLUDED_DATA = ["django_session"]
# Tables `migrate` fills by itself: a target holding rows only in these (and SQLite's FTS5 bookkeeping) is empty.
MIGRATE_FILLED = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group",  # the roles, made by catalogue's migration 0008
    "catalogue_cataloguechange",  # the content version's one row, made by its migration
    "auth_group_permissions",
    "sqlite_sequence",
}
PG_BIN_DIRS = "/usr/lib/postgresql/*/bin"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class Snapshot:
    """What a database dump holds: its tables with their row counts, and its applied migrations."""

    tables: dict[str, int] = field(default_factory=dict)
    migrations: list[list[str]] = field(default_factory=list)
    info: dict[str, str] = field(default_factory=dict)


# --- tables and rows, on any DB-API cursor -------------------------------------------------------------------


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(cursor, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        return [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [row[0] for row in cursor.fetchall()]


def table_rows(cursor, vendor: str) -> dict[str, int]:
    counts = {}
    for name in table_names(cursor, vendor):
        cursor.execute(f"SELECT count(*) FROM {quote(name)}")
        counts[name] = cursor.fetchone()[0]
    return counts


def applied_migrations(cursor, tables) -> list[list[str]]:
    if "django_migrations" not in tables:
        return []
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    return [list(row) for row in cursor.fetchall()]


def fts_shadow_tables(cursor) -> set[str]:
    """SQLite's FTS5 tables and their shadow tables: the search index's own bookkeeping."""
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
    virtual = [row[0] for row in cursor.fetchall()]
    suffixes = ("data", "idx", "content", "docsize", "config")
    return {f"{name}_{suffix}" for name in virtual for suffix in suffixes}


def content_rows(cursor, vendor: str) -> dict[str, int]:
    """Tables holding rows that `migrate` does not write by itself: what makes a database not empty."""
    ignored = MIGRATE_FILLED | (fts_shadow_tables(cursor) if vendor == "sqlite" else set())
    counts = table_rows(cursor, vendor)
    return {name: count for name, count in counts.items() if count and name not in ignored}


# --- SQLite ---------------------------------------------------------------------------------------------------


def sqlite_dump(connection, destination: Path) -> Snapshot:
    """Copy the live database into `destination` (online backup, one step), without session rows."""
    connection.ensure_connection()
    target = sqlite3.connect(destination)
    try:
        connection.connection.backup(target)
        tables = table_names(target.cursor(), "sqlite")
        for name in EXCLUDED_DATA:
            if name in tables:
                target.execute(f"DELETE FROM {quote(name)}")
        target.commit()
        # One self-contained file (no -wal beside it); VACUUM leaves no deleted session data in free pages.
        target.execute("PRAGMA journal_mode=DELETE")
        target.execute("VACUUM")
        cursor = target.cursor()
        counts = table_rows(cursor, "sqlite")
        return Snapshot(
            tables=counts,
            migrations=applied_migrations(cursor, counts),
            info={"sqlite_version": sqlite3.sqlite_version},
        )
    except sqlite3.Error as error:
        raise BackupError(f"The SQLite online backup failed: {error}") from error
    finally:
        target.close()


def sqlite_target_path(settings_dict) -> Path:
    name = str(settings_dict["NAME"])
    if not name or name == ":memory:" or "mode=memory" in name:
        raise BackupError("Restore needs a database file: this SQLite database is in memory.")
    return Path(name)


def sqlite_restore(source: Path, settings_dict) -> None:
    """Write every page of `source` into the target database in one step (the target's schema is replaced)."""
    path = sqlite_target_path(settings_dict)
    path.parent.mkdir(parents=True, exist_ok=True)
    origin = sqlite3.connect(source)
    target = sqlite3.connect(path, timeout=20)
    try:
        origin.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"Restoring the SQLite database into {path} failed: {error}") from error
    finally:
        origin.close()
        target.close()


# --- PostgreSQL -----------------------------------------------------------------------------------------------


def client_version(executable: str) -> int | None:
    """The major version of a PostgreSQL client program (`pg_dump (PostgreSQL) 15.10 …` → 15)."""
    try:
        output = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s+(\d+)", output)
    return int(match.group(1)) if match else None


def find_client(program: str, server_major: int) -> tuple[str, int]:
    """`program` (pg_dump, pg_restore) on PATH or under /usr/lib/postgresql/*/bin, as bin/with-postgres finds the
    server's: one of the server's major version if there is one, else the newest that is not older."""
    candidates = [shutil.which(program), *sorted(glob(f"{PG_BIN_DIRS}/{program}"))]
    found = {}
    for path in filter(None, candidates):
        if os.access(path, os.X_OK) and (major := client_version(path)) is not None:
            found.setdefault(path, major)
    if not found:
        raise BackupError(
            f"{program} was not found on PATH or under {PG_BIN_DIRS}: install the PostgreSQL client programs "
            f"of version {server_major} (Debian: apt-get install postgresql-client-{server_major})."
        )
    usable = [(major == server_major, major, path) for path, major in found.items() if major >= server_major]
    if not usable:
        listed = ", ".join(f"{path} ({major})" for path, major in found.items())
        raise BackupError(
            f"{program} is older than the PostgreSQL {server_major} server and cannot work with it (found: {listed}): "
            f"install postgresql-client-{server_major}."
        )
    _, major, path = max(usable)
    return path, major


def client_env(settings_dict) -> dict[str, str]:
    """The connection settings as libpq environment variables: the password never appears in a command line."""
    _, env = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(env or {})}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def database_argument(settings_dict) -> str:
    return settings_dict.get("NAME") or f"service={settings_dict['OPTIONS'].get('service', '')}"


def run_client(command: list[str], settings_dict, what: str) -> None:
    try:
        result = subprocess.run(command, env=client_env(settings_dict), capture_output=True, text=True)
    except OSError as error:
        raise BackupError(f"{what} could not start: {error}") from error
    if result.returncode != 0:
        raise BackupError(f"{what} failed (exit status {result.returncode}): {result.stderr.strip()}")


def server_major(connection) -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def postgresql_dump(connection, destination: Path) -> Snapshot:
    """`pg_dump -Fc` of the snapshot our own REPEATABLE READ transaction exports: counts and dump agree."""
    major = server_major(connection)
    pg_dump, dump_major = find_client("pg_dump", major)
    if connection.in_atomic_block:
        raise BackupError("A PostgreSQL backup must run outside a transaction.")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        counts = table_rows(cursor, "postgresql")
        migrations = applied_migrations(cursor, counts)
        command = [pg_dump, "--format=custom", f"--snapshot={snapshot_id}", f"--file={destination}"]
        command += [f"--exclude-table-data={name}" for name in EXCLUDED_DATA]
        run_client([*command, database_argument(connection.settings_dict)], connection.settings_dict, "pg_dump")
    for name in EXCLUDED_DATA:
        if name in counts:
            counts[name] = 0
    return Snapshot(
        tables=counts,
        migrations=migrations,
        info={"server_major": str(major), "pg_dump_major": str(dump_major), "pg_dump": pg_dump},
    )


def postgresql_restore(source: Path, connection, *, source_info: dict, clean: bool) -> None:
    """`pg_restore` into the target in one transaction: an error keeps nothing. Objects are owned by the
    restoring role (--no-owner), grants are left to the new machine (--no-privileges)."""
    major = server_major(connection)
    if major < int(source_info.get("server_major", 0)):
        raise BackupError(
            f"The archive comes from PostgreSQL {source_info['server_major']}; this server is PostgreSQL {major}, "
            "older: restore onto a server of the same or a newer version."
        )
    pg_restore, restore_major = find_client("pg_restore", major)
    if restore_major < int(source_info.get("pg_dump_major", 0)):
        raise BackupError(
            f"The archive was written by pg_dump {source_info['pg_dump_major']}; {pg_restore} is version "
            f"{restore_major} and cannot read it: install postgresql-client-{source_info['pg_dump_major']}."
        )
    command = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if clean:  # a migrated, empty database: its tables are dropped and made again from the archive
        command += ["--clean", "--if-exists"]
    settings_dict = connection.settings_dict
    run_client([*command, f"--dbname={database_argument(settings_dict)}", str(source)], settings_dict, "pg_restore")
