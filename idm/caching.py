"""HTTP caching of the public catalogue: conditional requests, Cache-Control and the anonymous page cache.

For a public route (catalogue/public/caching.py says which, and gives its validators):
- anonymous visitors get ETag and Last-Modified; If-None-Match / If-Modified-Since that match are answered 304
  before the view runs; `Cache-Control: public, max-age=PUBLIC_CACHE_MAX_AGE`;
- with PAGE_CACHE on, an anonymous GET answered 200 is kept whole in the cache (Django's default cache: local
  memory, or Redis shared by every server) under its validators (whose ETag holds the language) and the URL, and
  served from there until they change; older entries are never read again and expire. A page of many records is
  kept under the catalogue's content version, gone with any public change or when the day changes (lists show
  upcoming workshops); a record's own page (publication, workshop, their citations and calendars) under its
  record's times, gone when the record or any row it shows changes (models: content_changed_at), not when staff
  edit another record: with staff at work all day, the long tail of record pages stays kept;
  a response that sets a cookie (or would, like a CSRF token) is never kept;
- logged-in users (staff see previews of records that are not public) get `Cache-Control: private, no-store`,
  no validators, and never the page cache.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.deprecation import MiddlewareMixin
from django.utils.http import http_date

from catalogue.models import content_version
from catalogue.public import caching
from idm.middleware import DATABASE_ERRORS, outage_response

KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "ETag", "Last-Modified", "Link")


def page_key(request, validators: caching.Validators) -> str:
    """The page cache's key of this request's answer: its URL and its validators (whose ETag holds the language)."""
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(f"{validators.etag}|{url}".encode()).hexdigest()
    return f"page:{digest}"


class PublicCacheMiddleware(MiddlewareMixin):
    """Conditional requests, Cache-Control and the anonymous page cache of the public routes (see the module)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            return self._before_view(request)
        except DATABASE_ERRORS as exc:  # as the view's own queries would be: a 503 (idm/middleware.py)
            return outage_response(request, exc)

    def _before_view(self, request):
        request.public_cache = None
        if not caching.is_public_route(request.resolver_match):
            return None
        if request.user.is_authenticated:
            request.public_cache = "private"
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        request.public_cache = "public"
        match = request.resolver_match
        if caching.is_record_route(match):
            request.validators = caching.record_validators(match)  # None: not public (a 404, 410 or staff preview)
        else:
            request.validators = caching.catalogue_validators(caching.dated(content_version()))
        if request.validators is None:
            return None
        request.page_key = page_key(request, request.validators) if settings.PAGE_CACHE else None
        cached = cache.get(request.page_key) if request.page_key else None
        if cached is not None:
            request.page_key = None  # already kept
            return self._conditional(request, self._restore(cached), cached["etag"], cached["last_modified"])
        return self._conditional(request, None, request.validators.etag, request.validators.last_modified)

    def _conditional(self, request, response, etag, last_modified):
        not_modified = get_conditional_response(request, etag=etag, last_modified=int(last_modified.timestamp()))
        if not_modified is not None:
            self._mark(not_modified, etag, last_modified)
            return not_modified
        return response

    def process_response(self, request, response):
        state = getattr(request, "public_cache", None)
        if state == "private":
            patch_cache_control(response, private=True, no_store=True)
        if state != "public" or response.status_code != 200:
            return response
        validators = getattr(request, "validators", None)
        if validators is not None and not response.has_header("ETag"):
            self._mark(response, validators.etag, validators.last_modified)
            if getattr(request, "page_key", None) and self._keepable(request, response):
                cache.set(request.page_key, self._kept(response, validators), settings.PAGE_CACHE_TIMEOUT)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        return response

    @staticmethod
    def _mark(response, etag, last_modified):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified.timestamp())
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)

    @staticmethod
    def _keepable(request, response) -> bool:
        """A whole, cookie-free answer to a GET: nothing of this visitor's in it."""
        session = getattr(request, "session", None)
        return (
            request.method == "GET"
            and not isinstance(response, StreamingHttpResponse)
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not (session is not None and session.modified)
        )

    @staticmethod
    def _kept(response, validators) -> dict:
        return {
            "content": response.content,
            "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
            "etag": validators.etag,
            "last_modified": validators.last_modified,
        }

    @staticmethod
    def _restore(kept: dict) -> HttpResponse:
        response = HttpResponse(kept["content"])
        for name, value in kept["headers"].items():
            response[name] = value
        response.from_page_cache = True
        return response
