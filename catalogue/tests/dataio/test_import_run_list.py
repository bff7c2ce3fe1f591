"""The admin's list of import runs (catalogue/admin/import_runs.py): staff who may import see every run of the
kinds they import, with a link to its page; others do not see the list."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from catalogue.editorial.roles import EDITOR, PUBLISHER, TRANSLATOR
from catalogue.models import ImportRun
from catalogue.tests.factories import create_staff

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/catalogue/importrun/"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()  # run ids come back after a rollback: no progress of an earlier test's run


def staff_client(role: str | None, *, superuser: bool = False) -> Client:
    client = Client()
    client.force_login(create_staff("someone", role, superuser=superuser))
    return client


def make_runs(user) -> tuple[ImportRun, ImportRun]:
    done = ImportRun.objects.create(
        kind="publications",
        file_name="spring.xlsx",
        stored_name="imports/a.xlsx",
        status="done",
        done=3000,
        total=3000,
        counts={"create": 2990, "update": 5, "unchanged": 3, "refuse": 2},
        created_by=user,
        finished_at=timezone.now(),
    )
    running = ImportRun.objects.create(
        kind="workshops",
        file_name="agendas.csv",
        stored_name="imports/b.csv",
        status="running",
        done=500,
        total=2000,
        created_by=user,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    return done, running


def test_a_preview_run_is_listed_with_what_the_import_would_do():
    client = staff_client(PUBLISHER)
    ImportRun.objects.create(
        kind="publications",
        file_name="spring.xlsx",
        stored_name="imports/a.xlsx",
        status="done",
        dry_run=True,
        counts={"create": 2990, "update": 5, "unchanged": 3, "refuse": 2},
        finished_at=timezone.now(),
    )

    with translation.override("en"):
        page = client.get(LIST_URL).content.decode()

    assert rows(page)[0][5] == "Preview: 2990 to create, 5 to update, 3 unchanged, 2 refused"


def rows(page: str) -> list[list[str]]:
    """The change list's rows as the text of their cells."""
    body = page.split('<table id="result_list">')[1].split("</table>")[0].split("<tbody>")[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_publishers_see_each_run_who_when_kind_file_status_counts_and_a_link_to_its_page():
    client = staff_client(PUBLISHER)
    done, running = make_runs(create_staff("pub", PUBLISHER))
    ImportRun.objects.filter(pk=done.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))

    with translation.override("en"):
        page = client.get(LIST_URL).content.decode()

    assert rows(page)[0][:2] + rows(page)[0][4:] == ["agendas.csv", "Workshops", "Running", "500 of 2000", "-"]
    assert rows(page)[1][:3] + rows(page)[1][4:-1] == [
        "spring.xlsx",
        "Publications",
        "pub",
        "Done",
        "2990 created, 5 updated, 3 unchanged, 2 left out",
    ]
    assert f'<a href="/admin/catalogue/publication/import/run/{done.pk}/">spring.xlsx</a>' in page
    assert f'<a href="/admin/catalogue/workshop/import/run/{running.pk}/">agendas.csv</a>' in page
    assert "Add import run" not in page


def test_the_list_is_translated():
    client = staff_client(PUBLISHER)
    done, _ = make_runs(None)
    ImportRun.objects.filter(pk=done.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))

    french = rows(client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode())
    spanish = rows(client.get(LIST_URL, HTTP_ACCEPT_LANGUAGE="es").content.decode())

    assert [(row[1], row[4], row[5]) for row in french] == [
        ("Ateliers", "En cours", "500 sur 2000"),
        ("Publications", "Terminé", "2990 créées, 5 mises à jour, 3 inchangées, 2 écartées"),
    ]
    assert [(row[1], row[4], row[5]) for row in spanish] == [
        ("Talleres", "En curso", "500 de 2000"),
        ("Publicaciones", "Terminada", "2990 creadas, 5 actualizadas, 3 sin cambios, 2 descartadas"),
    ]


def test_a_run_left_running_by_a_dead_runner_is_listed_as_failed(settings):
    settings.IDM_IMPORT_HEARTBEAT_TIMEOUT = 600
    _, running = make_runs(None)
    ImportRun.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))

    with translation.override("en"):
        page = staff_client(PUBLISHER).get(LIST_URL).content.decode()

    assert rows(page)[0][4] == "Failed"


def test_a_runs_admin_page_leads_to_the_page_following_it():
    done, running = make_runs(None)
    client = staff_client(PUBLISHER)

    assert (
        client.get(f"{LIST_URL}{done.pk}/change/")["Location"] == f"/admin/catalogue/publication/import/run/{done.pk}/"
    )
    assert client.get(f"{LIST_URL}{running.pk}/change/")["Location"] == (
        f"/admin/catalogue/workshop/import/run/{running.pk}/"
    )
    assert client.post(f"{LIST_URL}{done.pk}/delete/").status_code == 403
    assert client.get(f"{LIST_URL}add/").status_code == 403


@pytest.mark.parametrize("role", [EDITOR, TRANSLATOR, None])
def test_staff_who_may_not_import_do_not_see_the_list(role):
    make_runs(None)
    client = staff_client(role)

    assert client.get(LIST_URL).status_code == 403
    assert LIST_URL not in client.get("/admin/").content.decode()


def test_the_admin_index_links_the_list_for_staff_who_may_import():
    assert LIST_URL in staff_client(PUBLISHER).get("/admin/").content.decode()


@pytest.mark.parametrize("runs", [1, 20])
def test_the_list_takes_the_same_queries_for_any_number_of_runs(runs, django_assert_num_queries):
    client = staff_client(None, superuser=True)
    ImportRun.objects.bulk_create(
        ImportRun(kind="publications", file_name=f"{n}.csv", stored_name=f"imports/{n}.csv") for n in range(runs)
    )

    with django_assert_num_queries(9):
        assert client.get(LIST_URL).status_code == 200
