"""Staff admin: every translated model edited in language tabs, related rows inline.

One module per aggregate, as in catalogue/models/; importing the package registers them all.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import import_runs, publication, taxonomy, users, workshop  # noqa: F401  (registers the model admins)
from .filters import EditionLanguageFilter

admin.site.site_header = _("IDM catalogue administration")
admin.site.site_title = _("IDM catalogue administration")

__all__ = ["EditionLanguageFilter"]
