"""An optional read replica (DATABASE_REPLICA_URL): anonymous visitors' reads go to it, everything else to the primary.

What may read from a replica is decided per request, not per model: a request reads all its rows from one database,
so that what it shows is one state of the catalogue. ReplicaMiddleware marks an anonymous GET, HEAD or OPTIONS
request outside the admin as reading from the replica; ReplicaRouter then sends that request's reads there. Staff
(the admin, previews, every write and every form they post) always read the primary: they see what they just saved,
and the admin's stale-save check compares against the primary's row. Writes always go to the primary (a replica
refuses them). Commands, imports and the search index's writer read the primary too.

A replica lags behind the primary: an anonymous page may show the catalogue as it was a moment ago. The catalogue's
content version (the key of the anonymous page cache and the catalogue index) is read from the replica too, before
anything else, so a page is never kept under a newer version than the rows it was built from.
"""

import contextvars
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

REPLICA = "replica"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_reading_replica = contextvars.ContextVar("reading_replica", default=False)


class ReplicaRouter:
    """Reads to the replica within a request ReplicaMiddleware marked; everything else as Django does by default."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading_replica.get() else None

    def db_for_write(self, model, **hints):
        return None  # the primary ("default")

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows: an instance read from either may point at the other's

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica gets its schema from the primary's stream


def reads_from_replica(request) -> bool:
    """Whether `request` may read from the replica: a safe method, anonymous, outside the admin."""
    return (
        request.method in SAFE_METHODS
        and not request.path_info.startswith("/admin/")
        and not request.user.is_authenticated  # read from the primary (the session), before any read is marked
    )


class ReplicaMiddleware:
    """Marks the requests that read from the replica (see reads_from_replica) for ReplicaRouter; not used without
    a replica. After AuthenticationMiddleware (it asks who the user is) and before every middleware that reads
    the catalogue (the page cache reads the content version)."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if not reads_from_replica(request):
            return self.get_response(request)
        token = _reading_replica.set(True)
        try:
            response = self.get_response(request)
        finally:
            _reading_replica.reset(token)
        # A streamed response (the sitemap files) reads as it is sent, after this returns.
        if response.streaming and not response.is_async:
            response.streaming_content = _on_replica(response.streaming_content)
        return response


def _on_replica(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """`chunks`, each made with the request's reads sent to the replica."""
    chunks = iter(chunks)
    while True:
        token = _reading_replica.set(True)
        try:
            chunk = next(chunks, None)
        finally:
            _reading_replica.reset(token)
        if chunk is None:
            return
        yield chunk
