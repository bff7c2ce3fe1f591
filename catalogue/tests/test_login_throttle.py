"""Login throttling on the admin login (django-axes, idm/throttle.py): lockout, its page, lifting it, logs, cost."""

import logging
from unittest import mock

import lxml.html
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django.utils import translation

from catalogue.tests.factories import create_staff

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "the right password 1"


@pytest.fixture
def ana():
    user = create_staff("ana", superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, username, password, *, ip="203.0.113.7", language="fr", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        headers={"accept-language": language, **headers},
        REMOTE_ADDR=ip,
    )


def text(response, xpath="//div[@id='content-main']") -> str:
    return " ".join(lxml.html.fromstring(response.content.decode()).xpath(xpath)[0].text_content().split())


def django_login_error(language: str) -> str:
    with translation.override(language):
        message = AdminAuthenticationForm.error_messages["invalid_login"]
        return " ".join((str(message) % {"username": User._meta.get_field("username").verbose_name}).split())


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one_with_a_french_429_page(ana):
    client = Client()
    before = [log_in(client, "ana", f"wrong {n}") for n in range(4)]
    fifth = log_in(client, "ana", "wrong 5")
    right = log_in(client, "ana", PASSWORD)

    assert [r.status_code for r in before] == [200] * 4
    assert {text(r, "//p[@class='errornote']") for r in before} == {django_login_error("fr")}
    assert (fifth.status_code, right.status_code) == (429, 429)
    assert "_auth_user_id" not in client.session
    assert right["Retry-After"] == "900"
    assert right["Content-Language"] == "fr"
    assert text(right) == (
        "Connexion temporairement bloquée "
        "Il y a eu trop de tentatives de connexion infructueuses pour ce compte ou depuis votre réseau : "
        "la connexion est bloquée pour le moment. "
        "Veuillez réessayer dans 15 minutes. "
        "Si vous ne pouvez pas attendre, demandez à un administrateur du catalogue (un superutilisateur) de lever "
        "le blocage : il peut le faire immédiatement depuis l’administration. "
        "Retour à la page de connexion"
    )
    assert b"Traceback" not in right.content


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Login temporarily blocked"), ("es", "Inicio de sesión bloqueado temporalmente")],
)
def test_the_lockout_page_speaks_the_visitors_language(ana, language, title):
    client = Client()
    for n in range(5):
        log_in(client, "ana", f"wrong {n}", language=language)

    response = log_in(client, "ana", PASSWORD, language=language)

    assert response.status_code == 429
    assert text(response, "//h1") == title


def test_the_lockout_names_neither_another_address_nor_another_user(ana):
    create_staff("ben", superuser=True).set_password(PASSWORD)
    User.objects.filter(username="ben").update(password=User.objects.get(username="ana").password)
    for n in range(5):
        log_in(Client(), "ana", f"wrong {n}")

    same_user_elsewhere = log_in(Client(), "ana", PASSWORD, ip="198.51.100.2")
    other_user_same_address = log_in(Client(), "ben", PASSWORD)

    assert (same_user_elsewhere.status_code, same_user_elsewhere["Location"]) == (302, "/admin/")
    assert (other_user_same_address.status_code, other_user_same_address["Location"]) == (302, "/admin/")


def test_one_address_trying_many_usernames_is_locked_out_at_the_higher_address_limit(ana, settings):
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_IP_FAILURE_LIMIT) == (5, 10)
    client = Client()
    statuses = [log_in(client, f"guess{n}", "wrong").status_code for n in range(10)]

    assert statuses == [200] * 9 + [429]
    assert log_in(Client(), "ana", PASSWORD).status_code == 429
    assert log_in(Client(), "ana", PASSWORD, ip="198.51.100.2").status_code == 302


def test_forwarded_for_is_ignored_without_a_trusted_proxy(ana):
    for n in range(5):
        log_in(Client(), "ana", f"wrong {n}", x_forwarded_for=f"192.0.2.{n}")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert log_in(Client(), "ana", PASSWORD, x_forwarded_for="192.0.2.99").status_code == 429


@override_settings(TRUSTED_PROXY=True)
def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(ana):
    for n in range(5):
        log_in(Client(), "ana", f"wrong {n}", ip="10.0.0.1", x_forwarded_for="spoofed, 192.0.2.1")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.1"}
    assert log_in(Client(), "ana", PASSWORD, ip="10.0.0.1", x_forwarded_for="192.0.2.1").status_code == 429
    response = log_in(Client(), "ana", PASSWORD, ip="10.0.0.1", x_forwarded_for="192.0.2.1, 192.0.2.2")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_a_superuser_sees_the_locked_out_user_and_deleting_the_attempt_lets_them_in_at_once(ana):
    for n in range(5):
        log_in(Client(), "ana", f"wrong {n}")
    assert log_in(Client(), "ana", PASSWORD).status_code == 429
    boss = Client()
    boss.force_login(create_staff("boss", superuser=True))

    changelist = boss.get("/admin/axes/accessattempt/", headers={"accept-language": "fr"})
    rows = lxml.html.fromstring(changelist.content.decode()).xpath("//table[@id='result_list']/tbody/tr")
    assert [row.xpath("string(*[contains(@class, 'field-username')])") for row in rows] == ["ana"]
    assert [row.xpath("string(*[contains(@class, 'field-ip_address')])") for row in rows] == ["203.0.113.7"]
    attempt = AccessAttempt.objects.get()
    lifted = boss.post(
        "/admin/axes/accessattempt/",
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )

    assert lifted.status_code == 302
    assert not AccessAttempt.objects.exists()
    response = log_in(Client(), "ana", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/admin/")


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_superuser_reads_every_throttle_page_and_adds_nothing_by_hand(ana, language):
    for n in range(5):
        log_in(Client(), "ana", f"wrong {n}")
    log_in(Client(), "ana", PASSWORD, ip="198.51.100.2")
    boss = Client()
    boss.force_login(create_staff("boss", superuser=True))
    pages = ["/admin/axes/"]
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        name = model._meta.model_name
        pages += [f"/admin/axes/{name}/", f"/admin/axes/{name}/{model.objects.first().pk}/change/"]

    statuses = {page: boss.get(page, headers={"accept-language": language}).status_code for page in pages}
    added = {
        m._meta.model_name: boss.get(f"/admin/axes/{m._meta.model_name}/add/").status_code
        for m in (AccessAttempt, AccessFailureLog, AccessLog)
    }

    assert statuses == dict.fromkeys(pages, 200)
    assert added == {"accessattempt": 403, "accessfailurelog": 403, "accesslog": 403}


@pytest.mark.parametrize(
    ("language", "title"), [("fr", "Tentatives de connexion"), ("es", "Intentos de acceso"), ("en", "Access attempts")]
)
def test_the_lockouts_are_listed_in_the_staff_members_language(language, title):
    boss = Client()
    boss.force_login(create_staff("boss", superuser=True))

    response = boss.get("/admin/axes/accessattempt/", headers={"accept-language": language})

    assert text(response, "//div[@class='breadcrumbs']").endswith(f"› {title}")


def test_only_staff_with_the_permission_see_the_lockouts():
    editor = Client()
    editor.force_login(create_staff("ed", "Editor"))

    assert editor.get("/admin/axes/accessattempt/").status_code == 403
    assert b"/admin/axes/" not in editor.get("/admin/").content


def test_each_failure_and_the_lockout_are_logged_with_username_and_address_never_the_password(ana, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for n in range(5):
            log_in(Client(), "ana", f"secret-guess-{n}")

    messages = [record.getMessage() for record in caplog.records if record.name.startswith("axes")]
    failures = [m for m in messages if "login failure by" in m]
    assert len(failures) == 5
    assert all('username: "ana"' in m and 'ip_address: "203.0.113.7"' in m for m in failures)
    assert len([m for m in messages if m.startswith("AXES: Locking out")]) == 1
    assert not any("secret-guess" in m for m in messages)
    assert list(AccessFailureLog.objects.order_by("pk").values_list("username", "ip_address", "locked_out")) == [
        ("ana", "203.0.113.7", False)
    ] * 4 + [("ana", "203.0.113.7", True)]


def test_a_locked_out_login_runs_no_password_hasher(ana):
    for n in range(5):
        log_in(Client(), "ana", f"wrong {n}")

    with (
        mock.patch.object(MD5PasswordHasher, "verify", autospec=True) as verify,
        mock.patch.object(MD5PasswordHasher, "encode", autospec=True) as encode,
    ):
        statuses = [log_in(Client(), "ana", PASSWORD).status_code for _ in range(3)]
        statuses += [log_in(Client(), "ana", "wrong again").status_code]

    assert statuses == [429] * 4
    assert (verify.call_count, encode.call_count) == (0, 0)


def test_before_the_lockout_each_attempt_runs_the_hasher_once(ana):
    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True, return_value=False) as verify:
        log_in(Client(), "ana", "wrong")

    assert verify.call_count == 1


def test_attempts_during_a_lockout_do_not_extend_it(ana):
    for n in range(5):
        log_in(Client(), "ana", f"wrong {n}")
    locked_at = AccessAttempt.objects.get().attempt_time

    for _ in range(3):
        log_in(Client(), "ana", "wrong again")

    assert AccessAttempt.objects.get().attempt_time == locked_at
    assert AccessAttempt.objects.get().failures_since_start == 5


@override_settings(LOGIN_LOCKOUT_DELAY=0.25)
def test_a_refused_login_is_answered_after_the_delay_and_a_failure_before_the_lockout_at_once(ana):
    with mock.patch("idm.throttle.time.sleep") as sleep:
        statuses = [log_in(Client(), "ana", f"wrong {n}").status_code for n in range(4)]
        before = sleep.call_count
        statuses += [log_in(Client(), "ana", "wrong 5").status_code]
        statuses += [log_in(Client(), "ana", PASSWORD).status_code for _ in range(2)]

    assert statuses == [200] * 4 + [429] * 3
    assert before == 0
    assert sleep.call_args_list == [mock.call(0.25)] * 3


@override_settings(LOGIN_LOCKOUT_DELAY=0.25)
def test_no_more_than_the_allowed_threads_are_held_back_at_once(ana, settings):
    from idm import throttle

    held = [throttle._held_back.acquire(blocking=False) for _ in range(settings.LOGIN_LOCKOUT_DELAY_THREADS)]
    try:
        with mock.patch("idm.throttle.time.sleep") as sleep:
            throttle.hold_back()
    finally:
        for _ in held:
            throttle._held_back.release()

    assert held == [True] * 3
    assert sleep.call_count == 0


@pytest.mark.parametrize("header", ["user_agent", "accept"])
def test_a_nul_in_a_recorded_header_is_refused_not_a_server_error(ana, header):
    response = log_in(Client(raise_request_exception=False), "ana", "wrong", **{header: "a\x00b"})

    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()
