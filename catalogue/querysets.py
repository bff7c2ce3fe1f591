"""Chainable read logic for the catalogue: `Publication.objects.published().in_series(s)`.

Every public surface (pages, search, facets, feeds, sitemaps, API, OAI-PMH)
starts from these querysets, so drafts stay invisible everywhere.
"""

from django.db import models
from django.db.models import F, Q
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
        from .models import TocEntry, Workshop

        return self.select_related("series").prefetch_related(
            "series__issns",
            "editions",
            "topics",
            models.Prefetch("toc_entries", queryset=TocEntry.objects.order_by("position")),
            models.Prefetch("workshops", queryset=Workshop.objects.order_by("start_date")),
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

    def with_agenda(self):
        """Prefetch the agenda in schedule order, each item with its people."""
        from .models import AgendaItem

        return self.prefetch_related(
            models.Prefetch("agenda_items", queryset=AgendaItem.objects.in_schedule_order().with_people())
        )


class AgendaItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(Q(workshop__publication__isnull=True) | published_q("workshop__publication__"))

    def in_schedule_order(self):
        """By day and time; a session whose time was not recorded comes first on its day, on every database."""
        return self.order_by("date", F("start_time").asc(nulls_first=True), "position")

    def with_people(self):
        """Prefetch each item's participations (in their order) with the speaker."""
        from .models import AgendaParticipation

        participations = AgendaParticipation.objects.select_related("speaker").order_by("position", "pk")
        return self.prefetch_related(models.Prefetch("participations", queryset=participations))


def _published_publication_ids():
    from .models import Publication

    return Publication.objects.published().values("pk")
