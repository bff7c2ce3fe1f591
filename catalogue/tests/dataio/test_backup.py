"""manage.py backup and restore (catalogue/dataio/backup.py, restore.py, databases.py), on the suite's database:
SQLite, or PostgreSQL under bin/with-postgres. The restore goes into a new empty database (a new file, or a
database made with CREATE DATABASE and dropped afterwards) and every table is compared row by row."""

import copy
import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
import reversion
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection

from catalogue.dataio import databases
from catalogue.dataio.databases import BackupError
from catalogue.dataio.restore import restore_backup, target_connection
from catalogue.editorial import history
from catalogue.models import Edition, Publication
from catalogue.models.covers import renditions
from catalogue.tests.factories import create_idm28, create_staff
from catalogue.tests.upload_files import first_page_files, image_bytes, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)

ACTION_TIME = datetime.datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=datetime.UTC)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def empty_database(tmp_path):
    """The settings of a new, empty database of the suite's engine."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        yield settings_dict
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict["NAME"] = name
    yield settings_dict
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def restored_media(tmp_path):
    return FileSystemStorage(location=tmp_path / "restored-media")


def every_row(cursor, vendor) -> dict[str, list[tuple]]:
    rows = {}
    for name in databases.table_names(cursor, vendor):
        cursor.execute(f"SELECT * FROM {databases.quote(name)}")
        rows[name] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return rows


def target_rows(settings_dict) -> dict[str, list[tuple]]:
    target = target_connection(settings_dict)
    try:
        with target.cursor() as cursor:
            return every_row(cursor, target.vendor)
    finally:
        target.close()


def target_tables(settings_dict) -> list[str]:
    target = target_connection(settings_dict)
    try:
        if target.vendor == "sqlite" and not Path(settings_dict["NAME"]).exists():
            return []
        with target.cursor() as cursor:
            return databases.table_names(cursor, target.vendor)
    finally:
        target.close()


def database_url(settings_dict) -> str:
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    return "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**settings_dict)


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def build_site() -> Publication:
    publication = create_idm28()
    editor = create_staff("eddie", "Editor", languages=["fr"])
    create_staff("pia", "Publisher")
    create_staff("root", superuser=True)
    editor.user_permissions.add(Permission.objects.get(codename="publish_publication"))
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Publication),
        object_id=str(publication.pk),
        object_repr=str(publication),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Title"]}}]',
        action_time=ACTION_TIME,
    )
    history.register_models()
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("Title corrected")
        publication.save()
    publication.cover_image.save("couverture-é.png", ContentFile(image_bytes(size=(200, 300))))
    edition = publication.editions.first()
    edition.file.save("idm-28.pdf", ContentFile(pdf_bytes()))
    session = SessionStore()
    session["staff"] = "eddie"
    session.create()
    return publication


def backup(path: Path) -> dict:
    call_command("backup", output=str(path), stdout=io.StringIO())
    with tarfile.open(path) as archive:
        return json.loads(archive.extractfile("manifest.json").read())


def rewrite(source: Path, destination: Path, change) -> None:
    """Copy an archive member by member; `change(info, data)` returns the member to write (or None to drop it)."""
    with tarfile.open(source) as old, tarfile.open(destination, "w:gz", format=tarfile.PAX_FORMAT) as new:
        for info in old.getmembers():
            data = old.extractfile(info).read()
            changed = change(info, data)
            if changed is not None:
                info, data = changed
                info.size = len(data)
                new.addfile(info, io.BytesIO(data))


def test_round_trip_reproduces_every_row_and_media_file(tmp_path, media_root, empty_database, restored_media):
    build_site()
    archive = tmp_path / "site.tar.gz"
    manifest = backup(archive)

    assert manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["database"]["excluded_data"] == ["django_session"]
    assert ["catalogue", "0008_staff_roles"] in manifest["migrations"]
    assert manifest["tables"]["auth_user"] == 3
    assert manifest["tables"]["django_admin_log"] == 1
    assert manifest["tables"]["reversion_version"] >= 1
    assert manifest["tables"]["catalogue_publication"] == 1
    assert manifest["tables"]["django_session"] == 0
    source_files = files_under(media_root)
    edition = Edition.objects.exclude(file="").get()
    cover = Publication.objects.get().cover_image.name
    # The cover, its smaller rendition, the PDF and its first page drawn in three sizes (models/covers.py).
    stored = {*(rendition.name for rendition in renditions(cover)), edition.file.name, *first_page_files(edition)}
    assert len(stored) == 7
    assert {entry["name"] for entry in manifest["media"]} == set(source_files) == stored
    for entry in manifest["media"]:
        assert entry["size"] == len(source_files[entry["name"]])
        assert entry["sha256"] == hashlib.sha256(source_files[entry["name"]]).hexdigest()
    assert archive.stat().st_mode & 0o077 == 0

    lines = []
    restore_backup(str(archive), settings_dict=empty_database, storage=restored_media, log=lines.append)

    with connection.cursor() as cursor:
        source = every_row(cursor, connection.vendor)
    restored = target_rows(empty_database)
    assert set(restored) == set(source)
    assert source["django_session"] != []
    assert restored.pop("django_session") == []
    source.pop("django_session")
    for table, rows in source.items():
        assert restored[table] == rows, table
    assert files_under(Path(restored_media.location)) == source_files
    assert lines[-1].startswith(f"Restored {len(source) + 1} tables, ")
    assert "7 media files" in lines[-1]

    # Timestamps to the microsecond, through the ORM's own reading of the restored row.
    target = target_connection(empty_database)
    try:
        with target.cursor() as cursor:
            cursor.execute("SELECT action_time FROM django_admin_log")
            value = cursor.fetchone()[0]
            action_time = (
                target.ops.convert_datetimefield_value(value, None, target) if connection.vendor == "sqlite" else value
            )
            assert action_time == ACTION_TIME
            # The next id of every sequence follows the restored rows.
            cursor.execute("INSERT INTO auth_group (name) VALUES ('Archivist') RETURNING id")
            assert cursor.fetchone()[0] == max(row[0] for row in source["auth_group"]) + 1
    finally:
        target.close()

    # A second restore into what is now a full database is refused, naming what is there.
    with pytest.raises(BackupError, match=r"not empty: .*auth_user \(3 rows\)"):
        restore_backup(str(archive), settings_dict=empty_database, storage=restored_media, log=lines.append)
    # The suite's own connection is still in a usable state.
    assert Publication.objects.count() == 1


def test_restore_into_a_migrated_empty_database(tmp_path, media_root, empty_database, restored_media):
    build_site()
    archive = tmp_path / "site.tar.gz"
    manifest = backup(archive)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity=0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "idm.settings_test", "DATABASE_URL": database_url(empty_database)},
        check=True,
    )
    assert "auth_user" in target_tables(empty_database)

    restore_backup(str(archive), settings_dict=empty_database, storage=restored_media, log=lambda line: None)

    restored = target_rows(empty_database)
    assert {table: len(rows) for table, rows in restored.items()} == manifest["tables"]


def test_a_damaged_archive_is_refused_and_nothing_is_written(tmp_path, media_root, empty_database, restored_media):
    cover = build_site().cover_image.name
    archive = tmp_path / "site.tar.gz"
    backup(archive)
    tampered = tmp_path / "tampered.tar.gz"

    def flip_one_byte(info, data):
        if info.name == f"media/{cover}":
            data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
        return info, data

    rewrite(archive, tampered, flip_one_byte)
    with pytest.raises(BackupError, match=f"media/{cover} does not match its sha256"):
        restore_backup(str(tampered), settings_dict=empty_database, storage=restored_media, log=lambda line: None)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(BackupError, match=r"is not a readable backup archive"):
        restore_backup(str(truncated), settings_dict=empty_database, storage=restored_media, log=lambda line: None)

    assert target_tables(empty_database) == []
    assert not Path(restored_media.location).exists()


def crafted_archive(path: Path, member: tarfile.TarInfo, data: bytes = b"") -> None:
    """An archive with a real-looking manifest and database member, plus one crafted member."""
    database_member = "database/sqlite3.db" if connection.vendor == "sqlite" else "database/postgresql.dump"
    manifest = {
        "format": "idm-catalogue-backup",
        "format_version": 1,
        "created_at": "2026-01-01T00:00:00+00:00",
        "database": {
            "vendor": connection.vendor,
            "member": database_member,
            "size": 0,
            "sha256": hashlib.sha256().hexdigest(),
        },
        "migrations": [],
        "tables": {},
        "media": [
            {"name": member.name.removeprefix("media/"), "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        ],
    }
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        archive.addfile(tarfile.TarInfo(database_member), io.BytesIO(b""))
        member.size = len(data) if member.isreg() else 0
        archive.addfile(member, io.BytesIO(data) if member.isreg() else None)
        encoded = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(encoded)
        archive.addfile(info, io.BytesIO(encoded))


def link(name: str, kind: bytes, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (tarfile.TarInfo("media/../../escape.txt"), "unsafe media name"),
        (tarfile.TarInfo("media/covers/../../../escape.txt"), "unsafe media name"),
        (tarfile.TarInfo("media//tmp/escape.txt"), "unsafe media name"),
        (tarfile.TarInfo("../escape.txt"), "unexpected member"),
        (tarfile.TarInfo("/tmp/escape.txt"), "unexpected member"),
        (link("media/escape.txt", tarfile.SYMTYPE, "../../escape.txt"), "link, folder or device"),
        (link("media/escape.txt", tarfile.LNKTYPE, "/etc/passwd"), "link, folder or device"),
    ],
)
def test_an_archive_writing_outside_media_root_is_refused(tmp_path, empty_database, restored_media, member, message):
    archive = tmp_path / "archive" / "crafted.tar.gz"
    archive.parent.mkdir()
    crafted_archive(archive, member, b"owned")

    with pytest.raises(BackupError, match=message):
        restore_backup(str(archive), settings_dict=empty_database, storage=restored_media, log=lambda line: None)

    assert [path for path in tmp_path.rglob("*") if path.name == "escape.txt"] == []
    assert not Path(restored_media.location).exists()
    assert target_tables(empty_database) == []


def test_an_archive_of_another_engine_is_refused(tmp_path, media_root, empty_database, restored_media):
    archive = tmp_path / "site.tar.gz"
    backup(archive)
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    members = {"sqlite": "database/sqlite3.db", "postgresql": "database/postgresql.dump"}
    moved = tmp_path / "other.tar.gz"

    def as_other_engine(info, data):
        if info.name == "manifest.json":
            manifest = json.loads(data)
            manifest["database"].update(vendor=other, member=members[other])
            data = json.dumps(manifest).encode()
        elif info.name.startswith("database/"):
            info.name = members[other]
        return info, data

    rewrite(archive, moved, as_other_engine)
    with pytest.raises(BackupError, match=f"holds a {other} database; this site uses {connection.vendor}"):
        restore_backup(str(moved), settings_dict=empty_database, storage=restored_media, log=lambda line: None)
    assert target_tables(empty_database) == []


def test_commands_fail_with_a_command_error(tmp_path):
    with pytest.raises(CommandError, match=r"No archive at .*missing\.tar\.gz"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), stdout=io.StringIO())
    with pytest.raises(CommandError, match=r"The folder .*nowhere does not exist"):
        call_command("backup", output=str(tmp_path / "nowhere" / "site.tar.gz"), stdout=io.StringIO())


def test_postgresql_client_missing_or_too_old_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(databases, "PG_BIN_DIRS", str(tmp_path / "none" / "*"))
    with pytest.raises(BackupError, match=r"pg_dump was not found on PATH or under .*postgresql-client-15"):
        databases.find_client("pg_dump", 15)

    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.4'\n")
    old.chmod(0o755)
    with pytest.raises(BackupError, match=r"pg_dump is older than the PostgreSQL 15 server .*\(13\)"):
        databases.find_client("pg_dump", 15)
    assert databases.find_client("pg_dump", 13) == (str(old), 13)


def test_postgresql_password_goes_through_the_environment_never_the_command_line(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(
        databases.subprocess,
        "run",
        lambda command, **kwargs: calls.append((command, kwargs["env"])) or subprocess.CompletedProcess(command, 0),
    )
    settings_dict = {
        "NAME": "idm",
        "USER": "idm",
        "PASSWORD": "s3cret-pass",
        "HOST": "db.internal",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require"},
    }
    databases.run_client(["pg_restore", "--dbname=idm", str(tmp_path / "x.dump")], settings_dict, "pg_restore")

    [(command, env)] = calls
    assert not any("s3cret" in argument for argument in command)
    assert (env["PGPASSWORD"], env["PGUSER"], env["PGHOST"], env["PGPORT"], env["PGSSLMODE"]) == (
        "s3cret-pass",
        "idm",
        "db.internal",
        "5433",
        "require",
    )


def test_an_archive_that_does_not_match_its_manifest_is_refused(tmp_path, media_root, empty_database, restored_media):
    (media_root / "covers").mkdir(parents=True)
    (media_root / "covers" / "a.png").write_bytes(b"cover")
    archive = tmp_path / "site.tar.gz"
    backup(archive)

    def without_tables(info, data):
        if info.name == "manifest.json":
            manifest = json.loads(data)
            del manifest["tables"]
            data = json.dumps(manifest).encode()
        return info, data

    def without_media(info, data):
        return None if info.name.startswith("media/") else (info, data)

    for change, message in [
        (without_tables, "manifest.json lacks tables"),
        (without_media, "members do not match its manifest"),
    ]:
        altered = tmp_path / f"{change.__name__}.tar.gz"
        rewrite(archive, altered, change)
        with pytest.raises(BackupError, match=message):
            restore_backup(str(altered), settings_dict=empty_database, storage=restored_media, log=lambda line: None)
    assert target_tables(empty_database) == []
    assert not Path(restored_media.location).exists()
