"""What every machine-readable output says the same way: page URLs, series labels, the corporate
author, the order of editions, media types, and a workshop's span and place.

Everything reads objects already fetched with their related rows, so it runs no queries.
"""

import datetime
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy
from django_countries import countries

from catalogue.i18n import number_label, translated
from catalogue.models import Edition, Publication, Workshop

# What no output carries: characters XML 1.0 forbids (C0 controls but tab, LF and CR; lone surrogates;
# U+FFFE, U+FFFF), and the C0 controls and DEL that iCalendar, BibTeX, RIS and HTTP headers forbid too.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile("\r\n|\r|\n")
_NOT_FILENAME = re.compile(r"[^A-Za-z0-9.\-_]+")

# The media type of each electronic edition format (print has none).
MEDIA_TYPES = {
    Edition.Format.PDF: "application/pdf",
    Edition.Format.EPUB: "application/epub+zip",
    Edition.Format.HTML: "text/html",
}
# The organisation whose catalogue this is: the corporate author of a publication that names none,
# and the author of the feeds.
ORGANISATION_NAME = gettext_lazy("International Organization for Migration")
# Electronic formats come first when one edition has to stand for a language.
FORMAT_PREFERENCE = [Edition.Format.PDF, Edition.Format.EPUB, Edition.Format.HTML, Edition.Format.PRINT]


def site_domain() -> str:
    """The catalogue's own domain (SITE_DOMAIN): the part of OAI identifiers and calendar UIDs that says whose they
    are; never the request's host, which differs between the names a site answers to."""
    return settings.SITE_DOMAIN


def absolute_url_in(request, instance, language: str) -> str:
    """The absolute URL of `instance`'s page in the interface `language`."""
    with translation.override(language):
        return request.build_absolute_uri(instance.get_absolute_url())


def series_number_label(series, number: int, language: str) -> str:
    """'International Dialogue on Migration No. 28' in `language` (the series name falls back if untranslated)."""
    name, _name_language = translated(series, "name", language)
    return f"{name} {number_label(number, language)}"


def corporate_author(publication: Publication, language: str) -> tuple[str, str]:
    """(name, its language) of the body that authored `publication`: its corporate author, else its publisher (a
    body publishing its own report), else the catalogue's organisation; the rule of `PublicationRecord.creator`."""
    for field in ("corporate_author", "publisher"):
        author, author_language = translated(publication, field, language)
        if author:
            return author, author_language
    return organisation_name(language), language


def organisation_name(language: str) -> str:
    """The catalogue's organisation, named in `language`."""
    with translation.override(language):
        return str(ORGANISATION_NAME)


def workshop_span(workshop: Workshop) -> tuple[datetime.date | datetime.datetime, datetime.date | datetime.datetime]:
    """When a workshop starts and ends: the first (last) session's time on its first (last) day, else the date."""
    items = list(workshop.agenda_items.all())
    starts = [item.starts_at for item in items if item.date == workshop.start_date]
    ends = [item.ends_at or item.starts_at for item in items if item.date == workshop.end_date]
    start = min(starts) if starts and None not in starts else workshop.start_date
    end = max(ends) if ends and None not in ends else workshop.end_date
    return start, end


def workshop_location(workshop: Workshop, language: str) -> dict[str, str]:
    """Venue, city and country of a workshop as written in `language`."""
    venue, _ = translated(workshop, "venue", language)
    city, _ = translated(workshop, "city", language)
    with translation.override(language):
        country_name = str(countries.name(workshop.country.code)) if workshop.country else ""
    return {"venue": venue, "city": city, "country": workshop.country.code or "", "country_name": country_name}


def workshop_location_text(workshop: Workshop, language: str) -> str:
    """'Salle XVIII, Palais des Nations, Geneva, Switzerland'."""
    location = workshop_location(workshop, language)
    return ", ".join(part for part in (location["venue"], location["city"], location["country_name"]) if part)


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry (Atom feeds, OAI-PMH, sitemaps)."""
    return _NOT_XML.sub("", text)


def plain_text(text: str) -> str:
    """`text` without control characters other than tab and line breaks (C0 and DEL), XML-safe too."""
    return _CONTROL.sub("", xml_text(text))


def one_line(text: str) -> str:
    """`text` without control characters, its whitespace (line breaks included) collapsed to single spaces:
    for formats written one field a line (BibTeX, RIS)."""
    return " ".join(plain_text(text).split())


def ical_text(text: str) -> str:
    """`text` ready for an iCalendar TEXT value: no control characters but tab, and every line break (CRLF,
    a lone CR or LF) one newline, which the icalendar package writes escaped as \\n (RFC 5545, 3.3.11)."""
    return _LINE_BREAK.sub("\n", plain_text(text))


def header_filename(name: str) -> str:
    """A download's file name safe in a Content-Disposition header: letters, digits, '.', '-' and '_' only,
    each run of anything else one hyphen."""
    return _NOT_FILENAME.sub("-", name).strip("-.") or "download"
