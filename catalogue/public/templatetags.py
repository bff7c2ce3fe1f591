"""The `catalogue_tags` template library of the public pages: visible content fallbacks, language links, dates,
typography.

Registered under that name in TEMPLATES["OPTIONS"]["libraries"] (idm/settings.py).
"""

import datetime
import zoneinfo

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from catalogue import i18n
from catalogue.i18n import TranslatedValue, page_language
from catalogue.models import Edition

from . import covers, formatting, presenters

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


# The markup of one facet value: a checkbox (name, value, checked) and its label (lang attribute, text, count).
FACET_VALUE = (
    '<li><input type="checkbox" name="{0}" value="{1}" id="facet-{0}-{1}"{2}>\n'
    '    <label for="facet-{0}-{1}"><span{3}>{4}</span> <span class="count">({5})</span></label></li>'
)


@register.simple_tag
def facet_values(facet_name: str, items) -> SafeString:
    """`{% facet_values facet.name facet.shown %}`: the list items of a facet's values (filters.FacetValue).

    Built here, not by an included template: the catalogue page lists some 250 values, a dozen template variables
    each, which took the template engine 19 ms of a 44 ms page at 100,000 publications."""
    checked = mark_safe(" checked")
    return format_html_join(
        "\n",
        FACET_VALUE,
        (
            (
                facet_name,
                item.value,
                checked if item.selected else "",
                lang_attr(item.label),
                item.label,
                localize(item.count),
            )
            for item in items
        ),
    )


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
def time_zone_label(time_zone: str, day: datetime.date, city="") -> str:
    """A time zone as people read it, named by the workshop's `city` (else by the zone's own city), with its UTC
    offset on `day`: "Geneva time (UTC+02:00)", "heure de Genève (UTC+02:00)"."""
    offset = utc_offset(day, time_zone)
    if "/" not in time_zone:  # "UTC" and the like
        return time_zone if not offset or time_zone == "UTC" else f"{time_zone} ({offset})"
    city = str(city) or time_zone.rsplit("/", 1)[1].replace("_", " ")
    if not offset:
        return city
    return pgettext("time zone with its UTC offset", "%(city)s time (%(offset)s)") % {"city": city, "offset": offset}


def _time(day: datetime.date, text: str) -> SafeString:
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), text)


@register.simple_tag
def date_range(start: datetime.date, end: datetime.date | None) -> SafeString:
    """Two dates in the page language's publishing style, without repeating their month and year:
    "8–9 October 2018", "30 October – 2 November 2018"."""
    parts = formatting.date_range_parts(start, end, page_language())
    return format_html_join("", "{}", ((_time(*part) if isinstance(part, tuple) else part,) for part in parts))


@register.filter
def publishing_date(day: datetime.date | None) -> str:
    """A date in the page language's publishing style: "8 October 2018", "1er octobre 2018"."""
    return formatting.format_date(day, page_language()) if day else ""


@register.filter
def publishing_time(time: datetime.time | None) -> str:
    """A time of day as the page language writes it: "10:00", French "10 h", "10 h 30"."""
    return formatting.format_time(time, page_language()) if time else ""


@register.filter(is_safe=True)
def typography(value) -> SafeString:
    """The page language's spacing (French no-break spaces, "n° 28" on one line) in text or HTML."""
    return formatting.typography(value, page_language())


@register.filter
def nowrap(value) -> SafeString:
    """`value` kept on one line (an ISBN or ISSN breaks at its hyphens otherwise)."""
    return format_html('<span class="nowrap">{}</span>', value)


@register.filter
def edition_formats(publication) -> list[str]:
    """The formats of a publication's (prefetched) editions, named, in the formats' order."""
    present = {edition.format for edition in publication.editions.all()}
    return [label for value, label in Edition.Format.choices if value in present]


@register.simple_tag
def page_numbers(page_obj) -> list:
    """Page numbers around the current page and at both ends, with the paginator's ellipsis for gaps."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
