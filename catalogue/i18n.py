"""The one place for languages: which ones the site speaks, which one a page is in, and reading
translated fields with their fallbacks.

- Interface languages (`settings.LANGUAGES`): the languages of pages and the admin.
- Content languages (`settings.MODELTRANSLATION_LANGUAGES`): the `<field>_<lang>` columns of every
  translated field and of the search documents.
- Edition languages: any ISO 639-1 code (ar, ru, zh, pt…), named from pycountry's ISO 639 data.

modeltranslation's own fallback (`instance.title`) returns a value but not the language it comes
from; pages mark a fallback with `lang` and a note, and metadata, feeds and calendars tag it with
its language. They all read translated fields through `translated()`.
"""

import gettext
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

# Languages that write language names in lower case inside a sentence ("en français", "en inglés").
LOWER_CASE_LANGUAGE_NAMES = frozenset({"fr", "es"})


def interface_languages() -> list[str]:
    """Codes of the languages pages and the admin are offered in, in settings order."""
    return [code for code, _name in settings.LANGUAGES]


def content_languages() -> list[str]:
    """Codes of the languages translated fields are stored in, in settings order."""
    return list(settings.MODELTRANSLATION_LANGUAGES)


def requested_language(language: str | None = None) -> str:
    """The base code of `language` (default: the active one, else the site's): "fr-CA" -> "fr"; not checked."""
    return (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()


def page_language(language: str | None = None) -> str:
    """The interface language a page is in: `language` (default: the active one) reduced to a
    supported base code ("fr-CA" -> "fr"), else the default language."""
    code = requested_language(language)
    return code if code in interface_languages() else settings.LANGUAGE_CODE


def number_label(number: int, language: str | None = None) -> str:
    """'No. 28' in `language` (default: the active one): 'n° 28', 'n.º 28'."""
    with translation.override(language or translation.get_language()):
        # The same message as the pages' "No. {{ number }}", so one translation serves both.
        return translation.gettext("No. %(number)s") % {"number": number}


# Reading translated fields --------------------------------------------------------------------


@cache
def fallback_languages(language: str) -> tuple[str, ...]:
    """Content languages to try for `language`, in order: itself, then its configured fallbacks.

    Kept per language: every translated value shown asks (a catalogue page, some 260 times)."""
    fallbacks = settings.MODELTRANSLATION_FALLBACK_LANGUAGES
    order = [language, *fallbacks.get(language, fallbacks["default"])]
    return tuple(code for code in dict.fromkeys(order) if code in settings.MODELTRANSLATION_LANGUAGES)


@dataclass(frozen=True)
class TranslatedValue:
    """A translated field's value, the language it is actually written in, and the page's language."""

    value: str
    language: str
    page_language: str

    def __str__(self):
        return self.value

    def __bool__(self):
        return bool(self.value)

    def __iter__(self):
        """Unpacks as `value, language = translated(...)`."""
        return iter((self.value, self.language))

    @property
    def is_fallback(self) -> bool:
        return bool(self.value) and self.language != self.page_language

    @property
    def language_name(self) -> str:
        return language_name(self.language, self.page_language)

    @property
    def language_name_in_text(self) -> str:
        return language_name_in_text(self.language, self.page_language)


def translated(instance, field: str, language: str | None = None) -> TranslatedValue:
    """`instance.<field>` in `language` (default: the active one) or its first filled fallback.

    An empty field in every language gives an empty value in `language` itself.
    """
    wanted = requested_language(language)
    for code in fallback_languages(wanted):
        value = getattr(instance, f"{field}_{code}", None)
        if value not in (None, ""):
            return TranslatedValue(value, code, wanted)
    return TranslatedValue("", wanted, wanted)


def translations(instance, field: str) -> dict[str, str]:
    """Every filled translation of `instance.<field>`, keyed by language."""
    values = {}
    for code in content_languages():
        value = getattr(instance, f"{field}_{code}", None)
        if value not in (None, ""):
            values[code] = value
    return values


# Names of languages ---------------------------------------------------------------------------


@cache
def _iso639_translation(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True)


@cache
def _english_names() -> dict[str, str]:
    return {language.alpha_2: language.name for language in pycountry.languages if hasattr(language, "alpha_2")}


def language_codes() -> list[str]:
    """All ISO 639-1 codes, sorted."""
    return sorted(_english_names())


@cache
def bibliographic_language_code(code: str) -> str:
    """The ISO 639-2/B code of the ISO 639-1 language `code` ("fr" -> "fre", "en" -> "eng"), as MARC and
    library systems write languages; `code` itself when ISO 639 does not know it."""
    language = pycountry.languages.get(alpha_2=code)
    if language is None:
        return code
    return getattr(language, "bibliographic", None) or language.alpha_3


def language_name(code: str, language: str | None = None) -> str:
    """The name of the ISO 639-1 language `code` in `language` (default: the active one), capitalised."""
    english = _english_names().get(code)
    if english is None:
        return code
    target = language or translation.get_language() or "en"
    name = _iso639_translation(target.split("-")[0]).gettext(english)
    # pycountry's catalogues write some names in lower case ("français"); titles want a capital.
    return name[:1].upper() + name[1:]


def language_name_in_text(code: str, language: str | None = None) -> str:
    """A language's name as written inside a sentence: French and Spanish do not capitalise it."""
    target = requested_language(language)
    name = language_name(code, target)
    return name.lower() if target in LOWER_CASE_LANGUAGE_NAMES else name


def language_choices() -> list[tuple[str, str]]:
    """(code, name) for every ISO 639-1 language, sorted by name in the active language.

    A field's choices callable: Django calls it for each row an admin list displays (its flatchoices), so the
    sorted list is made once per language (~2 ms each time: an edition list of 100 rows spent 0.4 s here)."""
    return list(_language_choices(translation.get_language() or "en"))


@cache
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((code, language_name(code, language)) for code in language_codes()), key=lambda c: c[1]))


def slug_url(viewname: str, slug: str) -> str:
    """reverse(viewname, kwargs={"slug": slug}) in the active language, kept for the next time (the 20,000 latest):
    a page of lists links hundreds of records (a search without results, its 200 topics), and each reverse() costs
    ~40 µs."""
    return _slug_url(viewname, slug, translation.get_language(), get_urlconf(), get_script_prefix())


@lru_cache(maxsize=20_000)
def _slug_url(viewname: str, slug: str, language: str | None, urlconf: str | None, prefix: str) -> str:
    return reverse(viewname, kwargs={"slug": slug}, urlconf=urlconf)


@receiver(setting_changed)
def _forget_settings(*, setting: str, **kwargs) -> None:
    """A test that changes the URLconf or the languages gets URLs reversed (and fallbacks read) again."""
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE"}:
        _slug_url.cache_clear()
    if setting.startswith("MODELTRANSLATION_"):
        fallback_languages.cache_clear()
