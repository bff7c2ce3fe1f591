"""Known items: a query naming a series and a number or year ("IDM 28", "Dialogue 2018") ranks that publication first.

Each publication's document holds keys joining every word of its series' names and short names (every
language, folded) to its number and to its year: "idm28", "dialogue28", "idm2018", "dialogue2018"… A query
whose words all belong to a series' names, with a number, looks up those keys in the full-text index (a word
lookup: the same cost at any size, and inside the one search query): "Dialogue 2018" finds the keys
"dialogue2018" of the publications of 2018, not No. 27, whose title only says "in 2018".
"""

import re
from collections.abc import Iterable

from .query import ParsedQuery
from .text import words

MAX_NUMBERS = 3  # numbers of a query tried as an issue number or a year
# A query term made of letters then digits, as in "IDM28".
_LETTERS_THEN_DIGITS = re.compile(r"([^\W\d_]+)(\d+)")


def publication_keys(series_names: Iterable[str], *, number: int, year: int) -> list[str]:
    """The known-item keys of a publication: each word of its series' `series_names` joined to its number and year."""
    names = dict.fromkeys(word for name in series_names if name for word in words(name))
    return [f"{word}{value}" for value in dict.fromkeys((number, year)) for word in names]


def known_item_queries(parsed: ParsedQuery) -> list[ParsedQuery]:
    """For each number of the query, the keys a publication must all hold to be the item it names: every other
    word of the query joined to that number. None when the query has no number or no other word."""
    names, numbers = [], []
    for term in parsed.terms:
        if term.isdigit():
            numbers.append(str(int(term)))
            continue
        split = _LETTERS_THEN_DIGITS.fullmatch(term)
        if split:
            names.append(split.group(1))
            numbers.append(str(int(split.group(2))))
        else:
            names.append(term)
    names = list(dict.fromkeys(names))
    if not names:
        return []
    return [ParsedQuery(terms=tuple(f"{name}{number}" for name in names)) for number in dict.fromkeys(numbers)][
        :MAX_NUMBERS
    ]
