"""Optimistic concurrency in the admin: a form opened before someone else's save never silently overwrites it."""

import threading

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from catalogue.admin.concurrency import TOKEN_FIELD
from catalogue.editorial.roles import EDITOR
from catalogue.models import AgendaItem, Edition, Publication, Series, Speaker, TocEntry, Topic, Workshop
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


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice() -> Client:
    return staff_client("alice")


@pytest.fixture
def bob() -> Client:
    return staff_client("bob")


def staff_client(username: str) -> Client:
    client = Client()
    client.force_login(create_staff(username, EDITOR))
    return client


def change_url(obj) -> str:
    return reverse(f"admin:catalogue_{obj._meta.model_name}_change", args=[obj.pk])


def open_form(client: Client, obj) -> dict[str, list[str]]:
    """What a browser would send back from the change form of `obj`, untouched."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return form_values(response)


def form_values(response) -> dict[str, list[str]]:
    form = lxml.html.fromstring(response.content.decode()).xpath("//form[contains(@id, '_form')]")[0]
    values = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value)
    return values


def save(client: Client, obj, data: dict, **changes):
    return client.post(change_url(obj), {**data, **{name: [value] for name, value in changes.items()}})


def logged_time(username: str, obj) -> str:
    entry = LogEntry.objects.filter(user__username=username, object_id=str(obj.pk)).latest("action_time")
    return formats.date_format(timezone.localtime(entry.action_time), "DATETIME_FORMAT")


def refusal(response) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The form's errors and the conflict table of a refused save."""
    assert response.status_code == 200
    return list(response.context["adminform"].form.non_field_errors()), response.context["concurrency_report"].rows


def conflict_message(username: str, obj) -> str:
    return (
        f"{username} at {logged_time(username, obj)} saved this record after you opened it, and changed some of the "
        "fields you changed. Nothing was saved. Their values are shown beside yours below and the form keeps your "
        "input: check it, then save again to keep what the form shows."
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# One record, two people


def test_unchanged_record_saves_without_any_message_about_others(alice):
    publication = PublicationFactory()
    data = open_form(alice, publication)

    response = save(alice, publication, data, title_en="Mine")

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title_en == "Mine"
    assert [message.level_tag for message in alice.get(change_url(publication)).context["messages"]] == ["success"]


def test_stale_save_is_refused_naming_who_and_when_with_both_values_and_input_kept(alice, bob):
    publication = PublicationFactory(title_en="Original")
    alices_form = open_form(alice, publication)
    assert save(bob, publication, open_form(bob, publication), title_en="Bob's title").status_code == 302

    response = save(alice, publication, alices_form, title_en="Alice's title")

    errors, rows = refusal(response)
    assert errors == [conflict_message("bob", publication)]
    assert rows == [("Title [en]", "Bob's title", "Alice's title")]
    assert response.context["adminform"].form["title_en"].value() == "Alice's title"
    publication.refresh_from_db()
    assert publication.title_en == "Bob's title"
    html = response.content.decode()
    assert '<td class="concurrency-theirs">Bob&#x27;s title</td>' in html
    assert '<td class="concurrency-mine">Alice&#x27;s title</td>' in html


def test_saving_again_after_a_conflict_writes_your_values(alice, bob):
    publication = PublicationFactory(title_en="Original")
    alices_form = open_form(alice, publication)
    save(bob, publication, open_form(bob, publication), title_en="Bob's title", subtitle_en="Bob's subtitle")
    refused = save(alice, publication, alices_form, title_en="Alice's title")

    response = save(alice, publication, form_values(refused))

    assert response.status_code == 302
    publication.refresh_from_db()
    # Where only Bob changed a field, his value stays although the refused form still showed the old one.
    assert (publication.title_en, publication.subtitle_en) == ("Alice's title", "Bob's subtitle")
    assert messages_of(alice.get(change_url(publication)))[0] == (
        f"Merged with the changes bob at {logged_time('bob', publication)} saved after you opened this form. "
        "Kept from their version: Subtitle [en]."
    )


def test_a_third_save_after_a_conflict_is_caught_again(alice, bob):
    publication = PublicationFactory(title_en="Original")
    alices_form = open_form(alice, publication)
    save(bob, publication, open_form(bob, publication), title_en="Bob's title")
    refused = save(alice, publication, alices_form, title_en="Alice's title")
    assert save(bob, publication, open_form(bob, publication), title_en="Bob's second title").status_code == 302

    response = save(alice, publication, form_values(refused))

    errors, rows = refusal(response)
    assert errors == [conflict_message("bob", publication)]
    assert rows == [("Title [en]", "Bob's second title", "Alice's title")]
    publication.refresh_from_db()
    assert publication.title_en == "Bob's second title"


def test_change_made_outside_the_admin_is_caught_too(alice):
    publication = PublicationFactory(title_en="Original")
    alices_form = open_form(alice, publication)
    Publication.objects.filter(pk=publication.pk).update(title_en="Imported title")

    response = save(alice, publication, alices_form, title_en="Alice's title")

    errors, rows = refusal(response)
    assert errors[0].startswith("Someone else saved this record after you opened it")
    assert rows == [("Title [en]", "Imported title", "Alice's title")]


def test_same_value_saved_by_both_is_no_conflict(alice, bob):
    publication = PublicationFactory(title_en="Original")
    alices_form = open_form(alice, publication)
    save(bob, publication, open_form(bob, publication), title_en="Agreed")

    response = save(alice, publication, alices_form, title_en="Agreed")

    assert response.status_code == 302


# Two translators, two languages of one record: merged


def test_translators_saving_different_languages_are_merged_and_told(alice, bob):
    publication = PublicationFactory(title_fr="Titre", title_es="Título")
    alices_form = open_form(alice, publication)
    assert save(bob, publication, open_form(bob, publication), title_es="Título de Bob").status_code == 302

    response = save(alice, publication, alices_form, title_fr="Titre d'Alice")

    assert response.status_code == 302
    publication.refresh_from_db()
    assert (publication.title_fr, publication.title_es) == ("Titre d'Alice", "Título de Bob")
    assert messages_of(alice.get(change_url(publication)))[0] == (
        f"Merged with the changes bob at {logged_time('bob', publication)} saved after you opened this form. "
        "Kept from their version: Title [es]."
    )


def test_topics_changed_by_the_other_are_kept_when_you_change_a_title(alice, bob):
    first, second = TopicFactory(), TopicFactory()
    publication = PublicationFactory(topics=[first])
    alices_form = open_form(alice, publication)
    bobs_form = open_form(bob, publication)
    bobs_form["topics"] = [str(first.pk), str(second.pk)]
    assert save(bob, publication, bobs_form).status_code == 302

    assert save(alice, publication, alices_form, title_en="Alice's title").status_code == 302

    publication.refresh_from_db()
    assert publication.title_en == "Alice's title"
    assert set(publication.topics.all()) == {first, second}


# Inline rows


def test_same_inline_row_field_changed_by_both_is_refused(alice, bob):
    publication = PublicationFactory()
    entry = TocEntryFactory(publication=publication, position=1, title_en="Opening")
    alices_form = open_form(alice, publication)
    save(bob, publication, open_form(bob, publication), **{"toc_entries-0-title_en": "Bob's opening"})

    response = save(alice, publication, alices_form, **{"toc_entries-0-title_en": "Alice's opening"})

    errors, rows = refusal(response)
    assert errors == [conflict_message("bob", publication)]
    assert rows == [("Table of contents entry 1: Title [en]", "Bob's opening", "Alice's opening")]
    entry.refresh_from_db()
    assert entry.title_en == "Bob's opening"


def test_different_fields_of_one_row_are_merged(alice, bob):
    publication = PublicationFactory()
    entry = TocEntryFactory(publication=publication, position=1, title_en="Opening", page=None)
    alices_form = open_form(alice, publication)
    save(bob, publication, open_form(bob, publication), **{"toc_entries-0-page": "7"})

    response = save(alice, publication, alices_form, **{"toc_entries-0-title_en": "Alice's opening"})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.title_en, entry.page) == ("Alice's opening", 7)


def test_rows_added_by_the_other_are_kept_and_yours_saved(alice, bob):
    publication = PublicationFactory()
    TocEntryFactory(publication=publication, position=1, title_en="Opening")
    alices_form = open_form(alice, publication)
    bobs_form = open_form(bob, publication)
    bobs_form.update(
        {
            "toc_entries-TOTAL_FORMS": ["2"],
            "toc_entries-1-order": ["2"],
            "toc_entries-1-level": ["0"],
            "toc_entries-1-kind": ["chapter"],
            "toc_entries-1-title_en": ["Bob's chapter"],
        }
    )
    assert save(bob, publication, bobs_form).status_code == 302
    alices_form.update(
        {
            "toc_entries-TOTAL_FORMS": ["2"],
            "toc_entries-1-order": ["2"],  # what the script numbers it: second of the rows Alice sees
            "toc_entries-1-level": ["0"],
            "toc_entries-1-kind": ["chapter"],
            "toc_entries-1-title_en": ["Alice's chapter"],
        }
    )

    response = save(alice, publication, alices_form, title_en="Alice's title")

    assert response.status_code == 302
    assert list(publication.toc_entries.order_by("position").values_list("title_en", flat=True)) == [
        "Opening",
        "Bob's chapter",
        "Alice's chapter",
    ]


def test_row_deleted_by_the_other_and_untouched_by_you_stays_deleted(alice, bob):
    publication = PublicationFactory()
    TocEntryFactory(publication=publication, position=1, title_en="Opening")
    kept = TocEntryFactory(publication=publication, position=2, title_en="Chapter")
    alices_form = open_form(alice, publication)
    assert save(bob, publication, open_form(bob, publication), **{"toc_entries-0-DELETE": "on"}).status_code == 302

    response = save(alice, publication, alices_form, **{"title_en": "Alice's title", "toc_entries-1-page": "9"})

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title_en == "Alice's title"
    assert list(publication.toc_entries.values_list("pk", "page")) == [(kept.pk, 9)]
    assert messages_of(alice.get(change_url(publication)))[0] == (
        f"Merged with the changes bob at {logged_time('bob', publication)} saved after you opened this form. "
        "Rows they deleted: Table of contents entry 1."
    )


def test_row_deleted_by_the_other_and_edited_by_you_is_explained_and_deleting_it_saves(alice, bob):
    publication = PublicationFactory()
    entry = TocEntryFactory(publication=publication, position=1, title_en="Opening")
    alices_form = open_form(alice, publication)
    assert save(bob, publication, open_form(bob, publication), **{"toc_entries-0-DELETE": "on"}).status_code == 302

    response = save(alice, publication, alices_form, **{"toc_entries-0-title_en": "Alice's opening"})

    assert response.status_code == 200
    report = response.context["concurrency_report"]
    assert report.message == (
        f"bob at {logged_time('bob', publication)} deleted rows that your form still has. "
        "Tick “Delete” on them to accept, or add them again as new rows."
    )
    assert report.rows == [("Table of contents entry 1", "deleted", "kept in your form")]
    assert response.context["inline_admin_formsets"][1].formset.forms[0]["title_en"].value() == "Alice's opening"
    assert not TocEntry.objects.filter(pk=entry.pk).exists()

    response = save(
        alice, publication, form_values(response), title_en="Alice's title", **{"toc_entries-0-DELETE": "on"}
    )

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title_en == "Alice's title"
    assert publication.toc_entries.count() == 0


def test_row_you_deleted_after_the_other_changed_it_is_refused(alice, bob):
    publication = PublicationFactory()
    entry = TocEntryFactory(publication=publication, position=1, title_en="Opening")
    alices_form = open_form(alice, publication)
    save(bob, publication, open_form(bob, publication), **{"toc_entries-0-title_en": "Bob's opening"})

    response = save(alice, publication, alices_form, **{"toc_entries-0-DELETE": "on"})

    errors, rows = refusal(response)
    assert errors == [conflict_message("bob", publication)]
    assert rows == [("Table of contents entry 1", "changed", "deleted")]
    assert TocEntry.objects.filter(pk=entry.pk).exists()


# The snapshot itself


def test_tampered_snapshot_is_a_form_error_with_input_kept(alice):
    publication = PublicationFactory(title_en="Original")
    data = open_form(alice, publication)
    data[TOKEN_FIELD] = [data[TOKEN_FIELD][0][:-3] + "xyz"]

    response = save(alice, publication, data, title_en="Alice's title")

    errors, rows = refusal(response)
    assert errors == [
        "This form's record of the version you opened could not be read (it was altered, or belongs to another "
        "record). Nothing was saved. The form keeps your input and now refers to the current record: check your "
        "values against it, then save again."
    ]
    assert rows == []
    assert response.context["adminform"].form["title_en"].value() == "Alice's title"
    publication.refresh_from_db()
    assert publication.title_en == "Original"
    assert save(alice, publication, form_values(response)).status_code == 302


def test_snapshot_of_another_record_is_refused(alice):
    publication, other = PublicationFactory(), PublicationFactory()
    data = open_form(alice, publication)
    data[TOKEN_FIELD] = open_form(alice, other)[TOKEN_FIELD]

    response = save(alice, publication, data, title_en="Alice's title")

    assert refusal(response)[0][0].startswith("This form's record of the version you opened could not be read")


def test_add_form_has_no_snapshot_and_adds(alice):
    response = alice.get(reverse("admin:catalogue_topic_add"))

    assert TOKEN_FIELD not in form_values(response)
    response = alice.post(reverse("admin:catalogue_topic_add"), {"name_en": "Health", "slug": "health"})
    assert response.status_code == 302
    assert Topic.objects.get(slug="health").name_en == "Health"


# Every catalogue admin


EVERY_ADMIN = {
    Publication: (PublicationFactory, "title_en"),
    Edition: (EditionFactory, "pages"),
    Series: (lambda: SeriesFactory(slug="other"), "name_en"),
    Topic: (TopicFactory, "name_en"),
    Workshop: (WorkshopFactory, "title_en"),
    AgendaItem: (AgendaItemFactory, "title_en"),
    Speaker: (SpeakerFactory, "name"),
}


@pytest.mark.parametrize("model", EVERY_ADMIN, ids=lambda model: model.__name__)
def test_stale_save_is_refused_on_every_catalogue_admin(alice, bob, model):
    factory, field = EVERY_ADMIN[model]
    obj = factory()
    alices_form = open_form(alice, obj)
    assert save(bob, obj, open_form(bob, obj), **{field: "101"}).status_code == 302

    response = save(alice, obj, alices_form, **{field: "202"})

    errors, rows = refusal(response)
    assert errors == [conflict_message("bob", obj)]
    assert [(theirs, mine) for _label, theirs, mine in rows] == [("101", "202")]
    obj.refresh_from_db()
    assert str(getattr(obj, field)) == "101"


# Two saves at the same moment (PostgreSQL locks the record for the save)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_are_serialised_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time by itself")
    publication = PublicationFactory(title_en="Original")
    alice = staff_client("alice")
    alices_form = open_form(alice, publication)
    locked, release, responses = threading.Event(), threading.Event(), []

    def bob_saving():  # a save in progress: the record is locked and changed, not yet committed
        try:
            with transaction.atomic():
                Publication.objects.select_for_update().get(pk=publication.pk)
                Publication.objects.filter(pk=publication.pk).update(title_en="Bob's title")
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    def alice_saving():
        try:
            responses.append(save(alice, publication, alices_form, title_en="Alice's title"))
        finally:
            connection.close()

    bob, alices = threading.Thread(target=bob_saving), threading.Thread(target=alice_saving)
    bob.start()
    assert locked.wait(10)
    alices.start()
    alices.join(1)
    assert alices.is_alive()  # waiting for Bob's save to end
    release.set()
    bob.join(10)
    alices.join(10)

    _errors, rows = refusal(responses[0])
    assert rows == [("Title [en]", "Bob's title", "Alice's title")]
    publication.refresh_from_db()
    assert publication.title_en == "Bob's title"
