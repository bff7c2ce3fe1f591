"""pytest plugin loaded before Django's settings (see pyproject's addopts): marks the test process."""

import os

os.environ.setdefault("DJANGO_TESTING", "1")
