"""ISO 639-1 languages for editions, named in the active interface language.

Edition languages are an open list (ar, ru, zh, pt, …), separate from the
interface languages; their names come from pycountry's ISO 639 data and its
translations.
"""

import gettext
from functools import cache

import pycountry
from django.utils import translation


@cache
def _iso639_translation(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True)


@cache
def _english_names() -> dict[str, str]:
    return {language.alpha_2: language.name for language in pycountry.languages if hasattr(language, "alpha_2")}


def language_codes() -> list[str]:
    """All ISO 639-1 codes, sorted."""
    return sorted(_english_names())


def language_name(code: str, language: str | None = None) -> str:
    """The name of the ISO 639-1 language `code` in `language` (default: the active one)."""
    english = _english_names().get(code)
    if english is None:
        return code
    target = language or translation.get_language() or "en"
    name = _iso639_translation(target.split("-")[0]).gettext(english)
    # pycountry's catalogues write some names in lower case ("français"); titles want a capital.
    return name[:1].upper() + name[1:]


def language_choices() -> list[tuple[str, str]]:
    """(code, name) for every ISO 639-1 language, sorted by name in the active language."""
    return sorted(((code, language_name(code)) for code in language_codes()), key=lambda c: c[1])
