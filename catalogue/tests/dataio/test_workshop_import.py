"""Importing and exporting workshops with their agendas (catalogue/dataio/workshop_rows.py, workshop_import.py)."""

import csv
import datetime
import io
import uuid

import pytest
from django.core.management import CommandError, call_command

from catalogue.dataio.tabular import FileError, read_table
from catalogue.dataio.upsert import ImportRefused
from catalogue.dataio.workshop_import import workshops_import
from catalogue.dataio.workshop_rows import WORKSHOPS
from catalogue.models import AgendaItem, SearchDocument, Workshop
from catalogue.tests.factories import (
    AgendaItemFactory,
    AgendaParticipationFactory,
    PublicationFactory,
    SpeakerFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

HEADER = [
    "uuid", "slug", "status", "publish_date", "publication", "title_en", "title_fr", "city_en", "country",
    "start_date", "end_date", "time_zone", "item_order", "item_date", "item_start_time", "item_end_time", "item_kind",
    "item_title_en", "item_title_fr", "item_people",
]  # fmt: skip


def row(**values) -> dict:
    base = {
        "slug": "gender-and-migration",
        "status": "published",
        "publish_date": "2021-06-01T00:00:00+00:00",
        "publication": "",
        "title_en": "Gender and migration",
        "title_fr": "Genre et migration",
        "city_en": "Geneva",
        "country": "CH",
        "start_date": "2021-10-08",
        "end_date": "2021-10-09",
        "time_zone": "Europe/Zurich",
        "item_date": "2021-10-08",
        "item_start_time": "09:00",
        "item_end_time": "10:00",
        "item_kind": "opening",
        "item_title_en": "Opening",
        "item_title_fr": "Ouverture",
        "item_people": "",
    }
    return base | values


def csv_table(rows: list[dict], header: list[str] = HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[values.get(name, "") for name in header] for values in rows])
    return read_table(io.BytesIO(buffer.getvalue().encode()), "workshops.csv", WORKSHOPS)


def agenda_snapshot() -> list[tuple]:
    return [
        (item.workshop.slug, item.position, item.date, item.start_time, item.kind, item.title_en, item.title_fr,
         [(one.role, one.speaker.slug) for one in item.participations.order_by("position")])
        for item in AgendaItem.objects.order_by("workshop__slug", "position")
    ]  # fmt: skip


def two_sessions() -> list[dict]:
    return [
        row(item_people="chair: amy-pope; speaker: ali-khan"),
        row(
            item_date="2021-10-09", item_start_time="14:00", item_end_time="", item_kind="panel",
            item_title_en="Women on the move", item_title_fr="Des femmes en mouvement", item_people="panelist: ali-khan",
        ),
    ]  # fmt: skip


@pytest.fixture
def speakers():
    return SpeakerFactory(slug="amy-pope", name="Amy Pope"), SpeakerFactory(slug="ali-khan", name="Ali Khan")


def test_import_creates_a_workshop_with_its_agenda_in_order_with_people_and_index(speakers):
    report = PublicationFactory(slug="idm-28")

    result = workshops_import(table=csv_table([{**two_sessions()[0], "publication": "idm-28"}, two_sessions()[1]]))

    assert result.counts == {"create": 1, "update": 0, "unchanged": 0, "refuse": 0}
    workshop = Workshop.objects.get()
    assert (workshop.title_fr, workshop.publication, workshop.end_date) == (
        "Genre et migration", report, datetime.date(2021, 10, 9),
    )  # fmt: skip
    assert agenda_snapshot() == [
        ("gender-and-migration", 1, datetime.date(2021, 10, 8), datetime.time(9), "opening", "Opening", "Ouverture",
         [("chair", "amy-pope"), ("speaker", "ali-khan")]),
        ("gender-and-migration", 2, datetime.date(2021, 10, 9), datetime.time(14), "panel", "Women on the move",
         "Des femmes en mouvement", [("panelist", "ali-khan")]),
    ]  # fmt: skip
    document = SearchDocument.objects.get(kind="workshop", object_id=workshop.pk)
    assert "Women on the move" in document.body_en


def test_importing_twice_changes_nothing(speakers):
    workshops_import(table=csv_table(two_sessions()))
    before = (agenda_snapshot(), list(AgendaItem.objects.values_list("pk", flat=True)))
    changed_at = Workshop.objects.get().content_changed_at

    result = workshops_import(table=csv_table(two_sessions()))

    assert result.counts == {"create": 0, "update": 0, "unchanged": 1, "refuse": 0}
    assert [entry.action for entry in result.plan.rows()] == ["unchanged", "unchanged"]
    assert (agenda_snapshot(), list(AgendaItem.objects.values_list("pk", flat=True))) == before
    assert Workshop.objects.get().content_changed_at == changed_at


def test_the_agenda_is_replaced_as_a_whole_and_a_workshop_found_by_uuid_may_change_its_slug(speakers):
    workshop = WorkshopFactory(
        slug="old-address", start_date=datetime.date(2021, 10, 8), end_date=datetime.date(2021, 10, 9),
        time_zone="Europe/Zurich", title_en="Old title",
    )  # fmt: skip
    AgendaItemFactory.create_batch(3, workshop=workshop, date="2021-10-08")
    rows = [row(uuid=str(workshop.uuid), slug="new-address", item_title_en="Only session")]

    result = workshops_import(table=csv_table(rows))

    assert result.plan.rows()[0].changes == [
        "slug", "publish_date", "title_en", "title_fr", "publication", "agenda",
    ]  # fmt: skip
    workshop.refresh_from_db()
    assert workshop.slug == "new-address"
    assert list(workshop.agenda_items.values_list("position", "title_en")) == [(1, "Only session")]


def test_a_workshop_without_agenda_is_one_row_and_absent_agenda_columns_keep_the_agenda():
    workshop = WorkshopFactory(slug="kept")
    AgendaItemFactory(workshop=workshop, date=workshop.start_date)
    header = ["slug", "title_en", "city_en"]

    workshops_import(table=csv_table([{"slug": "kept", "title_en": "Renamed", "city_en": "Bern"}], header))

    assert (Workshop.objects.get().title_en, AgendaItem.objects.count()) == ("Renamed", 1)


BAD_ROWS = [
    ({"country": "XX"}, 2, "country", "I", "Value 'XX' is not a valid choice."),
    ({"end_date": "2021-10-01"}, 2, "end_date", "K", "A workshop cannot end before it starts."),
    ({"publication": "nowhere"}, 2, "publication", "E", "No publication has the slug “nowhere”."),
    ({"item_date": "2021-11-01"}, 2, "item_date", "N",
     "The session must take place during its workshop (2021-10-08 to 2021-10-09)."),
    ({"item_end_time": "08:00"}, 2, "item_end_time", "P", "A session must end after it starts."),
    ({"item_people": "host: amy-pope"}, 2, "item_people", "T",
     "“host: amy-pope” is not a role and a person: write “role: person-slug” "
     "(roles: chair, moderator, speaker, panelist, rapporteur)."),
    ({"item_people": "chair: nobody"}, 2, "item_people", "T", "No person has the slug “nobody”."),
    ({"item_title_en": ""}, 2, "item_title_en", "R", "Every agenda item needs a title."),
    ({"uuid": "not-a-uuid"}, 2, "uuid", "A", "“not-a-uuid” is not a valid UUID."),
]  # fmt: skip


@pytest.mark.parametrize(("change", "line", "column", "letter", "message"), BAD_ROWS)
def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(speakers, change, line, column, letter, message):
    rows = [row(slug="fine", item_title_en="Fine"), row(**change)]
    rows[1]["slug"] = rows[1]["slug"] if "uuid" in change else "broken"
    line += 1  # the second data row

    with pytest.raises(ImportRefused) as refused:
        workshops_import(table=csv_table(rows))

    assert [(error.row, error.column, error.letter, error.message) for error in refused.value.errors] == [
        (line, column, letter, message)
    ]
    assert (Workshop.objects.count(), AgendaItem.objects.count()) == (0, 0)


def test_a_workshops_rows_must_agree_and_a_slug_may_not_be_taken():
    WorkshopFactory(slug="taken")
    rows = [row(), row(item_title_en="Second", title_en="Another title"), row(slug="taken", uuid=str(uuid.uuid4()))]

    with pytest.raises(ImportRefused) as refused:
        workshops_import(table=csv_table(rows))

    assert [str(error) for error in refused.value.errors] == [
        "Row 2: not imported: row 3 of the same workshop is refused.",
        "Row 3, column “title_en” (F): It differs from row 2: a record's columns hold the same values on each of "
        "its rows, or are left empty.",
        "Row 4, column “slug” (B): Another workshop already has this slug.",
    ]
    assert Workshop.objects.count() == 1


def test_the_workshops_template_refuses_the_publications_columns():
    with pytest.raises(FileError, match="Unknown column “isbn”"):
        csv_table([row()], [*HEADER, "isbn"])


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_export_then_import_into_an_empty_catalogue_gives_identical_workshops(kind, tmp_path):
    report = PublicationFactory(slug="idm-28")
    first = WorkshopFactory(slug="first", publication=report, description_fr="Ligne 1\nLigne 2", venue_es="Sala 1",
                            participants_count=80, status="draft", publish_date=None)  # fmt: skip
    WorkshopFactory(slug="second", publication=None, title_en="=SUM(A1:A2) is text, not a formula")
    opening = AgendaItemFactory(workshop=first, position=5, kind="opening", start_time=None, end_time=None)
    panel = AgendaItemFactory(workshop=first, position=7, title_fr="Table ronde", description_en="Who moves?")
    chair, speaker = SpeakerFactory(slug="chair"), SpeakerFactory(slug="speaker")
    AgendaParticipationFactory(agenda_item=panel, speaker=speaker, role="speaker", position=0)
    AgendaParticipationFactory(agenda_item=panel, speaker=chair, role="chair", position=1)
    AgendaParticipationFactory(agenda_item=opening, speaker=chair, role="chair", position=0)
    fields = [
        field.attname for field in Workshop._meta.concrete_fields if field.attname not in ("id", "content_changed_at")
    ]

    def snapshot():
        return list(Workshop.objects.order_by("slug").values(*fields)), agenda_snapshot()

    before = snapshot()
    path = tmp_path / f"workshops.{kind}"

    call_command("export_catalogue", "--workshops", format=kind, output=str(path))
    Workshop.objects.all().delete()
    call_command("import_catalogue", str(path), "--workshops", stdout=io.StringIO(), stderr=io.StringIO())

    assert snapshot() == before
    out = io.StringIO()
    call_command("import_catalogue", str(path), "--workshops", stdout=out, stderr=io.StringIO())
    assert "0 workshops created, 0 updated, 2 unchanged, 0 refused" in out.getvalue()
    assert snapshot() == before


def test_command_exits_non_zero_naming_row_and_column(tmp_path):
    path = tmp_path / "workshops.csv"
    path.write_text("slug,title_en,city_en,country,start_date,end_date\nnew,New,Bern,CH,2021-10-09,2021-10-08\n")

    with pytest.raises(CommandError) as refused:
        call_command("import_catalogue", str(path), "--workshops", stdout=io.StringIO(), stderr=io.StringIO())

    assert "Row 2, column “end_date” (F): A workshop cannot end before it starts." in str(refused.value)
    assert Workshop.objects.count() == 0


def test_a_new_workshop_needs_a_slug_and_a_row_needs_a_uuid_or_a_slug():
    rows = [row(uuid=str(uuid.uuid4()), slug=""), row(slug="", item_title_en="Second")]

    with pytest.raises(ImportRefused) as refused:
        workshops_import(table=csv_table(rows))

    assert [(error.row, error.column, error.message) for error in refused.value.errors] == [
        (2, "slug", "This column needs a value."),
        (3, "slug", "A workshop needs its uuid or its slug."),
    ]


def test_later_rows_may_name_a_workshop_found_by_uuid_by_its_slug_alone(speakers):
    workshop = WorkshopFactory(slug="kept", start_date=datetime.date(2021, 10, 8), end_date=datetime.date(2021, 10, 9))
    first = row(uuid=str(workshop.uuid), slug="kept", publication="")
    later = {"slug": "kept", "item_date": "2021-10-09", "item_title_en": "Closing", "item_people": "chair: amy-pope"}

    result = workshops_import(table=csv_table([first, later]))

    assert result.counts == {"create": 0, "update": 1, "unchanged": 0, "refuse": 0}
    assert list(workshop.agenda_items.values_list("position", "title_en", "speakers__slug")) == [
        (1, "Opening", None),
        (2, "Closing", "amy-pope"),
    ]
