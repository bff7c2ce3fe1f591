"""Index sync: every save and delete of a row that gives text to a search document re-indexes it.

Fixtures loaded with `loaddata` send raw=True saves: rows are stored as they are and may refer to
rows not loaded yet, so receivers work from ids and re-read the database; a row loaded later
re-indexes the same document. Deletions cascading from a publication, workshop or agenda item leave
the re-indexing to that parent's own receiver. Which rows affect which documents: documents.py.
"""

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from . import documents_text
from .documents import CASCADES, INDEXED, LINKS, MOVABLE, affected, affected_by_links
from .index import index_affected

_NOTHING = (frozenset(), frozenset())


def connect() -> None:
    """Connect the receivers below to the rows that feed search documents (from AppConfig.ready)."""
    for model in MOVABLE:
        pre_save.connect(remember_previous_parent, sender=model, dispatch_uid="search-pre-save")
    for model in INDEXED:
        post_save.connect(index_saved, sender=model, dispatch_uid="search-post-save")
        pre_delete.connect(remember_deleted, sender=model, dispatch_uid="search-pre-delete")
        post_delete.connect(index_deleted, sender=model, dispatch_uid="search-post-delete")
    for through in LINKS:
        m2m_changed.connect(index_links, sender=through, dispatch_uid="search-links")
    documents_text.connect()  # the text inside edition PDFs


def remember_previous_parent(sender, instance, raw, using, **kwargs):
    if instance.pk is None or (instance._state.adding and not raw):
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).first()
    instance._search_previously_affected = affected(stored, using) if stored else _NOTHING


def index_saved(sender, instance, raw, using, **kwargs):
    now = affected(instance, using)
    before = instance.__dict__.pop("_search_previously_affected", _NOTHING)
    index_affected(now[0] | before[0], now[1] | before[1], using)


def remember_deleted(sender, instance, using, **kwargs):
    # Read now: links (topics, the agenda item of a participation) may be gone after the delete.
    instance._search_affected = affected(instance, using)


def index_deleted(sender, instance, using, origin=None, **kwargs):
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    if origin_model in CASCADES.get(sender, ()):
        return
    index_affected(*instance.__dict__.pop("_search_affected", _NOTHING), using)


def index_links(sender, instance, action, reverse, model, pk_set, using, **kwargs):
    if action == "pre_clear" and reverse:
        # Which rows are linked is only known before the clear.
        linked = getattr(instance, LINKS[sender])
        instance._search_cleared = set(linked.using(using).values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        index_affected(*affected(instance, using), using)
        return
    pks = pk_set if action != "post_clear" else instance.__dict__.pop("_search_cleared", set())
    index_affected(*affected_by_links(model, pks, using), using)
