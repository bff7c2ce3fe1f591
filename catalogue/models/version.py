"""The catalogue's content version: when what the public sees last changed, read in one cheap query; and a
record's version, when what its own pages show last changed.

They drive Last-Modified and ETag of the public pages and the key of the anonymous page cache (idm/caching.py).
Every write to a row that feeds a search document (any public content: publications and their parts, series,
topics, workshops, agendas, speakers; deletes too) stamps CatalogueChange, from the search index's one hook
(search/index.py). A scheduled record becomes public at its publish date without any write:
the latest publish date that has come is part of the version, so the version moves at that moment too.
"""

import datetime

from django.db import connections, models, router
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .common import Status
from .publication import Publication
from .workshop import Workshop

SINGLETON = 1
EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class CatalogueChange(models.Model):
    """One row: when anything in the catalogue was last written."""

    changed_at = models.DateTimeField()

    def __str__(self):
        return self.changed_at.isoformat()


def catalogue_changed(*, using: str = "default") -> None:
    """Stamp the catalogue as changed now (in the writer's transaction: others see it when it commits)."""
    now = timezone.now()
    if not CatalogueChange.objects.using(using).filter(pk=SINGLETON).update(changed_at=now):
        # The migration creates the row; a flushed database has none until this first write.
        row = CatalogueChange(pk=SINGLETON, changed_at=now)
        CatalogueChange.objects.using(using).bulk_create([row], ignore_conflicts=True)


def _as_datetime(value) -> datetime.datetime | None:
    # SQLite gives a raw query's datetime as its stored text or a naive datetime (UTC); PostgreSQL an aware one.
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        return value.replace(tzinfo=datetime.UTC)
    return value


def content_version(*, using: str | None = None) -> datetime.datetime:
    """When the public catalogue last changed: the last write, or a scheduled record's publish date since come.

    Read from `using`, or from the database the request reads from (a read replica's version for the pages built
    from the replica's rows: idm/replica.py).

    Every public request reads it: one statement of three index lookups (the latest publish date that has come is
    read backwards along each (publish_date, status) index), written once in SQL both databases run.
    """
    connection = connections[using or router.db_for_read(CatalogueChange)]
    latest = "SELECT publish_date FROM {} WHERE publish_date <= %s AND status = %s ORDER BY publish_date DESC LIMIT 1"
    sql = (
        f"SELECT (SELECT changed_at FROM {CatalogueChange._meta.db_table} WHERE id = %s), "
        f"({latest.format(Publication._meta.db_table)}), ({latest.format(Workshop._meta.db_table)})"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [SINGLETON, now, Status.PUBLISHED.value, now, Status.PUBLISHED.value])
        moments = [_as_datetime(value) for value in cursor.fetchone()]
    return max([EPOCH, *(moment for moment in moments if moment is not None)])


# A record's version, in SQL both databases run: a cache hit costs this statement and little else (with the ORM's
# query in its place, compiled on each request, a kept publication page answered at a third of the rate).
# `_public(alias)` is published_q() in SQL, with the parameters (status, now).
def _public(alias: str) -> str:
    return f"{alias}.status = %s AND {alias}.publish_date <= %s"


_PUBLICATIONS, _WORKSHOPS = Publication._meta.db_table, Workshop._meta.db_table
_RECORD_SQL = {
    # Its times, and the latest publish date come of the workshops its page lists (one becomes public on its date);
    # parameters: the workshops' (status, now), then the publication's (status, now), then the slug.
    Publication: (
        f"SELECT p.content_changed_at, p.publish_date, (SELECT w.publish_date FROM {_WORKSHOPS} w "
        f"WHERE w.publication_id = p.id AND {_public('w')} ORDER BY w.publish_date DESC LIMIT 1) "
        f"FROM {_PUBLICATIONS} p WHERE {_public('p')} AND p.slug = %s"
    ),
    # Its times and its report's (a workshop is public with no report, or with a public one); parameters: the
    # workshop's (status, now), then the report's (status, now), then the slug.
    Workshop: (
        f"SELECT w.content_changed_at, w.publish_date, p.content_changed_at FROM {_WORKSHOPS} w "
        f"LEFT JOIN {_PUBLICATIONS} p ON p.id = w.publication_id WHERE {_public('w')} "
        f"AND (w.publication_id IS NULL OR ({_public('p')})) AND w.slug = %s"
    ),
}


def record_version(model: type[Publication] | type[Workshop], slug: str, *, using=None) -> datetime.datetime | None:
    """When what the own pages of the public `model` record with `slug` show last changed (its content-changed
    time, or the time it became public; for a publication, a workshop it lists becoming public; for a workshop, its
    report's change); None if no public record has this slug. One statement, from the database `using` or the one
    the request reads from."""
    connection = connections[using or router.db_for_read(model)]
    public = [Status.PUBLISHED.value, connection.ops.adapt_datetimefield_value(timezone.now())]
    with connection.cursor() as cursor:
        cursor.execute(_RECORD_SQL[model], [*public, *public, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    return max(moment for moment in map(_as_datetime, row) if moment is not None)
