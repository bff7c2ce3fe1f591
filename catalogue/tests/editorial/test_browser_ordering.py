"""Staff order rows in a real Chromium: a two-level table of contents in one save, swapping rows with the move
buttons and by drag and drop, moving a row with the keyboard; the public page shows the saved order."""

import pytest

from catalogue.editorial.roles import EDITOR
from catalogue.models import AgendaItem, TocEntry
from catalogue.tests.factories import (
    AgendaItemFactory,
    PublicationFactory,
    SeriesFactory,
    TocEntryFactory,
    WorkshopFactory,
    create_staff,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def publication():
    """A public publication with five top-level headings, edited by a logged-in editor."""
    publication = PublicationFactory(series=SeriesFactory(), number=28, slug="idm-28")
    for position in range(1, 6):
        TocEntryFactory(publication=publication, position=position, title_en=f"Chapter {position}")
    return publication


@pytest.fixture
def editor(log_in):
    return log_in(create_staff("editor", EDITOR))


def open_publication(page, publication):
    page.goto(f"/admin/catalogue/publication/{publication.pk}/change/")
    page.locator("#toc_entries-group .ordering-controls").first.wait_for()


def rows(page):
    return page.locator("#toc_entries-group tr.form-row:not(.empty-form)")


def save(page):
    page.locator("input[name=_continue]").click()
    page.locator(".messagelist .success").wait_for()


def toc(publication) -> list[tuple]:
    return [
        (entry.position, entry.title_en, entry.parent.title_en if entry.parent else None)
        for entry in TocEntry.objects.filter(publication=publication).select_related("parent").order_by("position")
    ]


def public_toc(page, publication) -> list[str]:
    page.goto(f"/en/publications/{publication.slug}/")
    return page.locator(".toc .toc-entry > span:first-child").all_inner_texts()


def test_two_level_toc_entered_in_one_save(page, editor, screenshot, external_requests):
    publication = PublicationFactory(series=SeriesFactory(), number=28, slug="idm-28")
    open_publication_empty = f"/admin/catalogue/publication/{publication.pk}/change/"
    page.goto(open_publication_empty)
    add = page.locator("#toc_entries-group .add-row a")
    titles = ["Part one", "Opening", "Keynote", "Part two", "Panel"]
    for index, title in enumerate(titles):
        add.click()
        page.locator(f"#id_toc_entries-{index}-title_en").fill(title)
    page.locator("#id_toc_entries-1-level").select_option("1")  # the plain select
    rows(page).nth(2).get_by_role("button", name="Indent").click()  # the indent button
    rows(page).nth(4).get_by_role("button", name="Indent").click()
    screenshot(page, "admin-toc-two-levels")

    save(page)

    assert toc(publication) == [
        (1, "Part one", None),
        (2, "Opening", "Part one"),
        (3, "Keynote", "Part one"),
        (4, "Part two", None),
        (5, "Panel", "Part two"),
    ]
    assert [rows(page).nth(i).locator("select[name$='-level']").input_value() for i in range(5)] == [
        "0",
        "1",
        "1",
        "0",
        "1",
    ]
    page.goto(f"/en/publications/{publication.slug}/")
    nested = page.locator(".toc > ul > li")
    assert nested.locator("> span:first-child").all_inner_texts() == ["Part one", "Part two"]
    assert nested.nth(0).locator("ul > li > span:first-child").all_inner_texts() == ["Opening", "Keynote"]
    assert nested.nth(1).locator("ul > li > span:first-child").all_inner_texts() == ["Panel"]
    assert external_requests == []


def test_swapping_two_rows_with_the_move_buttons(page, editor, publication):
    open_publication(page, publication)
    button = rows(page).nth(3).get_by_role("button", name="Move down")

    button.click()

    assert page.locator("#toc_entries-group [role=status]").inner_text() == "Moved to position 5 of 5."
    assert page.evaluate("document.activeElement.textContent") == button.evaluate("b => b.textContent")
    assert rows(page).locator(".ordering-number").all_inner_texts() == ["1.", "2.", "3.", "4.", "5."]
    save(page)
    assert [title for _position, title, _parent in toc(publication)] == [
        "Chapter 1",
        "Chapter 2",
        "Chapter 3",
        "Chapter 5",
        "Chapter 4",
    ]
    assert public_toc(page, publication) == ["Chapter 1", "Chapter 2", "Chapter 3", "Chapter 5", "Chapter 4"]


def test_swapping_two_rows_by_drag_and_drop(page, editor, publication):
    open_publication(page, publication)
    fifth, fourth = rows(page).nth(4), rows(page).nth(3)

    fifth.locator(".ordering-handle").drag_to(fourth, target_position={"x": 20, "y": 3})

    assert rows(page).locator("td.original p").all_inner_texts()[3:] == ["Chapter 5", "Chapter 4"]
    save(page)
    assert [position for position, _title, _parent in toc(publication)] == [1, 2, 3, 4, 5]
    assert public_toc(page, publication) == ["Chapter 1", "Chapter 2", "Chapter 3", "Chapter 5", "Chapter 4"]


def test_moving_the_last_row_first_with_the_keyboard(page, editor, publication):
    open_publication(page, publication)
    up = rows(page).nth(4).get_by_role("button", name="Move up")
    up.focus()

    for _ in range(4):
        page.keyboard.press("Enter")

    assert page.locator("#toc_entries-group [role=status]").inner_text() == "Moved to position 1 of 5."
    save(page)
    assert toc(publication) == [
        (1, "Chapter 5", None),
        (2, "Chapter 1", None),
        (3, "Chapter 2", None),
        (4, "Chapter 3", None),
        (5, "Chapter 4", None),
    ]
    assert public_toc(page, publication) == ["Chapter 5", "Chapter 1", "Chapter 2", "Chapter 3", "Chapter 4"]


def test_a_refused_save_keeps_the_new_order_and_the_typed_text(page, editor, publication):
    open_publication(page, publication)
    up = rows(page).nth(4).get_by_role("button", name="Move up").element_handle()  # the row, wherever it goes
    for _ in range(4):
        up.click()
    rows(page).nth(0).locator("select[name$='-level']").select_option("1")  # no heading above it
    rows(page).nth(0).locator("input[name$='-title_en']").fill("Chapter five, retitled")

    page.locator("input[name=_continue]").click()

    error = rows(page).nth(0).locator("td.field-level .errorlist")
    assert error.inner_text() == "A subheading needs a heading above it: make a row above it a heading, or move it."
    assert rows(page).locator("input[name$='-title_en']").evaluate_all("inputs => inputs.map(i => i.value)") == [
        "Chapter five, retitled",
        "Chapter 1",
        "Chapter 2",
        "Chapter 3",
        "Chapter 4",
    ]
    assert toc(publication)[4] == (5, "Chapter 5", None)
    rows(page).nth(0).locator("select[name$='-level']").select_option("0")
    save(page)
    assert [title for _position, title, _parent in toc(publication)] == [
        "Chapter five, retitled",
        "Chapter 1",
        "Chapter 2",
        "Chapter 3",
        "Chapter 4",
    ]


def test_moving_an_agenda_item_up_on_the_workshop_page(page, editor, screenshot):
    workshop = WorkshopFactory()
    for position in range(1, 4):
        AgendaItemFactory(workshop=workshop, position=position, title_en=f"Session {position}")
    page.goto(f"/admin/catalogue/workshop/{workshop.pk}/change/")
    items = page.locator("#agenda_items-group div.inline-related:not(.empty-form)")

    items.nth(2).get_by_role("button", name="Move up").click()
    items.nth(0).get_by_role("button", name="Move down").click()
    screenshot(page, "admin-agenda-ordering")
    save(page)

    titles = AgendaItem.objects.filter(workshop=workshop).order_by("position").values_list("position", "title_en")
    assert list(titles) == [(1, "Session 3"), (2, "Session 1"), (3, "Session 2")]


def test_ordering_controls_add_no_accessibility_violation_nor_external_request(
    page, editor, publication, axe_violations, external_requests, screenshot
):
    open_publication(page, publication)
    rows(page).nth(1).get_by_role("button", name="Indent").click()
    screenshot(page, "admin-toc-ordering")

    violations = axe_violations(page)

    # The admin's tabular inlines have unlabelled fields of their own; the ordering controls add none.
    ours = [(v["id"], t) for v in violations for t in v["targets"] if "ordering" in t[0] or "-level" in t[0]]
    assert ours == []
    assert external_requests == []
