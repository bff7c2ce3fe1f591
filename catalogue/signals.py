"""Index sync: every save and delete of a row that gives text to a search document re-indexes it.

Fixtures loaded with `loaddata` send raw=True saves: rows are stored as they are and may
refer to rows not loaded yet, so handlers work from ids and re-read the database; a row
loaded later re-indexes the same document. Deletions cascading from a publication,
workshop or agenda item leave the re-indexing to that parent's own handler.
"""

import threading
from contextlib import contextmanager

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import search
from .models import (
    AgendaItem,
    AgendaParticipation,
    Edition,
    Publication,
    SeriesIssn,
    Speaker,
    TocEntry,
    Topic,
    Workshop,
)

INDEXED = (Publication, Edition, TocEntry, SeriesIssn, Topic, Workshop, AgendaItem, AgendaParticipation, Speaker)
# Rows whose parent can change: the parent they had is re-indexed too.
MOVABLE = (Edition, TocEntry, SeriesIssn, Workshop, AgendaItem, AgendaParticipation)
# What a deletion cascading from each parent model makes needless to re-index.
CASCADES = {
    Edition: (Publication,),
    TocEntry: (Publication,),
    AgendaItem: (Workshop,),
    AgendaParticipation: (Workshop, AgendaItem),
}

Affected = tuple[set, set]  # publication ids, workshop ids


def _workshops(workshops: QuerySet) -> Affected:
    rows = list(workshops.values_list("pk", "publication_id").distinct())
    return {publication for _, publication in rows}, {workshop for workshop, _ in rows}


def affected(instance, using: str) -> Affected:
    """The publications and workshops whose search documents hold text from `instance`."""
    workshops = Workshop.objects.using(using)
    if isinstance(instance, Publication):
        return {instance.pk}, set()
    if isinstance(instance, Edition | TocEntry):
        return {instance.publication_id}, set()
    if isinstance(instance, SeriesIssn):
        return set(
            Publication.objects.using(using).filter(series_id=instance.series_id).values_list("pk", flat=True)
        ), set()
    if isinstance(instance, Topic):
        links = Publication.topics.through.objects.using(using).filter(topic_id=instance.pk)
        return set(links.values_list("publication_id", flat=True)), set()
    if isinstance(instance, Workshop):
        return {instance.publication_id}, {instance.pk}
    if isinstance(instance, AgendaItem):
        return _workshops(workshops.filter(pk=instance.workshop_id))
    if isinstance(instance, AgendaParticipation):
        return _workshops(workshops.filter(agenda_items=instance.agenda_item_id))
    if isinstance(instance, Speaker):
        return _workshops(workshops.filter(agenda_items__participations__speaker=instance.pk))
    return set(), set()


_deferred = threading.local()


@contextmanager
def indexing_deferred(using: str):
    """Collect what needs re-indexing and index each document once, at the end (bulk loads)."""
    if getattr(_deferred, "pending", None) is not None:
        yield  # already deferring: the outermost block indexes
        return
    _deferred.pending = (set(), set())
    try:
        yield
        publications, workshops = _deferred.pending
    finally:
        _deferred.pending = None
    _index(publications, workshops, using)


def _index(publications, workshops, using: str) -> None:
    pending = getattr(_deferred, "pending", None)
    if pending is not None:
        pending[0].update(publications)
        pending[1].update(workshops)
        return
    search.index_workshops(workshops, using=using)
    search.index_publications(publications, using=using)


def _merge(*pairs: Affected) -> Affected:
    return set().union(*(pair[0] for pair in pairs)), set().union(*(pair[1] for pair in pairs))


@receiver(pre_save)
def remember_previous_parent(sender, instance, raw, using, **kwargs):
    if sender not in MOVABLE or instance.pk is None or (instance._state.adding and not raw):
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).first()
    instance._search_previously_affected = affected(stored, using) if stored else (set(), set())


@receiver(post_save)
def index_saved(sender, instance, raw, using, **kwargs):
    if sender not in INDEXED:
        return
    previous = instance.__dict__.pop("_search_previously_affected", (set(), set()))
    _index(*_merge(affected(instance, using), previous), using)


@receiver(pre_delete)
def remember_deleted(sender, instance, using, **kwargs):
    if sender in INDEXED:
        # Read now: links (topics, the agenda item of a participation) may be gone after the delete.
        instance._search_affected = affected(instance, using)


@receiver(post_delete)
def index_deleted(sender, instance, using, origin=None, **kwargs):
    if sender not in INDEXED:
        return
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin_model in CASCADES.get(sender, ()):
        return
    publications, workshops = instance.__dict__.pop("_search_affected", (set(), set()))
    _index(publications, workshops, using)


@receiver(m2m_changed, sender=Publication.topics.through)
@receiver(m2m_changed, sender=AgendaItem.speakers.through)
def index_links(sender, instance, action, reverse, model, pk_set, using, **kwargs):
    if action == "pre_clear" and reverse:
        # Which rows are linked is only known before the clear.
        linked = instance.publications if sender is Publication.topics.through else instance.agenda_items
        instance._search_cleared = set(linked.using(using).values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _index(*affected(instance, using), using)
        return
    pks = pk_set if action != "post_clear" else instance.__dict__.pop("_search_cleared", set())
    if model is Publication:
        _index(pks, set(), using)
    else:
        _index(*_workshops(Workshop.objects.using(using).filter(agenda_items__in=pks)), using)
