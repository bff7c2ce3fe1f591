"""The index writer: brings SearchDocument rows (and SQLite's FTS table) in step with the catalogue."""

import threading
from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connections, router, transaction

from catalogue.models import Publication, SearchDocument, Workshop

from .backends import backend_for
from .documents import BUILDERS
from .schema import DOCUMENT_FIELDS

BATCH_SIZE = 500


def index_publications(pks: Iterable[int], *, using: str | None = None) -> None:
    """Bring the search documents of these publications up to date (removing those of deleted ones)."""
    _index(SearchDocument.Kind.PUBLICATION, pks, using=using)


def index_workshops(pks: Iterable[int], *, using: str | None = None) -> None:
    """Bring the search documents of these workshops up to date (removing those of deleted ones)."""
    _index(SearchDocument.Kind.WORKSHOP, pks, using=using)


def _index(kind: str, pks: Iterable[int], *, using: str | None) -> None:
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    using = using or router.db_for_write(SearchDocument)
    model, build = BUILDERS[kind]
    documents_of = SearchDocument.objects.using(using)
    with transaction.atomic(using=using):
        existing = dict(documents_of.filter(kind=kind, object_id__in=pks).values_list("object_id", "pk"))
        documents = list(build(model.objects.using(using).filter(pk__in=pks)))
        for document in documents:
            document.pk = existing.pop(document.object_id, None)
        gone = list(existing.values())
        if gone:
            documents_of.filter(pk__in=gone).delete()
        changed = [document for document in documents if document.pk is not None]
        if changed:
            documents_of.bulk_update(changed, DOCUMENT_FIELDS)
        created = [document for document in documents if document.pk is None]
        if created:
            documents_of.bulk_create(created)
        with connections[using].cursor() as cursor:
            backend_for(using).write(cursor, documents, gone + [document.pk for document in changed])


def rebuild_index(*, using: str | None = None) -> int:
    """Remake every search document from the catalogue; returns how many there are."""
    using = using or router.db_for_write(SearchDocument)
    backend = backend_for(using)
    count = 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        SearchDocument.objects.using(using).all().delete()
        backend.clear(cursor)
        for model, build in BUILDERS.values():
            batch = []
            for document in build(model.objects.using(using).all()):
                batch.append(document)
                if len(batch) == BATCH_SIZE:
                    count += _insert(using, cursor, backend, batch)
                    batch = []
            count += _insert(using, cursor, backend, batch)
    return count


def _insert(using: str, cursor, backend, documents: list[SearchDocument]) -> int:
    if documents:
        SearchDocument.objects.using(using).bulk_create(documents)
        backend.write(cursor, documents, [])
    return len(documents)


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
    _deferred.pending = (set(), set())
    try:
        yield
        publications, workshops = _deferred.pending
    finally:
        _deferred.pending = None
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
        return
    publications = {pk for pk in publications if pk is not None}
    workshops = {pk for pk in workshops if pk is not None}
    if publications:
        Publication.objects.using(using).filter(pk__in=publications).mark_changed()
    if workshops:
        Workshop.objects.using(using).filter(pk__in=workshops).mark_changed()
    index_workshops(workshops, using=using)
    index_publications(publications, using=using)
