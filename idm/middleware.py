"""Project-wide request guards."""

import logging
import re

from django import db
from django.conf import settings
from django.contrib.admin import helpers
from django.contrib.admin.options import TO_FIELD_VAR
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse, JsonResponse, QueryDict
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext
from django.views import defaults

logger = logging.getLogger(__name__)


class AdminRequestGuardMiddleware:
    """Admin requests that no admin page makes are a 400 Bad Request, not a server error:

    - a NUL in the query string: the admin's list filters hand their values to the database as they come, and
      PostgreSQL refuses a NUL in a query (a 500 there; SQLite matches nothing);
    - a query value over MAX_ADMIN_QUERY_VALUE characters: SQLite refuses a LIKE pattern over 50,000 bytes (an
      OperationalError, which would pass for an outage), and nobody types a search that long;
    - an action's selection (`_selected_action`) that is not row ids: Django's admin hands it to
      `filter(pk__in=…)`, which raises on a word (ValueError) or, on SQLite, on a number past 64 bits;
    - an empty `_to_field` (the field a pop-up returns): Django's admin skips its check of an empty name, then
      looks the field "" up (FieldDoesNotExist) on change, delete and list pages;
    - a NUL in the User-Agent or Accept header: django-axes records both with a failed login (PostgreSQL: a 500).

    The public pages and the API clean their own parameters, so only /admin/ is guarded."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            problem = _admin_request_problem(request)
            if problem:
                return defaults.bad_request(request, ValueError(problem))
        return self.get_response(request)


MAX_ADMIN_QUERY_VALUE = 10_000
RECORDED_HEADERS = ("HTTP_USER_AGENT", "HTTP_ACCEPT")  # what django-axes stores of a failed login's headers
_ROW_ID = re.compile(r"[0-9]{1,18}")  # every primary key of the project is an integer; 18 digits fit in 64 bits


def _admin_request_problem(request) -> str:
    """Why the admin cannot answer `request` (see AdminRequestGuardMiddleware), or ""."""
    for key, values in request.GET.lists():
        for text in (key, *values):
            if "\x00" in text:
                return "NUL in the query string"
            if len(text) > MAX_ADMIN_QUERY_VALUE:
                return "overlong query string value"
    posted = request.POST if request.method == "POST" else QueryDict()
    if not all(_ROW_ID.fullmatch(value) for value in posted.getlist(helpers.ACTION_CHECKBOX_NAME)):
        return "an action's selection that is not row ids"
    if "" in (request.GET.get(TO_FIELD_VAR), posted.get(TO_FIELD_VAR)):
        return "an empty _to_field"
    if any("\x00" in request.META.get(name, "") for name in RECORDED_HEADERS):
        return "NUL in a header the login throttle records"
    return ""


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
