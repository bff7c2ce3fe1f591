"""iCalendar files for workshops and agenda items, parsed back with the icalendar package."""

import datetime
import zoneinfo

import lxml.html
import pytest
from icalendar import Calendar

from catalogue.models import Publication, Workshop
from catalogue.tests.factories import AgendaItemFactory, PublicationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")


def uid(slug: str, session: int | None = None) -> str:
    """The UID of a workshop (or one of its sessions): its persistent identifier and the configured domain."""
    key = str(Workshop.objects.get(slug=slug).uuid)
    return f"{key}-session-{session}@idm-catalogue.example" if session else f"{key}@idm-catalogue.example"


def calendar(client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> list[tuple]:
    """(UID, SUMMARY, its LANGUAGE, DTSTART, its TZID, DTEND) of each VEVENT."""
    return [
        (
            str(event["UID"]),
            str(event["SUMMARY"]),
            event["SUMMARY"].params.get("LANGUAGE"),
            event.decoded("DTSTART"),
            event["DTSTART"].params.get("TZID"),
            event.decoded("DTEND"),
        )
        for event in cal.walk("VEVENT")
    ]


def test_workshop_calendar_in_french_has_the_workshop_and_its_sessions_in_zurich_time(client, idm28):
    cal = calendar(client, "/fr/workshops/idm-2018-geneva/calendar.ics")

    assert events(cal) == [
        (
            uid("idm-2018-geneva"),
            "Vers une bonne gouvernance des migrations : des partenariats pour développer les capacités",
            "fr",
            # No time is known for the last day: the whole workshop is an all-day event (end exclusive).
            datetime.date(2018, 10, 8),
            None,
            datetime.date(2018, 10, 10),
        ),
        (
            uid("idm-2018-geneva", 1),
            "Séance d’ouverture",
            "fr",
            datetime.datetime(2018, 10, 8, 10, 0, tzinfo=ZURICH),
            "Europe/Zurich",
            datetime.datetime(2018, 10, 8, 11, 0, tzinfo=ZURICH),
        ),
        (
            uid("idm-2018-geneva", 2),
            "Mise en contexte",
            "fr",
            datetime.datetime(2018, 10, 8, 11, 0, tzinfo=ZURICH),
            "Europe/Zurich",
            datetime.datetime(2018, 10, 8, 11, 30, tzinfo=ZURICH),
        ),
    ]


def test_workshop_calendar_session_start_is_written_with_tzid(client, idm28):
    text = client.get("/en/workshops/idm-2018-geneva/calendar.ics").content.decode()

    assert "DTSTART;TZID=Europe/Zurich:20181008T100000\r\n" in text
    assert "DTSTART;VALUE=DATE:20181008\r\n" in text


def test_workshop_calendar_carries_the_vtimezone_with_summer_time(client, idm28):
    cal = calendar(client, "/en/workshops/idm-2018-geneva/calendar.ics")

    (zone,) = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Zurich"
    # The VTIMEZONE itself says 10:00 on 8 October 2018 is 08:00 UTC (CEST, +02:00).
    assert zone.to_tz().utcoffset(datetime.datetime(2018, 10, 8, 10))  # noqa: DTZ001 - a wall-clock time == datetime.timedelta(hours=2)
    first_session = cal.walk("VEVENT")[1]
    assert first_session.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(
        2018, 10, 8, 8, 0, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize(
    ("language", "summary", "location"),
    [
        ("en", "Opening session", "Conference Room XVIII, Palais des Nations, Geneva, Switzerland"),
        ("fr", "Séance d’ouverture", "Salle de conférence XVIII, Palais des Nations, Genève, Suisse"),
        ("es", "Sesión de apertura", "Conference Room XVIII, Palais des Nations, Ginebra, Suiza"),
    ],
)
def test_agenda_item_calendar_in_each_language(client, idm28, language, summary, location):
    cal = calendar(client, f"/{language}/workshops/idm-2018-geneva/agenda/1.ics")

    (event,) = cal.walk("VEVENT")
    assert (
        str(event["SUMMARY"]),
        str(event["LOCATION"]),
        event.decoded("DTSTART"),
        event.decoded("DTEND"),
        str(event["URL"]),
    ) == (
        summary,
        location,
        datetime.datetime(2018, 10, 8, 10, 0, tzinfo=ZURICH),
        datetime.datetime(2018, 10, 8, 11, 0, tzinfo=ZURICH),
        f"http://testserver/{language}/workshops/idm-2018-geneva/#session-1",
    )
    assert str(event["DESCRIPTION"]) == "Juan Eduardo Eguiguren, António Vitorino"
    assert [str(zone["TZID"]) for zone in cal.walk("VTIMEZONE")] == ["Europe/Zurich"]


def test_calendar_uids_are_stable_across_requests_and_languages(client, idm28):
    uids = [
        [
            str(event["UID"])
            for event in calendar(client, f"/{language}/workshops/idm-2018-geneva/calendar.ics").walk("VEVENT")
        ]
        for language in ("en", "fr", "es", "en")
    ]

    assert uids[1:] == [uids[0]] * 3
    single = calendar(client, "/fr/workshops/idm-2018-geneva/agenda/2.ics").walk("VEVENT")[0]
    assert str(single["UID"]) == uids[0][2]


def test_calendar_uids_do_not_depend_on_database_ids(client):
    # Rows created after others get other ids; the UIDs come from the workshop's uuid and agenda positions only.
    AgendaItemFactory(workshop__slug="before", workshop__publication=None, position=1)
    workshop = WorkshopFactory(slug="stable", publication=None)
    AgendaItemFactory(workshop=workshop, position=4, title_en="Fourth")

    cal = calendar(client, "/en/workshops/stable/calendar.ics")

    assert [str(event["UID"]) for event in cal.walk("VEVENT")] == [uid("stable"), uid("stable", 4)]
    assert str(cal.walk("VEVENT")[1]["RELATED-TO"]) == uid("stable")


def test_calendar_uids_are_built_on_the_configured_domain_never_the_request_host(client, settings, idm28):
    settings.ALLOWED_HOSTS = ["catalogue.example.org", "mirror.example.net"]
    settings.SITE_DOMAIN = "catalogue.example.org"
    key = Workshop.objects.get(slug="idm-2018-geneva").uuid

    seen = [
        str(Calendar.from_ical(response.content).walk("VEVENT")[0]["UID"])
        for response in (
            client.get("/en/workshops/idm-2018-geneva/agenda/2.ics", headers={"host": host})
            for host in ("catalogue.example.org:8443", "mirror.example.net")
        )
    ]

    assert seen == [f"{key}-session-2@catalogue.example.org"] * 2


def test_calendar_uids_survive_a_slug_change(client, idm28):
    before = [
        str(event["UID"]) for event in calendar(client, "/en/workshops/idm-2018-geneva/calendar.ics").walk("VEVENT")
    ]
    workshop = Workshop.objects.get(slug="idm-2018-geneva")
    workshop.slug = "idm-2018-geneva-renamed"
    workshop.save()

    after = calendar(client, "/en/workshops/idm-2018-geneva-renamed/calendar.ics").walk("VEVENT")

    assert [str(event["UID"]) for event in after] == before
    assert before[0] == f"{workshop.uuid}@idm-catalogue.example"


def test_session_file_url_anchor_and_uid_share_the_agenda_position(client, idm28):
    page = lxml.html.document_fromstring(client.get("/fr/workshops/idm-2018-geneva/").content)
    links = page.xpath('//ul[@class="exports__sessions"]//a')
    sessions = [calendar(client, link.get("href")).walk("VEVENT")[0] for link in links]

    assert [
        (link.get("download"), str(event["URL"]).split("#")[1], str(event["UID"]))
        for link, event in zip(links, sessions, strict=True)
    ] == [
        ("idm-2018-geneva-1.ics", "session-1", uid("idm-2018-geneva", 1)),
        ("idm-2018-geneva-2.ics", "session-2", uid("idm-2018-geneva", 2)),
    ]
    # Every anchor an event points at is an agenda session on the page, with that session's title.
    for event in sessions:
        (element,) = page.xpath(f'//*[@id="{str(event["URL"]).split("#")[1]}"]')
        assert (element.get("class").split()[0], element.findtext(".//h4")) == ("agenda-item", str(event["SUMMARY"]))


def test_workshop_calendar_headers(client, idm28):
    response = client.get("/en/workshops/idm-2018-new-york/calendar.ics")

    assert (response["Content-Type"], response["Content-Disposition"]) == (
        "text/calendar; charset=utf-8",
        'attachment; filename="idm-2018-new-york.ics"',
    )


def test_timed_workshop_spans_its_first_and_last_session_in_new_york(client):
    workshop = WorkshopFactory(
        slug="ny",
        time_zone="America/New_York",
        publication=None,
        start_date=datetime.date(2018, 3, 26),
        end_date=datetime.date(2018, 3, 27),
    )
    AgendaItemFactory(workshop=workshop, position=1, date=datetime.date(2018, 3, 26), start_time=datetime.time(10))
    AgendaItemFactory(
        workshop=workshop,
        position=2,
        date=datetime.date(2018, 3, 27),
        start_time=datetime.time(15),
        end_time=datetime.time(18),
    )
    new_york = zoneinfo.ZoneInfo("America/New_York")

    event = calendar(client, "/en/workshops/ny/calendar.ics").walk("VEVENT")[0]

    assert (event.decoded("DTSTART"), event["DTSTART"].params["TZID"], event.decoded("DTEND")) == (
        datetime.datetime(2018, 3, 26, 10, 0, tzinfo=new_york),
        "America/New_York",
        datetime.datetime(2018, 3, 27, 18, 0, tzinfo=new_york),
    )


def test_session_of_unknown_time_is_an_all_day_event(client):
    item = AgendaItemFactory(
        workshop__slug="untimed", workshop__publication=None, position=1, start_time=None, end_time=None
    )

    event = calendar(client, f"/en/workshops/untimed/agenda/{item.position}.ics").walk("VEVENT")[0]

    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (
        datetime.date(2018, 10, 8),
        datetime.date(2018, 10, 9),
    )


def test_calendars_of_workshops_reported_by_drafts_are_404(client):
    draft = PublicationFactory(status=Publication.Status.DRAFT, publish_date=None)
    AgendaItemFactory(workshop__slug="hidden", workshop__publication=draft, position=1)

    assert [
        client.get(url).status_code
        for url in ("/en/workshops/hidden/calendar.ics", "/en/workshops/hidden/agenda/1.ics")
    ] == [404, 404]


def test_calendar_of_unknown_session_is_404(client, idm28):
    assert client.get("/en/workshops/idm-2018-geneva/agenda/9.ics").status_code == 404
