"""The editorial workflow through the admin: who may move a publication or a workshop between states, edit it,
add its rows or delete it (the permission matrix), refused moves as form errors, the state badges, the state
filter and the bulk moves of the change lists."""

import datetime

import lxml.html
import pytest
from django.contrib.admin.models import LogEntry
from django.utils import timezone

from catalogue.editorial import roles, workflow
from catalogue.models import AgendaItem, Publication, Status, TocEntry, Workshop
from catalogue.tests.editorial.staff_admin import add_inline_row, admin_url, client_for, form_errors, full_form
from catalogue.tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    PublicationFactory,
    TocEntryFactory,
    WorkshopFactory,
    create_staff,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # create_staff sets a password, which would otherwise cost a slow PBKDF2 hash per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Role × action → allowed, on publications and workshops alike. "add a row" is a table-of-contents entry of a
# publication and an agenda item of a workshop; the translator works in French.
MATRIX = """
action              | editor | publisher | translator | superuser | no group
submit for review   | yes    | yes       | no         | yes       | no
return to draft     | yes    | yes       | no         | yes       | no
publish             | no     | yes       | no         | yes       | no
schedule            | no     | yes       | no         | yes       | no
withdraw            | no     | yes       | no         | yes       | no
re-publish          | no     | yes       | no         | yes       | no
edit a field        | yes    | yes       | no         | yes       | no
edit French title   | yes    | yes       | yes        | yes       | no
edit English title  | yes    | yes       | no         | yes       | no
add a row           | yes    | yes       | no         | yes       | no
delete the record   | no     | yes       | no         | yes       | no
"""


def parse_matrix(text: str) -> list[tuple[str, str, bool]]:
    header, *rows = [[cell.strip() for cell in line.split("|")] for line in text.strip().splitlines()]
    return [(row[0], role, row[i] == "yes") for row in rows for i, role in enumerate(header) if i > 0]


CASES = parse_matrix(MATRIX)
PAST = {"publish_date_0": "2019-03-01", "publish_date_1": "09:00:00"}
FUTURE_DATE = timezone.now() + datetime.timedelta(days=30)
FUTURE = {"publish_date_0": FUTURE_DATE.strftime("%Y-%m-%d"), "publish_date_1": "09:00:00"}


def make_staff(role: str):
    return {
        "editor": lambda: create_staff("editor", roles.EDITOR),
        "publisher": lambda: create_staff("publisher", roles.PUBLISHER),
        "translator": lambda: create_staff("translator", roles.TRANSLATOR, languages=["fr"]),
        "superuser": lambda: create_staff("root", superuser=True),
        "no group": lambda: create_staff("nobody"),
    }[role]()


def make_record(model, state: str, *, with_rows: bool = True):
    """A publication with an edition and a contents entry, or a workshop with an agenda item, in `state`."""
    dates = {
        workflow.DRAFT: None,
        workflow.REVIEW: None,
        workflow.PUBLISHED: timezone.now() - datetime.timedelta(days=1),
        workflow.SCHEDULED: FUTURE_DATE,
        workflow.WITHDRAWN: timezone.now() - datetime.timedelta(days=1),
    }
    status = workflow.STATE_STATUS[state]
    if model is Publication:
        record = PublicationFactory(status=status, publish_date=dates[state], title_fr="Titre")
        if not with_rows:
            return record
        EditionFactory(publication=record, language="fr", isbn="9789290687801")
        TocEntryFactory(publication=record, position=1, title_en="Chapter one")
    else:
        record = WorkshopFactory(status=status, publish_date=dates[state], title_fr="Titre")
        if not with_rows:
            return record
        AgendaItemFactory(workshop=record, position=1, title_en="Opening")
    return record


def rows(record) -> int:
    return (TocEntry if isinstance(record, Publication) else AgendaItem).objects.count()


def new_row(record) -> tuple[str, dict]:
    """A row as the page's "Add another" sends it: placed last by the ordering script, a heading by default."""
    if isinstance(record, Publication):
        return "toc_entries", {"order": "2", "level": "0", "kind": "chapter", "title_en": "Chapter two"}
    return "agenda_items", {"order": "2", "kind": "panel", "date": "2018-10-08", "title_en": "Panel"}


# action → (state the record starts in, change to the form, whether it happened)
ACTIONS = {
    "submit for review": (workflow.DRAFT, {"status": "review"}, lambda r: r.status == "review"),
    "return to draft": (workflow.REVIEW, {"status": "draft"}, lambda r: r.status == "draft"),
    "publish": (workflow.REVIEW, {"status": "published", **PAST}, lambda r: r.is_public),
    "schedule": (workflow.REVIEW, {"status": "published", **FUTURE}, lambda r: r.is_scheduled),
    "withdraw": (workflow.PUBLISHED, {"status": "withdrawn"}, lambda r: r.status == "withdrawn"),
    "re-publish": (workflow.WITHDRAWN, {"status": "published"}, lambda r: r.is_public),
    "edit a field": (workflow.PUBLISHED, {}, None),
    "edit French title": (workflow.PUBLISHED, {"title_fr": "Titre révisé"}, lambda r: r.title_fr == "Titre révisé"),
    "edit English title": (workflow.PUBLISHED, {"title_en": "Revised title"}, lambda r: r.title_en == "Revised title"),
    "add a row": (workflow.PUBLISHED, {}, lambda r: rows(r) == 2),
    "delete the record": (workflow.PUBLISHED, {}, lambda r: not type(r).objects.filter(pk=r.pk).exists()),
}
# A field that is neither translated nor part of the workflow.
PLAIN_FIELD = {Publication: ("reference_number", "PUB2019/046/L"), Workshop: ("participants_count", 650)}


@pytest.mark.parametrize("model", [Publication, Workshop], ids=["publication", "workshop"])
@pytest.mark.parametrize(("action", "role", "allowed"), CASES, ids=[f"{a}-{r}" for a, r, _ in CASES])
def test_permission_matrix(model, action, role, allowed):
    start, change, happened = ACTIONS[action]
    record = make_record(model, start)
    data = full_form(record) | change
    client = client_for(make_staff(role))
    if action == "edit a field":
        field, value = PLAIN_FIELD[model]
        data[field] = str(value)
        happened = lambda r: getattr(r, field) == value  # noqa: E731
    if action == "add a row":
        add_inline_row(data, *new_row(record))

    if action == "delete the record":
        response = client.post(admin_url(model, "delete", record), {"post": "yes"})
    else:
        response = client.post(admin_url(model, "change", record), data)

    assert response.status_code in (200, 302, 403)
    if action != "delete the record" or type(record).objects.filter(pk=record.pk).exists():
        record.refresh_from_db()
    assert happened(record) == allowed


@pytest.mark.parametrize("model", [Publication, Workshop], ids=["publication", "workshop"])
def test_a_refused_move_is_an_error_on_the_status_with_the_input_kept(model):
    record = make_record(model, workflow.REVIEW)
    title_before = record.title_en
    data = full_form(record) | {"status": "published", "title_en": "Typed before saving", **PAST}

    response = client_for(make_staff("editor")).post(admin_url(model, "change", record), data)

    assert form_errors(response) == {
        "status": ["Moving a record from In review to Published needs the permission to publish."]
    }
    form = response.context["adminform"].form
    assert form["title_en"].value() == "Typed before saving"
    assert form["status"].value() == "published"
    record.refresh_from_db()
    assert (record.status, record.title_en) == ("review", title_before)


@pytest.mark.parametrize("model", [Publication, Workshop], ids=["publication", "workshop"])
def test_moving_the_publish_date_of_a_published_record_needs_the_publish_permission(model):
    record = make_record(model, workflow.PUBLISHED)
    before = record.publish_date
    data = full_form(record) | PAST

    response = client_for(make_staff("editor")).post(admin_url(model, "change", record), data)

    assert form_errors(response) == {
        "publish_date": ["Changing the publish date of a record that is Published needs the permission to publish."]
    }
    record.refresh_from_db()
    assert record.publish_date == before


def test_a_published_record_cannot_be_rescheduled_into_the_future_even_by_a_superuser():
    record = make_record(Publication, workflow.PUBLISHED)

    response = client_for(make_staff("superuser")).post(
        admin_url(Publication, "change", record), full_form(record) | FUTURE
    )

    assert form_errors(response) == {"publish_date": ["A record cannot go from Published to Scheduled."]}


@pytest.mark.parametrize(
    ("role", "state", "offered"),
    [
        ("editor", workflow.DRAFT, ["draft", "review"]),
        ("editor", workflow.REVIEW, ["draft", "review"]),
        ("editor", workflow.PUBLISHED, ["published"]),
        ("editor", workflow.WITHDRAWN, ["withdrawn"]),
        ("publisher", workflow.DRAFT, ["draft", "review", "published"]),
        ("publisher", workflow.SCHEDULED, ["draft", "review", "published"]),
        ("publisher", workflow.PUBLISHED, ["published", "withdrawn"]),
        ("publisher", workflow.WITHDRAWN, ["draft", "published", "withdrawn"]),
    ],
)
def test_the_status_select_offers_only_the_moves_the_user_may_make(role, state, offered):
    record = make_record(Publication, state)

    response = client_for(make_staff(role)).get(admin_url(Publication, "change", record))

    assert [value for value, _label in response.context["adminform"].form.fields["status"].widget.choices] == offered


@pytest.mark.parametrize(("role", "offered"), [("editor", ["draft", "review"]), ("publisher", Status.values[:3])])
def test_a_new_record_starts_in_draft_or_review_unless_the_user_may_publish(role, offered):
    response = client_for(make_staff(role)).get(admin_url(Publication, "add"))

    assert [value for value, _label in response.context["adminform"].form.fields["status"].widget.choices] == offered


# Change lists: badges, the state filter, bulk moves


def one_record_per_state(model) -> dict:
    return {state: make_record(model, state, with_rows=False) for state in workflow.STATES}


def changelist(client, model, **params):
    response = client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return response


def badges(response) -> dict[int, tuple[str, str]]:
    """Record id → (badge class, badge text) of each row of a change list."""
    html = lxml.html.fromstring(response.content)
    return {
        int(row.xpath(".//input[@name='_selected_action']/@value")[0]): (badge.get("class"), badge.text_content())
        for row in html.xpath("//table[@id='result_list']/tbody/tr")
        for badge in row.xpath(".//span[contains(@class, 'state-badge')]")
    }


def action_choices(response) -> list[str]:
    return lxml.html.fromstring(response.content).xpath("//select[@name='action']/option/@value")


def move(client, model, action: str, records, **kwargs):
    selected = [str(record.pk) for record in records]
    return client.post(admin_url(model, "changelist"), {"action": action, "_selected_action": selected}, follow=True)


def shown_messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("model", [Publication, Workshop], ids=["publication", "workshop"])
def test_changelist_shows_each_state_as_a_badge(model):
    records = one_record_per_state(model)

    response = changelist(client_for(make_staff("editor")), model)

    assert badges(response) == {
        records["draft"].pk: ("state-badge state-draft", "Draft"),
        records["review"].pk: ("state-badge state-review", "In review"),
        records["scheduled"].pk: ("state-badge state-scheduled", "Scheduled"),
        records["published"].pk: ("state-badge state-published", "Published"),
        records["withdrawn"].pk: ("state-badge state-withdrawn", "Withdrawn"),
    }
    assert "/static/catalogue/admin/workflow.css" in response.content.decode()
    assert 'style="' not in response.content.decode()


@pytest.mark.parametrize("model", [Publication, Workshop], ids=["publication", "workshop"])
@pytest.mark.parametrize("state", workflow.STATES)
def test_changelist_filters_by_state_with_scheduled_apart_from_published(model, state):
    records = one_record_per_state(model)

    response = changelist(client_for(make_staff("editor")), model, state=state)

    assert list(response.context["cl"].result_list) == [records[state]]


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("editor", ["", "submit_for_review", "return_to_draft"]),
        ("publisher", ["", "delete_selected", "submit_for_review", "return_to_draft", "publish_now", "withdraw"]),
        ("translator", []),
    ],
)
@pytest.mark.parametrize("model", [Publication, Workshop], ids=["publication", "workshop"])
def test_changelist_offers_only_the_bulk_moves_the_user_may_make(model, role, offered):
    make_record(model, workflow.DRAFT)
    offered = [*(offered or [""]), "export_csv", "export_xlsx"]  # to anyone who sees the list (admin/importing.py)

    assert action_choices(changelist(client_for(make_staff(role)), model)) == offered


@pytest.mark.parametrize("model", [Publication, Workshop], ids=["publication", "workshop"])
def test_bulk_publish_by_hand_made_post_is_refused_to_an_editor(model):
    record = make_record(model, workflow.REVIEW)

    response = move(client_for(make_staff("editor")), model, "publish_now", [record])

    assert shown_messages(response) == ["No action selected."]
    record.refresh_from_db()
    assert record.status == "review"


def test_bulk_return_to_draft_checks_each_record():
    records = one_record_per_state(Publication)
    selected = [records["review"], records["scheduled"]]

    response = move(client_for(make_staff("editor")), Publication, "return_to_draft", selected)

    scheduled = records["scheduled"]
    assert shown_messages(response) == [
        "Publications moved to Draft: 1.",
        f"Refused (1): {scheduled} (Moving a record from Scheduled to Draft needs the permission to publish.)",
    ]
    assert [workflow.current_state(Publication.objects.get(pk=r.pk)) for r in selected] == ["draft", "scheduled"]


def test_bulk_publish_now_publishes_each_record_that_may_be_published():
    records = one_record_per_state(Publication)
    withdrawn_date = records["withdrawn"].publish_date

    response = move(client_for(make_staff("publisher")), Publication, "publish_now", records.values())

    assert shown_messages(response) == [
        "Publications moved to Published: 4.",
        f"Refused (1): {records['published']} (already Published)",
    ]
    assert {state: Publication.objects.get(pk=r.pk).is_public for state, r in records.items()} == dict.fromkeys(
        workflow.STATES, True
    )
    # Re-publishing keeps the date the record first became public; a scheduled one becomes public now.
    assert Publication.objects.get(pk=records["withdrawn"].pk).publish_date == withdrawn_date
    assert Publication.objects.get(pk=records["scheduled"].pk).publish_date < FUTURE_DATE


def test_bulk_withdraw_refuses_a_record_that_was_never_public():
    records = one_record_per_state(Workshop)
    selected = [records["published"], records["draft"]]

    response = move(client_for(make_staff("publisher")), Workshop, "withdraw", selected)

    assert shown_messages(response) == [
        "Workshops moved to Withdrawn: 1.",
        f"Refused (1): {records['draft']} (A record cannot go from Draft to Withdrawn.)",
    ]
    assert [Workshop.objects.get(pk=r.pk).status for r in selected] == ["withdrawn", "draft"]


def test_bulk_move_is_logged_in_the_record_history():
    record = make_record(Workshop, workflow.DRAFT, with_rows=False)

    move(client_for(make_staff("editor")), Workshop, "submit_for_review", [record])

    entry = LogEntry.objects.get(object_id=str(record.pk))
    assert (entry.user.username, entry.get_change_message()) == ("editor", "Changed Status.")
