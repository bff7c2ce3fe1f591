"""Inserting new rows in bulk (catalogue/dataio/inserting.py): the rows stored are the ones bulk_create stores."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from catalogue.dataio.inserting import insert_instances
from catalogue.models import Edition, Publication, TocEntry
from catalogue.tests.factories import PublicationFactory, SeriesFactory

pytestmark = pytest.mark.django_db

# Columns each new record fills in for itself (identity, creation times): compared apart.
OWN_COLUMNS = {"id", "number", "slug", "uuid", "created_at", "updated_at", "content_changed_at", "isbn"}


def _stored(model, pk) -> dict:
    return {
        name: value for name, value in model.objects.filter(pk=pk).values().get().items() if name not in OWN_COLUMNS
    }


def test_inserted_publications_store_what_bulk_create_stores():
    series = SeriesFactory()
    values = {
        "series": series,
        "year": 2020,
        "title_en": "Health",
        "title_fr": "Santé",
        "summary_es": "Salud",
        "status": Publication.Status.PUBLISHED,
        "publish_date": datetime.datetime(2020, 5, 1, 12, 30, tzinfo=datetime.UTC),
        "participants_count": 120,
        "participants_precision": "about",
    }
    with translation.override("fr"):  # the untranslated column takes the active language's value, as bulk_create's
        inserted = Publication(number=1, slug="one", **values)
        created = Publication(number=2, slug="two", **values)
        insert_instances([inserted], using="default")
        Publication.objects.bulk_create([created])

    assert (inserted.pk, inserted._state.adding, inserted._state.db) == (
        Publication.objects.get(number=1).pk,
        False,
        "default",
    )
    assert _stored(Publication, inserted.pk) == _stored(Publication, created.pk)
    assert Publication.objects.filter(pk=inserted.pk).values_list("uuid", flat=True).get() == inserted.uuid
    stored = Publication.objects.get(pk=inserted.pk)
    assert None not in (stored.created_at, stored.updated_at)


def test_inserted_editions_are_normalised_like_saved_ones():
    publication = PublicationFactory()
    values = {"publication": publication, "format": "print", "price": Decimal("12.50"), "currency": "USD"}
    inserted = Edition(language="fr", isbn="92-9068-778-9", date=datetime.date(2020, 1, 2), **values)
    created = Edition(language="es", isbn="978-92-9068-780-1", date=datetime.date(2020, 1, 2), **values)

    insert_instances([inserted], using="default")
    Edition.objects.bulk_create([created])

    assert Edition.objects.filter(pk=inserted.pk).values_list("isbn", flat=True).get() == "9789290687788"
    assert _stored(Edition, inserted.pk) == {**_stored(Edition, created.pk), "language": "fr"}


def test_a_heading_takes_the_id_its_parent_got_when_inserted():
    publication = PublicationFactory()
    part = TocEntry(publication=publication, position=1, kind="part", title_en="Report")
    chapter = TocEntry(publication=publication, position=2, kind="chapter", title_en="Findings", parent=part)

    insert_instances([part], using="default")
    insert_instances([chapter], using="default")

    assert list(TocEntry.objects.order_by("position").values_list("title_en", "parent_id")) == [
        ("Report", None),
        ("Findings", part.pk),
    ]


def test_each_instance_gets_its_own_primary_key_across_several_statements():
    series = SeriesFactory()
    publications = [
        Publication(series=series, number=number, year=2020, title_en=f"Report {number}", slug=f"report-{number}")
        for number in range(1, 1501)  # more than one statement's worth of parameters on both databases
    ]

    insert_instances(publications, using="default")

    assert dict(Publication.objects.values_list("pk", "number")) == {
        publication.pk: publication.number for publication in publications
    }


def test_nothing_to_insert_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_instances([], using="default")
