"""Login throttling with django-axes (settings: AXES_* in idm/settings.py).

- `client_ip`: the address failures are counted against: REMOTE_ADDR, or behind a trusted proxy
  (DJANGO_TRUSTED_PROXY) the last address of X-Forwarded-For, the one that proxy saw.
- `ThrottleHandler`: axes' database handler with two limits: AXES_FAILURE_LIMIT failures of one username from
  one address, or AXES_IP_FAILURE_LIMIT failures from one address whatever the usernames.
- `lockout_response`: the 429 page in the visitor's language, saying when to try again and whom to ask,
  held back LOGIN_LOCKOUT_DELAY seconds (see `hold_back`).
"""

import ipaddress
import logging
import math
import threading
import time

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_noop

logger = logging.getLogger("axes.lockout")
_held_back = threading.BoundedSemaphore(settings.LOGIN_LOCKOUT_DELAY_THREADS)


def client_ip(request) -> str | None:
    """The client's address; X-Forwarded-For is read only behind a proxy that sets it (DJANGO_TRUSTED_PROXY).

    The proxy appends the address it saw to whatever the client sent, so its last entry is the one to trust;
    anything that is not an IP address falls back to REMOTE_ADDR."""
    if settings.TRUSTED_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR")


class ThrottleHandler(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS lists [username, ip_address] and ip_address; axes compares the failures of each
    with one limit. Here the address alone has its own, higher limit: reaching it counts as reaching the limit."""

    def get_failures(self, request, credentials=None) -> int:
        failures = []
        for parameters, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials), strict=True
        ):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameters == "ip_address":
                count = settings.AXES_FAILURE_LIMIT if count >= settings.AXES_IP_FAILURE_LIMIT else 0
            failures.append(count)
        return max(failures)


def hold_back() -> None:
    """Wait LOGIN_LOCKOUT_DELAY seconds before answering a refused login, in at most LOGIN_LOCKOUT_DELAY_THREADS
    threads of this process at once (the others answer at once), so that the threads left serve everyone else.

    Refused logins cost no password hash, but a client retrying as fast as it is answered still takes a share of
    the CPU with every request; waiting costs none, and slows such a client to one attempt per delay."""
    if settings.LOGIN_LOCKOUT_DELAY > 0 and _held_back.acquire(blocking=False):
        try:
            time.sleep(settings.LOGIN_LOCKOUT_DELAY)
        finally:
            _held_back.release()


def lockout_response(request, original_response=None, credentials=None):
    """The page of a refused login (templates/admin/locked_out.html), 429 with Retry-After."""
    cool_off = get_cool_off(request)
    last_failure = AccessAttempt.objects.filter(ip_address=request.axes_ip_address).aggregate(last=Max("attempt_time"))[
        "last"
    ]
    seconds = (last_failure or timezone.now()) + cool_off - timezone.now()
    minutes = max(1, math.ceil(seconds.total_seconds() / 60))
    context = {**admin.site.each_context(request), "minutes": minutes}
    response = render(request, "admin/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(minutes * 60)
    logger.warning(
        'AXES: Login refused during a lockout: username "%s", ip_address "%s", %d minutes left.',
        (credentials or {}).get("username", request.POST.get("username", "")),
        request.axes_ip_address,
        minutes,
    )
    response._has_been_logged = True  # logged above: no second "Too Many Requests" line from django.request
    hold_back()
    return response


# django-axes ships no Spanish catalogue and a French one without its newer labels. Its admin's labels are listed
# here so that makemessages keeps them in locale/, whose catalogues come before the apps' own.
AXES_ADMIN_LABELS = (
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Attempt Time"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
)
