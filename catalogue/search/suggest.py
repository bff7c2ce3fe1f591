"""Did you mean: a corrected query for a search that found nothing (or very little).

Each query word the vocabulary (vocabulary.py) does not hold is replaced with the closest word it does: within
an edit distance of 1 (words of up to 5 letters) or 2 (longer ones), a swap of two neighbouring letters counting
as one edit; nearer first, then a word of the page language, then a word more documents hold. Candidates come from
the database, a bounded set whatever the vocabulary's size: among the words of the same first letter and a length
within 2, those sharing the most two-letter pieces with the typed word first (the (word, language) index reads that
range); on PostgreSQL also words of any first letter by trigram similarity (pg_trgm, through the GIN trigram index of
migration 0017).
A word the vocabulary holds in very few documents may be a typo in a record: it is corrected only to a word more
documents hold, and only if keeping it finds nothing more. A correction is offered only if it finds more than the
query did, under the same filters.
"""

import itertools
import re

from django.db import connections
from django.db.models import QuerySet, Sum

from catalogue.models import SearchWord

from .backends import search_publications
from .query import MAX_TERM_LENGTH, parse_query
from .text import WORD, fold
from .vocabulary import MIN_WORD_LENGTH, WORD_TABLE

FEW_RESULTS = 2  # a search finding this many publications or fewer is offered a correction
CANDIDATES = 40  # words read from the database per misspelt word
TRIES = 3  # corrected queries tried (one query each) before giving up


def max_distance(word: str) -> int:
    """How many edits a correction of `word` may make."""
    return 1 if len(word) <= 5 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """The edit distance of `a` and `b` (insertions, deletions, substitutions and swaps of neighbouring letters),
    or `limit + 1` as soon as it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = current[j - 1] + 1, previous[j] + 1, previous[j - 1] + (char_a != char_b)
            best = min(cost)
            if before is not None and i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, before[j - 2] + 1)
            current.append(best)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def suggest_query(queryset: QuerySet, query: str, *, language: str, found: int = 0) -> str | None:
    """`query` with its misspelt words corrected, if that finds more than `found` publications of `queryset` (the
    catalogue under the page's other filters, not yet searched); else None.

    A misspelt word is one the vocabulary does not hold, or holds in at most FEW_RESULTS documents (a typo in a
    record's text); such a rare word is only replaced with a word more documents hold, and kept if that is enough.
    """
    terms = [term for term in parse_query(query).terms if len(term) > MIN_WORD_LENGTH and not term.isdigit()]
    if not terms:
        return None
    db = queryset.db
    known = dict(
        SearchWord.objects.using(db)
        .filter(word__in=terms)
        .values("word")
        .annotate(count=Sum("document_count"))
        .values_list("word", "count")
    )
    suspects = {term: known.get(term, 0) for term in terms if known.get(term, 0) <= FEW_RESULTS}
    if not suspects:
        return None
    choices = _choices(suspects, language, db)
    if not choices:
        return None
    # The best correction of every word first, then those with a word's next best instead.
    combinations = sorted(itertools.product(*choices.values()), key=lambda combination: sum(c[0] for c in combination))
    tried = 0
    for combination in combinations:
        corrections = {term: spelling for term, (_, spelling) in zip(choices, combination, strict=True) if spelling}
        if not corrections:
            continue  # the query as typed
        corrected = _replace(query, corrections)
        matches = search_publications(queryset, corrected, language=language).order_by().values("pk")
        if len(matches[: found + 1]) > found:
            return corrected
        tried += 1
        if tried == TRIES:
            break
    return None


def _choices(suspects: dict[str, int], language: str, db: str) -> dict[str, list[tuple[int, str]]]:
    """Each suspect word's choices as (rank, spelling), best first: its two best corrections, and for a word the
    vocabulary holds (`suspects` maps each word to its document count), keeping it (spelling "") first."""
    rows = _candidates(list(suspects), db)
    choices = {}
    for term, term_count in suspects.items():
        limit = max_distance(term)
        scored = []
        for candidate_term, word, code, spelling, count in rows:
            if candidate_term != term or word == term or count <= term_count:
                continue
            distance = edit_distance(term, word, limit)
            if distance <= limit:
                scored.append(((distance, code != language, -count, word), spelling))
        best = list(dict.fromkeys(spelling for _, spelling in sorted(scored)))[:2]
        if term_count:
            best = ["", *best[:1]]
        if any(best):
            choices[term] = list(enumerate(best))
    return choices


def _candidates(terms: list[str], db: str) -> list[tuple]:
    """(term, word, language, spelling, document count) of vocabulary words that may be close to each term: one
    statement, at most CANDIDATES rows per term from each source."""
    selects, params = [], []
    for term in terms:
        shortest, longest = len(term) - max_distance(term), len(term) + max_distance(term)
        columns = "SELECT %s AS term, word, language, spelling, document_count"
        # Words of the same first letter and about the same length, those sharing the most two-letter pieces with
        # the term first: ranked within the (word, language) index (a range of it, read without the table), then
        # only the rows kept are read.
        pieces = sorted({term[i : i + 2] for i in range(len(term) - 1)})
        shared = " + ".join(["CASE WHEN word LIKE %s THEN 1 ELSE 0 END"] * len(pieces))
        selects.append(
            f"{columns} FROM {WORD_TABLE} WHERE id IN (SELECT id FROM {WORD_TABLE} WHERE word >= %s AND word < %s "
            f"AND length(word) BETWEEN %s AND %s ORDER BY {shared} DESC, word LIMIT {CANDIDATES})"
        )
        params += [term, term[0], chr(ord(term[0]) + 1), shortest, longest, *(f"%{piece}%" for piece in pieces)]
        if connections[db].vendor == "postgresql":
            # Words of any first letter similar by trigrams, through the GIN trigram index (migration 0017). Too few
            # trigrams survive a swap in a short word ("reprot", "report"): the range above finds those.
            selects.append(
                f"{columns} FROM {WORD_TABLE} WHERE word %% %s AND length(word) BETWEEN %s AND %s "
                f"ORDER BY similarity(word, %s) DESC, document_count DESC LIMIT {CANDIDATES}"
            )
            params += [term, term, shortest, longest, term]
    sql = " UNION ALL ".join(f"SELECT * FROM ({select}) AS c{index}" for index, select in enumerate(selects))
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _replace(query: str, corrections: dict[str, str]) -> str:
    """`query` with each word whose folded form is corrected replaced with its correction, the rest as typed."""

    def replacement(match: re.Match) -> str:
        return corrections.get(fold(match.group())[:MAX_TERM_LENGTH], match.group())

    return WORD.sub(replacement, query)
