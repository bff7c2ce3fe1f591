"""Demo data goes only into an empty catalogue: `bin/serve` run again never changes what staff edited."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from catalogue.dataio.demo import demo_fixtures, existing_records, load_demo
from catalogue.models import Publication, Topic
from catalogue.tests.factories import TopicFactory

REPO = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_load_demo_fills_an_empty_catalogue_and_then_changes_nothing():
    first = load_demo()

    assert first.loaded is True
    assert [path.name for path in first.fixtures] == [
        "01_topics.json",
        "02_series.json",
        "03_publications.json",
        "04_workshops.json",
    ]
    idm28 = Publication.objects.get(slug="idm-28")
    idm28.title_fr = "Titre revu par le personnel"
    idm28.title_es = "Título que las fixtures no conocen"
    idm28.save()
    counts = existing_records()

    second = load_demo()

    assert second.loaded is False
    assert second.existing == counts
    idm28.refresh_from_db()
    assert (idm28.title_fr, idm28.title_es) == ("Titre revu par le personnel", "Título que las fixtures no conocen")
    assert existing_records() == counts


@pytest.mark.django_db
def test_load_demo_leaves_a_catalogue_with_any_record_alone():
    TopicFactory(slug="staff-topic")

    result = load_demo()

    assert (result.loaded, result.existing) == (False, {"topics": 1})
    assert list(Topic.objects.values_list("slug", flat=True)) == ["staff-topic"]
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_load_demo_command_says_what_it_did(capsys):
    call_command("load_demo")
    call_command("load_demo")

    loaded, skipped = capsys.readouterr().out.strip().splitlines()
    assert loaded == (
        "Demo data loaded into the empty catalogue: " + ", ".join(path.name for path in demo_fixtures()) + "."
    )
    assert skipped.startswith("The catalogue already holds records (1 series, 8 topics, 6 publications, 7 workshops,")
    assert "demo data not loaded, nothing changed." in skipped


# --- bin/serve itself, twice, on a database of its own (SQLite, or a new PostgreSQL database on the test cluster)


@pytest.fixture
def serve_database_url(tmp_path):
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'serve.sqlite3'}"
        return
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    name = f"idm_serve_{uuid.uuid4().hex[:12]}"
    admin = {**params, "dbname": "postgres"}
    with psycopg.connect(**admin, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        user = params.get("user", "")
        host, port = params.get("host", "127.0.0.1"), params.get("port", 5432)
        yield f"postgres://{user}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(**admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_until_it_answers(env: dict) -> str:
    """Run bin/serve until the catalogue answers on its port, then stop it; its output."""
    port = _free_port()
    process = subprocess.Popen(
        ["bin/serve", f"127.0.0.1:{port}"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert process.poll() is None, f"bin/serve stopped:\n{process.stdout.read()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/publications/", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("bin/serve did not answer within 180 s")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    return output


def _manage(env: dict, code: str) -> str:
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "manage.py", "shell", "--verbosity", "0", "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


READ_IDM28 = (
    "import json; from catalogue.models import Publication, Topic; p = Publication.objects.get(slug='idm-28'); "
    "print(json.dumps([p.title_fr, p.title_es, p.summary_en, Publication.objects.count(), Topic.objects.count()]))"
)


def test_bin_serve_run_again_leaves_an_edited_demo_record_unchanged(serve_database_url):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST", "COV_"))} | {
        "DATABASE_URL": serve_database_url,
        "DJANGO_DEBUG": "1",
    }

    first = _serve_until_it_answers(env)
    assert "Demo data loaded into the empty catalogue" in first
    _manage(
        env,
        "from catalogue.models import Publication; p = Publication.objects.get(slug='idm-28'); "
        "p.title_fr = 'Titre revu'; p.title_es = 'Título añadido'; p.summary_en = 'Edited by staff.'; p.save()",
    )

    second = _serve_until_it_answers(env)

    assert "demo data not loaded, nothing changed" in second
    assert json.loads(_manage(env, READ_IDM28)) == ["Titre revu", "Título añadido", "Edited by staff.", 6, 8]
