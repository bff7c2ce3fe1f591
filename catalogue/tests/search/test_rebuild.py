"""Rebuilding the whole index: streamed in batches, with the same documents, FTS rows and vocabulary at any batch
size, and all or nothing."""

import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from catalogue.models import Publication, SearchDocument, SearchWord, Workshop
from catalogue.search import index, rebuild_index
from catalogue.search.schema import FTS_TABLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    """The demo catalogue: publications with editions, contents, topics and series; workshops with agendas."""
    fixtures = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)
    # More than one batch of 3 of each.
    assert Publication.objects.count() > 3
    assert Workshop.objects.count() > 3


def index_state() -> tuple[list, list, list]:
    """Every document (but its id), every FTS row (SQLite) and every word of the vocabulary, in a stable order."""
    fields = [field.attname for field in SearchDocument._meta.concrete_fields if field.attname != "id"]
    documents = sorted(SearchDocument.objects.values_list(*fields))
    fts = []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid, * FROM {FTS_TABLE} ORDER BY rowid")
            fts = cursor.fetchall()
    words = sorted(SearchWord.objects.values_list("word", "language", "spelling", "document_count"))
    return documents, fts, words


def test_a_rebuild_in_batches_of_three_gives_what_a_rebuild_in_one_batch_gives(demo):
    count = Publication.objects.count() + Workshop.objects.count()
    assert rebuild_index(batch_size=3) == count
    in_batches = index_state()
    assert rebuild_index(batch_size=10_000) == count
    assert index_state() == in_batches
    documents, fts, words = in_batches
    assert len(documents) == count
    assert len(fts) == (count if connection.vendor == "sqlite" else 0)
    assert ("partenariats", "fr", "partenariats") in {word[:3] for word in words}


def test_a_rebuild_gives_the_index_the_writer_kept(demo):
    kept = index_state()
    rebuild_index(batch_size=3)
    assert index_state() == kept


def test_a_rebuild_flushing_the_vocabulary_often_gives_the_same_vocabulary(demo, monkeypatch):
    rebuild_index()
    kept = index_state()
    monkeypatch.setattr(index, "VOCABULARY_FLUSH", 10)  # written after nearly every batch
    rebuild_index(batch_size=2)
    assert index_state() == kept


def test_a_rebuild_that_fails_part_way_leaves_the_index_as_it_was(demo, monkeypatch):
    kept = index_state()
    build = index.BUILDERS[SearchDocument.Kind.WORKSHOP][1]

    def failing(workshops):  # the publications' batches are written, then the workshops' first batch fails
        yield from build(workshops)
        raise RuntimeError("disk full")

    monkeypatch.setitem(index.BUILDERS, SearchDocument.Kind.WORKSHOP, (Workshop, failing))
    with pytest.raises(RuntimeError, match="disk full"):
        rebuild_index(batch_size=3)
    assert index_state() == kept


def test_rebuild_search_index_command_takes_a_batch_size(demo):
    kept = index_state()
    output = StringIO()
    call_command("rebuild_search_index", batch_size=2, stdout=output)
    count = Publication.objects.count() + Workshop.objects.count()
    assert output.getvalue().startswith(f"Indexed {count} search documents.\n")
    assert index_state() == kept


def test_rebuild_search_index_command_refuses_a_batch_size_below_one():
    with pytest.raises(CommandError, match=r"^--batch-size must be at least 1\.$"):
        call_command("rebuild_search_index", batch_size=0)


def test_rebuild_search_index_command_refuses_jobs_below_one():
    with pytest.raises(CommandError, match=r"^--jobs must be at least 1\.$"):
        call_command("rebuild_search_index", jobs=0)


def test_a_rebuild_asked_for_workers_inside_a_transaction_builds_here(demo):
    kept = index_state()  # the test's transaction holds the catalogue: worker processes could not read it

    assert rebuild_index(batch_size=3, jobs=3) == Publication.objects.count() + Workshop.objects.count()

    assert index_state() == kept


# Worker processes (--jobs): they read the catalogue through connections of their own, so its rows must be committed
# and in a database other processes can open: a PostgreSQL test database with committed rows, or a SQLite file.


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test database is in memory: the next test")
def test_a_rebuild_by_worker_processes_gives_what_one_process_gives_on_postgresql():
    fixtures = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)
    count = Publication.objects.count() + Workshop.objects.count()
    assert rebuild_index(batch_size=3) == count
    alone = index_state()

    assert rebuild_index(batch_size=3, jobs=3) == count

    assert index_state() == alone
    assert len(alone[0]) == count


def test_a_rebuild_by_worker_processes_gives_what_one_process_gives_on_a_sqlite_file(tmp_path):
    database = tmp_path / "catalogue.sqlite3"
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SECRET_KEY": "s" * 50,
        "DJANGO_SETTINGS_MODULE": "idm.settings",
    }

    def manage(*arguments: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    def state() -> tuple[list, list, list]:
        with sqlite3.connect(database) as db:
            return tuple(
                db.execute(sql).fetchall()
                for sql in (
                    "SELECT kind, object_id, identifiers, public, title_en, body_en, title_fr, body_fr, title_es, "
                    "body_es FROM catalogue_searchdocument ORDER BY kind, object_id",
                    f"SELECT rowid, * FROM {FTS_TABLE} ORDER BY rowid",
                    "SELECT word, language, spelling, document_count FROM catalogue_searchword ORDER BY 1, 2",
                )
            )

    manage("migrate", "--verbosity=0")
    manage("generate_catalogue", "--publications=40", "--verbosity=0")
    assert manage("rebuild_search_index", "--batch-size=7").startswith("Indexed 60 search documents.\n")
    alone = state()

    assert manage("rebuild_search_index", "--batch-size=7", "--jobs=3").startswith("Indexed 60 search documents.\n")

    assert state() == alone
    assert [len(rows) for rows in alone[:2]] == [60, 60]
    assert len(alone[2]) > 1000
