"""The vocabulary of the index (SearchWord): each folded word of the public publications' documents, per content
language, with how many of those documents hold it. "Did you mean" (suggest.py) corrects query words against it.

Drafts never reach it: a document counts only if its record was public when it was indexed (SearchDocument.public).
The index writer (index.py) keeps it in step in the same transaction as the documents, by the difference between
each document's old and new words: an edit that changes no word writes nothing here. A scheduled record that
becomes public by its date alone joins the vocabulary at its next index write or `rebuild_search_vocabulary`.
"""

from collections import Counter
from itertools import chain

from django.db import connections, router, transaction

from catalogue.models import SearchDocument, SearchWord

from .query import MAX_TERM_LENGTH
from .schema import BODY_FIELDS, LANGUAGES, TEXT_FIELDS, TITLE_FIELDS
from .text import Pieces, fold, folded_pieces

WORD_TABLE = SearchWord._meta.db_table
MIN_WORD_LENGTH = 3  # shorter words are never corrected, nor offered as corrections
WRITE_BATCH = 500  # rows per upsert statement
READ_BATCH = 500  # documents read at a time

# The folded words met, sorted into vocabulary words and others; both emptied when they hold WORD_CACHE_SIZE words.
WORD_CACHE_SIZE = 200_000
_words: set[str] = set()
_not_words: set[str] = set()
# Folded forms of the accented spellings met, emptied when it holds WORD_CACHE_SIZE spellings.
_fold_cache: dict[str, str] = {}


def _vocabulary_words(folded: set[str]) -> set[str]:
    """Those of the `folded` words that the vocabulary holds: 3 to MAX_TERM_LENGTH characters, not a number."""
    global _words, _not_words
    words, not_words = _words, _not_words  # these sets throughout, whatever another thread's write empties meanwhile
    missing = folded.difference(words, not_words)  # in C: only the words never met are looked at in Python
    if len(words) + len(not_words) + len(missing) > WORD_CACHE_SIZE:
        words, not_words, missing = set(), set(), folded
        _words, _not_words = words, not_words
    for word in missing:
        (words if MIN_WORD_LENGTH <= len(word) <= MAX_TERM_LENGTH and not word.isdigit() else not_words).add(word)
    return folded & words


def _folded(spellings: set[str]) -> dict[str, str]:
    """A dict giving the folded form of each of `spellings`, each folded once."""
    global _fold_cache
    cache = _fold_cache  # this dict throughout, whatever another thread's write empties meanwhile
    missing = spellings.difference(cache)  # a set less a dict: looks up each spelling of the set, in C
    if len(cache) + len(missing) > WORD_CACHE_SIZE:
        cache, missing = {}, spellings
        _fold_cache = cache
    cache.update((spelling, fold(spelling)) for spelling in missing)
    return cache


class Changes:
    """Signed changes of document counts per word, per language, with a spelling for the words new to the
    vocabulary: the greatest of the word's spellings (lower-cased) in the documents of the first add() holding it,
    in code point order (accented letters come after plain ones: "réfugiés" over "refugies").

    Built for index writes of many documents (a rebuild adds 100,000): each document's folded words are read once
    (text.folded_pieces(), shared with the FTS rows) and counted as sets, in C; only words never met before are
    looked at one by one."""

    def __init__(self):
        self.counts: dict[str, Counter] = {code: Counter() for code in LANGUAGES}
        self.spellings: dict[str, dict[str, str]] = {code: {} for code in LANGUAGES}

    def __len__(self) -> int:
        """How many (language, word) changes are held."""
        return sum(len(counts) for counts in self.counts.values())

    def add(self, documents: list[SearchDocument], sign: int = 1, pieces: Pieces | None = None) -> None:
        """Count the words of the public publications among `documents` (`sign` 1), or uncount them (-1).
        `pieces`: the documents' folded pieces (text.pieces_of()) when the caller has them."""
        kept = [
            index
            for index, document in enumerate(documents)
            if document.kind == SearchDocument.Kind.PUBLICATION and document.public
        ]
        if not kept:
            return
        public = [documents[index] for index in kept]
        for code in LANGUAGES:
            title, body = TITLE_FIELDS[code], BODY_FIELDS[code]
            if pieces is None:
                found = [
                    set(folded_pieces(f"{getattr(document, title)}\n{getattr(document, body)}")) for document in public
                ]
            else:
                found = [set(pieces[title][index]).union(pieces[body][index]) for index in kept]
            met = set().union(*found)
            words = _vocabulary_words(met)
            if len(words) < len(met):
                found = [held & words for held in found]
            counts = self.counts[code]
            if sign == 1:
                counts.update(chain.from_iterable(found))  # how many of the documents hold each word, in C
            elif sign == -1:
                counts.subtract(Counter(chain.from_iterable(found)))
            else:
                raise ValueError(f"sign must be 1 or -1, not {sign!r}")
            new = words.difference(self.spellings[code])
            if new:
                self._spell(new, [document for document, held in zip(public, found, strict=True) if held & new], code)

    def _spell(self, new: set[str], documents: list[SearchDocument], code: str) -> None:
        """Spell each of the `new` words as the greatest of its spellings in `documents` (those holding them)."""
        title, body = TITLE_FIELDS[code], BODY_FIELDS[code]
        # A plain (ASCII) spelling is its own folded word; an accented one of the same word is greater (its accented
        # letters come after any plain one): the word's greatest spelling is its greatest accented one, if any.
        accented = set()
        for document in documents:
            text = f"{getattr(document, title)}\n{getattr(document, body)}".lower()
            if not text.isascii():
                spellings = set(text.split())
                accented.update(spellings.difference(filter(str.isascii, spellings)))  # in C
        folded = _folded(accented)
        greatest: dict[str, str] = {}
        for spelling in accented:
            word = folded[spelling]
            if word in new and spelling > greatest.get(word, ""):
                greatest[word] = spelling
        spelled = self.spellings[code]
        for word in new:
            spelled[word] = greatest.get(word, word)[:MAX_TERM_LENGTH]

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
    fields = ["kind", "public", *TEXT_FIELDS]
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
