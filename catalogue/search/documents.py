"""What each search document holds, and which saved or deleted rows change it: written side by side.

A publication's document: its title and subtitle (the title part), its summary, table of contents,
topics, and its workshops' text with their agendas (the body part), per content language; and the
ISBNs and ISSNs of its editions and its series. A workshop's document: its title, and its
description and agenda. A row that gives text to a document here must appear in the reverse map
below (INDEXED, `affected`), or saving it would leave the document stale.
"""

import unicodedata
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet

from catalogue.identifiers import compact_identifier
from catalogue.models import (
    AgendaItem,
    AgendaParticipation,
    Edition,
    Publication,
    SearchDocument,
    SeriesIssn,
    Speaker,
    TocEntry,
    Topic,
    Workshop,
)

from .schema import BODY_FIELDS, LANGUAGES, TITLE_FIELDS
from .text import WORD

# What feeds each document ------------------------------------------------------------------


def _text(*values) -> str:
    # Stored as words separated by spaces, so that both databases split the text into the same words
    # (PostgreSQL's parser would read "978-92-9068" as the numbers 978, -92 and -9068).
    return "\n".join(" ".join(WORD.findall(unicodedata.normalize("NFC", value))) for value in values if value)


def _identifiers(values: Iterable[str]) -> str:
    # Space-separated, with a space at each end, so that `LIKE '% value %'` finds whole identifiers.
    compact = dict.fromkeys(compact_identifier(value) for value in values if value)
    return f" {' '.join(compact)} " if compact else ""


def _agenda_text(workshop: Workshop, code: str) -> list[str]:
    values = []
    for item in workshop.agenda_items.all():
        values.append(getattr(item, f"title_{code}"))
        values += [speaker.name for speaker in item.speakers.all()]
    return values


def publication_documents(publications: QuerySet) -> Iterator[SearchDocument]:
    """The search documents of `publications`, built from their rows and their related rows'."""
    for publication in publications.for_index().iterator(chunk_size=500):
        document = SearchDocument(
            kind=SearchDocument.Kind.PUBLICATION, object_id=publication.pk, public=publication.is_public
        )
        for code in LANGUAGES:
            setattr(
                document,
                TITLE_FIELDS[code],
                _text(getattr(publication, f"title_{code}"), getattr(publication, f"subtitle_{code}")),
            )
            body = [getattr(publication, f"summary_{code}")]
            body += [getattr(entry, f"title_{code}") for entry in publication.toc_entries.all()]
            body += [getattr(topic, f"name_{code}") for topic in publication.topics.all()]
            for workshop in publication.workshops.all():
                body += [getattr(workshop, f"title_{code}"), getattr(workshop, f"description_{code}")]
                body += _agenda_text(workshop, code)
            setattr(document, BODY_FIELDS[code], _text(*body))
        editions = publication.editions.all()
        document.identifiers = _identifiers(
            [edition.isbn for edition in editions]
            + [edition.issn for edition in editions]
            + [row.issn for row in publication.series.issns.all()]
        )
        yield document


def workshop_documents(workshops: QuerySet) -> Iterator[SearchDocument]:
    """The search documents of `workshops`, built from their rows and their agendas'."""
    for workshop in workshops.for_index().iterator(chunk_size=500):
        document = SearchDocument(kind=SearchDocument.Kind.WORKSHOP, object_id=workshop.pk, public=workshop.is_public)
        for code in LANGUAGES:
            setattr(document, TITLE_FIELDS[code], _text(getattr(workshop, f"title_{code}")))
            body = [getattr(workshop, f"description_{code}"), *_agenda_text(workshop, code)]
            setattr(document, BODY_FIELDS[code], _text(*body))
        yield document


BUILDERS = {
    SearchDocument.Kind.PUBLICATION: (Publication, publication_documents),
    SearchDocument.Kind.WORKSHOP: (Workshop, workshop_documents),
}

# Which rows change which documents ---------------------------------------------------------

# Every model whose rows give text to a document above.
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
# Many-to-many links that give text to a document, with the name of the rows linked to the other side.
LINKS = {Publication.topics.through: "publications", AgendaItem.speakers.through: "agenda_items"}

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


def affected_by_links(model: type, pks: Iterable[int], using: str) -> Affected:
    """The publications and workshops holding text from the rows of `model` (the LINKS' far side) whose links changed."""
    if model is Publication:
        return set(pks), set()
    return _workshops(Workshop.objects.using(using).filter(agenda_items__in=pks))
