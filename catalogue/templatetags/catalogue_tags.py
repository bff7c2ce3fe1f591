"""Template helpers for the public pages: visible content fallbacks, language links, facets."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from catalogue.languages import language_name
from catalogue.translated import fallback_languages  # noqa: F401 - imported from here by views and filters
from catalogue.translated import translated as translate_field

register = template.Library()

LOWER_CASE_LANGUAGE_NAMES = {"fr", "es"}


@dataclass(frozen=True)
class TranslatedValue:
    """A translated field's value and the language it actually comes from."""

    value: str
    language: str
    page_language: str

    def __str__(self):
        return self.value

    def __bool__(self):
        return bool(self.value)

    @property
    def is_fallback(self) -> bool:
        return bool(self.value) and self.language != self.page_language

    @property
    def language_name(self) -> str:
        return language_name(self.language, self.page_language)

    @property
    def language_name_in_text(self) -> str:
        return language_name_in_text(self.language, self.page_language)


def translated_value(instance, field: str, language: str | None = None) -> TranslatedValue:
    """`instance.<field>` in the page language or, when that column is empty, its first filled fallback."""
    page_language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    value, value_language = translate_field(instance, field, page_language)
    return TranslatedValue(value, value_language, page_language)


@register.simple_tag(takes_context=True)
def translated(context, instance, field: str) -> TranslatedValue:
    """`{% translated publication "title" as title %}`: value plus the language it is in."""
    return translated_value(instance, field, context.get("LANGUAGE_CODE"))


@register.filter
def lang_attr(value) -> SafeString:
    """` lang="xx"` when a TranslatedValue is shown in another language than the page's."""
    if isinstance(value, TranslatedValue) and value.is_fallback:
        return format_html(' lang="{}"', value.language)
    return mark_safe("")


@register.filter
def language_name_in_text(code: str, language: str | None = None) -> str:
    """A language's name as written inside a sentence: French and Spanish do not capitalise it."""
    page_language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    name = language_name(code, page_language)
    return name.lower() if page_language in LOWER_CASE_LANGUAGE_NAMES else name


@register.filter(name="language_name")
def language_name_filter(code: str, language: str | None = None) -> str:
    """The name of an ISO 639-1 language in `language` (default: the active interface language)."""
    return language_name(code, language)


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The current page (with its query string) in every interface language."""
    request = context.get("request")
    current = translation.get_language()
    path = request.get_full_path() if request else "/"
    links = []
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        url = translate_url(path, code)
        if url == path and code != current and path.startswith(f"/{current}/"):
            # Unresolvable paths (a 404 page): swap the language prefix so the switch still works.
            url = f"/{code}/{path.removeprefix(f'/{current}/')}"
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url) if request else url,
                "current": code == current,
            }
        )
    return links


@register.filter
def utc_offset(day: datetime.date, time_zone: str) -> str:
    """The UTC offset of `time_zone` on `day`, e.g. "UTC+02:00"."""
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    offset = datetime.datetime.combine(day, datetime.time(12), tzinfo=zone).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"
