"""Snippets of result text around the query's words, the matching words marked (never a stop word)."""

import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import ParsedQuery, parse_query
from .schema import LANGUAGES
from .stopwords import is_stop_word
from .text import WORD, stem, stems, words

Span = tuple[int, int, str]
MAX_SEEN = 20_000  # words a matcher remembers  # start, end, the query word it matches


class _Matcher:
    """Which query word a folded word of a text in `language` ("" for none) matches, as the index compares them:
    the folded word itself, or its stem in the text's language (a text in no content language, such as a name, is
    indexed in every one's column: any of their stems); never a stop word. Each word is looked at once."""

    def __init__(self, parsed: ParsedQuery, language: str):
        self.language = language
        self.terms = [term for term in parsed.terms if not is_stop_word(term, language)]
        self.codes = (language,) if language in LANGUAGES else LANGUAGES
        # A Spanish word is also matched in its other number ("joven", "jóvenes"), as search finds it (text.forms).
        self.stemmed = {
            (code, form): term for term in reversed(self.terms) for code in self.codes for form in stems(term, code)
        }
        self.seen: dict[str, str | None] = {}

    def term(self, word: str) -> str | None:
        try:
            return self.seen[word]
        except KeyError:
            if len(self.seen) >= MAX_SEEN:  # a query kept for long meets a whole vocabulary: start afresh
                self.seen.clear()
            term = self.seen[word] = self._term(word)
            return term

    def _term(self, word: str) -> str | None:
        if is_stop_word(word, self.language):
            return None
        if word in self.terms:
            return word
        return next(
            (self.stemmed[key] for code in self.codes if (key := (code, stem(word, code))) in self.stemmed), None
        )


@lru_cache(maxsize=32)
def _matcher(query: str | ParsedQuery, language: str) -> _Matcher:
    # A page of results scores hundreds of candidate texts against one query: one matcher (and its memory of the
    # words it has seen) per query and language.
    return _Matcher(query if isinstance(query, ParsedQuery) else parse_query(query), language)


def matches(text: str, query: str | ParsedQuery, *, language: str) -> list[Span]:
    """The words of `text` (written in `language`, "" for none) that match a query word, folded or by stem, stop
    words aside."""
    matcher = _matcher(query, language)
    found = []
    for match in WORD.finditer(text):
        for word in words(match.group()):
            if term := matcher.term(word):
                found.append((*match.span(), term))
                break
    return found


def matched_terms(text: str, query: str | ParsedQuery, *, language: str) -> set[str]:
    """The query words that `text` holds (see `matches`): each distinct word of the text looked at once, the
    whole text folded at once (scoring every candidate passage of a page of results)."""
    matcher = _matcher(query, language)
    return {term for word in set(words(text)) if (term := matcher.term(word))}


def highlight(text: str, query: str | ParsedQuery, *, language: str, max_length: int = 240) -> SafeString:
    """Escaped HTML snippet of `text` around its first match of `query`, matching words in <mark>."""
    text = " ".join(unicodedata.normalize("NFC", str(text or "")).split())
    spans = matches(text, query, language=language)
    start, end = _window(text, spans[0][0] if spans else 0, max_length)
    parts = ["…"] if start > 0 else []
    position = start
    for span_start, span_end, _term in spans:
        if span_start < start or span_end > end:
            continue
        parts += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        position = span_end
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))


def mark_all(text: str) -> SafeString:
    """`text` escaped and marked as a whole (an identifier that matched exactly)."""
    return mark_safe(f"<mark>{escape(text)}</mark>")


def _window(text: str, focus: int, max_length: int) -> tuple[int, int]:
    """Bounds of at most `max_length` characters (ellipses included) around `focus`, cut between words."""
    if len(text) <= max_length:
        return 0, len(text)
    budget = max(max_length - 2, 1)  # room for an ellipsis at each end
    start = max(0, min(focus - budget // 4, len(text) - budget))
    if start > 0 and not text[start - 1].isspace():
        next_space = text.find(" ", start, focus)
        start = next_space + 1 if next_space != -1 else start
    end = min(len(text), start + budget)
    if end < len(text) and not text[end].isspace():
        last_space = text.rfind(" ", start, end)
        end = last_space if last_space > focus else end
    return start, end
