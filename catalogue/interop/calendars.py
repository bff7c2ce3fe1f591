"""iCalendar (RFC 5545) files for workshops and their agenda items, written by the icalendar package.

Times carry the workshop's own time zone (DTSTART;TZID=Europe/Zurich:20181008T100000)
with the matching VTIMEZONE. UIDs are built from the workshop's persistent identifier (its uuid), each
session's agenda position and the configured SITE_DOMAIN (<uuid>-session-2@idm-catalogue.example), the same
position as the session's page anchor (#session-2) and file (idm-2018-geneva-2.ics): they survive a slug
change, a move to another database and another host name, and re-importing a file updates the events
instead of duplicating them.
"""

import datetime

from django.utils import timezone, translation
from icalendar import Calendar, Event, vText

from catalogue.i18n import page_language, translated
from catalogue.models import AgendaItem, Workshop

from .common import absolute_url_in, ical_text, site_domain, workshop_location_text, workshop_span

PRODUCT_ID = "-//IDM publications catalogue//Workshops//EN"


def _text(value: str) -> vText:
    """A TEXT value as RFC 5545 writes it (3.3.11): control characters dropped, each line break one escaped
    newline, and "\\", ";" and "," escaped by the icalendar package. Every text property goes through
    here, X-WR-CALNAME included (an X- property would otherwise be written raw)."""
    return vText(ical_text(value))


def workshop_uid(workshop: Workshop) -> str:
    return f"{workshop.uuid}@{site_domain()}"


def session_anchor(item: AgendaItem) -> str:
    """The id of the session's element on the workshop page."""
    return f"session-{item.position}"


def agenda_item_uid(item: AgendaItem) -> str:
    return f"{item.workshop.uuid}-{session_anchor(item)}@{site_domain()}"


def calendar_filename(subject: Workshop | AgendaItem) -> str:
    """The file a workshop's calendar (idm-2018-geneva.ics) or one session's (idm-2018-geneva-2.ics) downloads as."""
    if isinstance(subject, AgendaItem):
        return f"{subject.workshop.slug}-{subject.position}.ics"
    return f"{subject.slug}.ics"


def _new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _text(name))
    return calendar


def _add_time_zones(calendar: Calendar, workshop: Workshop) -> None:
    # VTIMEZONE rules only for the years the workshop spans, not 1970–2038.
    calendar.add_missing_timezones(
        first_date=datetime.date(workshop.start_date.year, 1, 1),
        last_date=datetime.date(workshop.end_date.year + 1, 1, 1),
    )


def _workshop_event(workshop: Workshop, *, request, language: str, stamp: datetime.datetime) -> Event:
    title, _ = translated(workshop, "title", language)
    description, _ = translated(workshop, "description", language)
    start, end = workshop_span(workshop)
    if not (isinstance(start, datetime.datetime) and isinstance(end, datetime.datetime)):
        # Both ends must be of one kind: without both times, an all-day event (DTEND exclusive).
        start, end = workshop.start_date, workshop.end_date + datetime.timedelta(days=1)
    event = Event()
    event.add("uid", workshop_uid(workshop))
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", _text(title), parameters={"language": _language_tag(workshop, "title", language)})
    location = workshop_location_text(workshop, language)
    if location:
        event.add("location", _text(location))
    if description:
        event.add("description", _text(description))
    event.add("url", absolute_url_in(request, workshop, language))
    return event


def _agenda_item_event(item: AgendaItem, *, request, language: str, stamp: datetime.datetime) -> Event:
    workshop = item.workshop
    title, title_language = translated(item, "title", language)
    description, _ = translated(item, "description", language)
    event = Event()
    event.add("uid", agenda_item_uid(item))
    event.add("dtstamp", stamp)
    if item.starts_at is None:
        # A session of unknown time is an all-day event on its day.
        event.add("dtstart", item.date)
        event.add("dtend", item.date + datetime.timedelta(days=1))
    else:
        event.add("dtstart", item.starts_at)
        if item.ends_at is not None:
            event.add("dtend", item.ends_at)
    event.add("summary", _text(title), parameters={"language": title_language})
    event.add("categories", [_text(item.get_kind_display())])
    location = workshop_location_text(workshop, language)
    if location:
        event.add("location", _text(location))
    people = [participation.speaker.name for participation in item.participations.all()]
    text = "\n\n".join(part for part in (description, ", ".join(dict.fromkeys(people))) if part)
    if text:
        event.add("description", _text(text))
    event.add("url", f"{absolute_url_in(request, workshop, language)}#{session_anchor(item)}")
    event.add("related-to", workshop_uid(workshop))
    return event


def _language_tag(instance, field_name: str, language: str) -> str:
    return translated(instance, field_name, language).language


def workshop_calendar(workshop: Workshop, *, request, language: str | None = None) -> Calendar:
    """The workshop as one event, followed by each agenda item as its own event."""
    language = page_language(language)
    stamp = timezone.now().replace(microsecond=0)
    title, _ = translated(workshop, "title", language)
    calendar = _new_calendar(title)
    calendar.add_component(_workshop_event(workshop, request=request, language=language, stamp=stamp))
    with translation.override(language):
        for item in workshop.agenda_items.all():
            calendar.add_component(_agenda_item_event(item, request=request, language=language, stamp=stamp))
    _add_time_zones(calendar, workshop)
    return calendar


def agenda_item_calendar(item: AgendaItem, *, request, language: str | None = None) -> Calendar:
    """One agenda item as a calendar of its own."""
    language = page_language(language)
    stamp = timezone.now().replace(microsecond=0)
    title, _ = translated(item, "title", language)
    calendar = _new_calendar(title)
    with translation.override(language):
        calendar.add_component(_agenda_item_event(item, request=request, language=language, stamp=stamp))
    _add_time_zones(calendar, item.workshop)
    return calendar
