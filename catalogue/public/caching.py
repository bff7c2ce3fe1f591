"""HTTP validators of the public surfaces: which routes are public, and their ETag and Last-Modified.

A record's own pages (a publication's page and citations, a workshop's page and calendars) change with its
content-changed time (models: any part of the record) or when it becomes public (a publication's page also when a
workshop it lists becomes public on its date); every other public page, feed,
sitemap, OAI-PMH response and API response with the catalogue's content version (models/version.py), which
moves on any public change, deletes included, and when a scheduled record's time comes. Computed before the
view runs (idm/caching.py answers 304 without rendering), in at most one small query.
"""

import dataclasses
import datetime
import hashlib

from django.urls import ResolverMatch
from django.utils import timezone, translation

from catalogue.models import Publication, Workshop, record_version
from catalogue.release import release

# Public routes outside the `catalogue` and `api` namespaces.
ROOT_ROUTES = {"oai", "sitemap", "sitemap-file", "robots"}  # not the API schema: it changes with the code only
PUBLIC_NAMESPACES = {"catalogue", "api"}


@dataclasses.dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime.datetime


def is_public_route(match: ResolverMatch | None) -> bool:
    """Whether the route serves the public catalogue (pages, feeds, sitemaps, OAI-PMH, API): never the admin."""
    if match is None:
        return False
    return bool(PUBLIC_NAMESPACES.intersection(match.namespaces)) or match.url_name in ROOT_ROUTES


def _etag(*parts) -> str:
    # The language is part of every tag: some responses (API, OAI) do not carry it in their URL. So is the release:
    # a deployment changes pages without changing the catalogue (release.py).
    text = "|".join(str(part) for part in (*parts, translation.get_language(), release()))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def dated(version: datetime.datetime) -> datetime.datetime:
    """`version`, or the start of today if later: pages of many records also change with the date, without any
    write (an upcoming workshop becomes a past one), so their validators and cached copies last a day at most."""
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return max(version, start_of_today)


def catalogue_validators(version: datetime.datetime) -> Validators:
    """The validators of a page showing many records: the catalogue's content version."""
    return Validators(_etag("catalogue", version.isoformat()), version)


# The routes of a record's own pages, and the record's model.
RECORD_ROUTES = {
    "catalogue:publication-detail": Publication,
    "catalogue:publication-citation": Publication,
    "catalogue:edition-citation": Publication,
    "catalogue:workshop-detail": Workshop,
    "catalogue:workshop-calendar": Workshop,
    "catalogue:agenda-item-calendar": Workshop,
}


def record_validators(match: ResolverMatch) -> Validators | None:
    """The validators of a record's own page, from the record's version (models.record_version); None for a route of
    many records, or a record that is not public (the view answers 404, 410 or a staff preview, without validators).
    """
    model = RECORD_ROUTES.get(match.view_name)
    if model is None:
        return None
    last_modified = record_version(model, match.kwargs["slug"])
    if last_modified is None:
        return None
    return Validators(_etag(match.view_name, *match.kwargs.values(), last_modified.isoformat()), last_modified)


def is_record_route(match: ResolverMatch) -> bool:
    return match.view_name in RECORD_ROUTES
