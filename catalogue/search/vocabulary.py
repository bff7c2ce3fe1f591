"""The vocabulary of the index (SearchWord): each folded word of the public publications' documents, per content
language, with how many of those documents hold it. "Did you mean" (suggest.py) corrects query words against it.

Drafts never reach it: a document counts only if its record was public when it was indexed (SearchDocument.public).
The index writer (index.py) keeps it in step in the same transaction as the documents, by the difference between
each document's old and new words: an edit that changes no word writes nothing here. A scheduled record that
becomes public by its date alone joins the vocabulary at its next index write or `rebuild_search_vocabulary`.
"""

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from django.db import connections, router, transaction

from catalogue.models import SearchDocument, SearchWord

from .query import MAX_TERM_LENGTH
from .schema import BODY_FIELDS, LANGUAGES, TITLE_FIELDS
from .text import WORD, fold

WORD_TABLE = SearchWord._meta.db_table
MIN_WORD_LENGTH = 3  # shorter words are never corrected, nor offered as corrections
WRITE_BATCH = 500  # rows per upsert statement

Key = tuple[str, str]  # (language, folded word)


@lru_cache(maxsize=200_000)
def _folded(word: str) -> str:
    return fold(word)


def document_words(document: SearchDocument) -> dict[Key, str]:
    """{(language, folded word): spelling} of the words a document gives the vocabulary (none unless it is a public
    publication's)."""
    if document.kind != SearchDocument.Kind.PUBLICATION or not document.public:
        return {}
    found = {}
    for code in LANGUAGES:
        text = f"{getattr(document, TITLE_FIELDS[code])}\n{getattr(document, BODY_FIELDS[code])}".lower()
        for spelling in set(WORD.findall(text)):
            word = _folded(spelling)
            if MIN_WORD_LENGTH <= len(word) <= MAX_TERM_LENGTH and not word.isdigit():
                found.setdefault((code, word), spelling[:MAX_TERM_LENGTH])
    return found


class Changes:
    """Signed changes of document counts per word, with a spelling for the words new to the vocabulary."""

    def __init__(self):
        self.counts: Counter = Counter()
        self.spellings: dict[Key, str] = {}

    def add(self, documents: Iterable[SearchDocument], sign: int = 1) -> None:
        for document in documents:
            for key, spelling in document_words(document).items():
                self.counts[key] += sign
                self.spellings.setdefault(key, spelling)

    def write(self, cursor) -> None:
        """Add the changes to the vocabulary (one upsert per WRITE_BATCH words), dropping words no document holds."""
        rows = sorted(  # in key order, so that concurrent writers lock rows in the same order
            (word, code, self.spellings[code, word], count) for (code, word), count in self.counts.items() if count
        )
        for start in range(0, len(rows), WRITE_BATCH):
            batch = rows[start : start + WRITE_BATCH]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {WORD_TABLE} (word, language, spelling, document_count) VALUES {values} "
                f"ON CONFLICT (word, language) DO UPDATE "
                f"SET document_count = {WORD_TABLE}.document_count + excluded.document_count",
                [value for row in batch for value in row],
            )
        if any(row[3] < 0 for row in rows):
            cursor.execute(f"DELETE FROM {WORD_TABLE} WHERE document_count <= 0")


def rebuild_vocabulary(*, using: str | None = None) -> int:
    """Remake the vocabulary from the search documents; returns how many words it holds."""
    using = using or router.db_for_write(SearchWord)
    public = SearchDocument.objects.using(using).filter(kind=SearchDocument.Kind.PUBLICATION, public=True)
    fields = ["kind", "public", *TITLE_FIELDS.values(), *BODY_FIELDS.values()]
    changes = Changes()
    changes.add(public.only(*fields).iterator(chunk_size=500))
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        SearchWord.objects.using(using).all().delete()
        changes.write(cursor)
    return SearchWord.objects.using(using).count()
