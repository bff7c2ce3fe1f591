"""History with revert: versions of a record with its rows, a baseline before the first change, diffs per field and
language, revert (rows and search index included) and who may revert."""

import datetime

import lxml.html
import pytest
import reversion
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from catalogue import search
from catalogue.editorial import history
from catalogue.editorial.roles import EDITOR, PUBLISHER, TRANSLATOR
from catalogue.models import AgendaItem, AgendaParticipation, Publication, Speaker, TocEntry, Workshop
from catalogue.tests.factories import IDM28_TITLE_FR, create_idm28, create_staff

pytestmark = pytest.mark.django_db

NEW_TITLE_FR = "Partenariats pour la gouvernance des migrations"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def change_url(obj) -> str:
    return reverse(f"admin:catalogue_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(client, url: str) -> dict:
    """The change form's fields as the browser would post them."""
    page = lxml.html.fromstring(client.get(url).content.decode())
    form = next(form for form in page.forms if form.get("id", "").endswith("_form"))
    return dict(form.form_values())


def toc_index(data: dict, title_en: str) -> int:
    return next(
        int(key.split("-")[1]) for key, value in data.items() if key.endswith("-title_en") and value == title_en
    )


def edit_idm28(client, publication, *, title_fr=NEW_TITLE_FR, delete="Introduction", **changes):
    """Post the publication's change form: a new French title and one table-of-contents row deleted."""
    url = change_url(publication)
    data = form_data(client, url)
    data["title_fr"] = title_fr
    if delete:
        data[f"toc_entries-{toc_index(data, delete)}-DELETE"] = "on"
    data.update(changes)
    return client.post(url, data)


def titles(publication) -> list[tuple[int, str]]:
    return list(
        TocEntry.objects.filter(publication=publication).order_by("position").values_list("position", "title_en")
    )


def found(query: str, language: str = "fr") -> list[str]:
    results = search.search_publications(Publication.objects.all(), query, language=language)
    return list(results.values_list("slug", flat=True))


@pytest.fixture
def editor_client(client):
    client.force_login(create_staff("edith", EDITOR))
    return client


def test_admin_save_keeps_the_state_before_it_then_the_change_with_the_rows(editor_client):
    publication = create_idm28()
    assert Version.objects.get_for_object(publication).count() == 0  # demo data: no version yet

    response = edit_idm28(editor_client, publication)

    assert response.status_code == 302
    latest, baseline = history.versions_of(publication)
    assert (baseline.revision.user, baseline.revision.comment) == (None, "State before the first recorded change")
    assert latest.revision.user.username == "edith"
    before, after = history.version_snapshot(baseline), history.version_snapshot(latest)
    assert before[(Publication, str(publication.pk))]["title_fr"] == IDM28_TITLE_FR
    assert after[(Publication, str(publication.pk))]["title_fr"] == NEW_TITLE_FR
    toc = [values["title_en"] for (model, _id), values in after.items() if model is TocEntry]
    assert toc == [
        "Abbreviations and acronyms",
        "Report of the workshops",
        "1. Partnerships are essential to global migration governance",
    ]
    assert len([key for key in before if key[0] is TocEntry]) == 4


def test_second_save_adds_one_version_and_no_second_baseline(editor_client):
    publication = create_idm28()
    edit_idm28(editor_client, publication)
    edit_idm28(editor_client, publication, title_fr="Encore un titre", delete=None)
    comments = [version.revision.comment for version in history.versions_of(publication)]
    assert len(comments) == 3
    assert comments.count("State before the first recorded change") == 1


def test_form_with_errors_keeps_no_baseline(editor_client):
    publication = create_idm28()
    response = edit_idm28(editor_client, publication, title_en="")
    assert response.status_code == 200
    assert Version.objects.count() == 0


def test_diff_names_each_changed_field_by_language_and_each_row(editor_client):
    publication = create_idm28()
    data = form_data(editor_client, change_url(publication))
    edit_idm28(
        editor_client,
        publication,
        **{f"toc_entries-{toc_index(data, 'Abbreviations and acronyms')}-title_fr": "Sigles et abréviations"},
    )
    latest, baseline = history.versions_of(publication)

    diff = history.diff(history.version_snapshot(baseline), history.version_snapshot(latest))

    assert [(c.label, c.old, c.new) for c in diff.fields] == [("Title [French]", IDM28_TITLE_FR, NEW_TITLE_FR)]
    assert [(row.group, row.name, row.state) for row in diff.rows] == [
        ("Table of contents", "Table of contents entry 1", "changed"),
        ("Table of contents", "Table of contents entry 3", "removed"),
    ]
    changed, removed = diff.rows
    assert [(c.label, c.old, c.new) for c in changed.changes] == [
        ("Title [French]", "Abréviations et acronymes", "Sigles et abréviations")
    ]
    assert [(c.label, c.old, c.new) for c in removed.changes] == [
        ("Parent", "Table of contents entry 2", ""),
        ("Position", "3", ""),
        ("Kind", "Chapter", ""),
        ("Title [English]", "Introduction", ""),
        ("Title [French]", "Introduction", ""),
    ]


def test_diff_shows_rows_moved_but_not_rows_only_renumbered(editor_client):
    publication = create_idm28()
    data = form_data(editor_client, change_url(publication))
    first, introduction, partnerships = (
        toc_index(data, title)
        for title in (
            "Abbreviations and acronyms",
            "Introduction",
            "1. Partnerships are essential to global migration governance",
        )
    )
    edit_idm28(  # the first row deleted renumbers every row; the last two also swap places
        editor_client,
        publication,
        delete=None,
        **{
            f"toc_entries-{first}-DELETE": "on",
            f"toc_entries-{introduction}-order": "4",
            f"toc_entries-{partnerships}-order": "3",
        },
    )
    latest, baseline = history.versions_of(publication)

    diff = history.diff(history.version_snapshot(baseline), history.version_snapshot(latest))

    # "Report of the workshops" (2 → 1) and "Introduction" (3 → 3) keep their place: only the moved row shows.
    assert [(row.name, row.state, [(c.label, c.old, c.new) for c in row.changes]) for row in diff.rows] == [
        ("Table of contents entry 2", "changed", [("Position", "4", "2")]),
        (
            "Table of contents entry 1",
            "removed",
            [
                ("Position", "1", ""),
                ("Kind", "Front matter", ""),
                ("Title [English]", "Abbreviations and acronyms", ""),
                ("Title [French]", "Abréviations et acronymes", ""),
            ],
        ),
    ]


def test_diff_marks_the_changed_words_of_a_long_text():
    publication = create_idm28()
    before = history.current_snapshot(publication)
    publication.summary_en = "A record of the 2019 Dialogue on partnerships for migration governance."
    publication.save()

    (change,) = history.diff(before, history.current_snapshot(publication)).fields

    assert change.label == "Summary [English]"
    assert change.old_parts == [
        (False, "A record of the "),
        (True, "2018"),
        (False, " Dialogue on partnerships for migration governance."),
    ]
    assert change.new_parts == [
        (False, "A record of the "),
        (True, "2019"),
        (False, " Dialogue on partnerships for migration governance."),
    ]


def test_diff_page_shows_old_and_new_values_with_changes_marked(editor_client):
    publication = create_idm28()
    edit_idm28(editor_client, publication)
    latest = history.versions_of(publication).first()

    response = editor_client.get(reverse("admin:catalogue_publication_history_diff", args=[publication.pk, latest.pk]))

    page = lxml.html.fromstring(response.content.decode())
    rows = [
        [cell.text_content() for cell in row.xpath("th|td")]
        for row in page.xpath("//table[@class='history-diff']/tbody/tr")
    ]
    assert ["Title [French]", IDM28_TITLE_FR, NEW_TITLE_FR] in rows
    assert ["Table of contents entry 3 (removed)", "Parent", "Table of contents entry 2", ""] in rows
    assert [
        ins.text_content() for ins in page.xpath("(//table[@class='history-diff'])[1]//tr[th='Title [French]']//ins")
    ] == ["Partenariats", "la"]
    assert [
        d.text_content() for d in page.xpath("(//table[@class='history-diff'])[1]//tr[th='Title [French]']//del")
    ] == [
        "Des partenariats novateurs et ouverts à tous",
        "une bonne",
        " mondiale",
    ]


def test_revert_brings_back_rows_and_title_and_search_follows(editor_client):
    publication = create_idm28()
    original = titles(publication)
    edit_idm28(editor_client, publication)
    assert found("novateurs") == []
    assert found("Partenariats gouvernance") == ["idm-28"]
    TocEntry.objects.create(publication=publication, position=9, title_en="Annex added later")  # outside the admin
    baseline = history.versions_of(publication).last()

    response = editor_client.post(
        reverse("admin:catalogue_publication_history_revert", args=[publication.pk, baseline.pk])
    )

    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.title_fr == IDM28_TITLE_FR
    assert titles(publication) == original
    assert TocEntry.objects.get(title_en="Introduction").parent.title_en == "Report of the workshops"
    assert found("novateurs") == ["idm-28"]
    assert found("Introduction") == ["idm-28"]
    assert found("Annex added later", "en") == []
    reverted = history.versions_of(publication).first()
    assert reverted.revision.user.username == "edith"
    assert reverted.revision.comment.startswith("Reverted to the version of ")
    assert len(history.version_snapshot(reverted)) == 1 + 3 + 4  # the record, its editions and contents


def test_revert_restores_a_workshops_agenda_with_its_people():
    create_idm28()
    workshop = Workshop.objects.get(slug="idm-2018-geneva")
    with reversion.create_revision():
        reversion.add_to_revision(workshop)
    opening = AgendaItem.objects.get(workshop=workshop, position=1)
    with reversion.create_revision():
        opening.delete()
        workshop.title_en = "Renamed"
        workshop.save()
    latest, first = history.versions_of(workshop)
    diff = history.diff(history.version_snapshot(first), history.version_snapshot(latest))
    assert [(row.name, row.state) for row in diff.rows] == [
        ("Agenda item 1", "removed"),
        ("Agenda item 1: Juan Eduardo Eguiguren (Chair)", "removed"),
        ("Agenda item 1: António Vitorino (Speaker)", "removed"),
    ]

    history.revert(first, user=create_staff("pia", PUBLISHER))

    workshop.refresh_from_db()
    assert workshop.title_en == "Towards effective migration governance: partnerships for capacity development"
    assert list(AgendaParticipation.objects.filter(agenda_item__position=1).values_list("speaker__slug", "role")) == [
        ("juan-eduardo-eguiguren", "chair"),
        ("antonio-vitorino", "speaker"),
    ]


@pytest.mark.django_db(transaction=True)
def test_revert_to_a_version_naming_a_deleted_person_is_refused_with_a_message(client):
    create_idm28()
    workshop = Workshop.objects.get(slug="idm-2018-geneva")
    with reversion.create_revision():
        reversion.add_to_revision(workshop)
    with reversion.create_revision():
        AgendaParticipation.objects.filter(speaker__slug="antonio-vitorino").delete()
        workshop.save()
    Speaker.objects.filter(slug="antonio-vitorino").delete()
    client.force_login(create_staff("pia", PUBLISHER))
    first = history.versions_of(workshop).last()

    response = client.post(
        reverse("admin:catalogue_workshop_history_revert", args=[workshop.pk, first.pk]), follow=True
    )

    assert [str(message) for message in response.context["messages"]] == [
        "This version refers to something deleted since (a person, a series…): it cannot be restored."
    ]
    assert AgendaParticipation.objects.filter(agenda_item__workshop=workshop).count() == 1


@pytest.mark.parametrize(("role", "status"), [(EDITOR, "published"), (PUBLISHER, "draft")])
def test_revert_changes_the_workflow_state_only_for_who_may_publish(role, status):
    publication = create_idm28()
    with reversion.create_revision():
        publication.status, publication.publish_date = Publication.Status.DRAFT, None
        publication.save()
    draft = history.versions_of(publication).first()
    with reversion.create_revision():
        publication.status, publication.publish_date = Publication.Status.PUBLISHED, timezone.now()
        publication.save()

    history.revert(draft, user=create_staff("someone", role))

    publication.refresh_from_db()
    assert publication.status == status


def test_translator_may_read_the_history_but_not_revert(client, editor_client):
    publication = create_idm28()
    edit_idm28(editor_client, publication)
    baseline = history.versions_of(publication).last()
    client.force_login(create_staff("tess", TRANSLATOR, languages=["fr"]))
    revert_url = reverse("admin:catalogue_publication_history_revert", args=[publication.pk, baseline.pk])

    page = client.get(reverse("admin:catalogue_publication_history", args=[publication.pk]))

    assert page.status_code == 200
    assert revert_url not in page.content.decode()
    assert client.get(revert_url).status_code == 403
    assert client.post(revert_url).status_code == 403
    publication.refresh_from_db()
    assert publication.title_fr == NEW_TITLE_FR


def test_changelist_action_is_kept_as_a_version(editor_client, monkeypatch):
    publication = create_idm28()

    @admin.action(description="Move to 2019")
    def move_to_2019(modeladmin, request, queryset):
        for selected in queryset:
            selected.year = 2019
            selected.save()

    monkeypatch.setattr(admin.site._registry[Publication], "actions", [move_to_2019])
    response = editor_client.post(
        reverse("admin:catalogue_publication_changelist"),
        {"action": "move_to_2019", "_selected_action": [publication.pk]},
    )

    assert response.status_code == 302
    latest, baseline = history.versions_of(publication)
    assert (latest.revision.user.username, latest.revision.comment) == ("edith", "Changed from the list: Move to 2019")
    assert baseline.field_dict["year"] == 2018
    assert latest.field_dict["year"] == 2019


def test_last_change_names_who_and_when_for_the_record_and_its_rows(editor_client):
    publication = create_idm28()
    assert history.last_change(publication) is None
    edit_idm28(editor_client, publication)
    user, when = history.last_change(publication.editions.first())
    assert user.username == "edith"
    assert timezone.now() - when < datetime.timedelta(minutes=1)


@pytest.mark.parametrize("edits", [1, 5])
def test_history_page_query_count_does_not_grow_with_versions(editor_client, edits):
    publication = create_idm28()
    for number in range(edits):
        edit_idm28(editor_client, publication, title_fr=f"Titre {number}", delete=None)
    url = reverse("admin:catalogue_publication_history", args=[publication.pk])
    with CaptureQueriesContext(connection) as queries:
        assert editor_client.get(url).status_code == 200
    assert len(queries) == HISTORY_PAGE_QUERIES


# Session, user, permissions (2), the record, the version count and the page of versions with their users,
# the record's and its rows' content types.
HISTORY_PAGE_QUERIES = 9
