"""The `catalogue_tags` template library of the public pages: visible content fallbacks, language links, dates.

Registered under that name in TEMPLATES["OPTIONS"]["libraries"] (idm/settings.py).
"""

import datetime
import zoneinfo

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from catalogue import i18n
from catalogue.i18n import TranslatedValue, page_language

from . import covers, presenters

register = template.Library()


@register.simple_tag(takes_context=True)
def translated(context, instance, field: str) -> TranslatedValue:
    """`{% translated publication "title" as title %}`: value plus the language it is in."""
    return i18n.translated(instance, field, page_language(context.get("LANGUAGE_CODE")))


@register.simple_tag(takes_context=True)
def cover_image(context, publication, usage: str = "page") -> SafeString:
    """`{% cover_image publication "card" %}`: the cover's <img> with the sizes it is stored in (`srcset`)."""
    return covers.cover_image_html(publication, usage, page_language(context.get("LANGUAGE_CODE")))


@register.filter
def lang_attr(value) -> SafeString:
    """` lang="xx"` when a TranslatedValue is shown in another language than the page's."""
    if isinstance(value, TranslatedValue) and value.is_fallback:
        return format_html(' lang="{}"', value.language)
    return mark_safe("")


@register.filter
def language_name_in_text(code: str, language: str | None = None) -> str:
    """A language's name as written inside a sentence: French and Spanish do not capitalise it."""
    return i18n.language_name_in_text(code, language)


@register.filter(name="language_name")
def language_name_filter(code: str, language: str | None = None) -> str:
    """The name of an ISO 639-1 language in `language` (default: the active interface language)."""
    return i18n.language_name(code, language)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[presenters.LanguageSwitchLink]:
    """The current page (with its query string) in every interface language."""
    return presenters.language_links(context.get("request"), context.get("page_obj"))


@register.filter
def utc_offset(day: datetime.date, time_zone: str) -> str:
    """The UTC offset of `time_zone` on `day`, e.g. "UTC+02:00"."""
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    offset = datetime.datetime.combine(day, datetime.time(12), tzinfo=zone).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


@register.simple_tag
def time_zone_label(time_zone: str, day: datetime.date) -> str:
    """A time zone as people read it, with its UTC offset on `day`: "Zurich time (UTC+02:00)"."""
    offset = utc_offset(day, time_zone)
    if "/" not in time_zone:  # "UTC" and the like
        return time_zone if not offset or time_zone == "UTC" else f"{time_zone} ({offset})"
    city = time_zone.rsplit("/", 1)[1].replace("_", " ")
    if not offset:
        return city
    return pgettext("time zone with its UTC offset", "%(city)s time (%(offset)s)") % {"city": city, "offset": offset}


def _time(day: datetime.date, date_format: str) -> str:
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), date_filter(day, date_format))


@register.simple_tag
def date_range(start: datetime.date, end: datetime.date | None) -> SafeString:
    """Two dates without repeating their month and year: "8–9 October 2018", "8 October – 9 November 2018"."""
    full = get_format("DATE_FORMAT")
    if end is None or end == start:
        return _time(start, full)
    if (start.year, start.month) == (end.year, end.month):
        # Translators: date formats (Django's "date" filter) of the two ends of a range within one month.
        first = pgettext("date range within one month: first day", "j")
        last = pgettext("date range within one month: last day", "j F Y")
        return format_html("{}–{}", _time(start, first), _time(end, last))
    if start.year == end.year:
        # Translators: date format (Django's "date" filter) of the first day of a range within one year.
        first = pgettext("date range within one year: first day", "j F")
        return format_html("{} – {}", _time(start, first), _time(end, full))
    return format_html("{} – {}", _time(start, full), _time(end, full))


@register.simple_tag
def page_numbers(page_obj) -> list:
    """Page numbers around the current page and at both ends, with the paginator's ellipsis for gaps."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
