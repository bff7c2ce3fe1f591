"""The index writer: brings SearchDocument rows (and SQLite's FTS table) in step with the catalogue."""

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connections, router, transaction

from catalogue.models import Publication, SearchDocument, SearchWord, Workshop, catalogue_changed

from .backends import backend_for
from .documents import BUILDERS
from .parallel import in_order, worker_pool
from .schema import DOCUMENT_FIELDS, FTS_TABLE, TEXT_FIELDS
from .text import pieces_of
from .vocabulary import Changes

BATCH_SIZE = 500  # records per batch of a rebuild
VOCABULARY_FLUSH = 200_000  # (language, word) counts a rebuild holds before it writes them


def index_publications(pks: Iterable[int], *, using: str | None = None, words: Changes | None = None) -> None:
    """Bring the search documents of these publications up to date (removing those of deleted ones).

    Their vocabulary changes are written at once, or added to `words` for the caller to write (an import indexing
    its publications in batches writes the vocabulary once, at the end)."""
    _index(SearchDocument.Kind.PUBLICATION, pks, using=using, words=words)


def index_workshops(pks: Iterable[int], *, using: str | None = None) -> None:
    """Bring the search documents of these workshops up to date (removing those of deleted ones)."""
    _index(SearchDocument.Kind.WORKSHOP, pks, using=using)


def _index(kind: str, pks: Iterable[int], *, using: str | None, words: Changes | None = None) -> None:
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    using = using or router.db_for_write(SearchDocument)
    model, build = BUILDERS[kind]
    documents_of = SearchDocument.objects.using(using)
    with transaction.atomic(using=using):
        # The vocabulary holds publications' words: theirs are read with the same rows, to subtract the old ones.
        vocabulary = kind == SearchDocument.Kind.PUBLICATION
        fields = ["kind", "public", *TEXT_FIELDS] if vocabulary else []
        old = list(documents_of.filter(kind=kind, object_id__in=pks).only("object_id", *fields))
        existing = {document.object_id: document.pk for document in old}
        documents = list(build(model.objects.using(using).filter(pk__in=pks)))
        pieces = pieces_of(documents, TEXT_FIELDS)  # folded once, for the vocabulary and the FTS rows
        changes = words if words is not None else Changes()
        if vocabulary:
            changes.add(old, sign=-1)
            changes.add(documents, pieces=pieces)
        for document in documents:
            document.pk = existing.pop(document.object_id, None)
        gone = list(existing.values())
        if gone:
            documents_of.filter(pk__in=gone).delete()
        saved = [document for document in documents if document.pk is not None]
        created = [document for document in documents if document.pk is None]
        with connections[using].cursor() as cursor:
            _insert_documents(cursor, created)
            _update_documents(cursor, saved)
            backend_for(using).write(cursor, kind, documents, pks, pieces)
            if words is None:
                changes.write(cursor)


def _insert_documents(cursor, documents: list[SearchDocument]) -> None:
    """INSERT these new documents: one statement, executed for each.

    Not bulk_create, which compiles every value of every row as an expression (under cProfile, 1.3 s of the 16.8 s
    of indexing 10,000 imported publications) for rows whose values (text, integers, booleans) go to the database
    as they are."""
    if not documents:
        return
    columns = [SearchDocument._meta.get_field(name) for name in ("kind", "object_id", *DOCUMENT_FIELDS)]
    quote = cursor.db.ops.quote_name
    cursor.executemany(
        f"INSERT INTO {quote(SearchDocument._meta.db_table)} ({', '.join(quote(field.column) for field in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})",
        [[getattr(document, field.attname) for field in columns] for document in documents],
    )


def _update_documents(cursor, documents: list[SearchDocument]) -> None:
    """Write the DOCUMENT_FIELDS of these saved documents: one UPDATE by id, executed for each.

    Not bulk_update, whose CASE WHEN per field and row Django builds as expressions: three quarters of the time of
    re-indexing 3,000 publications."""
    if not documents:
        return
    columns = [SearchDocument._meta.get_field(name) for name in DOCUMENT_FIELDS]
    quote = cursor.db.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    cursor.executemany(
        f"UPDATE {quote(SearchDocument._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s",
        [[getattr(document, field.attname) for field in columns] + [document.pk] for document in documents],
    )


def rebuild_index(*, using: str | None = None, batch_size: int = BATCH_SIZE, jobs: int = 1) -> int:
    """Remake every search document, and the vocabulary, from the catalogue; returns how many documents there are.

    Streamed, so that memory stays the same at any catalogue size: `batch_size` records at a time, in id order, are
    built (documents, FTS rows, vocabulary counts), written, then let go; the vocabulary's counts are written
    whenever they hold VOCABULARY_FLUSH words. With `jobs` above 1, that many worker processes build the batches
    (reading the catalogue's committed rows through connections of their own) while this one writes them, in the
    same order, at most 2 × `jobs` batches ahead; inside a transaction, or on a database in memory (tests on
    SQLite), this process builds them. One transaction for the whole: a rebuild that fails part way leaves the old
    index as it was, and readers see the old index until the commit, never a half-empty one (PostgreSQL's MVCC;
    SQLite in WAL mode, as settings.py sets it, reads the last commit).
    """
    using = using or router.db_for_write(SearchDocument)
    backend = backend_for(using)
    connection = connections[using]
    if connection.in_atomic_block or (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        jobs = 1  # other processes could not read the rows of this transaction, or this database
    pool = worker_pool(jobs) if jobs > 1 else None
    count = 0
    words = Changes()
    try:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            catalogue_changed(using=using)
            SearchDocument.objects.using(using).all().delete()
            SearchWord.objects.using(using).all().delete()
            if connections[using].vendor == "sqlite":
                _recreate_fts_table(cursor)
            else:
                backend.clear(cursor)
            tasks = [(kind, pks, using) for kind, pks in _batches(using, batch_size)]
            built = in_order(pool, build_batch, tasks, window=2 * jobs) if pool else map(build_batch, tasks)
            for documents, rows, changes in built:
                _insert_documents(cursor, documents)
                backend.insert_rows(cursor, rows)
                words.merge(changes)
                count += len(documents)
                if len(words) > VOCABULARY_FLUSH:
                    words.write(cursor)
                    words = Changes()
            words.write(cursor)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return count


def _batches(using: str, batch_size: int) -> Iterator[tuple[str, list[int]]]:
    """(kind, ids) of every record to index, `batch_size` ids at a time, by keyset over each kind's ids."""
    for kind, (model, _build) in BUILDERS.items():
        records = model.objects.using(using).order_by("pk")
        last = 0
        while pks := list(records.filter(pk__gt=last).values_list("pk", flat=True)[:batch_size]):
            last = pks[-1]
            yield kind, pks


def build_batch(task: tuple[str, list[int], str]) -> tuple[list[SearchDocument], list, Changes]:
    """The documents of one batch of records (`task`: kind, ids, database), their FTS rows and their vocabulary."""
    kind, pks, using = task
    model, build = BUILDERS[kind]
    documents = list(build(model.objects.using(using).filter(pk__in=pks)))
    pieces = pieces_of(documents, TEXT_FIELDS)
    words = Changes()
    words.add(documents, pieces=pieces)
    return documents, backend_for(using).fts_rows(kind, documents, pieces), words


def _recreate_fts_table(cursor) -> None:
    """Empty SQLite's FTS table by dropping it and creating it again as its own definition says: a DELETE reads each
    row to take its words out of the index (3 s of a rebuild at 10,000 publications)."""
    cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE])
    (definition,) = cursor.fetchone()
    cursor.execute(f"DROP TABLE {FTS_TABLE}")
    cursor.execute(definition)


# Indexing once per block, not once per saved row -------------------------------------------

_deferred = threading.local()


@contextmanager
def indexing_deferred(using: str):
    """Collect what needs re-indexing inside the block and index each document once, at its end.

    For requests and commands that save many rows feeding the same documents (an admin form with
    its inlines, loaddata). Not transaction.on_commit, which never runs in tests (they never commit).
    """
    if getattr(_deferred, "pending", None) is not None:
        yield  # already deferring: the outermost block indexes
        return
    _deferred.pending = (set(), set(), [])
    try:
        yield
        publications, workshops, calls = _deferred.pending
    finally:
        _deferred.pending = None
    if calls:  # a block that changed nothing (a refused form) leaves the catalogue's content version alone
        index_affected(publications, workshops, using)


def index_affected(publications: Iterable[int], workshops: Iterable[int], using: str) -> None:
    """Index these documents now, or at the end of the enclosing `indexing_deferred` block.

    The rows that feed a search document are the parts of its record: their change also moves the record's
    content-changed time (OAI datestamps, Last-Modified, sitemap lastmod read it).
    """
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending[0].update(publications)
        pending[1].update(workshops)
        pending[2].append(True)
        return
    publications = {pk for pk in publications if pk is not None}
    workshops = {pk for pk in workshops if pk is not None}
    # Whatever the rows were (a series or topic of no public record too): the catalogue's content version moves.
    catalogue_changed(using=using)
    if publications:
        Publication.objects.using(using).filter(pk__in=publications).mark_changed()
    if workshops:
        Workshop.objects.using(using).filter(pk__in=workshops).mark_changed()
    index_workshops(workshops, using=using)
    index_publications(publications, using=using)
