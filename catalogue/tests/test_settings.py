"""idm/settings.py honours its environment variables; each case loads the settings in a fresh process."""

import json
import os
import subprocess
import sys
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import User

PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECRET_KEY": settings.SECRET_KEY,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "USER": db.get("USER", ""),
    "PASSWORD": db.get("PASSWORD", ""),
    "HOST": db.get("HOST", ""),
    "PORT": db.get("PORT", ""),
}))
"""

READ_SQLITE_PRAGMAS = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy_timeout = cursor.fetchone()[0]
print(journal_mode, busy_timeout)
"""


def run_with_env(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a new Python process with idm.settings and only the given DJANGO_*/DATABASE_URL variables."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "PYTHONWARNINGS"}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "idm.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load_settings(**env: str) -> dict:
    result = run_with_env(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings_debug_off_by_default():
    loaded = load_settings(DJANGO_SECRET_KEY="a-production-secret")

    assert loaded["DEBUG"] is False
    assert loaded["SECRET_KEY"] == "a-production-secret"


def test_settings_debug_on_when_asked():
    loaded = load_settings(DJANGO_DEBUG="1")

    assert loaded["DEBUG"] is True


def test_settings_debug_off_for_unrecognised_values():
    loaded = load_settings(DJANGO_DEBUG="maybe", DJANGO_SECRET_KEY="a-production-secret")

    assert loaded["DEBUG"] is False


def test_settings_without_secret_key_or_debug_refuse_to_load():
    result = run_with_env(PRINT_SETTINGS)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development)."
    )


def test_settings_allowed_hosts_from_environment():
    loaded = load_settings(DJANGO_SECRET_KEY="s", DJANGO_ALLOWED_HOSTS="catalogue.example.org, .example.net")

    assert loaded["ALLOWED_HOSTS"] == ["catalogue.example.org", ".example.net"]


def test_settings_allowed_hosts_default_to_local_addresses():
    loaded = load_settings(DJANGO_SECRET_KEY="s")

    assert loaded["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


def test_settings_database_url_postgres_is_parsed():
    loaded = load_settings(DJANGO_DEBUG="1", DATABASE_URL="postgres://idm_user:s3cret@db.internal:5433/idm_catalogue")

    assert {key: loaded[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")} == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "idm_catalogue",
        "USER": "idm_user",
        "PASSWORD": "s3cret",
        "HOST": "db.internal",
        "PORT": 5433,
    }


def test_settings_default_database_is_sqlite_under_var():
    loaded = load_settings(DJANGO_DEBUG="1")

    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["NAME"] == str(settings.BASE_DIR / "var" / "db.sqlite3")


def test_settings_sqlite_uses_wal_journal_and_busy_timeout(tmp_path):
    database = tmp_path / "catalogue.sqlite3"

    result = run_with_env(READ_SQLITE_PRAGMAS, DJANGO_DEBUG="1", DATABASE_URL=f"sqlite:///{database}")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000"]
    assert database.exists()


def test_settings_collectstatic_post_processes_every_file(tmp_path):
    code = f"""
import django
django.setup()
from django.conf import settings
settings.STATIC_ROOT = {str(tmp_path)!r}
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
print(staticfiles_storage.url("jquery-ui/jquery-ui.min.js"))
"""

    result = run_with_env(code, DJANGO_SECRET_KEY="s")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("/static/jquery-ui/jquery-ui.min.")
    assert (tmp_path / "staticfiles.json").exists()


PRINT_PROXY_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({"SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER}))
"""


def test_settings_trust_no_forwarded_proto_by_default():
    result = run_with_env(PRINT_PROXY_SETTINGS, DJANGO_SECRET_KEY="s", DJANGO_SECURE="1")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"SECURE_PROXY_SSL_HEADER": None}


def test_settings_trust_forwarded_proto_behind_a_configured_proxy():
    result = run_with_env(PRINT_PROXY_SETTINGS, DJANGO_SECRET_KEY="s", DJANGO_TRUSTED_PROXY="1")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


def test_a_client_claiming_https_is_not_believed_without_a_trusted_proxy(rf):
    request = rf.get("/en/", headers={"X-Forwarded-Proto": "https"})

    assert (request.is_secure(), request.build_absolute_uri()) == (False, "http://testserver/en/")


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)", ""])
@pytest.mark.django_db
def test_admin_login_with_an_unsafe_or_no_next_lands_on_the_admin(client, next_url):
    User.objects.create_superuser("boss", "boss@example.org", "a long enough password")

    response = client.post(
        f"/admin/login/?next={quote(next_url)}",
        {"username": "boss", "password": "a long enough password", "next": next_url},
    )

    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_admin_login_with_a_safe_next_goes_there(client):
    User.objects.create_superuser("boss", "boss@example.org", "a long enough password")

    response = client.post(
        "/admin/login/",
        {"username": "boss", "password": "a long enough password", "next": "/admin/catalogue/publication/"},
    )

    assert (response.status_code, response["Location"]) == (302, "/admin/catalogue/publication/")


def test_the_wsgi_application_loads_the_urlconf_and_moves_what_it_loaded_out_of_the_collector_s_reach():
    code = (
        "import gc, sys, warnings\n"
        # A clean checkout has not run collectstatic: WhiteNoise's warning about it is not this test's subject.
        "warnings.filterwarnings('ignore', message='No directory at')\n"
        "assert gc.get_freeze_count() == 0\n"
        "import idm.wsgi\n"
        "print(gc.get_freeze_count() > 50_000, 'catalogue.public.views' in sys.modules)\n"
    )
    result = run_with_env(code, DJANGO_SECRET_KEY="s" * 50, DJANGO_ALLOWED_HOSTS="example.org")
    assert (result.returncode, result.stdout, result.stderr) == (0, "True True\n", "")


def test_a_web_worker_loads_the_spreadsheet_and_pdf_libraries_only_when_it_needs_them():
    # Memory that serving the public catalogue never uses (imports, uploads, covers do): a worker with idm.wsgi
    # loaded held 113 MB with them, 95 MB without.
    code = (
        "import sys, warnings\n"
        "warnings.filterwarnings('ignore', message='No directory at')\n"
        "import idm.wsgi\n"
        "libraries = ('openpyxl', 'pypdf', 'pypdfium2')\n"
        "print([name for name in libraries if name in sys.modules])\n"
        "from catalogue.dataio.tabular import column_letter\n"
        "print(column_letter(27), [name for name in libraries if name in sys.modules])\n"
    )
    result = run_with_env(code, DJANGO_SECRET_KEY="s" * 50, DJANGO_ALLOWED_HOSTS="example.org")
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\nAB ['openpyxl']\n", "")


def test_kept_database_connections_are_checked_before_a_request_reuses_them():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "default = settings.DATABASES['default']\n"
        "print(default['CONN_MAX_AGE'], default['CONN_HEALTH_CHECKS'], 'replica' in settings.DATABASES)\n"
    )
    result = run_with_env(code, DJANGO_SECRET_KEY="s" * 50, DJANGO_CONN_MAX_AGE="60")
    assert (result.returncode, result.stdout) == (0, "60 True False\n"), result.stderr


def test_sqlite_connections_are_kept_by_default_postgresql_ones_when_set():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "print(settings.DATABASES['default']['CONN_MAX_AGE'])\n"
    )
    for database, kept, expected in [
        ("sqlite:////tmp/idm-settings.sqlite3", None, "60"),
        ("sqlite:////tmp/idm-settings.sqlite3", "0", "0"),
        ("postgres://idm@db.internal/idm", None, "0"),
        ("postgres://idm@db.internal/idm", "30", "30"),
    ]:
        environment = {"DJANGO_CONN_MAX_AGE": kept} if kept is not None else {}
        result = run_with_env(code, DJANGO_SECRET_KEY="s" * 50, DATABASE_URL=database, **environment)
        assert (result.returncode, result.stdout) == (0, f"{expected}\n"), (database, kept, result.stderr)


def test_a_replica_url_adds_a_replica_mirrored_in_tests_with_the_primary_s_connection_settings():
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "replica = settings.DATABASES['replica']\n"
        "print(replica['HOST'], replica['NAME'], replica['CONN_MAX_AGE'], replica['CONN_HEALTH_CHECKS'],"
        " replica['TEST']['MIRROR'], settings.DATABASE_ROUTERS)\n"
    )
    result = run_with_env(
        code,
        DJANGO_SECRET_KEY="s" * 50,
        DJANGO_CONN_MAX_AGE="60",
        DATABASE_URL="postgres://idm@primary.internal/idm",
        DATABASE_REPLICA_URL="postgres://idm@standby.internal/idm",
    )
    assert (result.returncode, result.stdout) == (
        0,
        "standby.internal idm 60 True default ['idm.replica.ReplicaRouter']\n",
    ), result.stderr
