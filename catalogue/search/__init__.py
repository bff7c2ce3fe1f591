"""Full-text search of publications and workshops in every content language, on SQLite and PostgreSQL.

The one entry point: import from `catalogue.search`, never from its modules.

Each publication and workshop has a SearchDocument row with its own text and its related rows' text,
per content language, as a title part (weighted high) and a body part, plus its ISBNs and ISSNs.
Words are compared with accents folded and stemmed per language: each language's columns with that
language's stemmer, and every query word with each language's, so a query finds words in every
language whatever the page language. Every query word must match (in some language); the page
language only weighs in the ranking.

- text.py: folding, words, stems. query.py: reading a user's query. schema.py: table and column names.
- backends.py: searching in SQL, SQLite (FTS5) and PostgreSQL.
- highlight.py: result snippets, the query words marked (never a stop word: stopwords.py).
- passages.py: why a result matched: the passage holding the query's words and the field it is from.
- documents.py: what feeds each document, and which saved rows change it.
- index.py: the writer (parallel.py: the worker processes of a rebuild with --jobs). signals.py: keeps the
  documents in step with every save and delete.
- documents_text.py: the text inside edition PDFs, per page, extracted when a PDF is stored, indexed and found.
- sets.py: a query's matches as sets of ids (Roaring bitmaps), for pages that count, facet and rank in memory.
- vocabulary.py: the words of the public publications' documents (SearchWord), kept in step by index.py.
  suggest.py: "did you mean", a misspelt query corrected against that vocabulary.
"""

from .backends import RANKED_MATCHES, search_publications, search_workshops
from .documents_text import document_hits, edition_process, editions_to_extract, rebuild_page_index
from .highlight import highlight
from .index import index_publications, index_workshops, indexing_deferred, rebuild_index
from .passages import Passage, PassageField, publication_passages, workshop_passages
from .sets import Matches, publication_matches, remember, workshop_matches
from .signals import connect as connect_signals
from .suggest import FEW_RESULTS, suggest_query
from .vocabulary import rebuild_vocabulary

__all__ = [
    "FEW_RESULTS",
    "RANKED_MATCHES",
    "Matches",
    "Passage",
    "PassageField",
    "connect_signals",
    "document_hits",
    "edition_process",
    "editions_to_extract",
    "highlight",
    "index_publications",
    "index_workshops",
    "indexing_deferred",
    "publication_matches",
    "publication_passages",
    "rebuild_index",
    "rebuild_page_index",
    "rebuild_vocabulary",
    "remember",
    "search_publications",
    "search_workshops",
    "suggest_query",
    "workshop_matches",
    "workshop_passages",
]
