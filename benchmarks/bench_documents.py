"""What deriving from an edition PDF costs: text extraction per page (pypdf), drawing the first page (pypdfium2),
and stemming the text for SQLite's index, on a generated PDF of --pages pages of running text.

    .venv/bin/python benchmarks/bench_documents.py [--pages 150] [--words 400]

Prints figures only (they depend on the machine): the time an upload of that many pages adds to its request,
which is what DJANGO_DOCUMENT_TEXT_INLINE_PAGES bounds.
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idm.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from catalogue.models.covers import first_page_cover  # noqa: E402
from catalogue.models.documents import page_texts  # noqa: E402
from catalogue.search.text import stemmed  # noqa: E402
from catalogue.tests.upload_files import text_pdf_bytes  # noqa: E402

WORDS = [
    "migration",
    "health",
    "governance",
    "labour",
    "mobility",
    "partnership",
    "dialogue",
    "policy",
    "migrants",
    "return",
    "diaspora",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--words", type=int, default=400, help="words per page (on one line each)")
    args = parser.parse_args()
    rng = random.Random(1)
    pages = [" ".join(rng.choice(WORDS) for _ in range(args.words)) for _ in range(args.pages)]
    pdf = io.BytesIO(text_pdf_bytes(pages))
    print(f"PDF: {args.pages} pages, {args.words} words each, {len(pdf.getvalue()) / 1024:.0f} KB")

    start = time.perf_counter()
    texts = page_texts(pdf)
    extracted = time.perf_counter() - start
    start = time.perf_counter()
    first_page_cover(pdf, "covers/bench")
    drawn = time.perf_counter() - start
    start = time.perf_counter()
    for text in texts:
        stemmed(text, "en")
    stemming = time.perf_counter() - start
    total = extracted + drawn + stemming
    print(f"text extraction: {extracted:.2f} s ({extracted / args.pages * 1000:.1f} ms per page)")
    print(f"first page drawn: {drawn * 1000:.0f} ms")
    print(f"stemming for SQLite's index: {stemming:.2f} s ({stemming / args.pages * 1000:.1f} ms per page)")
    print(f"total added to the upload's request: {total:.2f} s")


if __name__ == "__main__":
    main()
