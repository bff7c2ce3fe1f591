"""The rows OAI-PMH serves: public publications with their datestamps, and the sets."""

import dataclasses
import datetime
import uuid

from django.db.models import Min, QuerySet
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from catalogue.models import Publication, Series, Topic

from .protocol import publication_identifier_prefix, xml_translations


def oai_publications() -> QuerySet:
    """The records served: public publications, and those withdrawn after they had been public (deleted
    records: a header with status="deleted", no metadata), with their datestamp: the later of the last
    change to any part of their record (editions, contents, topics, workshops) and their publish date."""
    # A publication whose publish date arrives after its last edit becomes visible then, so harvesters
    # asking "from" their previous harvest must see it as new. Withdrawing is a change (content_changed_at),
    # so a harvest "from" before it sees the deletion. Drafts and records never public stay absent.
    records = Publication.objects.published() | Publication.objects.withdrawn()
    return records.annotate(oai_datestamp=Greatest("content_changed_at", "publish_date"))


def oai_publications_matching(
    *, set_spec: str | None, start: datetime.datetime | None, end: datetime.datetime | None
) -> QuerySet:
    """Records (public or deleted) in set `set_spec` with a datestamp in [start, end), by primary key."""
    publications = oai_publications()
    if set_spec is not None:
        kind, _colon, slug = set_spec.partition(":")
        if kind == "series":
            publications = publications.filter(series__slug=slug) if slug else publications
        elif kind == "topic" and slug:
            publications = publications.filter(topics__slug=slug)
        elif kind == "topic":
            publications = publications.filter(pk__in=Publication.topics.through.objects.values("publication_id"))
        else:
            publications = publications.none()
    if start is not None:
        publications = publications.filter(oai_datestamp__gte=start)
    if end is not None:
        publications = publications.filter(oai_datestamp__lt=end)
    return publications.order_by("pk")


def oai_publication(identifier: str) -> QuerySet:
    """The record (public or deleted) that `identifier` names (an empty queryset when none does).

    Identifiers end with the publication's uuid; one ending with a slug (as they did before) still resolves, to
    the publication that has that slug now."""
    prefix = publication_identifier_prefix()
    if not identifier.startswith(prefix):
        return Publication.objects.none()
    key = identifier.removeprefix(prefix)
    try:
        return oai_publications().filter(uuid=uuid.UUID(key))
    except ValueError:
        return oai_publications().filter(slug=key)


def oai_earliest_datestamp() -> datetime.datetime | None:
    return oai_publications().aggregate(earliest=Min("oai_datestamp"))["earliest"]


@dataclasses.dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str
    titles: dict[str, str] = dataclasses.field(default_factory=dict)
    descriptions: dict[str, str] = dataclasses.field(default_factory=dict)


def oai_sets() -> list[OaiSet]:
    """Every set: "series" and "topic", then each series and topic that has a public publication."""
    public = Publication.objects.published().values("pk")
    series = Series.objects.filter(publications__in=public).distinct().order_by("slug")
    topics = Topic.objects.with_published_publications().order_by("slug")
    sets = [OaiSet("series", _("Series"))]
    sets += [_set_of("series", item) for item in series]
    sets.append(OaiSet("topic", _("Topics")))
    sets += [_set_of("topic", item) for item in topics]
    return sets


def _set_of(kind: str, item: Series | Topic) -> OaiSet:
    return OaiSet(
        spec=f"{kind}:{item.slug}",
        name=item.name,
        titles=xml_translations(item, "name"),
        descriptions=xml_translations(item, "description"),
    )
