"""Settings for the IDM catalogue, driven by environment variables.

Development defaults are safe: DEBUG is off unless DJANGO_DEBUG asks for it,
and without DEBUG a secret key must be given.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import xstatic.pkg.jquery_ui
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on")."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for development).")

# The catalogue's own domain: OAI-PMH identifiers (oai:<it>:publication/<uuid>) and calendar UIDs (<uuid>@<it>) are
# built on it, never on the request's host. Set it once and keep it: harvesters and calendars remember them.
SITE_DOMAIN = os.environ.get("DJANGO_SITE_DOMAIN", "idm-catalogue.example")  # .example: reserved, never a real host

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # First, so its management commands (loaddata with full_clean) win over modeltranslation's.
    "catalogue",
    # modeltranslation must come before django.contrib.admin.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "reversion",  # history of staff edits with revert (catalogue/editorial/history.py)
    "django_cleanup.apps.CleanupConfig",  # a replaced or deleted upload leaves storage once the change commits
    "axes",  # login throttling (idm/throttle.py); its admin lists and lifts lockouts
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Database unreachable: 503 + Retry-After. Before every middleware that may query (sessions, auth, messages).
    "idm.middleware.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # With a read replica: anonymous visitors' reads go to it (idm/replica.py). After auth, before the page cache.
    "idm.replica.ReplicaMiddleware",
    "idm.middleware.AdminRequestGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Public routes: ETag/Last-Modified and 304s, Cache-Control, the anonymous page cache (idm/caching.py).
    "idm.caching.PublicCacheMiddleware",
    # Last: turns a login refused by the throttle into the lockout page (idm/throttle.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "idm.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            "libraries": {
                "catalogue_tags": "catalogue.public.templatetags",
                "catalogue_metadata": "catalogue.interop.templatetags",
                "catalogue_admin": "catalogue.admin.templatetags",
            },
        },
    },
]

WSGI_APPLICATION = "idm.wsgi.application"

# Database: SQLite under var/ by default, PostgreSQL (or anything else) through DATABASE_URL.
VAR_DIR.mkdir(exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        # Kept open between requests: by default on SQLite (a file, no server to run out of connections; opening it
        # is most of what a page served from the page cache costs), and when set on PostgreSQL (each server thread
        # keeps one: size max_connections for them).
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60" if DATABASE_URL.startswith("sqlite") else "0")),
        conn_health_checks=True,  # a kept connection is checked before a request reuses it
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while an editor writes; IMMEDIATE avoids "database is locked"
    # on lock upgrades; the timeout makes writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# An optional read replica (a streaming standby of the primary): anonymous visitors' pages read from it, staff and
# every write use the primary (idm/replica.py). Tests mirror it onto the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
    )
DATABASE_ROUTERS = ["idm.replica.ReplicaRouter"]

# Seconds a visitor or harvester is asked to wait (Retry-After) when the database is unreachable.
DATABASE_OUTAGE_RETRY_AFTER = int(os.environ.get("DJANGO_OUTAGE_RETRY_AFTER", "30"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Staff log in through the admin: after a login whose `next` is missing or unsafe, the admin's index.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# The throttle first: a locked-out login is refused before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: the interface (and content translation) languages.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr", "es")
MODELTRANSLATION_FALLBACK_LANGUAGES = {
    "default": ("en", "fr", "es"),
    "fr": ("en", "es"),
    "es": ("en", "fr"),
}
# The tabbed translation admin uses jQuery UI from the XStatic package, served locally.
JQUERY_UI_URL = "jquery-ui/jquery-ui.min.js"

# Static and media files.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("jquery-ui", xstatic.pkg.jquery_ui.BASE_DIR),
]
# Uploads (edition PDFs, covers) are served by Django (catalogue/public/media.py: verified type, sandboxed, never run)
# under media/, or, when DJANGO_MEDIA_URL is an absolute URL, by another origin serving MEDIA_ROOT (the safest: a
# cookieless origin of its own); Django's route is then off and pages may load images from that origin.
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
_media_url = urlsplit(MEDIA_URL)
MEDIA_ORIGIN = f"{_media_url.scheme}://{_media_url.netloc}" if _media_url.scheme and _media_url.netloc else ""
# What an upload may be (catalogue/models/uploads.py): edition PDFs and covers up to these sizes, covers up to
# this many pixels (width × height).
IDM_MAX_DOCUMENT_BYTES = int(os.environ.get("DJANGO_MAX_DOCUMENT_MB", "200")) * 1024 * 1024
IDM_MAX_COVER_BYTES = int(os.environ.get("DJANGO_MAX_COVER_MB", "10")) * 1024 * 1024
IDM_MAX_COVER_PIXELS = int(float(os.environ.get("DJANGO_MAX_COVER_MEGAPIXELS", "40")) * 1_000_000)
# Edition PDFs of more pages than this have their text extracted by `manage.py extract_documents`, not in the request.
IDM_DOCUMENT_TEXT_INLINE_PAGES = int(os.environ.get("DJANGO_DOCUMENT_TEXT_INLINE_PAGES", "100"))
# Admin imports of files with more rows than this run as an ImportRun apart from the request, with its progress
# shown (catalogue/dataio/runs.py): in a thread of the web process ("thread"), or by `manage.py run_imports`
# on a worker ("worker"); smaller files import within the request.
IDM_IMPORT_INLINE_ROWS = int(os.environ.get("DJANGO_IMPORT_INLINE_ROWS", "1000"))
IDM_IMPORT_RUNNER = os.environ.get("DJANGO_IMPORT_RUNNER", "thread")
# A running import whose runner has given no sign of life (a progress step) for this many seconds is taken for
# dead, its process recycled or killed, and failed as interrupted.
IDM_IMPORT_HEARTBEAT_TIMEOUT = int(os.environ.get("DJANGO_IMPORT_HEARTBEAT_TIMEOUT", "600"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "idm.storage.StaticFilesStorage"},
}

# Records per sitemap file (each is one URL per language; a file never holds more than 50,000 URLs).
SITEMAP_ITEMS_PER_FILE = 5_000

CACHES = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("DJANGO_CACHE_LOCATION", "idm"),
    }
}
# One cache shared by every app server: Redis (Django's own RedisCache, with the redis package).
if os.environ.get("DJANGO_REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["DJANGO_REDIS_URL"],
        "KEY_PREFIX": "idm",
    }
# HTTP caching of the public routes (idm/caching.py): browsers and proxies may reuse an anonymous response this many
# seconds without asking again; the anonymous page cache keeps whole responses per content version, this many seconds
# at most (a change makes them unreachable at once: the version is part of the key).
PUBLIC_CACHE_MAX_AGE = int(os.environ.get("DJANGO_CACHE_MAX_AGE", "60"))
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", True)
PAGE_CACHE_TIMEOUT = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS", "3600"))
# Record fragments (catalogue/fragments.py): each public record's API item, OAI-PMH record and feed entry kept under
# the record's version, so that a page of many records the page cache lost to a change is put together from them.
FRAGMENT_CACHE = env_bool("DJANGO_FRAGMENT_CACHE", True)
FRAGMENT_CACHE_TIMEOUT = int(os.environ.get("DJANGO_FRAGMENT_CACHE_SECONDS", "86400"))

# Security headers; HTTPS-only settings switch on with DJANGO_SECURE=1 behind TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy: pages and the admin load scripts, styles, images and fonts from
# this site only, and no inline script or style attribute (JSON-LD data blocks are not scripts).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# X-Forwarded-Proto and X-Forwarded-For are set by a proxy in front of the site only when it is configured.
TRUSTED_PROXY = env_bool("DJANGO_TRUSTED_PROXY")
# X-Forwarded-Proto says "https" only when a proxy in front of the site sets it on every request (overwriting what
# a client sends); without such a proxy a client could claim https, so it is trusted only when configured.
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if env_bool("DJANGO_SECURE"):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365

# Login throttling (django-axes, idm/throttle.py). Failures are counted per username and client IP together
# (a mistyped password locks only that person, on that address) and per client IP alone with a higher limit
# (one address trying many usernames is stopped too, before it costs a password hash per attempt).
# A locked-out login is refused before authentication runs, with a 429 page saying when to try again;
# attempts made during a lockout do not extend it. An administrator lifts a lockout by deleting its access
# attempts in the admin (Axes → Access attempts).
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_IP_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "idm.throttle.ThrottleHandler"
AXES_LOCKOUT_CALLABLE = "idm.throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "idm.throttle.client_ip"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A refused login is answered after this many seconds, in at most this many threads of a process at once (keep it
# below gunicorn's --threads): a client retrying as fast as it is answered then costs next to no CPU.
LOGIN_LOCKOUT_DELAY = float(os.environ.get("DJANGO_LOGIN_LOCKOUT_DELAY", "1"))
LOGIN_LOCKOUT_DELAY_THREADS = int(os.environ.get("DJANGO_LOGIN_LOCKOUT_DELAY_THREADS", "3"))
# Access attempts are forgotten after the cool-off; the failure log keeps each counted failure (1,000 per username).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The log names the username and address of each failure (never the password): what an operator acts on.
AXES_SENSITIVE_PARAMETERS = []

# Read-only JSON API under /api/ (catalogue/api/): anonymous, JSON only, described by OpenAPI 3.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # `format` is a catalogue filter (pdf, print…), not a renderer override; JSON is the only renderer anyway.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "catalogue.api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "IDM publications catalogue API",
    "DESCRIPTION": "Read-only access to the catalogue: publications, editions, series, topics and workshops, "
    "with every translation of each translated field.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "catalogue.i18n.language_choices",
        "CountPrecisionEnum": "catalogue.models.CountPrecision",
    },
    # The default hook, then the links from list results to detail operations.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "catalogue.api.schema.add_links"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        # pypdf logs what it repairs in a broken file; a refused upload is the editor's error message, not the log's.
        "pypdf": {"level": "ERROR"},
        # Every failed admin login and every lockout (WARNING, with username and client IP), whatever the root level.
        "axes": {"level": "WARNING"},
    },
}
