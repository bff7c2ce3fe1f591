"""Settings for the test suite (pytest's DJANGO_SETTINGS_MODULE): the site's settings with test overrides."""

import os

TEST_SECRET_KEY = "django-insecure-test-suite-only-key"

# The site's settings refuse to load without a secret key unless DEBUG is on; tests run with DEBUG off.
os.environ.setdefault("DJANGO_SECRET_KEY", TEST_SECRET_KEY)

from idm.settings import *

SECRET_KEY = TEST_SECRET_KEY

# Tests run without collectstatic: plain storage, WhiteNoise serving from the finders, no STATIC_ROOT to scan.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Hashing passwords slowly protects stored passwords, not test users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A refused login is answered at once (catalogue/tests/test_login_throttle.py tests the delay).
LOGIN_LOCKOUT_DELAY = 0

# Tests change rows behind the models' back (update(), raw SQL) and read the pages again in the same content version:
# no page cache and no record fragments (their own tests turn them on), and browsers always revalidate.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", False)  # on for the servers of catalogue/tests/test_several_servers.py
FRAGMENT_CACHE = env_bool("DJANGO_FRAGMENT_CACHE", False)
PUBLIC_CACHE_MAX_AGE = 0
