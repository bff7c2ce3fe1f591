"""The catalogue's content version: when what the public sees last changed, read in one cheap query.

It drives Last-Modified and ETag of the pages listing many records and the key of the anonymous page cache
(idm/caching.py). Every write to a row that feeds a search document (any public content: publications and
their parts, series, topics, workshops, agendas, speakers; deletes too) stamps CatalogueChange, from the search
index's one hook (search/index.py). A scheduled record becomes public at its publish date without any write:
the latest publish date that has come is part of the version, so the version moves at that moment too.
"""

import datetime

from django.db import models
from django.db.models import Subquery
from django.utils import timezone

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
        CatalogueChange.objects.using(using).update_or_create(pk=SINGLETON, defaults={"changed_at": now})


def _public_dates(model, now: datetime.datetime, using: str) -> models.QuerySet:
    # Read backwards along the (publish_date, status) index: the first row that has come is the answer.
    dates = model.objects.using(using).filter(status=Status.PUBLISHED, publish_date__lte=now)
    return dates.order_by("-publish_date").values_list("publish_date", flat=True)


def content_version(*, using: str = "default") -> datetime.datetime:
    """When the public catalogue last changed: the last write, or a scheduled record's publish date since come."""
    now = timezone.now()
    row = (
        CatalogueChange.objects.using(using)
        .filter(pk=SINGLETON)
        .annotate(
            publication=Subquery(_public_dates(Publication, now, using)[:1]),
            workshop=Subquery(_public_dates(Workshop, now, using)[:1]),
        )
        .values_list("changed_at", "publication", "workshop")
        .first()
    )
    if row is None:  # nothing written since the database was created
        row = (EPOCH, _public_dates(Publication, now, using).first(), _public_dates(Workshop, now, using).first())
    return max(moment for moment in row if moment is not None)
