"""Snippets of result text around the query's words, the matching words marked."""

import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import parse_query
from .schema import LANGUAGES
from .text import WORD, stem, stems, words


def highlight(text: str, query: str, *, language: str, max_length: int = 240) -> SafeString:
    """Escaped HTML snippet of `text` around its first match of `query`, matching words in <mark>."""
    text = " ".join(unicodedata.normalize("NFC", str(text or "")).split())
    wanted = {(code, form) for term in parse_query(query).terms for code in LANGUAGES for form in stems(term, code)}
    spans = []
    for match in WORD.finditer(text):
        folded = words(match.group())
        if any((code, stem(word, code)) in wanted for word in folded for code in LANGUAGES):
            spans.append(match.span())
    start, end = _window(text, spans[0][0] if spans else 0, max_length)
    parts = ["…"] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        parts += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        position = span_end
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))


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
