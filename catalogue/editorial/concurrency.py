"""Optimistic concurrency for staff forms: what a record looked like when its form was opened, and what to do
when someone else saved it in between.

A snapshot is plain JSON: {"fields": {name: value}, "rows": {prefix: {pk: {name: value}}}, "issued": iso time}
(translated fields per language, e.g. "title_fr"; inline rows by primary key). Three snapshots are compared:
*base* (when the form was opened), *current* (the database now) and *mine* (what was submitted; a row deleted
in the form is None). A field changed only by them keeps their value; changed only by you takes yours; changed by
both to different values is a conflict, and the save is refused.
"""

import copy
import datetime
import decimal
from dataclasses import dataclass, field

from django.core import signing
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone

SALT = "catalogue.editorial.concurrency"

Path = tuple[str, ...]  # (field,) on the record, (prefix, pk, field) on an inline row, (prefix, pk) a whole row


def plain(value):
    """A model or form value as comparable JSON: what a form shows and sends back compares equal to the database.

    Empty is "" whatever the field; text ignores surrounding space and line-ending style; times keep whole
    seconds (the admin's widgets drop microseconds) and datetimes compare in UTC; a related record is its key;
    several related records are their sorted keys.
    """
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, models.Model):
        return plain(value.pk)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return sorted((plain(item) for item in value), key=str)
    return str(value)


def sign(snapshot: dict, *, key: str) -> str:
    """The snapshot as a signed, compressed token for a hidden form field, valid only for the record `key`."""
    return signing.dumps(snapshot, salt=f"{SALT}:{key}", compress=True)


def unsign(token: str, *, key: str) -> dict | None:
    """The snapshot a token carries, or None if it was altered, signed with another key or is not a snapshot."""
    try:
        snapshot = signing.loads(token, salt=f"{SALT}:{key}")
    except signing.BadSignature:
        return None
    if not isinstance(snapshot, dict) or not isinstance(snapshot.get("fields"), dict):
        return None
    if not isinstance(snapshot.get("rows", {}), dict):
        return None
    return snapshot


def issued_at(snapshot: dict) -> datetime.datetime | None:
    """When the snapshot was taken (None if it does not say)."""
    try:
        return datetime.datetime.fromisoformat(snapshot["issued"])
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Conflict:
    path: Path
    theirs: object  # None: they deleted the row
    mine: object  # None: you deleted the row


@dataclass(frozen=True)
class Reconciliation:
    conflicts: list[Conflict] = field(default_factory=list)
    keep_theirs: list[Path] = field(default_factory=list)  # changed by them only: their value must stay
    deleted_by_them: list[Path] = field(default_factory=list)  # rows of the form that no longer exist
    changed_by_others: bool = False  # base and current differ at all

    @property
    def merged(self) -> bool:
        """Someone saved meanwhile and both sets of changes can be kept."""
        return self.changed_by_others and not self.conflicts


def _fields(base: dict, current: dict, mine: dict, prefix: Path) -> tuple[list[Conflict], list[Path], bool]:
    conflicts, keep_theirs, changed = [], [], False
    for name in base.keys() & current.keys():
        theirs_changed = current[name] != base[name]
        changed |= theirs_changed
        if name not in mine:  # not submitted, or invalid: nothing of yours to compare
            continue
        mine_changed = mine[name] != base[name]
        if theirs_changed and mine_changed and mine[name] != current[name]:
            conflicts.append(Conflict((*prefix, name), current[name], mine[name]))
        elif theirs_changed and not mine_changed:
            keep_theirs.append((*prefix, name))
    return sorted(conflicts, key=lambda c: c.path), sorted(keep_theirs), changed


def _rows(prefix: str, base: dict, current: dict, mine: dict) -> tuple[list[Conflict], list[Path], list[Path], bool]:
    conflicts, keep_theirs, deleted = [], [], []
    changed = base.keys() != current.keys()
    for pk in sorted(base.keys() & mine.keys(), key=str):
        base_row, mine_row = base[pk], mine[pk]
        if pk not in current:  # they deleted it
            deleted.append((prefix, pk))
            if mine_row is not None and _changed(base_row, mine_row):
                conflicts.append(Conflict((prefix, pk), None, mine_row))
        elif mine_row is None:  # you deleted it
            if _changed(base_row, current[pk]):
                conflicts.append(Conflict((prefix, pk), current[pk], None))
                changed = True
        else:
            row_conflicts, row_keep, row_changed = _fields(base_row, current[pk], mine_row, (prefix, pk))
            conflicts += row_conflicts
            keep_theirs += row_keep
            changed |= row_changed
    for pk in base.keys() & current.keys() - mine.keys():
        changed |= _changed(base[pk], current[pk])
    return conflicts, keep_theirs, deleted, changed


def _changed(before: dict, after: dict) -> bool:
    return any(before[name] != after[name] for name in before.keys() & after.keys())


def reconcile(base: dict, current: dict, mine: dict) -> Reconciliation:
    """Compare what the form was opened on (base), the database now (current) and what was submitted (mine)."""
    conflicts, keep_theirs, changed = _fields(base["fields"], current["fields"], mine["fields"], ())
    deleted = []
    base_rows, current_rows, mine_rows = base.get("rows", {}), current.get("rows", {}), mine.get("rows", {})
    for prefix in sorted(base_rows.keys() & current_rows.keys()):
        row_conflicts, row_keep, row_deleted, row_changed = _rows(
            prefix, base_rows[prefix], current_rows[prefix], mine_rows.get(prefix, {})
        )
        conflicts += row_conflicts
        keep_theirs += row_keep
        deleted += row_deleted
        changed |= row_changed
    return Reconciliation(
        conflicts=conflicts, keep_theirs=keep_theirs, deleted_by_them=deleted, changed_by_others=changed
    )


def unchanged(base_row: dict, mine_row: dict) -> bool:
    """Whether a row as submitted still has the values it was opened with (fields not submitted are ignored)."""
    return not _changed(base_row, {name: plain(value) for name, value in mine_row.items()})


def acknowledged(base: dict, current: dict, outcome: Reconciliation) -> dict:
    """The snapshot a refused form carries: the current state, except that fields only they changed keep the
    base value, so that saving the refused form again writes your values where you and they collided and keeps
    theirs everywhere else (the form still shows your stale value there). A further save by someone else differs
    from it, and is caught again."""
    result = copy.deepcopy(current)
    result["issued"] = base.get("issued", current.get("issued"))
    for path in outcome.keep_theirs:
        if len(path) == 1:
            result["fields"][path[0]] = base["fields"][path[0]]
        else:
            prefix, pk, name = path
            result["rows"][prefix][pk][name] = base["rows"][prefix][pk][name]
    return result


def snapshot(fields: dict, rows: dict[str, dict[str, dict | None]] | None = None, *, issued=None) -> dict:
    """A snapshot of plain values from model or form values: fields by name, rows by prefix and key."""
    return {
        "fields": {name: plain(value) for name, value in fields.items()},
        "rows": {
            prefix: {
                str(pk): None if row is None else {name: plain(value) for name, value in row.items()}
                for pk, row in prefix_rows.items()
            }
            for prefix, prefix_rows in (rows or {}).items()
        },
        "issued": (issued or timezone.now()).isoformat(),
    }
