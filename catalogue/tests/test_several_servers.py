"""Several app servers on one PostgreSQL and one Redis: a change made through one is seen through the other at once.

Two gunicorn processes (on 127.0.0.1 and free ports) serve the test database, both with the anonymous page cache
on and Redis (redis-server, started here) as the shared cache; the test commits its rows (transaction=True), so
the servers see them. Everything started here is stopped whatever happens.
"""

import shutil
import subprocess

import pytest
import redis
from django.db import connection

from catalogue.models import Publication
from catalogue.tests.factories import create_idm28, create_staff
from catalogue.tests.servers import (
    edit_series_through_the_admin,
    fetch,
    free_port,
    site_env,
    start_gunicorn,
    stop,
    wait_until,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


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


@pytest.fixture
def servers(tmp_path, redis_url):
    """Two gunicorn processes on the test database and one Redis; their base URLs."""
    if connection.vendor != "postgresql":
        pytest.skip("several servers share one PostgreSQL (the SQLite run has no server to share)")
    env = site_env(tmp_path, DJANGO_REDIS_URL=redis_url)
    processes, bases = [], []
    try:
        for number in (1, 2):
            process, base = start_gunicorn(env, tmp_path / f"gunicorn-{number}.log")
            processes.append(process)
            bases.append(base)
        yield bases
    finally:
        for process in processes:
            stop(process)


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
