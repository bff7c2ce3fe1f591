"""Ordering rows in the admin: positions 1..n in the order shown, any reordering in one save, a two-level table of
contents in one save (catalogue/editorial/ordering.py, catalogue/admin/ordering.py)."""

import pytest
from django.urls import reverse

from catalogue.editorial.ordering import display_order, orphan_indexes, parent_indexes, renumbered
from catalogue.models import AgendaItem, TocEntry
from catalogue.tests.admin_forms import management_form, publication_form, workshop_form
from catalogue.tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    TocEntryFactory,
    WorkshopFactory,
)

LANGUAGES = ("en", "fr", "es")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The pure rules


@pytest.mark.parametrize(
    ("submitted", "expected"),
    [
        ([1, 2, 3], [0, 1, 2]),
        ([5, 4], [1, 0]),
        ([2, 3, 1], [2, 0, 1]),
        ([None, 2, None, 1], [3, 1, 0, 2]),  # rows without a position come last, as given
        ([10, 30, 20], [0, 2, 1]),
    ],
)
def test_display_order_sorts_by_submitted_position(submitted, expected):
    assert display_order(submitted) == expected


@pytest.mark.parametrize(
    ("levels", "parents", "orphans"),
    [
        ([0, 1, 1, 0, 1], [None, 0, 0, None, 3], []),
        ([0, 0, 0], [None, None, None], []),
        ([1, 0, 1], [None, None, 1], [0]),
        ([0, 1, 2, 1, 0], [None, 0, 1, 0, None], []),
        ([0, 2], [None, None], [1]),
    ],
)
def test_parents_follow_the_levels_and_orphans_are_named(levels, parents, orphans):
    assert orphan_indexes(levels) == orphans
    assert [parent for index, parent in enumerate(parent_indexes(levels)) if index not in orphans] == [
        parent for index, parent in enumerate(parents) if index not in orphans
    ]


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ({"a": 1, "b": 2, "c": 3}, {"a": 1, "c": 2}, {"c"}),  # b deleted: c only renumbered
        ({"a": 1, "b": 2}, {"new": 1, "a": 2, "b": 3}, {"a", "b"}),  # a row added first
        ({"a": 1, "b": 2, "c": 3}, {"a": 1, "c": 2, "b": 3}, set()),  # b and c swapped: both moved
        ({"a": 1, "b": 2, "c": 3, "d": 4}, {"c": 1, "a": 2, "d": 3}, {"d"}),  # b deleted, c moved first: d stays last
    ],
)
def test_renumbered_rows_keep_their_place_among_the_rows_kept(before, after, expected):
    def places(positions):
        return {row: ("group", position) for row, position in positions.items()}

    assert renumbered(places(before), places(after)) == expected


def test_renumbered_ranks_rows_within_their_group():
    before = {"a": ("x", 1), "b": ("x", 2), "c": ("y", 1), "d": ("y", 2)}
    after = {"b": ("x", 1), "c": ("y", 1), "d": ("y", 2)}

    assert renumbered(before, after) == {"b"}


# The table of contents through the admin


def publication_url(publication) -> str:
    return reverse("admin:catalogue_publication_change", args=[publication.pk])


@pytest.fixture
def publication():
    """A publication with five top-level headings at positions 1..5 and no editions."""
    publication = PublicationFactory(series=SeriesFactory(), number=28, slug="idm-28")
    for position in range(1, 6):
        TocEntryFactory(publication=publication, position=position, title_en=f"Chapter {position}")
    return publication


def toc_post(publication, rows: list[dict], *, initial: int) -> dict:
    data = publication_form(publication.series, toc=rows, toc_initial=initial)
    data.update(slug=publication.slug, title_en=publication.title_en)
    return data


def existing(publication, order: list[int]) -> list[dict]:
    """Rows for the saved headings, in the order shown (`order` gives each saved heading's new place)."""
    entries = list(publication.toc_entries.order_by("position"))
    return [
        {"id": str(entry.pk), "order": str(place), "title_en": entry.title_en}
        for entry, place in zip(entries, order, strict=True)
    ]


def toc(publication) -> list[tuple]:
    return [
        (entry.position, entry.title_en, entry.parent.title_en if entry.parent else None)
        for entry in publication.toc_entries.select_related("parent").order_by("position")
    ]


@pytest.mark.parametrize(
    ("order", "titles"),
    [
        pytest.param([1, 2, 3, 5, 4], [1, 2, 3, 5, 4], id="swap-4-5"),
        pytest.param([2, 3, 4, 5, 1], [5, 1, 2, 3, 4], id="last-to-first"),
        pytest.param([5, 1, 2, 3, 4], [2, 3, 4, 5, 1], id="first-to-last"),
        pytest.param([5, 4, 3, 2, 1], [5, 4, 3, 2, 1], id="reverse"),
    ],
)
def test_toc_reordering_in_one_save_renumbers_1_to_n(admin_client, publication, order, titles):
    response = admin_client.post(
        publication_url(publication), toc_post(publication, existing(publication, order), initial=5)
    )

    assert response.status_code == 302
    assert toc(publication) == [(position, f"Chapter {n}", None) for position, n in enumerate(titles, start=1)]


def test_toc_reorder_add_and_delete_in_one_save(admin_client, publication):
    rows = existing(publication, [2, 1, 4, 5, 6])
    rows[2]["DELETE"] = "on"  # chapter 3 goes
    rows.append({"order": "3", "title_en": "New between"})
    rows.append({"title_en": "New at the end"})  # no position given (no script): after the others

    response = admin_client.post(publication_url(publication), toc_post(publication, rows, initial=5))

    assert response.status_code == 302
    assert toc(publication) == [
        (1, "Chapter 2", None),
        (2, "Chapter 1", None),
        (3, "New between", None),
        (4, "Chapter 4", None),
        (5, "Chapter 5", None),
        (6, "New at the end", None),
    ]


def test_toc_positions_with_gaps_are_renumbered_1_to_n(admin_client, publication):
    for entry in publication.toc_entries.order_by("-position"):
        TocEntry.objects.filter(pk=entry.pk).update(position=entry.position * 10)
    rows = existing(publication, [10, 20, 30, 40, 50])

    response = admin_client.post(publication_url(publication), toc_post(publication, rows, initial=5))

    assert response.status_code == 302
    assert [position for position, _title, _parent in toc(publication)] == [1, 2, 3, 4, 5]


def test_two_level_toc_in_one_save_on_a_new_publication(admin_client):
    series = SeriesFactory()
    rows = [
        {"order": "1", "title_en": "Part one", "kind": "part"},
        {"order": "2", "level": "1", "title_en": "Opening"},
        {"order": "3", "level": "1", "title_en": "Keynote"},
        {"order": "4", "title_en": "Part two", "kind": "part"},
        {"order": "5", "level": "1", "title_en": "Panel"},
        {"order": "6", "title_en": "Annex", "kind": "annex"},
    ]
    # Added out of order, as when a row is added at the end and moved up: parents still come first.
    rows = [rows[4], rows[0], rows[2], rows[1], rows[5], rows[3]]

    response = admin_client.post(reverse("admin:catalogue_publication_add"), publication_form(series, toc=rows))

    assert response.status_code == 302
    publication = series.publications.get()
    assert toc(publication) == [
        (1, "Part one", None),
        (2, "Opening", "Part one"),
        (3, "Keynote", "Part one"),
        (4, "Part two", None),
        (5, "Panel", "Part two"),
        (6, "Annex", None),
    ]


def test_toc_reparenting_and_deleting_a_heading_keeps_its_moved_subheadings(admin_client, publication):
    chapter = {entry.title_en: entry for entry in publication.toc_entries.all()}
    TocEntry.objects.filter(pk__in=[chapter["Chapter 4"].pk, chapter["Chapter 5"].pk]).update(
        parent=chapter["Chapter 3"]
    )
    rows = existing(publication, [1, 2, 3, 4, 5])
    rows[2]["DELETE"] = "on"  # the heading of chapters 4 and 5 goes; they move under chapter 2
    rows[3]["level"] = rows[4]["level"] = "1"
    rows[0]["order"], rows[1]["order"] = "2", "1"  # and chapter 2 comes first
    rows.append({"order": "6", "level": "1", "title_en": "New subheading"})

    response = admin_client.post(publication_url(publication), toc_post(publication, rows, initial=5))

    assert response.status_code == 302
    assert toc(publication) == [
        (1, "Chapter 2", None),
        (2, "Chapter 1", None),
        (3, "Chapter 4", "Chapter 1"),
        (4, "Chapter 5", "Chapter 1"),
        (5, "New subheading", "Chapter 1"),
    ]


def test_toc_subheading_without_a_heading_above_is_an_error_on_its_level(admin_client, publication):
    rows = existing(publication, [2, 1, 3, 4, 5])
    rows[1]["level"] = "1"  # chapter 2, now first, cannot be a subheading
    rows[1]["title_en"] = "Typed title"
    rows.append({"order": "6", "title_en": "Typed new row"})

    response = admin_client.post(publication_url(publication), toc_post(publication, rows, initial=5))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][1].formset
    assert formset.errors[1] == {
        "level": ["A subheading needs a heading above it: make a row above it a heading, or move it."]
    }
    assert [form.errors for index, form in enumerate(formset) if index != 1] == [{}] * 5
    assert formset.forms[1]["title_en"].value() == "Typed title"
    assert formset.forms[5]["title_en"].value() == "Typed new row"
    assert toc(publication) == [(n, f"Chapter {n}", None) for n in range(1, 6)]


def test_empty_new_toc_row_numbered_by_the_script_is_not_saved(admin_client, publication):
    rows = [*existing(publication, [1, 2, 3, 4, 5]), {"order": "6"}]

    response = admin_client.post(publication_url(publication), toc_post(publication, rows, initial=5))

    assert response.status_code == 302
    assert len(toc(publication)) == 5


def test_toc_change_message_names_the_moved_rows(admin_client, publication):
    admin_client.post(
        publication_url(publication), toc_post(publication, existing(publication, [1, 2, 3, 5, 4]), initial=5)
    )

    response = admin_client.get(reverse("admin:catalogue_publication_history", args=[publication.pk]))

    # The history page lists versions (catalogue/admin/history.py), each with the admin's change message.
    message = response.context["versions"][0].revision.get_comment()
    assert message.endswith(
        ". Changed position for table of contents entry “Chapter 5”. "
        "Changed position for table of contents entry “Chapter 4”."
    )


# Editions and agenda items


def test_editions_reorder_in_one_save(admin_client):
    publication = PublicationFactory(series=SeriesFactory(), number=28, slug="idm-28")
    editions = [
        EditionFactory(publication=publication, language=language, position=position)
        for position, language in enumerate(["en", "fr", "es"], start=1)
    ]
    rows = [
        {"id": str(edition.pk), "language": edition.language, "order": order}
        for edition, order in zip(editions, ["3", "1", "2"], strict=True)
    ]
    data = publication_form(publication.series, editions=rows)
    data.update(slug=publication.slug, title_en=publication.title_en, **management_form("editions", 3, 3))

    response = admin_client.post(publication_url(publication), data)

    assert response.status_code == 302
    assert list(publication.editions.values_list("position", "language")) == [(1, "fr"), (2, "es"), (3, "en")]


def test_agenda_swap_move_add_and_delete_in_one_save(admin_client):
    workshop = WorkshopFactory()
    items = [AgendaItemFactory(workshop=workshop, position=n, title_en=f"Session {n}") for n in range(1, 6)]
    rows = [{"id": str(item.pk), "title_en": item.title_en} for item in items]
    for row, order in zip(rows, ["1", "2", "3", "5", "4"], strict=True):
        row["order"] = order
    rows[0]["DELETE"] = "on"
    rows.append({"order": "0", "title_en": "Welcome"})  # moved to the top

    response = admin_client.post(
        reverse("admin:catalogue_workshop_change", args=[workshop.pk]),
        workshop_form(workshop, agenda=rows, agenda_initial=5),
    )

    assert response.status_code == 302
    assert list(
        AgendaItem.objects.filter(workshop=workshop).order_by("position").values_list("position", "title_en")
    ) == [
        (1, "Welcome"),
        (2, "Session 2"),
        (3, "Session 3"),
        (4, "Session 5"),
        (5, "Session 4"),
    ]


def test_agenda_item_added_on_its_own_page_goes_last(admin_client):
    workshop = WorkshopFactory()
    AgendaItemFactory(workshop=workshop, position=7)
    data = {
        "workshop": str(workshop.pk),
        "kind": "panel",
        "date": "2018-10-08",
        "start_time": "",
        "end_time": "",
        **{f"{name}_{lang}": "" for name in ("title", "description") for lang in LANGUAGES},
        "title_en": "Closing",
        **management_form("participations", 0),
    }

    response = admin_client.post(reverse("admin:catalogue_agendaitem_add"), data)

    assert response.status_code == 302
    assert workshop.agenda_items.get(title_en="Closing").position == 8
