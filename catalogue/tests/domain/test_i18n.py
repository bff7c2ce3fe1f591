"""Interface translations: complete fr/es catalogues, compiled catalogues up to date, translated pages."""

import os
import re
import shutil
from pathlib import Path

import lxml.html
import polib
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from catalogue.i18n import fallback_languages, slug_url
from catalogue.identifiers import normalize_isbn
from catalogue.models import Edition, Workshop
from catalogue.tests.factories import create_idm28

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
TRANSLATED_LANGUAGES = ["fr", "es"]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_po_catalogue_has_every_message_translated_and_none_fuzzy(language):
    po = catalogue(language)

    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert len(po.translated_entries()) > 200


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\((\w+)\)[sd]", text))


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_po_catalogue_keeps_the_placeholders_of_each_message(language):
    mismatched = []
    for entry in catalogue(language).translated_entries():
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = placeholders(entry.msgid_plural or entry.msgid)
        mismatched += [entry.msgid for form in forms if placeholders(form) != expected]

    assert mismatched == []


@pytest.mark.parametrize("language", [*TRANSLATED_LANGUAGES, "en"])
def test_compiled_catalogue_matches_its_po_file(language):
    po = catalogue(language)
    mo = polib.mofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"))

    def messages(entries):
        return {
            (entry.msgctxt, entry.msgid): entry.msgstr or dict(sorted(entry.msgstr_plural.items()))
            for entry in entries
            if entry.msgid and (entry.msgstr or entry.msgstr_plural)
        }

    assert messages(mo) == messages(po.translated_entries())


def test_po_catalogue_has_every_message_marked_in_the_code(tmp_path, settings):
    """`makemessages` finds no message the committed catalogue lacks."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("xgettext not found: install gettext", pytrace=False)
        pytest.skip("xgettext not found: install gettext")
    # makemessages writes into the locale folder beside the sources: run it on a copy of them.
    source = tmp_path / "source"
    for folder in ("idm", "catalogue", "templates"):
        shutil.copytree(Path(settings.BASE_DIR) / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    cwd = os.getcwd()
    os.chdir(source)
    try:
        call_command("makemessages", locale=["fr"], verbosity=0)
    finally:
        os.chdir(cwd)
    fresh = {entry.msgid for entry in polib.pofile(str(source / "locale" / "fr" / "LC_MESSAGES" / "django.po"))}
    committed = {entry.msgid for entry in catalogue("fr") if not entry.obsolete}

    assert sorted(fresh - committed) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Electronic copy only"), ("fr", "Copie électronique uniquement"), ("es", "Solo copia electrónica")],
)
def test_availability_is_properly_translated(language, expected):
    with translation.override(language):
        assert str(Edition.Availability.ELECTRONIC_ONLY.label) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "“978-92-9068-780-2” is not a valid ISBN: the check digit is wrong."),
        ("fr", "« 978-92-9068-780-2 » n’est pas un ISBN valide : le chiffre de contrôle est faux."),
        ("es", "«978-92-9068-780-2» no es un ISBN válido: el dígito de control es incorrecto."),
    ],
)
def test_validation_messages_are_translated(language, expected):
    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            normalize_isbn("978-92-9068-780-2")
        assert error.value.messages == [expected]


def test_model_names_are_translated():
    with translation.override("es"):
        assert str(Workshop._meta.verbose_name) == "taller"
        assert str(Edition._meta.get_field("availability").verbose_name) == "disponibilidad"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "availability", "untranslated"),
    [
        ("fr", "Copie électronique uniquement", ["Electronic copy only", "Electrónica copia única", "Details"]),
        ("es", "Solo copia electrónica", ["Electronic copy only", "Electrónica copia única", "Details"]),
    ],
)
def test_publication_page_interface_is_entirely_in_the_page_language(client, language, availability, untranslated):
    create_idm28()

    response = client.get(f"/{language}/publications/idm-28/")

    tree = lxml.html.fromstring(response.content)
    body = " ".join(tree.xpath("//body")[0].text_content().split())
    assert availability in body
    assert [phrase for phrase in untranslated if phrase in body] == []


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_slug_url_is_reverse_in_the_active_language(language):
    with translation.override(language):
        assert slug_url("catalogue:topic-detail", "health") == f"/{language}/topics/health/"
        assert slug_url("catalogue:topic-detail", "health") == reverse("catalogue:topic-detail", args=["health"])


def test_slug_url_follows_a_changed_urlconf_and_script_prefix():
    with translation.override("en"):
        assert slug_url("catalogue:series-detail", "idm") == "/en/series/idm/"
        set_script_prefix("/catalogue/")
        try:
            assert slug_url("catalogue:series-detail", "idm") == "/catalogue/en/series/idm/"
        finally:
            set_script_prefix("/")
        with override_settings(ROOT_URLCONF="catalogue.api.urls"), pytest.raises(NoReverseMatch):
            slug_url("catalogue:series-detail", "idm")
        assert slug_url("catalogue:series-detail", "idm") == "/en/series/idm/"


def test_fallback_languages_are_kept_per_language_and_read_again_when_the_setting_changes():
    assert fallback_languages("es") == ("es", "en", "fr")
    with override_settings(MODELTRANSLATION_FALLBACK_LANGUAGES={"default": ("fr",)}):
        assert fallback_languages("es") == ("es", "fr")
    assert fallback_languages("es") == ("es", "en", "fr")
