"""Reading what people type: the words to look for and the ISBNs/ISSNs in it, never an error."""

import re
from dataclasses import dataclass

from catalogue.identifiers import Identifier, compact_identifier, parse_identifier

from .text import fold, words

MAX_QUERY_LENGTH = 2000  # characters of a query that are read
MAX_TERMS = 16  # distinct words of a query that are searched
MAX_TERM_LENGTH = 64  # longer words are cut

# Boolean operators people type out of habit: not words to look for (lower-case "and" still is).
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b")
# The labels people type before an issue number, folded ("No. 28", "n° 28", "n.º 28", "núm. 28", "numéro 28"):
# not words to look for. Only before a number, so that Spanish "no" or a lone "n" still are.
_NUMBER_LABEL = re.compile(r"(?<![^\W_])(?:n\s*\.?\s*o|nos?|nr|nro|num|numero|n)(?![^\W\d_])[\s.:#°]*(?=\d)")


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[str, ...]  # folded words, each of which must match
    isbns: tuple[str, ...] = ()  # ISBNs found in the query, as editions store them (13 digits)
    issns: tuple[str, ...] = ()  # ISSNs found in the query, as editions and series store them (NNNN-NNNC)

    @property
    def identifiers(self) -> tuple[str, ...]:
        """The ISBNs and ISSNs in their compact form, as search documents hold them."""
        return tuple(compact_identifier(value) for value in (*self.isbns, *self.issns))

    def __bool__(self):
        return bool(self.terms or self.isbns or self.issns)


def parse_query(query: str) -> ParsedQuery:
    """Split a user's query into searchable words and ISBN/ISSN candidates; never fails."""
    query = _OPERATORS.sub(" ", str(query or "")[:MAX_QUERY_LENGTH])
    unlabelled = _NUMBER_LABEL.sub(" ", fold(query))
    terms = tuple(dict.fromkeys(word[:MAX_TERM_LENGTH] for word in words(unlabelled)))[:MAX_TERMS]
    found = _identifiers_in(query)
    return ParsedQuery(
        terms=terms,
        isbns=tuple(identifier.value for identifier in found if identifier.scheme == "isbn"),
        issns=tuple(identifier.value for identifier in found if identifier.scheme == "issn"),
    )


def _identifiers_in(query: str) -> list[Identifier]:
    # The whole query (an ISBN typed with spaces) and each of its first words.
    chunks = query.split()
    found = (parse_identifier(candidate) for candidate in ["".join(chunks), *chunks[:MAX_TERMS]])
    return list(dict.fromkeys(identifier for identifier in found if identifier))
