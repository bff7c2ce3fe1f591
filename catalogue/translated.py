"""Reading translated fields with modeltranslation's fallbacks, and knowing which language was used.

modeltranslation's own fallback (`instance.title`) returns a value but not the language it comes
from; pages mark a fallback with `lang` and a note, and metadata, feeds and calendars tag it with
its language. They all read the `<field>_<lang>` columns through these functions.
"""

from django.conf import settings


def fallback_languages(language: str) -> list[str]:
    """Content languages to try for `language`, in order: itself, then its configured fallbacks."""
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    order = [language, *fallbacks.get(language, fallbacks["default"])]
    return [code for code in dict.fromkeys(order) if code in settings.MODELTRANSLATION_LANGUAGES]


def translated(instance, field: str, language: str) -> tuple[str, str]:
    """(value, language it is written in) of `instance.<field>` in `language` or its first filled fallback.

    An empty field in every language gives `("", language)`.
    """
    for code in fallback_languages(language):
        value = getattr(instance, f"{field}_{code}", None)
        if value not in (None, ""):
            return value, code
    return "", language


def translations(instance, field: str) -> dict[str, str]:
    """Every filled translation of `instance.<field>`, keyed by language."""
    values = {}
    for code in settings.MODELTRANSLATION_LANGUAGES:
        value = getattr(instance, f"{field}_{code}", None)
        if value not in (None, ""):
            values[code] = value
    return values
