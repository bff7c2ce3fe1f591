"""schema.org JSON-LD for workshop pages: an Event with its organiser, place, the report that records it and
its sessions as sub-events with their performers, read from the object the detail view already fetched, so it
runs no queries.

Languages: each Event (the workshop, each session) says with `inLanguage` the language its `name` is written
in; a plain string inside it is in that language, and any text in another one (a fallback, or a translation
the name lacks) is a JSON-LD language-tagged value, `{"@value": text, "@language": code}`. So a French page
showing the English description says `en` for it, whatever language the title is in.
"""

import datetime

from django.utils import translation

from catalogue.i18n import TranslatedValue, translated
from catalogue.models import AgendaItem, Workshop

from .common import absolute_url_in, organisation_name, workshop_span
from .jsonld import SCHEMA_ORG

SCHEDULED = "https://schema.org/EventScheduled"
# Workshops are held in a room; the model records no online participation.
OFFLINE = "https://schema.org/OfflineEventAttendanceMode"


def workshop_json_ld(workshop: Workshop, *, request, language: str) -> dict:
    """A schema.org Event: the workshop in the page `language` (each text tagged with its own), its sessions
    as sub-events."""
    page_url = absolute_url_in(request, workshop, language)
    title = translated(workshop, "title", language)
    start, end = workshop_span(workshop)
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Event",
        "@id": f"{page_url}#event",
        "identifier": workshop.uuid.urn,
        "url": page_url,
        "name": title.value,
        "inLanguage": title.language,
        "startDate": start.isoformat(),
        "endDate": end.isoformat(),
        "eventStatus": SCHEDULED,
        "eventAttendanceMode": OFFLINE,
        "location": _place(workshop, language, title.language),
        "organizer": _organizer(workshop, language, title.language),
    }
    description = translated(workshop, "description", language)
    if description:
        data["description"] = _text(description, title.language)
    report = workshop.publication
    if report is not None and report.is_public:
        report_url = absolute_url_in(request, report, language)
        report_title = translated(report, "title", language)
        data["recordedIn"] = {
            "@type": "Book",
            "@id": f"{report_url}#work",
            "name": _text(report_title, title.language),
            "url": report_url,
        }
    items = list(workshop.agenda_items.all())
    if items:
        data["subEvent"] = [_session(workshop, item, page_url=page_url, language=language) for item in items]
    return data


def _text(text: TranslatedValue, node_language: str) -> str | dict:
    """`text` as a plain string when it is in the language of the Event it belongs to, else tagged."""
    if text.language == node_language:
        return text.value
    return {"@value": text.value, "@language": text.language}


def _organizer(workshop: Workshop, language: str, node_language: str) -> dict:
    """The organisation holding the workshop: its report's corporate author, else the report's publisher, else
    the catalogue's organisation."""
    report = workshop.publication
    names = [translated(report, field, language) for field in ("corporate_author", "publisher")] if report else []
    name = next((name for name in names if name), None)
    if name is None:
        name = TranslatedValue(organisation_name(language), language, language)
    return {"@type": "Organization", "name": _text(name, node_language)}


def _place(workshop: Workshop, language: str, node_language: str) -> dict:
    """The venue (else the city) with its postal address: the city as written in `language`, the ISO country."""
    venue = translated(workshop, "venue", language)
    city = translated(workshop, "city", language)
    address = {
        "@type": "PostalAddress",
        "addressLocality": _text(city, node_language),
        "addressCountry": workshop.country.code or "",
    }
    return {"@type": "Place", "name": _text(venue if venue else city, node_language), "address": address}


def _session(workshop: Workshop, item: AgendaItem, *, page_url: str, language: str) -> dict:
    """A session as a sub-event: its times in the workshop's time zone (with their offset), its people."""
    title = translated(item, "title", language)
    data = {
        "@type": "Event",
        "@id": f"{page_url}#session-{item.position}",
        "name": title.value,
        "inLanguage": title.language,
        "startDate": _iso(item.starts_at or item.date),
    }
    if item.ends_at is not None:
        data["endDate"] = _iso(item.ends_at)
    description = translated(item, "description", language)
    if description:
        data["description"] = _text(description, title.language)
    data["location"] = _place(workshop, language, title.language)
    performers = [_performer(participation, language, title.language) for participation in item.participations.all()]
    if performers:
        data["performer"] = performers
    return data


def _iso(value: datetime.date | datetime.datetime) -> str:
    return value.isoformat()


def _performer(participation, language: str, node_language: str) -> dict:
    """A person in a session, in a schema.org Role naming what they do there (chair, speaker…)."""
    with translation.override(language):
        role = TranslatedValue(str(participation.get_role_display()), language, language)
    return {
        "@type": "Role",
        "roleName": _text(role, node_language),
        "performer": _person(participation.speaker, language, node_language),
    }


def _person(speaker, language: str, node_language: str) -> dict:
    data = {"@type": "Person", "name": speaker.name}
    position = translated(speaker, "position", language)
    if position:
        data["jobTitle"] = _text(position, node_language)
    affiliation = translated(speaker, "affiliation", language)
    if affiliation:
        data["affiliation"] = {"@type": "Organization", "name": _text(affiliation, node_language)}
    return data
