"""Load benchmark: gunicorn with production settings against a copy of the demo data.

    .venv/bin/python benchmarks/bench_load.py [--duration 60] [--workers 4] [--threads 4] [--scenario A B]
    bin/with-postgres .venv/bin/python benchmarks/bench_load.py     # on PostgreSQL (an empty DATABASE_URL)

Loads the demo data into a throw-away SQLite file (or the empty database DATABASE_URL names), collects the
static files, starts gunicorn as the README runs it in production (DEBUG off, a secret key, gthread workers)
on 127.0.0.1 and a free port, and stops it whatever happens. Then:
- A: 32 readers (home, catalogue with facets and searches, publication and workshop pages, feeds, citations,
  the API) and 3 editors (log in once, then open a publication's change form and post it back as it is,
  concurrency token included) for --duration seconds: requests, rate, p50/p95/p99 latency per role,
  responses >= 500, and "database is locked" lines in the server's log.
- B: one reader alone for --duration seconds (the baseline), then the same reader while 8 attackers post wrong
  passwords for ever-new usernames to the admin login: both p95s and their ratio (target: at most 2).
Figures only, no pass/fail: they depend on the machine.
"""

import argparse
import itertools
import json
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import lxml.html
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
EDITOR_PASSWORD = "bench editor password 1"

SETUP_SCRIPT = f"""
import json
from django.contrib.auth.models import Group, User
from catalogue.models import Publication, Series, Topic, Workshop
for n in range(3):
    user = User.objects.create_user(f"bench-editor-{{n}}", password={EDITOR_PASSWORD!r}, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
print(json.dumps({{
    "publications": list(Publication.objects.published().values_list("pk", "slug")),
    "series": list(Series.objects.values_list("slug", flat=True)),
    "topics": list(Topic.objects.values_list("slug", flat=True)),
    "workshops": list(Workshop.objects.published().values_list("slug", flat=True)),
}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *arguments: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def reader_urls(data: dict) -> list[str]:
    publications = [slug for _, slug in data["publications"]]
    urls = []
    for language in ("en", "fr", "es"):
        urls += [f"/{language}/", f"/{language}/publications/", f"/{language}/workshops/", f"/{language}/feed/"]
        urls += [f"/{language}/publications/{slug}/" for slug in publications]
        urls += [f"/{language}/publications/{slug}/cite.bib" for slug in publications[:3]]
        urls += [f"/{language}/workshops/{slug}/" for slug in data["workshops"]]
        urls += [f"/{language}/series/{slug}/" for slug in data["series"]]
        urls += [f"/{language}/topics/{slug}/" for slug in data["topics"][:5]]
        urls += [f"/{language}/publications/?topic={slug}" for slug in data["topics"][:5]]
    urls += [
        "/fr/publications/?q=gouvernance",
        "/en/publications/?q=partnership&language=fr",
        "/es/publications/?q=gobernanza+migracion",
        "/en/publications/?format=pdf&sort=-year",
        "/en/publications/?year_from=2005&year_to=2015",
        "/api/publications/",
        "/api/publications/?q=migration",
        "/api/series/",
        "/api/topics/",
        "/api/workshops/",
        "/sitemap.xml",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
    ]
    urls += [f"/api/publications/{slug}/" for slug in publications[:5]]
    return urls


class Recorder:
    """Latencies and statuses per role, from many threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.statuses: dict[str, dict[int, int]] = {}

    def timed(self, role: str, send):
        start = time.perf_counter()
        try:
            response = send()
            status = response.status_code
        except requests.RequestException:
            response, status = None, 0
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latencies.setdefault(role, []).append(elapsed)
            counts = self.statuses.setdefault(role, {})
            counts[status] = counts.get(status, 0) + 1
        return response

    def p(self, role: str, percent: int) -> float:
        latencies = self.latencies.get(role, [])
        if len(latencies) < 2:
            return latencies[0] * 1000 if latencies else float("nan")
        return statistics.quantiles(latencies, n=100, method="inclusive")[percent - 1] * 1000


def reader(base: str, urls: list[str], recorder: Recorder, stop: threading.Event, seed: int, role="reader"):
    rng = random.Random(seed)
    with requests.Session() as session:
        while not stop.is_set():
            url = rng.choice(urls)
            recorder.timed(role, lambda url=url: session.get(base + url, timeout=60))


def login_token(session: requests.Session, base: str) -> str:
    page = session.get(f"{base}/admin/login/", timeout=60)
    return lxml.html.fromstring(page.text).xpath("//input[@name='csrfmiddlewaretoken']/@value")[0]


def log_in(session, base: str, token: str, username: str, password: str, recorder: "Recorder", role: str):
    data = {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
    url = f"{base}/admin/login/"
    return recorder.timed(role, lambda: session.post(url, data=data, allow_redirects=False, timeout=60))


def editor(base: str, number: int, publication_pk: int, recorder: Recorder, stop: threading.Event, outcomes: dict):
    url = f"{base}/admin/catalogue/publication/{publication_pk}/change/"
    with requests.Session() as session:
        token = login_token(session, base)
        response = log_in(session, base, token, f"bench-editor-{number}", EDITOR_PASSWORD, recorder, "editor")
        if response is None or response.status_code != 302:
            outcomes["login refused"] = outcomes.get("login refused", 0) + 1
            return
        while not stop.is_set():
            page = recorder.timed("editor", lambda: session.get(url, timeout=60))
            if page is None or page.status_code != 200:
                continue
            form = next(f for f in lxml.html.fromstring(page.text).forms if f.get("id") == "publication_form")
            data = [*form.form_values(), ("_continue", "1")]
            saved = recorder.timed(
                "editor", lambda data=data: session.post(url, data=data, allow_redirects=False, timeout=60)
            )
            outcome = "saved" if saved is not None and saved.status_code == 302 else "not saved"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1


def attacker(base: str, number: int, recorder: Recorder, stop: threading.Event):
    """Wrong passwords for ever-new usernames, as fast as the server answers (the form's token fetched once)."""
    with requests.Session() as session:
        token = login_token(session, base)
        for n in itertools.count():
            if stop.is_set():
                return
            log_in(session, base, token, f"attacker-{number}-{n}", "wrong password", recorder, "attacker")


def run(threads: list[threading.Thread], stop: threading.Event, duration: float) -> float:
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(duration)
    stop.set()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start


def report(recorder: Recorder, seconds: float, roles: list[str]) -> None:
    print(f"{'role':10} {'requests':>9} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for role in roles:
        count = len(recorder.latencies.get(role, []))
        statuses = ", ".join(f"{s}: {c}" for s, c in sorted(recorder.statuses.get(role, {}).items()))
        print(
            f"{role:10} {count:9} {count / seconds:7.1f} {recorder.p(role, 50):8.1f} {recorder.p(role, 95):8.1f}"
            f" {recorder.p(role, 99):8.1f}  {statuses}"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other processes skew the figures)")
    errors = sum(c for role in roles for s, c in recorder.statuses.get(role, {}).items() if s >= 500 or s == 0)
    print(f"responses >= 500 (or no response): {errors}")


def scenario_a(base: str, data: dict, duration: float, log_file: Path) -> None:
    print(f"\n== A: 32 readers + 3 editors for {duration:g} s")
    recorder, stop, outcomes = Recorder(), threading.Event(), {}
    urls = reader_urls(data)
    publications = [pk for pk, _ in data["publications"]]
    threads = [threading.Thread(target=reader, args=(base, urls, recorder, stop, n)) for n in range(32)]
    threads += [
        threading.Thread(target=editor, args=(base, n, publications[n % len(publications)], recorder, stop, outcomes))
        for n in range(3)
    ]
    seconds = run(threads, stop, duration)
    report(recorder, seconds, ["reader", "editor"])
    print(f"editor saves: {dict(sorted(outcomes.items()))}")
    print(f'"database is locked" in the server log: {log_file.read_text(errors="replace").count("database is locked")}')


def scenario_b(base: str, data: dict, duration: float) -> None:
    print(f"\n== B: one reader alone, then with 8 login attackers, {duration:g} s each")
    urls = reader_urls(data)
    alone, stop = Recorder(), threading.Event()
    seconds = run([threading.Thread(target=reader, args=(base, urls, alone, stop, 0))], stop, duration)
    report(alone, seconds, ["reader"])
    attacked, stop = Recorder(), threading.Event()
    threads = [threading.Thread(target=reader, args=(base, urls, attacked, stop, 0))]
    threads += [threading.Thread(target=attacker, args=(base, n, attacked, stop)) for n in range(8)]
    seconds = run(threads, stop, duration)
    report(attacked, seconds, ["reader", "attacker"])
    baseline, under_attack = alone.p("reader", 95), attacked.p("reader", 95)
    print(
        f"reader p95 alone {baseline:.1f} ms, with 8 attackers {under_attack:.1f} ms: "
        f"ratio {under_attack / baseline:.2f} (target <= 2)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds per measurement (default 60)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--scenario", nargs="+", choices=["A", "B"], default=["A", "B"])
    options = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="idm-load-"))
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{directory / 'demo.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "idm.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_MEDIA_ROOT": str(directory / "media"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("DJANGO_DEBUG", None)
    port, server = free_port(), None
    log_file = directory / "gunicorn.log"
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput")
        data = json.loads(manage(env, "shell", "-c", SETUP_SCRIPT).splitlines()[-1])
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            "idm.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={options.workers}",
            "--worker-class=gthread",
            f"--threads={options.threads}",
        ]
        with log_file.open("w") as log:
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                if requests.get(f"{base}/en/", timeout=60).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            sys.exit(f"gunicorn did not answer; its log:\n{log_file.read_text()}")
        engine = "SQLite" if database.startswith("sqlite") else database.split(":", 1)[0]
        print(f"{engine}, {len(data['publications'])} publications; {' '.join(command[1:])}; {os.cpu_count()} CPUs")
        if "A" in options.scenario:
            scenario_a(base, data, options.duration, log_file)
        if "B" in options.scenario:
            scenario_b(base, data, options.duration)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
