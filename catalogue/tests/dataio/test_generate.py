"""manage.py generate_catalogue: a deterministic, multilingual synthetic catalogue for benchmarks."""

import io

import pytest
from django.core.management import CommandError, call_command

from catalogue.dataio.generate import generate_catalogue
from catalogue.models import (
    AgendaItem,
    AgendaParticipation,
    Edition,
    Publication,
    SearchDocument,
    Series,
    Speaker,
    TocEntry,
    Topic,
    Workshop,
)
from catalogue.search import search_publications
from catalogue.tests.factories import create_idm28

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Publication.objects.order_by("slug").values_list(
            "slug", "series__slug", "number", "year", "status", "title_en", "title_fr", "summary_es"
        )
    )


def test_generate_catalogue_writes_every_kind_of_record_and_indexes_them():
    counts = generate_catalogue(40, batch_size=15)

    assert (counts.publications, counts.editions, counts.toc_entries, counts.workshops, counts.agenda_items) == (
        40, 120, 240, 20, 80
    )  # fmt: skip
    assert Publication.objects.count() == 40
    assert Publication.objects.published().count() == 38  # every 20th is a draft
    assert (Edition.objects.count(), TocEntry.objects.filter(parent__isnull=False).count()) == (120, 120)
    assert (Workshop.objects.count(), AgendaItem.objects.count()) == (20, 80)
    assert SearchDocument.objects.count() == 40 + 20


def test_generated_records_are_valid_and_marked_synthetic():
    generate_catalogue(20)

    assert sorted(Series.objects.values_list("slug", flat=True)) == sorted(f"synthetic-{n}" for n in range(1, 21))
    assert all(slug.startswith("syn-") for slug in Publication.objects.values_list("slug", flat=True))
    for model in (Publication, Edition, TocEntry, Workshop, AgendaItem):
        for record in model.objects.all()[:10]:
            record.full_clean()
    assert Edition.objects.exclude(isbn="").count() > 30  # most editions have a (valid, unique) ISBN


def test_generated_texts_have_common_words_in_most_records_and_accents():
    generate_catalogue(60)
    published = Publication.objects.published()

    common = search_publications(published, "migration", language="en").count()
    accented = search_publications(published, "migracion", language="es").count()

    assert common >= 0.9 * published.count()
    assert accented >= 0.9 * published.count()


def test_generate_catalogue_is_deterministic_for_a_seed():
    generate_catalogue(10, seed=7)
    first = snapshot()
    for model in (AgendaParticipation, Workshop, Publication, Series, Topic, Speaker, SearchDocument):
        model.objects.all().delete()

    generate_catalogue(10, seed=7)

    assert snapshot() == first


def test_generate_catalogue_command_refuses_a_database_with_publications():
    out = io.StringIO()
    call_command("generate_catalogue", publications=5, stdout=out)

    with pytest.raises(CommandError, match="already holds publications"):
        call_command("generate_catalogue", publications=5, stdout=io.StringIO())
    assert "5 publications, 15 editions" in out.getvalue()
    assert Publication.objects.count() == 5


def test_generate_catalogue_never_mixes_with_real_records():
    create_idm28()

    with pytest.raises(ValueError, match="already holds publications"):
        generate_catalogue(5)
    assert list(Publication.objects.values_list("slug", flat=True)) == ["idm-28"]
