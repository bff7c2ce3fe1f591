"""Page cache benchmark: throughput of each public page type, cached and uncached, as a share of a floor view.

Loads the demo data into a throw-away SQLite file (or into the empty database DATABASE_URL names), starts gunicorn
with production settings on 127.0.0.1 and a free port twice (anonymous page cache on, then off), stops it whatever
happens, and for each URL measures requests per second over keep-alive connections, then the same for a trivial
Django view returning a body of the same size through the same middleware (the floor), in the same run. Prints
one table: req/s cached, uncached and floor, and the shares.

    .venv/bin/python benchmarks/bench_cache.py [--duration 3] [--clients 4]
    bin/with-postgres .venv/bin/python benchmarks/bench_cache.py
"""

import argparse
import http.client
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_load import PYTHON, ROOT, free_port, manage

URLS = [
    "/en/",
    "/en/publications/",
    "/fr/publications/?q=migration",
    "/en/publications/idm-28/",
    "/en/series/idm/",
    "/en/workshops/",
    "/fr/workshops/idm-2018-geneva/",
    "/en/feed/",
    "/sitemaps/publications-1.xml",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    "/api/publications/",
]

FLOOR_SETTINGS = """
from idm.settings import *
ROOT_URLCONF = "bench_cache_urls"
"""
FLOOR_URLS = """
from django.http import HttpResponse
from django.urls import path
from idm.urls import *  # noqa: F403


def floor(request, size):
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


urlpatterns = [path("floor/<int:size>", floor), *urlpatterns]  # noqa: F405
"""


def rate(port: int, path: str, duration: float, clients: int) -> tuple[float, int]:
    """Requests per second answered 200 on `path` by `clients` keep-alive connections; the body's size."""
    counts, sizes, stop = [0] * clients, [0], threading.Event()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not stop.is_set():
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: {response.status}")
            sizes[0] = len(body)
            counts[number] += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(duration)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / duration, sizes[0]


def serve(env: dict, directory: Path, port: int) -> subprocess.Popen:
    command = [str(Path(PYTHON).parent / "gunicorn"), "idm.wsgi", f"--bind=127.0.0.1:{port}"]
    command += ["--workers=2", "--worker-class=gthread", "--threads=4", f"--pythonpath={directory}"]
    log = (directory / f"gunicorn-{port}.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/robots.txt")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer")


def stop(server: subprocess.Popen | None) -> None:
    if server is not None and server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def measure(env: dict, directory: Path, options) -> dict[str, tuple[float, float]]:
    """For each URL: (its req/s, the floor's req/s for the same body size)."""
    port, server, figures = free_port(), None, {}
    try:
        server = serve(env, directory, port)
        for url in URLS:
            rate(port, url, 0.5, 1)  # warm: the page cache, the workers' imports
            page, size = rate(port, url, options.duration, options.clients)
            floor, _size = rate(port, f"/floor/{size}", options.duration, options.clients)
            figures[url] = (page, floor)
    finally:
        stop(server)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3, help="seconds per measurement (default 3)")
    parser.add_argument("--clients", type=int, default=4)
    options = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="idm-cache-"))
    (directory / "bench_cache_settings.py").write_text(FLOOR_SETTINGS)
    (directory / "bench_cache_urls.py").write_text(FLOOR_URLS)
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{directory / 'demo.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "bench_cache_settings",
        "PYTHONPATH": str(directory),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_MEDIA_ROOT": str(directory / "media"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("DJANGO_DEBUG", None)
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput")
        cached = measure({**env, "DJANGO_PAGE_CACHE": "1"}, directory, options)
        uncached = measure({**env, "DJANGO_PAGE_CACHE": "0"}, directory, options)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    engine = "SQLite" if database.startswith("sqlite") else database.split(":", 1)[0]
    print(f"{engine}, demo data, gunicorn 2 workers × 4 threads, {options.clients} clients, {os.cpu_count()} CPUs")
    print(f"{'URL':48} {'cached':>8} {'floor':>8} {'share':>6}   {'uncached':>8} {'floor':>8} {'share':>6}")
    for url in URLS:
        (hit, floor_hit), (miss, floor_miss) = cached[url], uncached[url]
        print(
            f"{url:48} {hit:8.0f} {floor_hit:8.0f} {hit / floor_hit:6.0%}   "
            f"{miss:8.0f} {floor_miss:8.0f} {miss / floor_miss:6.0%}"
        )


if __name__ == "__main__":
    main()
