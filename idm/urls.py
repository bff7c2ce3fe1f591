"""Root URLs: language-prefixed public pages, the admin, and machine-facing endpoints."""

import re
import sys

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views import defaults

from catalogue.admin.translations import translation_dashboard
from catalogue.api.schema import SchemaView
from catalogue.api.views import not_found as api_not_found
from catalogue.public.media import media
from catalogue.public.views import server_error as public_server_error
from idm.middleware import outage_response

urlpatterns = [
    # Before the admin's own URLs, which would answer any other /admin/… path.
    path("admin/translations/", translation_dashboard, name="admin-translation-dashboard"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/", include("catalogue.api.urls")),
    path("", include("catalogue.interop.urls")),  # OAI-PMH, sitemap.xml, robots.txt
]

urlpatterns += i18n_patterns(
    path("", include("catalogue.public.urls")),
    prefix_default_language=True,
)


def page_not_found(request, exception):
    """Under /api/ a JSON 404 (no route matched, e.g. a slug with a NUL); elsewhere Django's page (templates/404.html)."""
    if request.path_info.startswith("/api/"):
        return api_not_found(request, exception)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """A database outage raised by a middleware is a 503 (idm.middleware); anything else the 500 page, which renders
    in the visitor's language without touching the database."""
    return outage_response(request, sys.exc_info()[1]) or public_server_error(request)


handler404 = page_not_found
handler500 = server_error

# Uploads, in production too, unless another origin serves them (DJANGO_MEDIA_URL is then an absolute URL).
if not settings.MEDIA_ORIGIN:
    urlpatterns.append(re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", media, name="media"))
