"""Chainable read logic for the catalogue: `Publication.objects.published().in_series(s)`.

Every public surface (pages, search, facets, feeds, sitemaps, API, OAI-PMH)
starts from these querysets, so drafts stay invisible everywhere.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone


def published_q(prefix: str = "") -> Q:
    """Condition for a publication (reached through `prefix`) being public now."""
    return Q(**{f"{prefix}status": "published", f"{prefix}publish_date__lte": timezone.now()})


class PublicationQuerySet(models.QuerySet):
    def published(self):
        """Publications with status published and a publish date that has come."""
        return self.filter(published_q())

    def in_series(self, series):
        return self.filter(series=series)

    def with_topic(self, topic):
        return self.filter(topics=topic)

    def for_listing(self):
        """What a list of publications shows: series and the languages of the editions."""
        return self.select_related("series").prefetch_related("editions")

    def for_detail(self):
        """Everything a publication page shows, in a fixed number of queries."""
        from .models import AgendaItem, TocEntry, Workshop

        return self.select_related("series").prefetch_related(
            "series__issns",
            "editions",
            "topics",
            models.Prefetch("toc_entries", queryset=TocEntry.objects.order_by("position")),
            models.Prefetch(
                "workshops",
                queryset=Workshop.objects.order_by("start_date").prefetch_related(
                    models.Prefetch(
                        "agenda_items", queryset=AgendaItem.objects.order_by("date", "start_time", "position")
                    )
                ),
            ),
        )


class EditionQuerySet(models.QuerySet):
    def published(self):
        """Editions of public publications."""
        return self.filter(published_q("publication__"))


class TopicQuerySet(models.QuerySet):
    def with_published_publications(self):
        """Topics that at least one public publication has."""
        return self.filter(publications__in=_published_publication_ids()).distinct()


class WorkshopQuerySet(models.QuerySet):
    def published(self):
        """Workshops with no report yet, or whose report is public."""
        return self.filter(Q(publication__isnull=True) | published_q("publication__"))


class AgendaItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(Q(workshop__publication__isnull=True) | published_q("workshop__publication__"))


def _published_publication_ids():
    from .models import Publication

    return Publication.objects.published().values("pk")
