"""Words as the index compares them: lower-cased, accents folded, stemmed per content language."""

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

from .schema import STEMMERS

# A word: a run of letters and digits.
WORD = re.compile(r"[^\W_]+")
# Letters that Unicode does not decompose but PostgreSQL's unaccent folds.
_LETTERS = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ŀ": "l"}


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> str:
    """Lower-case `text` and strip its accents ("Migración" -> "migracion")."""
    text = text.lower()
    if text.isascii():
        return text
    for letter, replacement in _LETTERS.items():  # a few str.replace: much faster than str.translate
        if letter in text:
            text = text.replace(letter, replacement)
    decomposed = unicodedata.normalize("NFKD", text)
    if all(unicodedata.combining(char) for char in set(_NON_ASCII.findall(decomposed))):
        return decomposed.encode("ascii", "ignore").decode()  # Latin text: only its accents are not ASCII
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The folded words of `text`: runs of letters and digits."""
    return WORD.findall(fold(text))


_local = threading.local()


def _stemmer(language: str):
    # Snowball stemmer objects keep state between calls: one set per thread.
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {code: snowballstemmer.stemmer(name) for code, name in STEMMERS.items()}
    return stemmers[language]


@lru_cache(maxsize=100_000)
def stem(word: str, language: str) -> str:
    """The stem of a folded `word` in a content `language`."""
    return _stemmer(language).stemWord(word)


def _spanish_number_forms(word: str) -> tuple[str, ...]:
    # Snowball Spanish does not give a singular and its plural one stem ("joven" -> "jov", "jóvenes" -> "joven";
    # "ciudad" -> "ciud", "ciudades" -> "ciudad"): a query word is also looked up as its plural or singular.
    if not word.isalpha():
        return ()
    if word.endswith("ces"):
        forms = [word[:-3] + "z", word[:-1]]  # voces -> voz; "-ces" of a vowel ending: clases -> clase
    elif word.endswith("es"):
        forms = [word[:-2], word[:-1]]  # ciudades -> ciudad; redes -> red, but also clases -> clase
    elif word.endswith("s"):
        forms = [word[:-1]]
    elif word.endswith("z"):
        forms = [word[:-1] + "ces"]
    else:
        forms = [word + ("s" if word[-1] in "aeiou" else "es")]
    return tuple(form for form in forms if len(form) >= 3)


_NUMBER_FORMS = {"es": _spanish_number_forms}


def forms(word: str, language: str) -> tuple[str, ...]:
    """The forms under which a folded query `word` is looked up in `language`'s columns: itself, and for a
    language whose stemmer parts singulars from plurals (Spanish), its other number's forms."""
    other = _NUMBER_FORMS.get(language)
    return (word, *other(word)) if other else (word,)


def stems(word: str, language: str) -> tuple[str, ...]:
    """The distinct stems of a folded query `word`'s forms in `language`."""
    return tuple(dict.fromkeys(stem(form, language) for form in forms(word, language)))


def stemmed(text: str, language: str) -> str:
    """The stems of the words of `text` in `language`, separated by spaces."""
    return stemmed_pieces([folded_pieces(text)], language)[0]


def folded_pieces(text: str) -> list[str]:
    """The pieces of `text` between white space, folded: fold(text).split().

    Folding the whole text, then splitting it, gives the words that splitting it, then folding each piece, gives:
    folding keeps white space where it is, and where it makes some (the compatibility decomposition of a few
    characters holds a space), the words on either side are the words of the folded piece. An index write folds
    each document's text once (words separated by white space: documents._text) and reads both its vocabulary and
    its FTS rows from these pieces (Pieces)."""
    return fold(text).split()


Pieces = dict[str, list[list[str]]]  # per text field, each record's folded pieces, in the order of the records


def pieces_of(records: list, fields: Iterable[str]) -> Pieces:
    """The folded pieces of each of `records`' text `fields`."""
    return {field: [folded_pieces(getattr(record, field)) for record in records] for field in fields}


def stemmed_pieces(found: list[list[str]], language: str) -> list[str]:
    """For each list of folded pieces (folded_pieces()), the stems of its words in `language`, separated by spaces;
    each distinct piece is stemmed once: a batch of documents repeats most words."""
    stems = _stemmed_pieces(set().union(*found), language)
    return [" ".join(filter(None, map(stems.__getitem__, pieces))) for pieces in found]


# The stemmed words of the folded pieces met in index writes, per language: a plain dict, emptied when it holds
# PIECE_CACHE_SIZE pieces (a rebuild at 100,000 publications meets some 10^5 distinct words; an lru_cache of that
# size thrashes, and costs a Python call per word).
PIECE_CACHE_SIZE = 100_000
_piece_cache: dict[str, dict[str, str]] = {}


def _stemmed_pieces(pieces: set[str], language: str) -> dict[str, str]:
    """A dict giving each of `pieces` (folded text without white space) as the stems of its words, separated by
    spaces (a piece is nearly always one word; "1⁄2", the folded "½", is two)."""
    cache = _piece_cache.setdefault(language, {})
    missing = pieces.difference(cache)  # a set less a dict: looks up each piece of the set, in C
    if len(cache) + len(missing) > PIECE_CACHE_SIZE:
        cache, missing = {}, pieces
        _piece_cache[language] = cache
    found = {piece: WORD.findall(piece) for piece in missing}
    distinct = list({word for piece_words in found.values() for word in piece_words})
    stems = dict(zip(distinct, _stemmer(language).stemWords(distinct), strict=True))
    cache.update((piece, " ".join(map(stems.__getitem__, piece_words))) for piece, piece_words in found.items())
    return cache
