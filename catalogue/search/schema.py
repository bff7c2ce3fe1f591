"""How the index is stored, written once: the backends and migration 0003 both read these names.

Each content language has a title and a body column on SearchDocument, stemmed with that language's
Snowball stemmer: in Python for SQLite's FTS5 table, by a text-search configuration for PostgreSQL's
generated tsvector columns.
"""

from catalogue.i18n import content_languages
from catalogue.models import SearchDocument

# Snowball stemmers that both snowballstemmer and PostgreSQL ship, by ISO 639-1 code.
SNOWBALL_LANGUAGES = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}

LANGUAGES = tuple(content_languages())
STEMMERS = {code: SNOWBALL_LANGUAGES[code] for code in LANGUAGES}


DOCUMENT_TABLE = SearchDocument._meta.db_table
# SearchDocument's text fields per language (named as their columns; the model adds them per content language).
TITLE_FIELDS = {code: f"title_{code}" for code in LANGUAGES}  # weighted high: title, subtitle
BODY_FIELDS = {code: f"body_{code}" for code in LANGUAGES}
# The text fields, folded and stemmed: titles, then bodies.
TEXT_FIELDS = [*TITLE_FIELDS.values(), *BODY_FIELDS.values()]
# The fields an index write sets.
DOCUMENT_FIELDS = [*TEXT_FIELDS, "identifiers", "public"]

# SQLite: an FTS5 table of pre-stemmed text; its columns, in order, with their language. Its rowid is the document's
# kind and object id (fts_rowid), not SearchDocument.id: a match of one kind is then a rowid range of the FTS index
# alone, its object ids read off the rowids, without reading the documents' wide rows (at 100,000 publications,
# most of the cost of matching a word in nearly every record).
FTS_TABLE = "catalogue_search_fts"
FTS_KIND_BLOCK = 1 << 40  # object ids of one kind: 0 … 2**40 - 1
FTS_KIND_BLOCKS = {SearchDocument.Kind.PUBLICATION: 0, SearchDocument.Kind.WORKSHOP: 1}


def fts_rowid(kind: str, object_id: int) -> int:
    """The FTS rowid of the document of `kind` and `object_id`."""
    return FTS_KIND_BLOCKS[kind] * FTS_KIND_BLOCK + object_id


def fts_first_rowid(kind: str) -> int:
    """The rowid of `kind`'s object id 0: its documents' rowids are this plus their object id."""
    return fts_rowid(kind, 0)


FTS_COLUMNS = {
    **{field: code for code, field in TITLE_FIELDS.items()},
    **{field: code for code, field in BODY_FIELDS.items()},
}

# PostgreSQL: per language, a text-search configuration (unaccent, then the Snowball dictionary) and a
# generated tsvector column with a GIN index.
CONFIGURATIONS = {code: f"idm_{code}" for code in LANGUAGES}
DICTIONARIES = {code: f"idm_{name}_stem" for code, name in STEMMERS.items()}
VECTOR_COLUMNS = {code: f"vector_{code}" for code in LANGUAGES}
VECTOR_INDEXES = {code: f"{DOCUMENT_TABLE}_{column}" for code, column in VECTOR_COLUMNS.items()}  # until 0022
# … and one of the titles alone, for the title tiers of a ranking (sets.py) read from the index, without reading
# each matching document's whole vector (ts_filter() on the vector above detoasts it: ~3 ms per 1,000 documents).
TITLE_VECTOR_COLUMNS = {code: f"title_vector_{code}" for code in LANGUAGES}


def vector_index(column: str, kind: str) -> str:
    """The GIN index of a vector `column` over the documents of one `kind` (migration 0022): every query of the
    vectors names its kind, and a common word's index scan then visits that kind's rows only."""
    return f"{DOCUMENT_TABLE}_{column}_{kind}"


# A document row's text and vectors over this many bytes are kept out of line (TOAST), so that the rows a common
# word's index scan visits are ~300 bytes, not ~2 KB: PostgreSQL's default keeps up to 2 KB in the row.
TOAST_TUPLE_TARGET = 128
