"""schema.org JSON-LD for workshop pages: an Event with its place, organiser, the report that records it and
its sessions as sub-events, read from the object the detail view already fetched, so it runs no queries."""

import datetime

from catalogue.i18n import translated
from catalogue.models import Workshop

from .common import absolute_url_in, workshop_location, workshop_span
from .jsonld import SCHEMA_ORG


def _iso(value: datetime.date | datetime.datetime) -> str:
    return value.isoformat()


def workshop_json_ld(workshop: Workshop, *, request, language: str) -> dict:
    """A schema.org Event with its place, the report that records it and its sessions as sub-events."""
    page_url = absolute_url_in(request, workshop, language)
    title, title_language = translated(workshop, "title", language)
    description, description_language = translated(workshop, "description", language)
    start, end = workshop_span(workshop)
    place = _place_json_ld(workshop, language)
    data = {
        "@context": SCHEMA_ORG,
        "@type": "Event",
        "@id": f"{page_url}#event",
        "url": page_url,
        "name": title,
        "inLanguage": title_language,
        "startDate": _iso(start),
        "endDate": _iso(end),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": place,
    }
    if description and description_language == title_language:
        data["description"] = description
    report = workshop.publication
    if report is not None and report.is_public:
        report_title, _ = translated(report, "title", language)
        data["recordedIn"] = {
            "@type": "Book",
            "@id": f"{absolute_url_in(request, report, language)}#work",
            "name": report_title,
            "url": absolute_url_in(request, report, language),
        }
    items = list(workshop.agenda_items.all())
    if items:
        data["subEvent"] = [
            _agenda_item_json_ld(item, page_url=page_url, place=place, language=language) for item in items
        ]
    return data


def _place_json_ld(workshop: Workshop, language: str) -> dict:
    location = workshop_location(workshop, language)
    address = {"@type": "PostalAddress", "addressLocality": location["city"], "addressCountry": location["country"]}
    place = {"@type": "Place", "address": address}
    place["name"] = location["venue"] or location["city"]
    return place


def _agenda_item_json_ld(item, *, page_url: str, place: dict, language: str) -> dict:
    title, _ = translated(item, "title", language)
    data = {
        "@type": "Event",
        "@id": f"{page_url}#session-{item.position}",
        "name": title,
        "startDate": _iso(item.starts_at or item.date),
        "location": place,
    }
    if item.ends_at is not None:
        data["endDate"] = _iso(item.ends_at)
    description, _ = translated(item, "description", language)
    if description:
        data["description"] = description
    speakers = {participation.speaker_id: participation.speaker for participation in item.participations.all()}
    performers = [_person_json_ld(speaker, language) for speaker in speakers.values()]
    if performers:
        data["performer"] = performers
    return data


def _person_json_ld(speaker, language: str) -> dict:
    data = {"@type": "Person", "name": speaker.name}
    position, _ = translated(speaker, "position", language)
    if position:
        data["jobTitle"] = position
    affiliation, _ = translated(speaker, "affiliation", language)
    if affiliation:
        data["affiliation"] = {"@type": "Organization", "name": affiliation}
    return data
