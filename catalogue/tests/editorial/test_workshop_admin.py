"""The workshop page: each agenda item's people per role, saved with the item; agenda dates checked against the
workshop as typed; the publication's label in the page's language; the admin's favicon."""

import datetime

import lxml.html
import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from catalogue.editorial.agenda import agenda_item_people, agenda_item_set_people
from catalogue.editorial.roles import TRANSLATOR
from catalogue.models import AgendaItem, AgendaParticipation, Workshop
from catalogue.tests.factories import (
    AgendaItemFactory,
    AgendaParticipationFactory,
    PublicationFactory,
    SpeakerFactory,
    WorkshopFactory,
    create_staff,
)

pytestmark = pytest.mark.django_db
Role = AgendaParticipation.Role
NO_PEOPLE = {role: [] for role in Role.values}
OUTSIDE = "The session must take place during its workshop (2018-10-08 to 2018-10-09)."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people():
    return {name: SpeakerFactory(name=name, slug=name.lower()) for name in ("Arbour", "Swing", "Vitorino", "Eguiguren")}


def html(response):
    return lxml.html.fromstring(response.content.decode())


def change_url(workshop=None) -> str:
    if workshop is None:
        return reverse("admin:catalogue_workshop_add")
    return reverse("admin:catalogue_workshop_change", args=[workshop.pk])


def form_data(client, url: str, form_id: str = "workshop_form") -> dict:
    """What the browser would send from the admin page at `url` untouched: {name: [values]}."""
    page = html(client.get(url))
    form = page.get_element_by_id(form_id)
    data = {}
    for name, value in form.form_values():
        if "__prefix__" not in name:
            data.setdefault(name, []).append(value)
    return data


def add_agenda_item(data: dict, **fields) -> int:
    """Append a new agenda item's form to `data`; returns its index."""
    index = int(data["agenda_items-TOTAL_FORMS"][0])
    data["agenda_items-TOTAL_FORMS"] = [str(index + 1)]
    item = {"position": "", "kind": "panel", "date": "", "start_time": "", "end_time": ""}
    item |= {f"{name}_{lang}": "" for name in ("title", "description") for lang in ("en", "fr", "es")}
    item |= fields
    for key, value in item.items():
        data[f"agenda_items-{index}-{key}"] = value if isinstance(value, list) else [value]
    return index


def pks(*speakers) -> list[str]:
    return [str(speaker.pk) for speaker in speakers]


def participations(workshop) -> list[tuple]:
    rows = AgendaParticipation.objects.filter(agenda_item__workshop=workshop).order_by(
        "agenda_item__position", "position"
    )
    return [(p.agenda_item.position, p.role, p.speaker.name, p.position) for p in rows]


def inline_errors(response) -> list[dict]:
    return response.context["inline_admin_formsets"][0].formset.errors


# People per role ------------------------------------------------------------------------------


def test_workshop_page_saves_people_per_role_of_new_and_existing_items_in_one_save(admin_client, people):
    item = AgendaItemFactory(position=1)
    workshop = item.workshop
    kept = AgendaParticipationFactory(agenda_item=item, speaker=people["Arbour"], role=Role.SPEAKER, position=1)
    AgendaParticipationFactory(agenda_item=item, speaker=people["Eguiguren"], role=Role.SPEAKER, position=2)
    data = form_data(admin_client, change_url(workshop))
    data["agenda_items-0-people_chair"] = pks(people["Vitorino"])
    data["agenda_items-0-people_speaker"] = pks(people["Swing"], people["Arbour"])
    add_agenda_item(
        data,
        position="2",
        date="2018-10-09",
        title_en="Closing",
        people_panelist=pks(people["Eguiguren"], people["Arbour"]),
        people_rapporteur=pks(people["Swing"]),
    )

    response = admin_client.post(change_url(workshop), data)

    assert response.status_code == 302
    assert participations(workshop) == [
        (1, "chair", "Vitorino", 1),
        (1, "speaker", "Swing", 2),
        (1, "speaker", "Arbour", 3),
        (2, "panelist", "Eguiguren", 1),
        (2, "panelist", "Arbour", 2),
        (2, "rapporteur", "Swing", 3),
    ]
    assert AgendaParticipation.objects.filter(pk=kept.pk).exists()  # a row that stays keeps its id


def test_workshop_page_saves_people_of_an_item_of_a_new_workshop(admin_client, people):
    data = form_data(admin_client, change_url())
    data |= {
        "title_en": ["Migration and health"],
        "slug": ["migration-and-health"],
        "city_en": ["Geneva"],
        "country": ["CH"],
        "start_date": ["2018-10-08"],
        "end_date": ["2018-10-09"],
    }
    add_agenda_item(data, position="1", date="2018-10-08", title_en="Opening", people_chair=pks(people["Vitorino"]))

    response = admin_client.post(change_url(), data)

    assert response.status_code == 302
    assert participations(Workshop.objects.get(slug="migration-and-health")) == [(1, "chair", "Vitorino", 1)]


def test_workshop_page_shows_each_items_people_per_role_in_their_order(admin_client, people):
    item = AgendaItemFactory()
    AgendaParticipationFactory(agenda_item=item, speaker=people["Vitorino"], role=Role.SPEAKER, position=2)
    AgendaParticipationFactory(agenda_item=item, speaker=people["Swing"], role=Role.SPEAKER, position=1)
    AgendaParticipationFactory(agenda_item=item, speaker=people["Arbour"], role=Role.CHAIR, position=3)

    response = admin_client.get(change_url(item.workshop))

    form = inline_forms(response)[0]
    assert {role: form[f"people_{role}"].value() for role in Role.values} == {
        **NO_PEOPLE,
        "chair": [people["Arbour"].pk],
        "speaker": [people["Swing"].pk, people["Vitorino"].pk],
    }
    page = html(response)
    select = page.get_element_by_id("id_agenda_items-0-people_speaker")
    assert [(option.text, option.get("selected")) for option in select.iter("option")] == [
        ("Swing", "selected"),
        ("Vitorino", "selected"),
    ]
    assert select.get("data-model-name") == "agendaparticipation"  # the admin's autocomplete
    assert select.get("data-field-name") == "speaker"


def inline_forms(response) -> list:
    return response.context["inline_admin_formsets"][0].formset.forms


def test_workshop_page_refuses_a_person_twice_in_one_role_and_keeps_the_input(admin_client, people):
    item = AgendaItemFactory()
    data = form_data(admin_client, change_url(item.workshop))
    data["agenda_items-0-title_en"] = ["Opening, renamed"]
    data["agenda_items-0-people_speaker"] = pks(people["Swing"], people["Swing"])
    data["agenda_items-0-people_chair"] = pks(people["Swing"])

    response = admin_client.post(change_url(item.workshop), data)

    assert response.status_code == 200
    assert inline_errors(response) == [{"people_speaker": ["Swing is listed more than once in this role."]}]
    page = html(response)
    assert page.get_element_by_id("id_agenda_items-0-title_en").value == "Opening, renamed"
    chair = page.get_element_by_id("id_agenda_items-0-people_chair")
    assert [option.text for option in chair.iter("option")] == ["Swing"]
    assert AgendaParticipation.objects.count() == 0
    item.refresh_from_db()
    assert item.title_en != "Opening, renamed"


def test_workshop_page_accepts_one_person_in_two_roles(admin_client, people):
    item = AgendaItemFactory(position=1)
    data = form_data(admin_client, change_url(item.workshop))
    data["agenda_items-0-people_chair"] = pks(people["Swing"])
    data["agenda_items-0-people_speaker"] = pks(people["Swing"])

    response = admin_client.post(change_url(item.workshop), data)

    assert response.status_code == 302
    assert participations(item.workshop) == [(1, "chair", "Swing", 1), (1, "speaker", "Swing", 2)]


def test_workshop_page_leaves_people_alone_when_only_the_title_changes(admin_client, people):
    item = AgendaItemFactory(position=1)
    participation = AgendaParticipationFactory(agenda_item=item, speaker=people["Swing"], position=7)
    data = form_data(admin_client, change_url(item.workshop))
    data["agenda_items-0-title_en"] = ["Renamed"]

    response = admin_client.post(change_url(item.workshop), data)

    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.position == 7


def test_agenda_item_page_keeps_its_people_inline(admin_client, people):
    item = AgendaItemFactory()
    AgendaParticipationFactory(agenda_item=item, speaker=people["Swing"], role=Role.RAPPORTEUR)

    response = admin_client.get(reverse("admin:catalogue_agendaitem_change", args=[item.pk]))

    formset = response.context["inline_admin_formsets"][0].formset
    assert [(form.instance.speaker.name, form.instance.role) for form in formset.forms] == [("Swing", "rapporteur")]


# The sync function ----------------------------------------------------------------------------


def test_agenda_item_set_people_numbers_positions_by_role_then_chosen_order(people):
    item = AgendaItemFactory()
    old = AgendaParticipationFactory(agenda_item=item, speaker=people["Arbour"], role=Role.PANELIST, position=9)
    AgendaParticipationFactory(agenda_item=item, speaker=people["Swing"], role=Role.PANELIST)

    agenda_item_set_people(
        agenda_item=item,
        people={"rapporteur": [people["Swing"]], "panelist": [people["Vitorino"], people["Arbour"]]},
    )

    assert participations(item.workshop) == [
        (item.position, "panelist", "Vitorino", 1),
        (item.position, "panelist", "Arbour", 2),
        (item.position, "rapporteur", "Swing", 3),
    ]
    assert AgendaParticipation.objects.get(role="panelist", speaker=people["Arbour"]).pk == old.pk
    item = AgendaItem.objects.with_people().get(pk=item.pk)
    assert agenda_item_people(item) == {
        **NO_PEOPLE,
        "panelist": [people["Vitorino"], people["Arbour"]],
        "rapporteur": [people["Swing"]],
    }


def test_agenda_item_set_people_refuses_a_person_twice_in_one_role(people):
    item = AgendaItemFactory()

    with pytest.raises(ValueError, match="Swing is listed twice as speaker"):
        agenda_item_set_people(agenda_item=item, people={"speaker": [people["Swing"], people["Swing"]]})

    assert AgendaParticipation.objects.count() == 0


# Agenda dates ---------------------------------------------------------------------------------


def test_workshop_page_checks_agenda_dates_against_the_workshop_dates_as_typed(admin_client):
    item = AgendaItemFactory(position=1, date=datetime.date(2018, 10, 8))
    data = form_data(admin_client, change_url(item.workshop))
    data |= {"start_date": ["2018-11-05"], "end_date": ["2018-11-06"]}
    add_agenda_item(data, position="2", date="2018-11-06", title_en="Closing")

    response = admin_client.post(change_url(item.workshop), data)

    assert response.status_code == 200
    assert inline_errors(response) == [
        {"date": ["The session must take place during its workshop (2018-11-05 to 2018-11-06)."]},
        {},
    ]
    data["agenda_items-0-date"] = ["2018-11-05"]
    assert admin_client.post(change_url(item.workshop), data).status_code == 302
    assert list(item.workshop.agenda_items.values_list("date", flat=True)) == [
        datetime.date(2018, 11, 5),
        datetime.date(2018, 11, 6),
    ]


@pytest.mark.parametrize("date", ["2018-10-07", "2018-10-10"])
def test_workshop_page_refuses_an_agenda_item_of_a_new_workshop_outside_its_dates(admin_client, date):
    data = form_data(admin_client, change_url())
    data |= {
        "title_en": ["Migration and health"],
        "slug": ["migration-and-health"],
        "city_en": ["Geneva"],
        "country": ["CH"],
        "start_date": ["2018-10-08"],
        "end_date": ["2018-10-09"],
    }
    add_agenda_item(data, position="1", date=date, title_en="Out of time")

    response = admin_client.post(change_url(), data)

    assert response.status_code == 200
    assert inline_errors(response) == [{"date": [OUTSIDE]}]
    assert not Workshop.objects.filter(slug="migration-and-health").exists()


def test_agenda_item_outside_its_workshop_is_refused_in_french():
    item = AgendaItemFactory.build(workshop=WorkshopFactory(), date=datetime.date(2018, 10, 10))

    with translation.override("fr"):
        with pytest.raises(ValidationError) as refused:
            item.full_clean()
        assert refused.value.message_dict == {
            "date": ["La séance doit avoir lieu pendant son atelier (du 2018-10-08 au 2018-10-09)."]
        }


def test_workshop_ending_before_it_starts_reports_only_its_own_dates(admin_client):
    item = AgendaItemFactory(position=1)
    data = form_data(admin_client, change_url(item.workshop))
    data |= {"start_date": ["2018-10-09"], "end_date": ["2018-10-08"]}

    response = admin_client.post(change_url(item.workshop), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"end_date": ["A workshop cannot end before it starts."]}
    assert inline_errors(response) == [{}]


# The publication's label ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("en", "IDM No. 31 — Migration and health"),
        ("fr", "IDM n° 31 — Migration et santé"),
        ("es", "IDM n.º 31 — Migración y salud"),
    ],
)
def test_publication_label_reads_in_the_active_language(language, label):
    publication = PublicationFactory(
        number=31, title_en="Migration and health", title_fr="Migration et santé", title_es="Migración y salud"
    )

    with translation.override(language):
        assert str(publication) == label


def test_workshop_page_names_its_report_in_the_admins_language(admin_client):
    workshop = WorkshopFactory(publication=PublicationFactory(number=31, title_en="Health", title_fr="Santé"))

    response = admin_client.get(change_url(workshop), HTTP_ACCEPT_LANGUAGE="fr")

    select = html(response).get_element_by_id("id_publication")
    assert [option.text for option in select.iter("option") if option.get("value")] == ["IDM n° 31 — Santé"]


# The favicon ----------------------------------------------------------------------------------


def test_admin_pages_name_the_sites_favicon(admin_client):
    response = admin_client.get(reverse("admin:index"))

    icons = html(response).xpath("//link[@rel='icon']")
    assert [(icon.get("href"), icon.get("type")) for icon in icons] == [
        ("/static/catalogue/favicon.svg", "image/svg+xml")
    ]


def test_workshop_page_shows_people_as_text_to_staff_who_may_only_view(client, people):
    item = AgendaItemFactory(position=1)
    AgendaParticipationFactory(agenda_item=item, speaker=people["Swing"], role=Role.CHAIR, position=1)
    AgendaParticipationFactory(agenda_item=item, speaker=people["Arbour"], role=Role.SPEAKER, position=2)
    AgendaParticipationFactory(agenda_item=item, speaker=people["Vitorino"], role=Role.SPEAKER, position=3)
    client.force_login(create_staff("trad", TRANSLATOR, languages=["fr"]))

    response = client.get(change_url(item.workshop))

    assert response.status_code == 200
    page = html(response)
    assert (
        page.xpath("//*[@id='agenda_items-0']//div[contains(@class, 'field-people')]//div[@class='readonly']")[
            0
        ].text_content()
        == "Chair: Swing; Speaker: Arbour, Vitorino"
    )
    assert page.xpath("//select[contains(@name, 'people_')]") == []


def test_agenda_item_page_refuses_a_person_twice_in_one_role(admin_client, people):
    item = AgendaItemFactory()
    url = reverse("admin:catalogue_agendaitem_change", args=[item.pk])
    data = form_data(admin_client, url, "agendaitem_form")
    data["participations-TOTAL_FORMS"] = ["2"]
    for index in (0, 1):
        data |= {
            f"participations-{index}-speaker": [str(people["Swing"].pk)],
            f"participations-{index}-role": ["speaker"],
            f"participations-{index}-position": [str(index)],
        }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    # Beside the later row's person (catalogue/admin/constraints.py), not above the rows.
    formset = response.context["inline_admin_formsets"][0].formset
    assert (formset.non_form_errors(), formset.errors) == (
        [],
        [{}, {"speaker": ["Another participation in this form has the same person and role."]}],
    )
    assert "Another participation in this form has the same person and role." in response.content.decode()
    assert AgendaParticipation.objects.count() == 0


def test_workshop_page_keeps_people_that_staff_without_rights_on_them_cannot_edit(client, people):
    item = AgendaItemFactory(position=1)
    AgendaParticipationFactory(agenda_item=item, speaker=people["Swing"], role=Role.CHAIR, position=1)
    user = create_staff("agenda-only")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="catalogue",
            codename__in=["view_workshop", "change_workshop", "view_agendaitem", "change_agendaitem"],
        )
    )
    client.force_login(user)
    data = form_data(client, change_url(item.workshop))
    data["agenda_items-0-title_en"] = ["Renamed"]
    data["agenda_items-0-people_chair"] = []  # a hand-made POST cannot remove the chair either

    response = client.post(change_url(item.workshop), data)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title_en == "Renamed"
    assert participations(item.workshop) == [(1, "chair", "Swing", 1)]
    page = html(client.get(change_url(item.workshop)))
    assert page.xpath("//select[contains(@name, 'people_')]") == []
    assert "Chair: Swing" in page.xpath("string(//*[@id='agenda_items-0']//div[contains(@class, 'field-people')])")
