"""Page cache benchmark: throughput of each public page type, cached and uncached, as a share of a floor view.

Loads the demo data into a throw-away SQLite file (or into the empty database DATABASE_URL names), or serves an
existing catalogue (`--database`: a SQLite file or a database URL, e.g. one `generate_catalogue` filled; it is
migrated, not changed otherwise), starts gunicorn with production settings on 127.0.0.1 and a free port three
times (MODES: the page cache on; off with the records' fragments kept, as a page of many records is made after any
public change; nothing kept), stops it whatever happens, and for each URL measures requests per second over
keep-alive connections, then the same for a trivial Django view returning a body of the same size through the same
middleware (the floor), in the same run. Prints one table: req/s, the floor's and the share, per mode. On an
existing catalogue the pages of a record are those of its first public publication, series and workshop, and the
list pages add a deep page and one facet selected.

Then, in each mode, visitors spread over up to 1,000 publication pages (all seen once before) while the catalogue
changes every second, as when staff are at work (`catalogue_changed()`, what every save through the models does):
a record's page is kept under its own record's validators, so these edits of other records leave it kept.

    .venv/bin/python benchmarks/bench_cache.py [--duration 3] [--clients 4]
    .venv/bin/python benchmarks/bench_cache.py --database /path/to/100k.sqlite3 [--redis]
    bin/with-postgres .venv/bin/python benchmarks/bench_cache.py

With `--redis`, the cache is a redis-server started here (on 127.0.0.1 and a free port, stopped whatever happens),
shared by the workers as by several servers in production; without it, each worker keeps its own in local memory
(Django's LocMemCache: at most 300 entries per process, too few for the 1,000 pages of the spread).
"""

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
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

# The records of an existing catalogue whose pages are measured: its first public ones, and its deepest page.
SAMPLE_SCRIPT = """
import json
from catalogue.models import Publication, Series, Topic, Workshop
from catalogue.public.pagination import PAGE_SIZE
public = Publication.objects.published()
print(json.dumps({
    "publication": public.order_by("pk").values_list("slug", flat=True).first(),
    "series": Series.objects.order_by("pk").values_list("slug", flat=True).first(),
    "topic": Topic.objects.filter(publications__in=public).order_by("pk").values_list("slug", flat=True).first(),
    "workshop": Workshop.objects.published().order_by("pk").values_list("slug", flat=True).first(),
    "last_page": max(1, -(-public.count() // PAGE_SIZE)),
    "spread": list(public.order_by("pk").values_list("slug", flat=True)[:1000]),
}))
"""

# Staff at work: a public change every second (what each save through the models stamps), until stopped; says
# "editing" once the first change is committed.
EDITING_SCRIPT = """
import time
from catalogue.models import catalogue_changed
while True:
    catalogue_changed()
    print("editing", flush=True)
    time.sleep(1)
"""


def sampled(env: dict) -> dict:
    """Records of the catalogue whose pages are measured (SAMPLE_SCRIPT)."""
    return json.loads(manage(env, "shell", "-c", SAMPLE_SCRIPT).strip().splitlines()[-1])


def catalogue_urls(sample: dict) -> list[str]:
    """The URLs measured on an existing catalogue: each page type, with records sampled from it."""
    deep = min(2000, sample["last_page"])
    return [
        "/en/",
        "/en/publications/",
        f"/en/publications/?page={deep}",
        f"/en/publications/?topic={sample['topic']}",
        "/fr/publications/?q=migration",
        f"/en/publications/{sample['publication']}/",
        f"/en/series/{sample['series']}/",
        "/en/workshops/",
        f"/fr/workshops/{sample['workshop']}/",
        "/en/feed/",
        "/sitemaps/publications-1.xml",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/api/publications/",
        f"/api/publications/?page={deep}",
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


def rate(port: int, path: str | list[str], duration: float, clients: int) -> tuple[float, int]:
    """Requests per second answered 200 on `path` (or each of a list in turn) by `clients` keep-alive connections;
    the last body's size."""
    counts, sizes, stop = [0] * clients, [0], threading.Event()
    paths = [path] if isinstance(path, str) else path

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not stop.is_set():
            path = paths[(counts[number] * clients + number) % len(paths)]
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


def start_redis(directory: Path) -> tuple[subprocess.Popen, str]:
    """A redis-server on 127.0.0.1 and a free port, keeping nothing on disk; its URL."""
    port = free_port()
    command = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(command, cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return server, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    stop(server)
    sys.exit("redis-server did not answer")


def stop(server: subprocess.Popen | None) -> None:
    if server is not None and server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_memory(master: int) -> list[tuple[int, int]]:
    """(resident set size, its peak) in MB of each process whose parent is `master` (gunicorn's workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent != master:
                continue
            fields = dict(line.split(":", 1) for line in (stat.parent / "status").read_text().splitlines())
        except (OSError, ValueError, IndexError):
            continue  # a process that ended meanwhile
        found.append(tuple(int(fields[name].split()[0]) // 1024 for name in ("VmRSS", "VmHWM")))
    return found


# What the workers keep, per measurement: whole pages (and records); records only (catalogue/fragments.py: a page
# of many records the page cache lost to a change is put together from its records' kept parts); nothing.
MODES = {
    "page cache": {"DJANGO_PAGE_CACHE": "1", "DJANGO_FRAGMENT_CACHE": "1"},
    "records kept, no page": {"DJANGO_PAGE_CACHE": "0", "DJANGO_FRAGMENT_CACHE": "1"},
    "nothing kept": {"DJANGO_PAGE_CACHE": "0", "DJANGO_FRAGMENT_CACHE": "0"},
}


def measure(env: dict, directory: Path, urls: list[str], options, spread: list[str] = ()) -> tuple[dict, list]:
    """For each of `urls`: (its req/s, the floor's req/s for the same body size); then the workers' memory after
    serving them all. With `spread` (record pages, each seen once first), the same for visitors going through
    them in turn while the catalogue changes every second, under the key "spread"."""
    port, server, figures = free_port(), None, {}
    try:
        server = serve(env, directory, port)
        for url in urls:
            rate(port, url, 0.5, 1)  # warm: the page cache, the workers' imports
            page, size = rate(port, url, options.duration, options.clients)
            floor, _size = rate(port, f"/floor/{size}", options.duration, options.clients)
            figures[url] = (page, floor)
        memory = worker_memory(server.pid)
        if spread:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for path in spread:  # each seen once: kept, with the page cache on
                connection.request("GET", path)
                connection.getresponse().read()
            connection.close()
            editing = subprocess.Popen(
                [PYTHON, "manage.py", "shell", "-c", EDITING_SCRIPT],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            try:
                while editing.stdout.readline().strip() != "editing":  # measured once the edits have begun
                    if editing.poll() is not None:
                        sys.exit("the editing process ended")
                page, size = rate(port, spread, options.duration, options.clients)
            finally:
                stop(editing)
            floor, _size = rate(port, f"/floor/{size}", options.duration, options.clients)
            figures["spread"] = (page, floor)
    finally:
        stop(server)
    return figures, memory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3, help="seconds per measurement (default 3)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database", metavar="PATH_OR_URL", help="an existing catalogue (default: the demo data)")
    parser.add_argument("--redis", action="store_true", help="share one redis-server started here as the cache")
    options = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="idm-cache-"))
    (directory / "bench_cache_settings.py").write_text(FLOOR_SETTINGS)
    (directory / "bench_cache_urls.py").write_text(FLOOR_URLS)
    database = options.database or os.environ.get("DATABASE_URL") or f"sqlite:///{directory / 'demo.sqlite3'}"
    if "://" not in database:
        database = f"sqlite:///{Path(database).resolve()}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "bench_cache_settings",
        "PYTHONPATH": str(directory),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_MEDIA_ROOT": str(directory / "media"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        # Connections kept between requests, as the README has production run (the default on SQLite only): on
        # PostgreSQL a new connection per request costs more than a cached page.
        "DJANGO_CONN_MAX_AGE": os.environ.get("DJANGO_CONN_MAX_AGE", "60"),
    }
    env.pop("DJANGO_DEBUG", None)
    redis = None
    try:
        if options.redis:
            redis, env["DJANGO_REDIS_URL"] = start_redis(directory)
        manage(env, "migrate", "--noinput")
        if not options.database:
            manage(env, "load_demo")
        sample = sampled(env)
        urls, data = (catalogue_urls(sample), "existing catalogue") if options.database else (URLS, "demo data")
        spread = [f"/en/publications/{slug}/" for slug in sample["spread"]]
        manage(env, "collectstatic", "--noinput")
        figures = {
            mode: measure({**env, **settings}, directory, urls, options, spread) for mode, settings in MODES.items()
        }
    finally:
        stop(redis)
        shutil.rmtree(directory, ignore_errors=True)
    engine = "SQLite" if database.startswith("sqlite") else database.split(":", 1)[0]
    shared = "one Redis" if options.redis else "local memory"
    print(f"{engine}, {data}, gunicorn 2 workers × 4 threads, {options.clients} clients, {os.cpu_count()} CPUs, "
          f"cache: {shared}")  # fmt: skip
    print(f"{'':48}" + "".join(f"   {mode:>24}" for mode in MODES))
    print(f"{'URL':48}" + f"   {'req/s':>8} {'floor':>8} {'share':>6}" * len(MODES))
    label = f"{len(spread):,} publication pages, staff editing"
    for url, name in [*((url, url) for url in urls), ("spread", label)]:
        cells = []
        for rates, _memory in figures.values():
            page, floor_rate = rates[url]
            cells.append(f"   {page:8.0f} {floor_rate:8.0f} {page / floor_rate:6.0%}")
        print(f"{name:48}" + "".join(cells))
    for mode, (_rates, memory) in figures.items():
        workers = ", ".join(f"{rss} MB (peak {peak} MB)" for rss, peak in memory)
        print(f"Workers' resident memory after every URL, {mode}: {workers}")


if __name__ == "__main__":
    main()
