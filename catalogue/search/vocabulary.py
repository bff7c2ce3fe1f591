"""The vocabulary of the index (SearchWord): each folded word of the public publications' documents, per content
language, with how many of those documents hold it. "Did you mean" (suggest.py) corrects query words against it.

Drafts never reach it: a document counts only if its record was public when it was indexed (SearchDocument.public).
The index writer (index.py) keeps it in step in the same transaction as the documents, by the difference between
each document's old and new words: an edit that changes no word writes nothing here. A scheduled record that
becomes public by its date alone joins the vocabulary at its next index write or `rebuild_search_vocabulary`.
"""

from collections import Counter
from collections.abc import Iterable
from itertools import chain

from django.db import connections, router, transaction

from catalogue.models import SearchDocument, SearchWord

from .query import MAX_TERM_LENGTH
from .schema import BODY_FIELDS, LANGUAGES, TITLE_FIELDS
from .text import WORD, fold

WORD_TABLE = SearchWord._meta.db_table
MIN_WORD_LENGTH = 3  # shorter words are never corrected, nor offered as corrections
WRITE_BATCH = 500  # rows per upsert statement
READ_BATCH = 500  # documents read at a time

# Folded forms of the spellings met (None: not a vocabulary word), emptied when it holds FOLD_CACHE_SIZE spellings.
FOLD_CACHE_SIZE = 200_000
_fold_cache: dict[str, str | None] = {}


def _vocabulary_word(spelling: str) -> str | None:
    word = fold(spelling)
    return word if MIN_WORD_LENGTH <= len(word) <= MAX_TERM_LENGTH and not word.isdigit() else None


def _folded(spellings: set[str]) -> dict[str, str | None]:
    """A dict giving the vocabulary word of each of `spellings` (None for a word left out), each folded once."""
    global _fold_cache
    missing = spellings.difference(_fold_cache)  # a set less a dict: looks up each spelling of the set, in C
    if len(_fold_cache) + len(missing) > FOLD_CACHE_SIZE:
        _fold_cache, missing = {}, spellings
    cache = _fold_cache
    cache.update((spelling, _vocabulary_word(spelling)) for spelling in missing)
    return cache


def _spellings(document: SearchDocument, code: str) -> set[str]:
    """The lower-cased words of a document's text in language `code` (WORD.findall of it, lower-cased)."""
    text = f"{getattr(document, TITLE_FIELDS[code])}\n{getattr(document, BODY_FIELDS[code])}"
    # A document's text is words separated by white space (documents._text), and lower() keeps a word one word,
    # but for "İ" ("i" and a combining dot): split() gives its words, faster than the pattern.
    return set(text.lower().split() if "\u0130" not in text else WORD.findall(text.lower()))


class Changes:
    """Signed changes of document counts per word, per language, with a spelling for the words new to the
    vocabulary: the spelling of the first document (in the order added) holding the word, the greatest of its
    spellings there in code point order (accented letters come after plain ones: "réfugiés" over "refugies").

    Built for index writes of many documents (a rebuild adds 100,000): a document's words are counted as sets, in C,
    and each distinct spelling is folded once."""

    def __init__(self):
        self.counts: dict[str, Counter] = {code: Counter() for code in LANGUAGES}
        self.spellings: dict[str, dict[str, str]] = {code: {} for code in LANGUAGES}

    def __len__(self) -> int:
        """How many (language, word) changes are held."""
        return sum(len(counts) for counts in self.counts.values())

    def add(self, documents: Iterable[SearchDocument], sign: int = 1) -> None:
        documents = [
            document for document in documents if document.kind == SearchDocument.Kind.PUBLICATION and document.public
        ]
        for code in LANGUAGES:
            found = [_spellings(document, code) for document in documents]
            held = Counter(chain.from_iterable(found))  # how many of the documents hold each spelling, in C
            folded = _folded(set(held))
            sources = {}  # each word's spellings in these documents
            for spelling in held:
                sources.setdefault(folded[spelling], []).append(spelling)
            sources.pop(None, None)
            counts, spelled = self.counts[code], self.spellings[code]
            # A word met under one spelling is held by as many documents as that spelling.
            shared = set()  # the spellings of words met under several ("réfugiés", "refugies")
            for word, spellings in sources.items():
                if len(spellings) > 1:
                    shared.update(spellings)
                    continue
                counts[word] += sign * held[spellings[0]]
                if word not in spelled:
                    spelled[word] = spellings[0][:MAX_TERM_LENGTH]
            if not shared:
                continue
            # Those words are counted once per document holding any of their spellings, and spelled as in the first
            # document holding them (in the order added), by the greatest of their spellings there.
            for spellings in found:
                here = spellings & shared
                for word in {folded[spelling] for spelling in here}:
                    counts[word] += sign
                    if word not in spelled:
                        spelled[word] = max(spelling for spelling in here if folded[spelling] == word)[:MAX_TERM_LENGTH]

    def merge(self, other: "Changes") -> None:
        """Add `other`'s changes, counted from documents added after these (a rebuild's next batch): a word new to
        both keeps this one's spelling."""
        for code in LANGUAGES:
            self.counts[code].update(other.counts[code])
            spelled = self.spellings[code]
            for word, spelling in other.spellings[code].items():
                spelled.setdefault(word, spelling)

    def write(self, cursor) -> None:
        """Add the changes to the vocabulary (one upsert per WRITE_BATCH words), dropping words no document holds."""
        rows = sorted(  # in key order, so that concurrent writers lock rows in the same order
            (word, code, self.spellings[code][word], count)
            for code, counts in self.counts.items()
            for word, count in counts.items()
            if count
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
    changes, batch = Changes(), []
    for document in public.only(*fields).iterator(chunk_size=READ_BATCH):
        batch.append(document)
        if len(batch) == READ_BATCH:
            changes.add(batch)
            batch = []
    changes.add(batch)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        SearchWord.objects.using(using).all().delete()
        changes.write(cursor)
    return SearchWord.objects.using(using).count()
