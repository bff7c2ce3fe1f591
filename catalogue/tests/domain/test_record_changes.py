"""A record's identity and its content-changed time: the uuid survives slug changes; any part of the record that
changes (editions, contents, topics, workshops, the agenda) moves the time of the record it belongs to, and only
that record's."""

import datetime
import uuid

import pytest
from django.utils import timezone

from catalogue import search
from catalogue.models import Publication, Workshop
from catalogue.tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    PublicationFactory,
    SpeakerFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


def age(*records):
    """Set the records' content-changed time far in the past, so that any move shows."""
    for record in records:
        type(record).objects.filter(pk=record.pk).update(content_changed_at=LONG_AGO)


def changed(record) -> bool:
    return type(record).objects.get(pk=record.pk).content_changed_at > LONG_AGO


def test_every_record_gets_its_own_identifier_which_survives_a_slug_change():
    first, second = PublicationFactory(), PublicationFactory()
    assert isinstance(first.uuid, uuid.UUID)
    assert first.uuid != second.uuid
    before = first.uuid
    first.slug = "renamed"
    first.save()
    assert Publication.objects.get(slug="renamed").uuid == before
    workshop = WorkshopFactory()
    assert isinstance(workshop.uuid, uuid.UUID)


@pytest.mark.parametrize(
    "change",
    [
        "save publication",
        "add edition",
        "edit edition",
        "delete edition",
        "add contents",
        "link topic",
        "unlink topic",
        "rename topic",
        "attach workshop",
    ],
)
def test_a_change_to_any_part_of_a_publication_moves_its_content_changed_time(change):
    publication, other = PublicationFactory(), PublicationFactory()
    edition = EditionFactory(publication=publication, language="fr")
    topic = TopicFactory()
    publication.topics.add(topic)
    workshop = WorkshopFactory(publication=None)
    age(publication, other)
    match change:
        case "save publication":
            publication.save()
        case "add edition":
            EditionFactory(publication=publication, language="es")
        case "edit edition":
            edition.pages = 120
            edition.save()
        case "delete edition":
            edition.delete()
        case "add contents":
            TocEntryFactory(publication=publication)
        case "link topic":
            publication.topics.add(TopicFactory())
        case "unlink topic":
            publication.topics.remove(topic)
        case "rename topic":
            topic.name_en = "Renamed"
            topic.save()
        case "attach workshop":
            workshop.publication = publication
            workshop.save()
    assert [changed(publication), changed(other)] == [True, False]


def test_agenda_changes_move_the_workshop_and_saving_a_form_moves_it_once_at_the_end():
    workshop, other = WorkshopFactory(), WorkshopFactory()
    age(workshop, other)
    item = AgendaItemFactory(workshop=workshop)
    assert [changed(workshop), changed(other)] == [True, False]
    age(workshop)
    item.speakers.add(SpeakerFactory())
    assert changed(workshop)
    age(workshop)
    with search.indexing_deferred("default"):
        item.title_en = "New title"
        item.save()
        assert not changed(workshop)  # deferred with the index, to the end of the block
    assert changed(workshop)


def test_moving_a_workshop_to_another_report_moves_both_reports():
    old, new = PublicationFactory(), PublicationFactory()
    workshop = WorkshopFactory(publication=old)
    age(old, new, workshop)
    workshop.publication = new
    workshop.save()
    assert [changed(old), changed(new), changed(workshop)] == [True, True, True]
    assert Workshop.objects.get(pk=workshop.pk).content_changed_at <= timezone.now()
