"""Record fragments: the part of a public output that one publication makes (its API item, its OAI-PMH record, its
Atom feed entry), kept in the cache per record, so that a page of many records that is not in the page cache (any
public change empties that: idm/caching.py) is put together from its records' kept fragments, rendering and reading
the related rows of only the records that changed.

A fragment is kept under its kind, the record's id and version (fragment_version()), the release
(release.py), the active language and whatever else the caller names in `context` (the site's scheme and host for
absolute URLs, a metadata format): when any of them moves, the fragment is made again; the old one is never read
and expires. Only public outputs use them, and only for records that are public: a draft never reaches a list.
"""

import hashlib
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from .release import release

# A publication's version: the annotation that with_fragment_version() adds, and the record's own fields.
VERSION_FIELDS = ("status", "content_changed_at", "publish_date", "workshops_published_at")


def fragment_version(record) -> str:
    """What a record's fragments change with: its status and content-changed time (moved by any change of a row
    its record shows: models, search/index.py's index_affected()), its publish date, and, for a publication read
    with Publication.objects.with_fragment_version(), when the last workshop it lists became public (on its date,
    without any write)."""
    return "|".join(str(getattr(record, name, None)) for name in VERSION_FIELDS)


def fragment_key(kind: str, record, context: Sequence = ()) -> str:
    text = "|".join(
        str(part)
        for part in (kind, release(), translation.get_language(), *context, record.pk, fragment_version(record))
    )
    return f"fragment:{kind}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def kept_fragments(kind: str, records: Sequence, render: Callable[[list], list], *, context: Sequence = ()) -> list:
    """The fragments of `records`, in their order: those kept in the cache read in one call, the others made by
    `render` (given the records missing, in order; it returns their fragments, in the same order) and kept.

    With FRAGMENT_CACHE off, `render` makes them all."""
    records = list(records)
    if not settings.FRAGMENT_CACHE or not records:
        return list(render(records))
    keys = [fragment_key(kind, record, context) for record in records]
    found = cache.get_many(keys)
    missing = [index for index, key in enumerate(keys) if key not in found]
    if missing:
        made = dict(zip((keys[index] for index in missing), render([records[index] for index in missing]), strict=True))
        cache.set_many(made, settings.FRAGMENT_CACHE_TIMEOUT)
        found.update(made)
    return [found[key] for key in keys]
