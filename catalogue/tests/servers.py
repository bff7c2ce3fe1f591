"""Real servers for the tests that need them (gunicorn, a PostgreSQL standby): started on 127.0.0.1
and free ports, each stopped whatever happens, and a client that talks to them as a browser or a balancer would."""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import lxml.html
import psycopg
import pytest
import requests
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
HOST = "catalogue.test"


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


def database_url(*, port: int | None = None) -> str:
    """The URL of the test database (on the server at `port` of the same host: a standby of it)."""
    params = connection.get_connection_params()
    user, host = params.get("user", ""), params.get("host", "127.0.0.1")
    return f"postgres://{user}@{host}:{port or params.get('port', 5432)}/{connection.settings_dict['NAME']}"


def site_env(tmp_path: Path, **extra: str) -> dict:
    """The environment of a gunicorn serving the test database (with the page cache on), answering for HOST."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "idm.settings_test",
        "DATABASE_URL": database_url(),
        "DJANGO_PAGE_CACHE": "1",
        "DJANGO_ALLOWED_HOSTS": f"127.0.0.1,{HOST}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        **extra,
    }


def fetch(url: str) -> tuple[int, str]:
    # Behind a load balancer every server sees the same host name (part of the page cache's key: pages hold
    # absolute URLs).
    request = urllib.request.Request(url, headers={"Host": HOST})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode()


def edit_series_through_the_admin(base: str, pk: int, name: str) -> requests.Response:
    """Log in to the admin of one server and change a series' English name as a browser would: every field of the
    change form sent back as the page gave it, but the name; the page it lands on (the list of series)."""
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
    return saved


def start_gunicorn(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    """A gunicorn process serving the site with `env` (DEBUG off), once it answers; the process and its base URL.
    The caller stops it (stop())."""
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "idm.wsgi", f"--bind=127.0.0.1:{port}"],
            cwd=REPO,
            env={key: value for key, value in env.items() if key != "DJANGO_DEBUG"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: fetch(base + "/robots.txt")[0] == 200, "gunicorn", process, log)
    except BaseException:
        stop(process)
        raise
    return process, base


@contextmanager
def postgres_standby() -> Iterator[str]:
    """A hot standby of the test database's PostgreSQL server, streaming from it (pg_basebackup); the URL of the
    test database on it. Needs the server's programs and the user it runs as, which bin/with-postgres exports."""
    pg_bin, os_user = os.environ.get("IDM_POSTGRES_BIN"), os.environ.get("IDM_POSTGRES_OS_USER")
    if not (pg_bin and os_user):
        pytest.fail(
            "a standby needs IDM_POSTGRES_BIN and IDM_POSTGRES_OS_USER: run the tests through bin/with-postgres"
        )
    run_as = [] if os_user == pwd.getpwuid(os.getuid()).pw_name else ["runuser", "-u", os_user, "--"]
    directory = Path(tempfile.mkdtemp(prefix="idm-standby."))  # in /tmp, which the server's user can reach
    directory.chmod(0o755)
    if run_as:
        shutil.chown(directory, os_user)
    params, port = connection.get_connection_params(), free_port()
    data, log = directory / "data", directory / "server.log"
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={directory} -c fsync=off"
    primary = ["-h", params["host"], "-p", str(params["port"]), "-U", params["user"]]
    copy = ["-D", str(data), "--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast", "--no-sync"]
    commands = [
        [f"{pg_bin}/pg_basebackup", *primary, *copy],
        [f"{pg_bin}/pg_ctl", "-D", str(data), "-l", str(log), "-w", "-o", f"{options} -c hot_standby=on", "start"],
    ]
    try:
        for command in commands:
            done = subprocess.run([*run_as, *command], capture_output=True, text=True, timeout=120)
            if done.returncode:
                server_log = log.read_text() if log.exists() else ""
                pytest.fail(f"{command[0]} failed:\n{done.stdout}{done.stderr}{server_log}")
        yield database_url(port=port)
    finally:
        if data.exists():
            subprocess.run(
                [*run_as, f"{pg_bin}/pg_ctl", "-D", str(data), "-m", "immediate", "stop"], capture_output=True
            )
        shutil.rmtree(directory, ignore_errors=True)


def wait_for_replay(standby_url: str) -> None:
    """Return once the standby has replayed everything the primary (the test's connection) has written so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (written,) = cursor.fetchone()
    deadline = time.monotonic() + 60
    with psycopg.connect(standby_url, autocommit=True) as standby:
        while not standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written]).fetchone()[0]:
            if time.monotonic() > deadline:
                pytest.fail(f"the standby did not replay the primary's WAL up to {written} within 60 s")
            time.sleep(0.05)
