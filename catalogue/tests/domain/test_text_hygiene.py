"""Text hygiene at the model layer: every catalogue text field refuses control characters, single-line
fields refuse line breaks, in forms, full_clean() and the validating loaddata alike."""

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse
from django.utils import translation

from catalogue.models import AgendaItem, Publication, Speaker, Topic, Workshop
from catalogue.models.text import validate_multiline_text, validate_single_line_text
from catalogue.tests.admin_forms import publication_form
from catalogue.tests.factories import SeriesFactory, TopicFactory, create_idm28
from catalogue.tests.text_columns import free_text_fields

VT_MESSAGE = (
    "Remove the control character U+000B (line tabulation) at position {}: it is invisible, often pasted "
    "from a word processor, and feeds and exports cannot carry it."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _free_text_fields():
    """(model, field) for every CharField and TextField people type into (language columns included)."""
    for model in apps.get_app_config("catalogue").get_models():
        if model._meta.model_name not in (
            "searchdocument",
            "searchword",
            "documentpage",
        ):  # search's text, written by code only
            for field in free_text_fields(model):
                yield model, field


def test_every_text_field_carries_its_hygiene_validator():
    fields = list(_free_text_fields())
    expected = {
        f"{model._meta.model_name}.{field.name}": (
            validate_multiline_text if isinstance(field, models.TextField) else validate_single_line_text
        )
        for model, field in fields
    }
    actual = {
        f"{model._meta.model_name}.{field.name}": next(
            (v for v in field.validators if v in (validate_multiline_text, validate_single_line_text)), None
        )
        for model, field in fields
    }
    assert actual == expected
    # modeltranslation copies the validators to every language column.
    assert actual["publication.title_fr"] is validate_single_line_text
    assert actual["publication.summary_es"] is validate_multiline_text
    assert actual["agendaitem.title_en"] is validate_single_line_text
    assert actual["workshop.city_es"] is validate_single_line_text
    assert actual["speaker.name"] is validate_single_line_text


@pytest.mark.parametrize("value", ["Migration and health", "Tab\tseparated", "Ünïcödé – “quotes” 移民", ""])
def test_single_line_text_accepts_ordinary_text(value):
    validate_single_line_text(value)
    validate_multiline_text(value)


@pytest.mark.parametrize("value", ["First paragraph.\n\nSecond.", "Windows\r\nline breaks", "Tab\tand\nline"])
def test_multiline_text_accepts_line_breaks(value):
    validate_multiline_text(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Soft\x0bbreak", VT_MESSAGE.format(5)),
        (
            "\x0cpage",
            "Remove the control character U+000C (form feed) at position 1: it is invisible, often pasted "
            "from a word processor, and feeds and exports cannot carry it.",
        ),
        (
            "nul\x00",
            "Remove the control character U+0000 (null) at position 4: it is invisible, often pasted "
            "from a word processor, and feeds and exports cannot carry it.",
        ),
        (
            "del\x7f",
            "Remove the control character U+007F (delete) at position 4: it is invisible, often pasted "
            "from a word processor, and feeds and exports cannot carry it.",
        ),
        (
            "esc\x1b[31m",
            "Remove the control character U+001B (escape) at position 4: it is invisible, often pasted "
            "from a word processor, and feeds and exports cannot carry it.",
        ),
    ],
)
def test_both_kinds_refuse_control_characters_naming_them(value, message):
    for validator in (validate_single_line_text, validate_multiline_text):
        with pytest.raises(ValidationError) as caught:
            validator(value)
        assert caught.value.messages == [message]
        assert caught.value.code == "control_character"


@pytest.mark.parametrize(
    ("value", "code", "position"),
    [("Two\nlines", "U+000A", 4), ("Lone\rreturn", "U+000D", 5), ("CR\r\nLF", "U+000D", 3), ("a\u2028b", "U+2028", 2)],
)
def test_single_line_text_refuses_line_breaks(value, code, position):
    with pytest.raises(ValidationError) as caught:
        validate_single_line_text(value)
    assert caught.value.messages == [
        f"This field holds one line: remove the line break ({code}) at position {position}."
    ]
    assert caught.value.code == "line_break"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("get_instance", "field", "value", "message"),
    [
        (lambda: Publication.objects.get(), "title_fr", "Migrations\x0bet santé", VT_MESSAGE.format(11)),
        (lambda: Publication.objects.get(), "summary_en", "Para\x0bgraph", VT_MESSAGE.format(5)),
        (
            lambda: Publication.objects.get(),
            "corporate_author_en",
            "IOM\nUN",
            "This field holds one line: remove the line break (U+000A) at position 4.",
        ),
        (
            lambda: Workshop.objects.get(slug="idm-2018-geneva"),
            "title_en",
            "Geneva\rX-INJECTED:1",
            "This field holds one line: remove the line break (U+000D) at position 7.",
        ),
        (
            lambda: AgendaItem.objects.get(position=1),
            "title_fr",
            "Ouverture\n",
            "This field holds one line: remove the line break (U+000A) at position 10.",
        ),
        (lambda: Speaker.objects.get(slug="antonio-vitorino"), "name", "António\x0bVitorino", VT_MESSAGE.format(8)),
        (lambda: Topic.objects.get(), "name_es", "Gobernanza\x0b", VT_MESSAGE.format(11)),
    ],
)
def test_full_clean_refuses_the_field_with_the_message(get_instance, field, value, message):
    create_idm28()
    instance = get_instance()
    setattr(instance, field, value)
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    # In the active language (English) modeltranslation's plain field reads the same column: both report it.
    base = field.rsplit("_", 1)[0] if field.endswith(("_en", "_fr", "_es")) else field
    expected = {field: [message], base: [message]} if field.endswith("_en") else {field: [message]}
    assert caught.value.message_dict == expected


@pytest.mark.django_db
def test_multiline_summary_with_line_breaks_passes_full_clean():
    create_idm28()
    publication = Publication.objects.get()
    publication.summary_en = "First paragraph.\r\n\r\nSecond paragraph,\tindented."
    publication.full_clean()


@pytest.mark.django_db
def test_admin_form_refuses_a_control_character_in_a_title(admin_client):
    data = publication_form(SeriesFactory())
    data["title_fr"] = "Migration\x0bet santé"
    data["summary_en"] = "Two\r\nlines are fine here."

    response = admin_client.post(reverse("admin:catalogue_publication_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"title_fr": [VT_MESSAGE.format(10)]}
    assert Publication.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            {"model": "catalogue.topic", "fields": {"slug": "soft-break", "name_en": "Soft\u000bbreak"}},
            "name_en: " + VT_MESSAGE.format(5),
        ),
        (
            {
                "model": "catalogue.workshop",
                "fields": {
                    "slug": "line-break",
                    "title_en": "Line\nbreak",
                    "city_en": "Geneva",
                    "country": "CH",
                    "start_date": "2018-10-08",
                    "end_date": "2018-10-09",
                    "publication": None,
                },
            },
            "title_en: This field holds one line: remove the line break (U+000A) at position 5.",
        ),
    ],
)
def test_loaddata_refuses_control_characters_naming_the_field(tmp_path, record, expected):
    TopicFactory(slug="kept", name_en="Kept")
    fixture = tmp_path / "dirty.json"
    fixture.write_text(json.dumps([record]))

    with pytest.raises(CommandError) as caught:
        call_command("loaddata", str(fixture), verbosity=0)

    assert expected in str(caught.value)
    assert list(Topic.objects.values_list("slug", flat=True)) == ["kept"]
    assert not Workshop.objects.filter(slug="line-break").exists()
