"""The schema.org Event of workshop pages (interop/events.py), parsed from the page with json."""

import json

import lxml.html
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory

from catalogue.interop.events import workshop_json_ld
from catalogue.models import AgendaParticipation
from catalogue.public.views import WorkshopDetailView
from catalogue.tests.factories import IDM28_TITLE_EN as TITLE_EN
from catalogue.tests.factories import (
    IOM,
    AgendaItemFactory,
    AgendaParticipationFactory,
    PublicationFactory,
    SpeakerFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

GENEVA_UUID = "urn:uuid:566365e1-6843-542b-8824-4ca6fb501eb3"  # fixtures/04_workshops.json
DEMO_TITLE_EN = "Towards effective migration governance: partnerships for capacity development"
DEMO_TITLE_FR = "Vers une bonne gouvernance des migrations : des partenariats pour développer les capacités"
DEMO_DESCRIPTION_START = {
    "en": "Second workshop of the 2018 International Dialogue on Migration, held at the Palais des Nations",
    "fr": "Second atelier du Dialogue international sur la migration de 2018, tenu au Palais des Nations",
    "es": "Segundo taller del Diálogo Internacional sobre la Migración de 2018, celebrado en el Palacio de",
}


def json_ld(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    (script,) = lxml.html.document_fromstring(response.content).xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


@pytest.fixture
def demo(db):
    call_command(
        "loaddata", *sorted(str(path) for path in (settings.BASE_DIR / "fixtures").glob("*.json")), verbosity=0
    )


def tagged(value: str, language: str) -> dict:
    return {"@value": value, "@language": language}


def test_demo_geneva_2018_event_in_english(client, demo):
    data = json_ld(client, "/en/workshops/idm-2018-geneva/")

    page = "http://testserver/en/workshops/idm-2018-geneva/"
    place = {
        "@type": "Place",
        "name": "Conference Room XVIII, Palais des Nations",
        "address": {"@type": "PostalAddress", "addressLocality": "Geneva", "addressCountry": "CH"},
    }
    description = data.pop("description")
    assert description.startswith(DEMO_DESCRIPTION_START["en"])
    assert description.endswith("Its discussions are recorded in International Dialogue on Migration No. 28.")
    iom = {"@type": "Organization", "name": "International Organization for Migration (IOM)"}

    def speaker(name: str, job_title: str | None = None, affiliation: dict | None = None) -> dict:
        person = {"@type": "Person", "name": name}
        if job_title:
            person["jobTitle"] = job_title
        if affiliation:
            person["affiliation"] = affiliation
        return {"@type": "Role", "roleName": "Speaker", "performer": person}

    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": f"{page}#event",
        "identifier": GENEVA_UUID,
        "url": page,
        "name": DEMO_TITLE_EN,
        "inLanguage": "en",
        # The first session's time on the first day (Geneva's offset in October); no session on the last day.
        "startDate": "2018-10-08T10:00:00+02:00",
        "endDate": "2018-10-09",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
        "organizer": iom,
        "recordedIn": {
            "@type": "Book",
            "@id": "http://testserver/en/publications/idm-28/#work",
            "name": TITLE_EN,
            "url": "http://testserver/en/publications/idm-28/",
        },
        "subEvent": [
            {
                "@type": "Event",
                "@id": f"{page}#session-1",
                "name": "Opening session",
                "inLanguage": "en",
                "startDate": "2018-10-08T10:00:00+02:00",
                "endDate": "2018-10-08T11:00:00+02:00",
                "location": place,
                "performer": [
                    speaker("António Vitorino", "Director General", iom),
                    speaker(
                        "Louise Arbour",
                        "Special Representative for International Migration",
                        {"@type": "Organization", "name": "United Nations"},
                    ),
                    speaker(
                        "Juan Eduardo Eguiguren",
                        "Permanent Representative of Chile in Geneva; Chairperson of the IOM Council Bureau",
                    ),
                ],
            },
            {
                "@type": "Event",
                "@id": f"{page}#session-2",
                "name": "Setting the scene",
                "inLanguage": "en",
                "startDate": "2018-10-08T11:00:00+02:00",
                "endDate": "2018-10-08T11:30:00+02:00",
                "location": place,
                "performer": [speaker("Azzouz Samri")],
            },
        ],
    }


def test_demo_geneva_2018_event_in_french_is_all_french(client, demo):
    data = json_ld(client, "/fr/workshops/idm-2018-geneva/")

    place = {
        "@type": "Place",
        "name": "Salle de conférence XVIII, Palais des Nations",
        "address": {"@type": "PostalAddress", "addressLocality": "Genève", "addressCountry": "CH"},
    }
    assert (data["identifier"], data["url"], data["name"], data["inLanguage"]) == (
        GENEVA_UUID,
        "http://testserver/fr/workshops/idm-2018-geneva/",
        DEMO_TITLE_FR,
        "fr",
    )
    assert data["description"].startswith(DEMO_DESCRIPTION_START["fr"])
    assert data["location"] == place
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Organisation internationale pour les migrations (OIM)",
    }
    assert [(session["name"], session["inLanguage"], session["location"]) for session in data["subEvent"]] == [
        ("Séance d’ouverture", "fr", place),
        ("Mise en contexte", "fr", place),
    ]
    assert data["subEvent"][0]["performer"][0] == {
        "@type": "Role",
        "roleName": "Intervenant·e",
        "performer": {
            "@type": "Person",
            "name": "António Vitorino",
            "jobTitle": "Directeur général",
            "affiliation": {"@type": "Organization", "name": "Organisation internationale pour les migrations (OIM)"},
        },
    }


def test_demo_geneva_2018_event_in_spanish_tags_each_text_with_its_language(client, demo):
    """The workshop has no Spanish title: the Event is named in English and says so, while its description,
    place, organiser and sessions, written in Spanish, say es."""
    data = json_ld(client, "/es/workshops/idm-2018-geneva/")

    assert (data["name"], data["inLanguage"]) == (DEMO_TITLE_EN, "en")
    assert data["description"]["@language"] == "es"
    assert data["description"]["@value"].startswith(DEMO_DESCRIPTION_START["es"])
    assert data["location"] == {
        "@type": "Place",
        "name": tagged("Sala de conferencias XVIII, Palacio de las Naciones", "es"),
        "address": {"@type": "PostalAddress", "addressLocality": tagged("Ginebra", "es"), "addressCountry": "CH"},
    }
    assert data["organizer"] == {
        "@type": "Organization",
        "name": tagged("Organización Internacional para las Migraciones (OIM)", "es"),
    }
    # No. 28 has no Spanish title either: its English one, in the English Event, needs no tag.
    assert data["recordedIn"]["name"] == TITLE_EN
    session_place = {
        "@type": "Place",
        "name": "Sala de conferencias XVIII, Palacio de las Naciones",
        "address": {"@type": "PostalAddress", "addressLocality": "Ginebra", "addressCountry": "CH"},
    }
    assert [(session["name"], session["inLanguage"], session["location"]) for session in data["subEvent"]] == [
        ("Sesión de apertura", "es", session_place),
        ("Presentación del contexto", "es", session_place),
    ]
    assert [
        (role["roleName"], role["performer"]["name"], role["performer"].get("jobTitle"))
        for role in data["subEvent"][0]["performer"]
    ] == [
        ("Orador/a", "António Vitorino", "Director General"),
        ("Orador/a", "Louise Arbour", "Representante Especial para la Migración Internacional"),
        (
            "Orador/a",
            "Juan Eduardo Eguiguren",
            "Representante Permanente de Chile en Ginebra; Presidente de la Mesa del Consejo de la OIM",
        ),
    ]


def test_fallbacks_say_the_language_the_text_is_in(client):
    """A French page of a workshop titled in French but described only in English: the description says en;
    a session titled only in English is an English Event whose French role name says fr."""
    report = PublicationFactory(slug="report", publisher_en="Publisher Ltd", publisher_fr="Éditeur SA")
    workshop = WorkshopFactory(
        slug="fallbacks",
        title_fr="Atelier",
        description_en="Described in English only.",
        city_en="Geneva",
        city_fr="Genève",
        venue_en="Room 1",
        publication=report,
    )
    item = AgendaItemFactory(workshop=workshop, position=1, title_en="Session in English", description_fr="Résumé")
    AgendaParticipationFactory(
        agenda_item=item,
        role=AgendaParticipation.Role.CHAIR,
        speaker=SpeakerFactory(name="A. Person", position_en="Director", affiliation_fr="Université"),
    )

    data = json_ld(client, "/fr/workshops/fallbacks/")

    assert (data["name"], data["inLanguage"], data["description"]) == (
        "Atelier",
        "fr",
        tagged("Described in English only.", "en"),
    )
    # The report names no corporate author: its publisher organises.
    assert data["organizer"] == {"@type": "Organization", "name": "Éditeur SA"}
    assert data["location"] == {
        "@type": "Place",
        "name": tagged("Room 1", "en"),
        "address": {"@type": "PostalAddress", "addressLocality": "Genève", "addressCountry": "CH"},
    }
    (session,) = data["subEvent"]
    assert session == {
        "@type": "Event",
        "@id": "http://testserver/fr/workshops/fallbacks/#session-1",
        "name": "Session in English",
        "inLanguage": "en",
        "startDate": "2018-10-08T10:00:00+02:00",
        "endDate": "2018-10-08T11:00:00+02:00",
        "description": tagged("Résumé", "fr"),
        "location": {
            "@type": "Place",
            "name": "Room 1",
            "address": {"@type": "PostalAddress", "addressLocality": tagged("Genève", "fr"), "addressCountry": "CH"},
        },
        "performer": [
            {
                "@type": "Role",
                "roleName": tagged("Présidence", "fr"),
                "performer": {
                    "@type": "Person",
                    "name": "A. Person",
                    "jobTitle": "Director",
                    "affiliation": {"@type": "Organization", "name": tagged("Université", "fr")},
                },
            }
        ],
    }


def test_organizer_is_the_reports_corporate_author_else_the_catalogues_organisation(rf, idm28_by_iom):
    without_report = WorkshopFactory(slug="alone", publication=None)
    request = rf.get("/")

    geneva = WorkshopDetailView().get_queryset().get(slug="idm-2018-geneva")
    assert workshop_json_ld(geneva, request=request, language="es")["organizer"] == {
        "@type": "Organization",
        "name": tagged(IOM["es"], "es"),  # the workshop's title falls back to English
    }
    assert workshop_json_ld(without_report, request=request, language="fr")["organizer"] == {
        "@type": "Organization",
        "name": tagged("Organisation internationale pour les migrations", "fr"),
    }


def test_new_york_sessions_and_dates_in_the_workshops_time_zone(client, idm28_by_iom):
    new_york = json_ld(client, "/es/workshops/idm-2018-new-york/")

    assert (new_york["name"], new_york["startDate"], new_york["endDate"]) == (
        "Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración a escala mundial",
        "2018-03-26",
        "2018-03-27",
    )
    assert new_york["location"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Nueva York",
        "addressCountry": "US",
    }


def test_end_time_when_the_last_day_has_sessions(rf):
    workshop = WorkshopFactory(slug="two-days", time_zone="America/New_York", publication=None)
    AgendaItemFactory(workshop=workshop, position=1, start_time="09:30", end_time="10:00")
    AgendaItemFactory(workshop=workshop, date="2018-10-09", position=2, start_time="16:00", end_time="17:15")
    workshop.refresh_from_db()

    data = workshop_json_ld(workshop, request=rf.get("/en/workshops/two-days/"), language="en")

    assert (data["startDate"], data["endDate"]) == ("2018-10-08T09:30:00-04:00", "2018-10-09T17:15:00-04:00")
    assert [(session["startDate"], session["endDate"]) for session in data["subEvent"]] == [
        ("2018-10-08T09:30:00-04:00", "2018-10-08T10:00:00-04:00"),
        ("2018-10-09T16:00:00-04:00", "2018-10-09T17:15:00-04:00"),
    ]
    assert "recordedIn" not in data
    assert data["identifier"] == workshop.uuid.urn


def test_event_runs_no_queries_on_the_detail_views_object(django_assert_num_queries, idm28_by_iom):
    workshop = WorkshopDetailView().get_queryset().get(slug="idm-2018-geneva")
    request = RequestFactory().get("/en/workshops/idm-2018-geneva/")

    with django_assert_num_queries(0):
        workshop_json_ld(workshop, request=request, language="en")
