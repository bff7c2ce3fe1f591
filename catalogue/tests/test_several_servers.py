"""Several app servers on one PostgreSQL and one Redis: a change made through one is seen through the other at once.

Two gunicorn processes (on 127.0.0.1 and free ports) serve the test database, both with the anonymous page cache
on and Redis (redis-server, started here) as the shared cache; the test commits its rows (transaction=True), so
the servers see them. Everything started here is stopped whatever happens.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import lxml.html
import pytest
import redis
import requests
from django.db import connection

from catalogue.models import Publication
from catalogue.tests.factories import create_idm28, create_staff

REPO = Path(__file__).resolve().parents[2]
HOST = "catalogue.test"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until(check, what: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} stopped:\n{log.read_text()}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not answer within 120 s:\n{log.read_text()}")


@pytest.fixture
def redis_url(tmp_path):
    port = free_port()
    log = tmp_path / "redis.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        wait_until(client.ping, "redis-server", process, log)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)


def database_url() -> str:
    params = connection.get_connection_params()
    user, host, port = params.get("user", ""), params.get("host", "127.0.0.1"), params.get("port", 5432)
    return f"postgres://{user}@{host}:{port}/{connection.settings_dict['NAME']}"


@pytest.fixture
def servers(tmp_path, redis_url):
    """Two gunicorn processes on the test database and one Redis; their base URLs."""
    if connection.vendor != "postgresql":
        pytest.skip("several servers share one PostgreSQL (the SQLite run has no server to share)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "idm.settings_test",
        "DATABASE_URL": database_url(),
        "DJANGO_REDIS_URL": redis_url,
        "DJANGO_PAGE_CACHE": "1",
        "DJANGO_ALLOWED_HOSTS": f"127.0.0.1,{HOST}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("DJANGO_DEBUG", None)
    processes, bases = [], []
    try:
        for number in (1, 2):
            port, log = free_port(), tmp_path / f"gunicorn-{number}.log"
            with log.open("w") as output:
                processes.append(
                    subprocess.Popen(
                        [str(Path(sys.executable).parent / "gunicorn"), "idm.wsgi", f"--bind=127.0.0.1:{port}"],
                        cwd=REPO,
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            base = f"http://127.0.0.1:{port}"
            wait_until(lambda base=base: fetch(base + "/robots.txt")[0] == 200, "gunicorn", processes[-1], log)
            bases.append(base)
        yield bases
    finally:
        for process in processes:
            stop(process)


def fetch(url: str) -> tuple[int, str]:
    # Behind a load balancer every server sees the same host name (part of the page cache's key: pages hold
    # absolute URLs).
    request = urllib.request.Request(url, headers={"Host": HOST})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def edit_series_through_the_admin(base: str, pk: int, name: str) -> None:
    """Log in to the admin of one server and change a series' English name as a browser would: every field of the
    change form sent back as the page gave it, but the name."""
    session = requests.Session()
    login = lxml.html.document_fromstring(session.get(f"{base}/admin/login/").text)
    token = login.xpath('//input[@name="csrfmiddlewaretoken"]/@value')[0]
    credentials = {"username": "admin", "password": "admin", "csrfmiddlewaretoken": token, "next": "/admin/"}
    assert session.post(f"{base}/admin/login/", data=credentials, headers={"Referer": base}).url == f"{base}/admin/"
    url = f"{base}/admin/catalogue/series/{pk}/change/"
    (form,) = lxml.html.document_fromstring(session.get(url).text).xpath('//form[@id="series_form"]')
    data = [(key, value) for key, value in form.form_values() if key != "name_en"] + [("name_en", name), ("_save", "")]
    saved = session.post(url, data=data, headers={"Referer": url})
    assert saved.url == f"{base}/admin/catalogue/series/", saved.text


def test_a_change_through_one_server_is_seen_through_the_other_at_once(servers, redis_url):
    first, second = servers
    publication = create_idm28()
    create_staff("admin", superuser=True)
    page = "/en/publications/idm-28/"
    assert publication.title_en in fetch(first + page)[1]
    # The page the first server kept is in Redis, and the second serves it from there: a row changed behind the
    # models' back (no content version change) does not show through either.
    assert any(key.startswith(b"idm:") for key in redis.Redis.from_url(redis_url).scan_iter())
    Publication.objects.filter(pk=publication.pk).update(title_en="Not through the models")
    assert "Not through the models" not in fetch(second + page)[1]

    edit_series_through_the_admin(first, publication.series_id, "Dialogue renamed in the admin")

    assert ["Dialogue renamed in the admin" in fetch(base + page)[1] for base in (second, first)] == [True, True]
    assert "Not through the models" in fetch(second + page)[1]  # the whole page is new
    assert "Dialogue renamed in the admin" in fetch(second + "/en/series/idm/")[1]
