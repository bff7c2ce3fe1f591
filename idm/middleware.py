"""Project-wide request guards."""

import logging

from django import db
from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext
from django.views import defaults

logger = logging.getLogger(__name__)


class AdminQueryNulMiddleware:
    """A NUL in an admin URL's query string, or in a header the login throttle records (User-Agent, Accept), is a
    400 Bad Request. The admin's list filters hand their values to the database as they come, and so does django-axes
    with those headers on a failed login; PostgreSQL refuses a NUL in a query (a 500 there; SQLite matches nothing).
    The public pages and the API clean their own parameters (a NUL matches nothing there), so only /admin/ is guarded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and (
            any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values)
            or any("\x00" in request.META.get(name, "") for name in RECORDED_HEADERS)
        ):
            return defaults.bad_request(request, ValueError("NUL in the query string or a recorded header"))
        return self.get_response(request)


RECORDED_HEADERS = ("HTTP_USER_AGENT", "HTTP_ACCEPT")


class DatabaseOutageMiddleware:
    """The database is unreachable: a 503 with `Retry-After` instead of a 500, as a page in the URL's language
    (templates/503.html, rendered without a query) or as JSON under /api/, and one log line saying what failed.

    `process_exception` catches what views raise. Django turns what a later middleware raises (e.g. a session
    saved in `process_response`) into a response before it gets here, so the 500 handler (idm.urls) asks
    `outage_response` too. Only `OperationalError` and `InterfaceError` count; every other error stays a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DATABASE_ERRORS as exc:  # only when exceptions propagate (DEBUG_PROPAGATE_EXCEPTIONS)
            return outage_response(request, exc)

    def process_exception(self, request, exception):
        return outage_response(request, exception)


DATABASE_ERRORS = (db.OperationalError, db.InterfaceError)


def outage_response(request, exception):
    """The 503 response for a database outage, or None when `exception` is something else."""
    if not isinstance(exception, DATABASE_ERRORS):
        return None
    logger.error(
        "Database unavailable: %s on database %r during %s %s: %s",
        type(exception).__name__,
        _database_alias(exception),
        request.method,
        request.path,
        exception,
    )
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        if request.path_info.startswith("/api/"):
            response = JsonResponse(
                {"detail": gettext("The service is temporarily unavailable. Please try again later.")}
            )
        else:
            context = {"request": request, "LANGUAGE_CODE": language, "LANGUAGE_BIDI": translation.get_language_bidi()}
            response = HttpResponse(loader.render_to_string("503.html", context))
    response.status_code = 503
    response["Retry-After"] = str(settings.DATABASE_OUTAGE_RETRY_AFTER)
    response._has_been_logged = True  # logged above: Django's request logger would log it again with a traceback
    return response


def _database_alias(exception) -> str:
    """The alias of the connection that failed, found in the traceback (the exception does not carry it)."""
    traceback = exception.__traceback__
    alias = "?"
    while traceback is not None:
        owner = traceback.tb_frame.f_locals.get("self")
        owner = getattr(owner, "db", owner)  # a CursorWrapper's connection
        if isinstance(owner, BaseDatabaseWrapper):
            alias = owner.alias
        traceback = traceback.tb_next
    return alias
