"""The release the server runs: what kept pages and fragments are made by, so that a deployment never serves what
the code before it rendered.

The anonymous page cache, the record fragments (fragments.py) and the public ETags carry it: with a shared cache
(Redis) that outlives a deployment, pages rendered by the old templates would otherwise be served, and confirmed
with 304s, until they expired, linking stylesheets and scripts under hashed names the new release no longer has.

`DJANGO_RELEASE` names it (a deployment's tag or commit); without it, it is a digest of the files that make a
page (Python code, templates, translations, static sources, the pinned requirements): the same on every server
running the same files, wherever they were checked out.
"""

import hashlib
import os
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What a page or a machine output is made of, under ROOT: (directory, file name patterns).
SOURCES = (
    ("idm", ("*.py",)),
    ("catalogue", ("*.py",)),
    ("templates", ("*.html", "*.txt", "*.xml")),
    ("locale", ("*.po",)),
    ("static", ("*.css", "*.js", "*.svg")),
)
SKIPPED = {"tests", "__pycache__"}


@cache
def release() -> str:
    """This server's release: DJANGO_RELEASE, or a digest of its files (computed once per process)."""
    named = os.environ.get("DJANGO_RELEASE", "").strip()
    if named:
        return named
    digest = hashlib.sha256()
    for path in sorted(_sources()):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    digest.update((ROOT / "requirements.txt").read_bytes())
    return digest.hexdigest()[:16]


def _sources():
    for directory, patterns in SOURCES:
        for pattern in patterns:
            for path in (ROOT / directory).rglob(pattern):
                if not SKIPPED.intersection(path.relative_to(ROOT).parts):
                    yield path
