"""Translators in the admin: they edit the translated text of their working languages and nothing else, even by a
hand-made POST, on every translated model and inline; working languages are assigned on the user's page."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.editorial import roles
from catalogue.models import AgendaItem, Edition, Publication, Series, Speaker, StaffLanguage, TocEntry, Topic, Workshop
from catalogue.tests.editorial.staff_admin import add_inline_row, admin_url, client_for, form_values, full_form
from catalogue.tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    SpeakerFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
    create_staff,
)

pytestmark = pytest.mark.django_db
ISBN = "9789290687801"
OTHER_ISBN = "9789290687818"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def publication():
    publication = PublicationFactory(number=28, slug="idm-28", title_en="Migration", title_fr="Migration (fr)")
    EditionFactory(publication=publication, language="fr", isbn=ISBN)
    part = TocEntryFactory(publication=publication, position=1, title_en="Part one")
    TocEntryFactory(publication=publication, position=2, parent=part, title_en="Chapter one")
    return publication


def translator(languages=("fr",)):
    return create_staff("translator", roles.TRANSLATOR, languages=languages)


def toc(publication) -> list[tuple]:
    return list(
        TocEntry.objects.filter(publication=publication)
        .order_by("pk")
        .values_list("position", "parent__position", "kind", "title_en", "title_fr", "title_es")
    )


def test_translator_hand_made_post_saves_french_and_nothing_else(publication):
    spanish = publication.title_es
    data = full_form(publication) | {
        "title_fr": "Migration et santé",
        "title_en": "Hacked title",
        "title_es": "Título cambiado",
        "status": "withdrawn",
        "slug": "hacked",
        "year": "1999",
        "editions-0-isbn": OTHER_ISBN,
        "toc_entries-0-title_fr": "Première partie",
        "toc_entries-0-title_en": "Hacked part",
        "toc_entries-0-position": "5",
        "toc_entries-0-order": "5",  # moved below the chapter, which is made a heading: both refused
        "toc_entries-1-parent": "",
        "toc_entries-1-level": "0",
        "toc_entries-1-DELETE": "on",
    }
    add_inline_row(data, "toc_entries", {"position": "3", "kind": "chapter", "title_fr": "Ajout", "title_en": "Added"})
    add_inline_row(data, "editions", {"language": "es", "format": "pdf", "position": "1", "availability": "available"})

    response = client_for(translator()).post(admin_url(Publication, "change", publication), data)

    assert response.status_code == 302
    publication.refresh_from_db()
    assert (publication.title_fr, publication.title_en, publication.title_es) == (
        "Migration et santé",
        "Migration",
        spanish,
    )
    assert (publication.status, publication.slug, publication.year) == ("published", "idm-28", 2018)
    assert list(Edition.objects.values_list("language", "isbn")) == [("fr", ISBN)]
    assert toc(publication) == [
        (1, None, "chapter", "Part one", "Première partie", None),
        (2, 1, "chapter", "Chapter one", None, None),
    ]


def test_translator_save_leaves_every_row_where_it_is(publication):
    """Positions with gaps and a subheading under a heading that is not the nearest one above it: a translator's
    save changes neither (saving rows in order would renumber them and recompute the parents)."""
    part, chapter = TocEntry.objects.filter(publication=publication).order_by("position")
    TocEntryFactory(publication=publication, position=5, title_en="Part two")
    TocEntry.objects.filter(pk=part.pk).update(position=3)
    TocEntry.objects.filter(pk=chapter.pk).update(position=7)  # below "Part two", still under "Part one"
    data = full_form(publication) | {"toc_entries-2-title_fr": "Chapitre un"}

    response = client_for(translator()).post(admin_url(Publication, "change", publication), data)

    assert response.status_code == 302
    assert list(
        TocEntry.objects.filter(publication=publication)
        .order_by("position")
        .values_list("position", "parent_id", "title_en", "title_fr")
    ) == [
        (3, None, "Part one", None),
        (5, None, "Part two", None),
        (7, part.pk, "Chapter one", "Chapitre un"),
    ]


def test_translator_sees_the_position_and_parent_read_only(publication):
    response = client_for(translator()).get(admin_url(Publication, "change", publication))

    contents = response.context["inline_admin_formsets"][1]
    shown = [
        [
            (field.field["name"], field.contents())
            for fieldset in row
            for line in fieldset
            for field in line
            if field.is_readonly and field.field["name"] in ("position", "parent")
        ]
        for row in contents
    ]
    assert shown == [
        [("position", "1"), ("parent", "-")],
        [("position", "2"), ("parent", "Part one")],
    ]


def test_translator_hand_made_post_keeps_the_spanish_title(publication):
    spanish = publication.title_es
    data = full_form(publication) | {"title_es": "Título cambiado"}

    client_for(translator()).post(admin_url(Publication, "change", publication), data)

    publication.refresh_from_db()
    assert publication.title_es == spanish


def test_translator_form_offers_only_the_working_language_columns(publication):
    response = client_for(translator()).get(admin_url(Publication, "change", publication))

    assert response.status_code == 200
    assert sorted(response.context["adminform"].form.fields) == [
        "corporate_author_fr",
        "cover_alt_fr",
        "place_fr",
        "publisher_fr",
        "subtitle_fr",
        "summary_fr",
        "title_fr",
    ]
    editions, contents = (inline.formset for inline in response.context["inline_admin_formsets"])
    assert [sorted(set(form.fields) - {"id", "publication"}) for form in contents.forms] == [["title_fr"], ["title_fr"]]
    assert (contents.can_delete, contents.max_num) == (False, 0)
    assert [form.fields.keys() - {"id", "publication"} for form in editions.forms] == [set()]
    assert response.context["has_delete_permission"] is False
    html = response.content.decode()
    assert [name in html for name in ('name="title_fr"', 'name="title_en"', 'name="status"')] == [True, False, False]
    # The rest is shown, read-only.
    assert ["Migration (fr)" in html, "Part one" in html] == [True, True]


def test_translator_with_two_languages_edits_both_and_never_english(publication):
    data = full_form(publication) | {"title_fr": "Titre", "title_es": "Título", "title_en": "Title"}

    client_for(translator(languages=["fr", "es"])).post(admin_url(Publication, "change", publication), data)

    publication.refresh_from_db()
    assert (publication.title_en, publication.title_fr, publication.title_es) == ("Migration", "Titre", "Título")


def test_translator_without_a_working_language_reads_only_and_is_told_why(publication):
    title_fr = publication.title_fr
    client = client_for(translator(languages=()))

    page = client.get(admin_url(Publication, "change", publication))
    response = client.post(admin_url(Publication, "change", publication), full_form(publication) | {"title_fr": "X"})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert [str(m) for m in page.context["messages"]] == [
        "No working language is assigned to you, so you can only read this record. "
        "Ask an administrator to add your languages to your user account."
    ]
    assert response.status_code == 403
    publication.refresh_from_db()
    assert publication.title_fr == title_fr


def agenda_item():
    return AgendaItemFactory(title_en="Opening", position=1)


# model, a record, its French field, a field the translator may not change and a value for it
TRANSLATED_MODELS = [
    (Topic, lambda: TopicFactory(slug="health"), "name_fr", "slug", "changed"),
    (Series, SeriesFactory, "name_fr", "slug", "changed"),
    (Speaker, lambda: SpeakerFactory(name="Ana Pérez"), "position_fr", "name", "Someone else"),
    (Workshop, WorkshopFactory, "title_fr", "status", "withdrawn"),
    (AgendaItem, agenda_item, "title_fr", "position", "7"),
]


@pytest.mark.parametrize(
    ("model", "factory", "french", "forbidden", "value"), TRANSLATED_MODELS, ids=lambda v: getattr(v, "__name__", "")
)
def test_translator_edits_french_on_every_translated_model_and_nothing_else(model, factory, french, forbidden, value):
    record = factory()
    before = getattr(record, forbidden)
    data = full_form(record) | {french: "Texte traduit", forbidden: value, french.replace("_fr", "_en"): "Changed"}
    english_before = getattr(record, french.replace("_fr", "_en"))

    response = client_for(translator()).post(admin_url(model, "change", record), data)

    assert response.status_code == 302
    record.refresh_from_db()
    assert (getattr(record, french), getattr(record, forbidden)) == ("Texte traduit", before)
    assert getattr(record, french.replace("_fr", "_en")) == english_before


def test_translator_edits_agenda_items_in_french_on_the_workshop_page():
    item = agenda_item()
    workshop = item.workshop
    data = full_form(workshop) | {
        "agenda_items-0-title_fr": "Ouverture",
        "agenda_items-0-title_en": "Changed",
        "agenda_items-0-position": "4",
        "agenda_items-0-date": "2018-10-09",
    }
    add_inline_row(data, "agenda_items", {"position": "2", "kind": "panel", "date": "2018-10-08", "title_fr": "Non"})

    response = client_for(translator()).post(admin_url(Workshop, "change", workshop), data)

    assert response.status_code == 302
    assert list(AgendaItem.objects.values_list("position", "date", "title_en", "title_fr")) == [
        (1, item.date, "Opening", "Ouverture")
    ]


@pytest.mark.parametrize("model", [Publication, Workshop, Topic, Series, Speaker, AgendaItem, Edition])
def test_translator_cannot_add_records(model):
    assert client_for(translator()).get(admin_url(model, "add")).status_code == 403


def test_translator_cannot_delete_a_record(publication):
    response = client_for(translator()).post(admin_url(Publication, "delete", publication), {"post": "yes"})

    assert response.status_code == 403
    assert Publication.objects.filter(pk=publication.pk).exists()


def test_translator_reads_editions_which_have_no_translated_text(publication):
    edition = publication.editions.get()
    client = client_for(translator())

    page = client.get(admin_url(Edition, "change", edition))
    response = client.post(admin_url(Edition, "change", edition), full_form(edition) | {"isbn": OTHER_ISBN})

    assert (page.status_code, page.context["has_change_permission"], response.status_code) == (200, False, 403)
    edition.refresh_from_db()
    assert edition.isbn == ISBN


def test_working_languages_are_assigned_on_the_user_page():
    person = translator(languages=())
    data = form_values(client_for(create_staff("root", superuser=True)), admin_url(User, "change", person))
    add_inline_row(data, "content_languages", {"language": "fr"})
    add_inline_row(data, "content_languages", {"language": "es"})

    response = client_for(User.objects.get(username="root")).post(admin_url(User, "change", person), data)

    assert response.status_code == 302
    assert list(StaffLanguage.objects.filter(user=person).values_list("language", flat=True)) == ["es", "fr"]
    assert roles.working_languages(person) == ["fr", "es"]


def test_translator_page_reads_the_working_languages_once(publication):
    client = client_for(translator())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(Publication, "change", publication))

    # Every form, inline and permission check asks for them: 37 queries of the page's 50 before they were cached.
    assert response.status_code == 200
    assert sum("catalogue_stafflanguage" in query["sql"] for query in queries) == 1
