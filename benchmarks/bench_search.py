"""Search benchmark: the search function and the search page at several catalogue sizes, against baselines.

    .venv/bin/python benchmarks/bench_search.py --database 1k=/tmp/1k.sqlite3 --database 100k=/tmp/100k.sqlite3
    .venv/bin/python benchmarks/bench_search.py --build 1000 --build 10000      # generated here, then thrown away
    .venv/bin/python benchmarks/bench_search.py --database 10k=postgres://user@host/db   # any DATABASE_URL

Each --database is a catalogue (e.g. one `manage.py generate_catalogue` made), only read: copy a file first if
others use it. For each, in its own process (DEBUG off, so no query log):
- the search function as the catalogue page runs it (`PublicationFilter(...).results`: public/results.py over the
  catalogue index and the query's match sets): the count and the first page's 20 keys in relevance order, cold
  (the query's match sets read from the database, as on its first request since the catalogue last changed); for
  a word in nearly every record ("migration"), a rare word (the rarest of a sample of title words), an ISBN of a
  public edition, and a word no record has; then the common word with its match sets kept (its next page);
- the time to build the catalogue index (once per content version and process);
- every facet's counts for the common word (`PublicationFilter.facets()`, cold);
- `search_publications()`, the search as one SQL queryset (the API's path until 2026-12-05), for the common word;
- the baseline: the unsearched catalogue's count and first 20 keys, newest first;
then over HTTP, gunicorn (1 sync worker) serving the search page for the common word and a search without
matches (repeats of one URL: after the first, its match sets are kept), against the floor: the same gunicorn answering a fixed body of the same size without Django.
Prints one table of p50/p95 in ms per size, and the growth of each p95 from the smallest to the largest size.
Figures depend on the machine and its load: compare rows of the same run.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
COMMON_WORD = "migration"
NO_MATCH = "xylophonequartz"


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 in ms."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(function, repeat: int) -> tuple[float, float]:
    function()  # warm: the first run reads pages from disk
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return percentiles(times)


# In a database's own process ------------------------------------------------------------------


def measure_function(repeat: int) -> dict:
    """Timings of the search function, in a process set up for one database (--worker)."""
    import django

    django.setup()
    from django.http import QueryDict

    from catalogue.models import Edition, Publication
    from catalogue.public.catalogue_index import catalogue_index
    from catalogue.public.filters import PublicationFilter
    from catalogue.search import search_publications, sets

    published = Publication.objects.published()

    def results(query, *, cold=True):
        # What the catalogue page computes: the count and the first page's 20 keys by relevance. Cold: the query's
        # match sets read from the database (sets.forget()), as on its first request in a content version.
        if cold:
            sets.forget()
        found = PublicationFilter(QueryDict(f"q={query}"), queryset=published, language="en").results
        return found[0:20], found.count()

    def sql_search(query):  # the search as one SQL queryset, ranked in SQL
        found = search_publications(published, query, language="en")
        return list(found.order_by("-search_rank", "-year", "-number", "pk").values_list("pk", flat=True)[:20]), (
            found.count()
        )

    def baseline():
        return list(published.order_by("-year", "-number", "pk").values_list("pk", flat=True)[:20]), published.count()

    def facets():
        sets.forget()
        data = QueryDict(f"q={COMMON_WORD}")
        return PublicationFilter(data, queryset=published.for_listing(), language="en").facets()

    start = time.perf_counter()
    catalogue_index()
    index_seconds = time.perf_counter() - start
    sample = published.order_by("pk").values_list("title_en", flat=True)[:10]
    words = sorted({word.strip(".,:;").lower() for title in sample for word in (title or "").split() if len(word) > 5})
    counts = {word: results(word)[1] for word in words[:30]}
    rare = min((word for word in counts if counts[word]), key=lambda word: counts[word], default=NO_MATCH)
    isbn = Edition.objects.filter(publication__in=published).exclude(isbn="").values_list("isbn", flat=True).first()
    queries = {"common word": COMMON_WORD, "rare word": rare, "ISBN": isbn or NO_MATCH, "no match": NO_MATCH}
    rows = {"public publications": [published.count()]}
    rows["catalogue index, built once per content version (ms)"] = [round(index_seconds * 1000)]
    rows["baseline: catalogue page 1 (count, 20 keys), no search"] = timed(baseline, repeat)
    for label, query in queries.items():
        rows[f"search function: {label} (count, 20 keys by rank)"] = timed(lambda query=query: results(query), repeat)
        rows[f"  {label}: query, matches"] = [f"{query} {results(query)[1]}"]
    rows["search function: common word, match sets kept (next page)"] = timed(
        lambda: results(COMMON_WORD, cold=False), repeat
    )
    rows["facets of the common word, all five"] = timed(facets, repeat)
    rows["SQL search (the API's): common word"] = timed(lambda: sql_search(COMMON_WORD), max(3, repeat // 4))
    return rows


# HTTP -----------------------------------------------------------------------------------------

FLOOR_APP = """
import os
from idm.wsgi import application as django_application

def application(environ, start_response):
    if environ["PATH_INFO"] == "/__floor__":
        body = b"x" * int(environ["QUERY_STRING"] or 0)
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
        return [body]
    return django_application(environ, start_response)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure_http(env: dict, repeat: int, directory: Path) -> dict:
    import requests

    (directory / "bench_floor_wsgi.py").write_text(FLOOR_APP)
    port = free_port()
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "bench_floor_wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
        "--timeout=900",
    ]
    env = {**env, "PYTHONPATH": f"{directory}{os.pathsep}{ROOT}"}
    log = (directory / "gunicorn.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    rows = {}
    try:
        with requests.Session() as session:
            for _ in range(300):
                try:
                    session.get(f"{base}/__floor__", timeout=60)
                    break
                except requests.ConnectionError:
                    time.sleep(0.2)
            for label, query in [("common word", COMMON_WORD), ("no match", NO_MATCH)]:
                url = f"{base}/en/publications/?q={query}"
                response = session.get(url, timeout=300)
                if response.status_code != 200:
                    sys.exit(f"{url}: {response.status_code}\n{(directory / 'gunicorn.log').read_text()[-3000:]}")
                size = len(response.content)
                rows[f"search page over HTTP: {label}"] = timed(lambda url=url: session.get(url, timeout=300), repeat)
                floor = f"{base}/__floor__?{size}"
                rows[f"  {label}: page size, bytes"] = [size]
                rows[f"  floor: the same gunicorn, a body of that size, no Django ({label})"] = timed(
                    lambda floor=floor: session.get(floor, timeout=60), repeat
                )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    return rows


# The run --------------------------------------------------------------------------------------


def environment(database_url: str, directory: Path) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "idm.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MEDIA_ROOT": str(directory / "media"),
        # The search itself, not the anonymous page cache: every repeat of a page would be a cache hit.
        "DJANGO_PAGE_CACHE": "0",
    }
    env.pop("DJANGO_DEBUG", None)  # a query log would distort time and memory
    return env


def manage(env: dict, *arguments: str) -> None:
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True, capture_output=True)


def create_postgres_database(server_url: str, name: str) -> str:
    """A new, empty database on the server of `server_url` (bin/with-postgres gives a throw-away one)."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + "/" + name


def database_url(value: str) -> str:
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", action="append", default=[], metavar="LABEL=PATH_OR_URL")
    parser.add_argument("--build", action="append", type=int, default=[], metavar="N", help="generate N here")
    parser.add_argument(
        "--postgres", action="store_true", help="--build into new databases on the server of DATABASE_URL"
    )
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--no-http", action="store_true", help="only the search function")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure_function(options.repeat)))
        return

    directory = Path(tempfile.mkdtemp(prefix="idm-bench-search-"))
    try:
        databases = [tuple(value.split("=", 1)) for value in options.database]
        for count in options.build:
            url = database_url(str(directory / f"{count}.sqlite3"))
            if options.postgres:
                url = create_postgres_database(os.environ["DATABASE_URL"], f"idm_bench_{count}")
            env = environment(url, directory)
            manage(env, "migrate", "--noinput")
            manage(env, "generate_catalogue", "--publications", str(count))
            databases.append((f"{count // 1000}k" if count >= 1000 else str(count), url))
        if not databases:
            parser.error("give at least one --database or --build")
        columns = measure_all(databases, options, directory)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print_table(columns, databases, options.repeat)


def measure_all(databases, options, directory: Path) -> dict:
    columns = {}
    for label, value in databases:
        env = environment(database_url(value), directory)
        worker = subprocess.run(
            [PYTHON, __file__, "--worker", value, "--repeat", str(options.repeat)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if worker.returncode:
            sys.exit(worker.stderr)
        rows = json.loads(worker.stdout.splitlines()[-1])
        if not options.no_http:
            manage(env, "collectstatic", "--noinput")
            rows.update(measure_http(env, options.repeat, directory))
        columns[label] = rows
    return columns


def print_table(columns: dict, databases, repeat: int) -> None:
    labels = sorted(columns, key=lambda label: columns[label]["public publications"][0])  # smallest first
    names = list(dict.fromkeys(name for rows in columns.values() for name in rows))
    engines = {"PostgreSQL" if value.startswith("postgres") else "SQLite" for _, value in databases}
    print(
        f"{' and '.join(sorted(engines))}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; p50 / p95 in ms, {repeat} runs"
    )
    header = f"{'':62}" + "".join(f"{label:>18}" for label in labels)
    growth = len(labels) > 1
    print(header + (f"  p95 {labels[-1]}/{labels[0]}" if growth else ""))
    for name in names:
        cells, p95s = [], []
        for label in labels:
            value = columns[label].get(name)
            if value is None:
                cells.append(f"{'':>18}")
            elif len(value) == 1:
                cells.append(f"{value[0]:>18}")
            else:
                cells.append(f"{value[0]:8.1f} / {value[1]:7.1f}")
                p95s.append(value[1])
        ratio = f"  {p95s[-1] / p95s[0]:8.1f}×" if growth and len(p95s) == len(labels) and p95s[0] else ""
        print(f"{name[:62]:62}" + "".join(cells) + ratio)


if __name__ == "__main__":
    main()
