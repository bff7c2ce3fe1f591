"""Root URLs: language-prefixed public pages, the admin, and machine-facing endpoints."""

import re
import sys

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views import defaults

from catalogue.admin.translations import translation_dashboard
from catalogue.api import views as api
from catalogue.api.schema import SchemaView
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


# Every error under /api/ is JSON (catalogue.api.views); elsewhere a page in the visitor's language.


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    return api.bad_request(request, exception) if is_api(request) else defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return api.permission_denied(request, exception)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    """No route matched (under /api/, e.g. a slug with a NUL), or a view raised Http404."""
    return api.not_found(request, exception) if is_api(request) else defaults.page_not_found(request, exception)


def server_error(request):
    """A database outage raised by a middleware is a 503 (idm.middleware); anything else a 500, whose page renders
    in the visitor's language without touching the database."""
    outage = outage_response(request, sys.exc_info()[1])
    if outage:
        return outage
    return api.server_error(request) if is_api(request) else public_server_error(request)


handler400 = bad_request
handler403 = permission_denied
handler404 = page_not_found
handler500 = server_error

# Uploads, in production too, unless another origin serves them (DJANGO_MEDIA_URL is then an absolute URL).
if not settings.MEDIA_ORIGIN:
    urlpatterns.append(re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", media, name="media"))
