"""The demo fixtures: they load (twice, without duplicates), hold the known facts, and a broken one changes nothing."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import CommandError, call_command, get_commands
from django.core.serializers.base import DeserializationError
from django.utils import translation
from modeltranslation.translator import translator

from catalogue.models import (
    AgendaItem,
    AgendaParticipation,
    Edition,
    Publication,
    Series,
    SeriesIssn,
    Speaker,
    TocEntry,
    Topic,
    Workshop,
)

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))

EXPECTED_COUNTS = {
    "Topic": 8,
    "Series": 1,
    "SeriesIssn": 2,
    "Publication": 6,
    "Edition": 7,
    "TocEntry": 13,
    "Speaker": 6,
    "Workshop": 7,
    "AgendaItem": 3,
    "AgendaParticipation": 6,
}


@pytest.fixture(autouse=True)
def english():
    # Requests in other tests leave their language active in this thread; messages here are asserted in English.
    with translation.override("en"):
        yield


def load(*fixtures: str) -> None:
    call_command("loaddata", *fixtures, verbosity=0)


def counts() -> dict[str, int]:
    """Rows per table of every catalogue model, many-to-many tables included."""
    result = {}
    for model in apps.get_app_config("catalogue").get_models(include_auto_created=True):
        result[model.__name__] = model._base_manager.count()
    return result


def fixture_counts() -> dict[str, int]:
    return {name: count for name, count in counts().items() if name in EXPECTED_COUNTS}


@pytest.fixture
def loaded(db):
    load(*FIXTURES)


def test_fixtures_are_numbered_so_the_shell_glob_loads_them_in_order():
    names = [Path(path).name for path in FIXTURES]

    assert names == ["01_topics.json", "02_series.json", "03_publications.json", "04_workshops.json"]


def test_fixtures_use_natural_keys_and_per_language_fields():
    registered = set(translator.get_registered_models())
    for path in FIXTURES:
        for record in json.loads(Path(path).read_text()):
            model = apps.get_model(record["model"])
            translated = set(translator.get_options_for_model(model).fields) if model in registered else set()
            assert "pk" not in record, record
            assert translated & set(record["fields"]) == set(), record


def test_deserialization_error_names_model_field_and_reason():
    data = json.dumps([{"model": "catalogue.edition", "fields": {"language": "fr", "isbn": "978-92-9068-780-2"}}])

    with pytest.raises(DeserializationError) as caught:
        list(serializers.deserialize("json", data))

    assert str(caught.value) == (
        "catalogue.Edition.isbn: “978-92-9068-780-2” is not a valid ISBN: the check digit is wrong.: "
        "(catalogue.edition:pk=None) field_value was '978-92-9068-780-2'"
    )


def test_loaddata_is_the_validating_command():
    assert get_commands()["loaddata"] == "catalogue"


@pytest.mark.django_db
def test_fixtures_load_on_an_empty_database():
    load(*FIXTURES)

    assert fixture_counts() == EXPECTED_COUNTS


@pytest.mark.django_db
def test_fixtures_load_one_file_at_a_time_in_order():
    for path in FIXTURES:
        load(path)

    assert fixture_counts() == EXPECTED_COUNTS


@pytest.mark.django_db
def test_fixtures_load_twice_without_duplicates(loaded):
    first = counts()
    first_pks = sorted(Publication.objects.values_list("slug", "pk"))

    load(*FIXTURES)

    assert counts() == first
    assert fixture_counts() == EXPECTED_COUNTS
    assert sorted(Publication.objects.values_list("slug", "pk")) == first_pks


def test_fixture_series_has_exactly_the_two_known_issns(loaded):
    series = Series.objects.get(slug="idm")

    # Their medium (print or online) is not known: left empty.
    assert list(
        SeriesIssn.objects.filter(series=series).order_by("language").values_list("language", "issn", "medium")
    ) == [
        ("en", "1726-2224", ""),
        ("fr", "1726-4030", ""),
    ]
    assert (series.name_en, series.name_fr, series.name_es) == (
        "International Dialogue on Migration",
        "Dialogue international sur la migration",
        "Diálogo Internacional sobre la Migración",
    )


def test_fixture_publications_are_nos_25_to_30_all_published(loaded):
    rows = list(Publication.objects.published().order_by("number").values_list("number", "year", "publish_date"))

    assert rows == [
        (25, 2015, datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)),
        (26, 2016, datetime.datetime(2016, 1, 1, tzinfo=datetime.UTC)),
        (27, 2017, datetime.datetime(2017, 1, 1, tzinfo=datetime.UTC)),
        (28, 2018, datetime.datetime(2018, 11, 16, tzinfo=datetime.UTC)),
        (29, 2019, datetime.datetime(2020, 3, 6, tzinfo=datetime.UTC)),
        (30, 2020, datetime.datetime(2021, 3, 11, tzinfo=datetime.UTC)),
    ]


def test_fixture_publications_have_summaries_in_three_languages(loaded):
    for publication in Publication.objects.all():
        assert all([publication.summary_en, publication.summary_fr, publication.summary_es]), publication.slug


def test_fixture_no_28_titles_and_topics(loaded):
    publication = Publication.objects.get(slug="idm-28")

    assert publication.title_en == "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"
    assert publication.title_fr == (
        "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"
    )
    assert publication.title_es in (None, "")
    with translation.override("es"):
        assert publication.title == publication.title_en  # falls back to English
    assert sorted(publication.topics.values_list("slug", flat=True)) == [
        "capacity-development",
        "global-compact-for-migration",
        "migration-governance",
        "partnerships",
    ]


def test_fixture_no_28_editions(loaded):
    editions = {
        (edition.language, edition.format): edition for edition in Edition.objects.filter(publication__slug="idm-28")
    }

    assert sorted(editions) == [("en", "pdf"), ("es", "pdf"), ("fr", "pdf")]
    french = editions["fr", "pdf"]
    assert (french.isbn, french.pages, french.availability, french.date) == (
        "9789290687801",
        144,
        Edition.Availability.ELECTRONIC_ONLY,
        None,
    )
    english = editions["en", "pdf"]
    assert (english.isbn, english.pages, english.date, english.availability) == (
        "9789290687740",
        130,
        datetime.date(2018, 11, 16),
        "",
    )
    spanish = editions["es", "pdf"]
    assert (spanish.isbn, spanish.pages, spanish.date, spanish.issn, spanish.availability) == ("", None, None, "", "")


def test_fixture_no_28_issn_per_language_comes_from_the_series(loaded):
    publication = Publication.objects.prefetch_related("editions", "series__issns").get(slug="idm-28")

    assert publication.available_languages == ["en", "fr", "es"]
    assert [publication.issn_for(language) for language in ("en", "fr", "es")] == ["1726-2224", "1726-4030", ""]


def test_fixture_other_editions(loaded):
    rows = list(
        Edition.objects.exclude(publication__slug="idm-28")
        .order_by("publication__number", "position")
        .values_list("publication__number", "language", "format", "isbn", "pages", "date", "availability")
    )

    # Only the seed record states an availability (French No. 28); the others' is not known.
    assert rows == [
        (27, "fr", "pdf", "9789290687504", 196, None, ""),
        (29, "en", "print", "9789290688204", 156, None, ""),
        (29, "en", "pdf", "9789290688211", 156, datetime.date(2020, 3, 6), ""),
        (30, "en", "pdf", "", None, datetime.date(2021, 3, 11), ""),
    ]
    assert Publication.objects.get(slug="idm-29").reference_number == "PUB2019/046/L"


def test_fixture_attendance_is_given_per_dialogue_as_the_reports_state_it(loaded):
    rows = list(
        Publication.objects.order_by("number").values_list(
            "number", "participants_count", "participants_precision", "panelists_count", "panelists_precision"
        )
    )

    assert rows == [
        (25, None, "", None, ""),
        (26, None, "", None, ""),
        (27, 700, "more-than", None, ""),
        (28, 600, "more-than", 83, "exact"),
        (29, 700, "about", None, ""),
        (30, None, "", None, ""),
    ]
    with translation.override("fr"):
        no28 = Publication.objects.get(number=28)
        assert (no28.participants_display, no28.panelists_display) == ("plus de 600", "83")


def test_fixture_no_28_table_of_contents(loaded):
    entries = list(TocEntry.objects.filter(publication__slug="idm-28").select_related("parent").order_by("position"))

    assert [(entry.kind, entry.parent.position if entry.parent else None, entry.title_fr) for entry in entries] == [
        ("front-matter", None, "ABREVIATIONS ET ACRONYMES"),
        ("part", None, "RAPPORT DES ATELIERS"),
        ("chapter", 2, "Introduction"),
        ("chapter", 2, "1. Les partenariats sont indispensables à une gouvernance mondiale des migrations"),
        ("chapter", 2, "2. Il faut développer davantage les partenariats existants en matière migratoire"),
        (
            "chapter",
            2,
            "3. Il faut développer de nouveaux modèles de partenariats ouverts à tous pour associer de nouveaux "
            "acteurs à la coopération internationale en matière migratoire",
        ),
        (
            "chapter",
            2,
            "4. Certains partenariats sont opérationnels depuis de nombreuses années, mais d’autres ont besoin "
            "d’être encouragés et soutenus pour pouvoir satisfaire les besoins des États et des migrants",
        ),
        (
            "chapter",
            2,
            "5. Le renforcement des capacités aura un rôle toujours plus important à jouer pour garantir le succès "
            "du pacte mondial",
        ),
        (
            "chapter",
            2,
            "6. L’établissement de partenariats et le développement de capacités doivent fonctionner en synergie",
        ),
        ("chapter", 2, "Conclusions"),
        ("chapter", 2, "Recommandations"),
        ("annex", None, "ORDRE DU JOUR FINAL, NEW YORK"),
        ("annex", None, "ORDRE DU JOUR FINAL, GENÈVE"),
    ]
    assert all(entry.title_en and entry.title_es for entry in entries)
    assert (entries[1].title_en, entries[1].title_es) == ("REPORT OF THE WORKSHOPS", "INFORME DE LOS TALLERES")


def test_fixture_2018_workshops(loaded):
    new_york = Workshop.objects.get(slug="idm-2018-new-york")
    geneva = Workshop.objects.get(slug="idm-2018-geneva")

    assert (new_york.start_date, new_york.end_date, new_york.time_zone, new_york.country.code) == (
        datetime.date(2018, 3, 26),
        datetime.date(2018, 3, 27),
        "America/New_York",
        "US",
    )
    assert new_york.venue_en == "Conference Room 2, United Nations Headquarters"
    assert new_york.title_es == (
        "Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración a escala mundial"
    )
    assert (geneva.start_date, geneva.end_date, geneva.time_zone, geneva.country.code) == (
        datetime.date(2018, 10, 8),
        datetime.date(2018, 10, 9),
        "Europe/Zurich",
        "CH",
    )
    assert geneva.venue_fr == "Salle de conférence XVIII, Palais des Nations"
    assert (geneva.title_en, geneva.title_fr) == (
        "Towards effective migration governance: partnerships for capacity development",
        "Vers une bonne gouvernance des migrations : des partenariats pour développer les capacités",
    )
    # Only totals for IDM 2018 as a whole (on the publication) and Geneva's first day are known,
    # so no workshop claims a count.
    assert set(Workshop.objects.values_list("participants_count", "panelists_count")) == {(None, None)}
    assert sorted(Workshop.objects.filter(publication__slug="idm-28").values_list("slug", flat=True)) == [
        "idm-2018-geneva",
        "idm-2018-new-york",
    ]


def test_fixture_2018_agendas_and_people(loaded):
    rows = [
        (
            item.workshop.slug,
            item.date,
            item.start_time,
            item.end_time,
            item.kind,
            item.title_en,
            [participation.speaker.name for participation in item.participations.order_by("position")],
        )
        for item in AgendaItem.objects.select_related("workshop").order_by("workshop__start_date", "position")
    ]

    assert rows == [
        (
            "idm-2018-new-york",
            datetime.date(2018, 3, 26),
            None,
            None,
            "opening",
            "Opening session",
            ["William Lacy Swing", "Louise Arbour"],
        ),
        (
            "idm-2018-geneva",
            datetime.date(2018, 10, 8),
            datetime.time(10, 0),
            datetime.time(11, 0),
            "opening",
            "Opening session",
            ["António Vitorino", "Louise Arbour", "Juan Eduardo Eguiguren"],
        ),
        (
            "idm-2018-geneva",
            datetime.date(2018, 10, 8),
            datetime.time(11, 0),
            datetime.time(11, 30),
            "presentation",
            "Setting the scene",
            ["Azzouz Samri"],
        ),
    ]
    fore = Speaker.objects.get(slug="henrietta-holsman-fore")
    assert (fore.position_en, fore.affiliation_en) == ("Executive Director", "UNICEF")
    assert fore.participations.count() == 0  # the session she spoke in is not known
    samri = Speaker.objects.get(slug="azzouz-samri")
    assert (samri.position, samri.affiliation) == ("", "")
    assert set(AgendaParticipation.objects.values_list("role", flat=True)) == {"speaker"}


def test_fixture_topics_are_translated(loaded):
    for topic in Topic.objects.all():
        assert all([topic.name_en, topic.name_fr, topic.name_es]), topic.slug
    assert Topic.objects.get(slug="global-compact-for-migration").parent.slug == "migration-governance"


# Broken fixtures: the error names the record and field, and nothing is saved.

VALID_CHANGES = [
    {
        "model": "catalogue.topic",
        "fields": {"slug": "never-saved", "name_en": "Never saved", "description_en": "Rolled back."},
    },
    {
        "model": "catalogue.publication",
        "fields": {
            "slug": "idm-28",
            "series": ["idm"],
            "number": 28,
            "year": 2018,
            "title_en": "Changed, then rolled back",
            "status": "published",
            "publish_date": "2018-11-16T00:00:00Z",
        },
    },
]

BROKEN_RECORDS = {
    "bad-isbn": (
        {
            "model": "catalogue.edition",
            "fields": {"publication": ["idm-28"], "language": "fr", "format": "print", "isbn": "978-92-9068-780-2"},
        },
        "record 3 (catalogue.Edition) is invalid:\n"
        "  isbn: “978-92-9068-780-2” is not a valid ISBN: the check digit is wrong.",
    ),
    "workshop-ends-before-it-starts": (
        {
            "model": "catalogue.workshop",
            "fields": {
                "slug": "idm-2018-geneva",
                "title_en": "Towards effective migration governance",
                "city_en": "Geneva",
                "country": "CH",
                "start_date": "2018-10-08",
                "end_date": "2018-10-07",
                "time_zone": "Europe/Zurich",
            },
        },
        "record 3 (catalogue.Workshop, natural key ('idm-2018-geneva',)) is invalid:\n"
        "  end_date: A workshop cannot end before it starts.",
    ),
    "agenda-item-outside-its-workshop": (
        {
            "model": "catalogue.agendaitem",
            "fields": {
                "workshop": ["idm-2018-geneva"],
                "position": 9,
                "date": "2018-10-10",
                "start_time": "10:00:00",
                "title_en": "A day too late",
            },
        },
        "record 3 (catalogue.AgendaItem, natural key ('idm-2018-geneva', 9)) is invalid:\n"
        "  date: The session must take place during its workshop (2018-10-08 to 2018-10-09).",
    ),
    "duplicate-isbn": (
        {
            "model": "catalogue.edition",
            "fields": {"publication": ["idm-27"], "language": "en", "format": "pdf", "isbn": "978-92-9068-780-1"},
        },
        "record 3 (catalogue.Edition, natural key ('idm-27', 'en', 'pdf')) is invalid:\n"
        "  isbn: Another edition already has this ISBN.",
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", list(BROKEN_RECORDS))
def test_broken_fixture_names_the_field_and_changes_nothing(case, tmp_path):
    load(*FIXTURES)
    before = counts()
    record, expected = BROKEN_RECORDS[case]
    broken = tmp_path / "99_broken.json"
    broken.write_text(json.dumps([*VALID_CHANGES, record]))

    with pytest.raises(CommandError) as caught:
        load(*FIXTURES, str(broken))

    assert str(caught.value) == f"Problem installing fixture '{broken}': {expected}"
    assert counts() == before
    assert Publication.objects.get(slug="idm-28").title_en == (
        "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"
    )
    assert not Topic.objects.filter(slug="never-saved").exists()


@pytest.mark.django_db(transaction=True)
def test_broken_fixture_on_an_empty_database_leaves_it_empty(tmp_path):
    before = counts()
    broken = tmp_path / "broken.json"
    record, _expected = BROKEN_RECORDS["workshop-ends-before-it-starts"]
    broken.write_text(json.dumps([record]))

    with pytest.raises(CommandError, match=re.escape("end_date: A workshop cannot end before it starts.")):
        load(*FIXTURES, str(broken))

    assert counts() == before


# Unknown references: named like the other record errors, with the natural key the fixture wrote.

UNKNOWN_REFERENCES = {
    "series": (
        {"model": "catalogue.publication", "fields": {"slug": "idm-99", "series": ["nope"], "number": 99,
                                                      "year": 2018, "title_en": "X"}},
        "record 1 (catalogue.Publication, natural key ('idm-99',)) is invalid:\n"
        "  series: no catalogue.Series has the natural key [\"nope\"].",
    ),
    "topic": (
        {"model": "catalogue.publication", "fields": {"slug": "idm-99", "series": ["idm"], "number": 99,
                                                      "year": 2018, "title_en": "X", "topics": [["no-such-topic"]]}},
        "record 1 (catalogue.Publication, natural key ('idm-99',)) is invalid:\n"
        "  topics: no catalogue.Topic has the natural key [\"no-such-topic\"].",
    ),
    "edition-of-an-unknown-publication": (
        {"model": "catalogue.edition", "fields": {"publication": ["idm-99"], "language": "fr", "format": "print"}},
        "record 1 (catalogue.Edition) is invalid:\n"
        "  publication: no catalogue.Publication has the natural key [\"idm-99\"].",
    ),
}  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", list(UNKNOWN_REFERENCES))
def test_unknown_reference_names_record_field_and_natural_key_and_changes_nothing(case, tmp_path):
    load(FIXTURES[0], FIXTURES[1])
    before = counts()
    record, expected = UNKNOWN_REFERENCES[case]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([record]))

    with pytest.raises(CommandError) as caught:
        load(str(broken))

    assert str(caught.value) == f"Problem installing fixture '{broken}': {expected}"
    assert caught.value.__cause__ is None
    assert counts() == before


@pytest.mark.django_db(transaction=True)
def test_a_reference_to_a_record_further_in_the_fixture_loads(tmp_path):
    load(FIXTURES[0], FIXTURES[1])
    fixture = tmp_path / "forward.json"
    fixture.write_text(
        json.dumps(
            [
                {"model": "catalogue.topic", "fields": {"slug": "child", "name_en": "Child", "parent": ["later"]}},
                {"model": "catalogue.topic", "fields": {"slug": "later", "name_en": "Later"}},
            ]
        )
    )

    load(str(fixture))

    assert Topic.objects.get(slug="child").parent.slug == "later"
