"""History with revert: every saved change to a record and its rows is a django-reversion version.

A record (publication, workshop, series, topic, speaker) is versioned with its rows: saving any of them stores
the whole record (reversion follows rows down to their children and up to their record). A snapshot is the
record and its rows as one version stored them, or as they are now; `diff` compares two snapshots field by field
and language by language; `revert` brings a record and its rows back to a version.
"""

import datetime
from dataclasses import dataclass, field

import reversion
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models, router, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from modeltranslation.translator import translator
from reversion.models import Version

from catalogue import search
from catalogue.i18n import language_name
from catalogue.models import (
    AgendaItem,
    AgendaParticipation,
    Edition,
    Publication,
    Series,
    SeriesIssn,
    Speaker,
    TocEntry,
    Topic,
    Workshop,
)

from . import ordering, textdiff
from .roles import PUBLISH_PERMISSIONS

RECORDS = (Publication, Workshop, Series, Topic, Speaker)
# The rows kept with a record (reverse relations, in display order) and the record or row each row belongs to.
CHILDREN: dict[type[models.Model], tuple[str, ...]] = {
    Publication: ("editions", "toc_entries"),
    Workshop: ("agenda_items",),
    AgendaItem: ("participations",),
    Series: ("issns",),
}
PARENT: dict[type[models.Model], str] = {
    Edition: "publication",
    TocEntry: "publication",
    AgendaItem: "workshop",
    AgendaParticipation: "agenda_item",
    SeriesIssn: "series",
}
# Revert keeps these as they are unless the user may publish: moving a record between states is the workflow's job.
WORKFLOW_FIELDS = ("status", "publish_date")

Key = tuple[type[models.Model], str]  # a model and an object id, as reversion stores them
Snapshot = dict[Key, dict]  # each row's field values; the record is the first key


def versioned_fields(model: type[models.Model]) -> list[str]:
    """The fields a version stores: every concrete field and many-to-many, each language of a translated field
    but not modeltranslation's language-dependent original (whose value is the active language's)."""
    originals = (
        set(translator.get_options_for_model(model).fields) if model in translator.get_registered_models() else set()
    )
    return [
        f.name
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.name not in originals
        and not f.primary_key
        and (not f.many_to_many or f.remote_field.through._meta.auto_created)
    ]


def register_models() -> None:
    """Register the records and their rows with django-reversion (from the admin, once modeltranslation is ready)."""
    for model in [*RECORDS, *PARENT]:
        if not reversion.is_registered(model):
            follow = CHILDREN.get(model, ()) + ((PARENT[model],) if model in PARENT else ())
            reversion.register(model, fields=versioned_fields(model), follow=follow)


def record_of(obj: models.Model) -> models.Model:
    """The record a row belongs to (a publication for its edition, a workshop for a participation)."""
    while type(obj) in PARENT:
        obj = getattr(obj, PARENT[type(obj)])
    return obj


def versions_of(obj: models.Model):
    """The versions of a record, newest first, with who made them."""
    return Version.objects.get_for_object(obj).select_related("revision__user").order_by("-pk")


def last_change(obj: models.Model) -> tuple[User | None, datetime.datetime] | None:
    """Who changed the record last and when, from its latest version; None when it has none."""
    version = versions_of(record_of(obj)).first()
    return (version.revision.user, version.revision.date_created) if version else None


def record_baseline(obj: models.Model, *, using: str | None = None) -> Version | None:
    """Keep the record's state as a first version if it has none (demo data, imports), so that the change about
    to be saved shows old → new. Returns that version (None when the record had one already)."""
    record = record_of(obj)
    if Version.objects.get_for_object(record).exists():
        return None
    with reversion.create_revision(using=using):
        reversion.set_comment(_("State before the first recorded change"))
        reversion.add_to_revision(record)
    return versions_of(record).first()


def may_revert(user, model: type[models.Model]) -> bool:
    """Reverting rewrites the whole record: only for users with full change permission (not translators)."""
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")


def may_change_state(user, model: type[models.Model]) -> bool:
    """Whether a revert by `user` also brings back the workflow state (status, publish date) of `model` records."""
    permission = PUBLISH_PERMISSIONS.get(model._meta.model_name)
    return permission is None or user.has_perm(permission)


# Snapshots -----------------------------------------------------------------------------------------------------


def _key(version: Version) -> Key:
    return version._model, version.object_id


def _tree(versions: list[Version], record: Key) -> Snapshot:
    """The record's version and those of its rows, found through their parent fields, in display order."""
    by_model: dict[type, list[Version]] = {}
    for version in versions:
        by_model.setdefault(version._model, []).append(version)
    snapshot: Snapshot = {}

    def walk(model, object_id):
        version = next((v for v in by_model.get(model, ()) if v.object_id == object_id), None)
        if version is None or (model, object_id) in snapshot:
            return
        snapshot[(model, object_id)] = version.field_dict
        for name in CHILDREN.get(model, ()):
            relation = model._meta.get_field(name)
            rows = [
                v
                for v in by_model.get(relation.related_model, ())
                if str(v.field_dict[relation.field.attname]) == object_id
            ]
            for row in sorted(rows, key=lambda v: (v.field_dict.get("position", 0), int(v.object_id))):
                walk(relation.related_model, row.object_id)

    walk(*record)
    return snapshot


def version_snapshot(version: Version) -> Snapshot:
    """The record of `version` and its rows as that version stored them."""
    versions = list(version.revision.version_set.all())
    return _tree(versions, _key(version))


def _prefetch_paths(model, prefix=""):
    for name in CHILDREN.get(model, ()):
        yield prefix + name
        yield from _prefetch_paths(model._meta.get_field(name).related_model, f"{prefix}{name}__")


def current_snapshot(record: models.Model) -> Snapshot:
    """The record and its rows as they are now, read the way a version reads them (so values compare equal)."""
    model = type(record)
    record = model._base_manager.prefetch_related(*_prefetch_paths(model)).get(pk=record.pk)
    versions = []

    def collect(obj):
        versions.append(
            Version(
                content_type=ContentType.objects.get_for_model(type(obj)),
                object_id=str(obj.pk),
                format="json",
                serialized_data=serializers.serialize("json", [obj], fields=versioned_fields(type(obj))),
            )
        )
        for name in CHILDREN.get(type(obj), ()):
            for row in getattr(obj, name).all():
                collect(row)

    collect(record)
    return _tree(versions, (model, str(record.pk)))


# Differences ---------------------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    old_parts: list[tuple[bool, str]] = field(default_factory=list)  # (changed, text): changed words are marked
    new_parts: list[tuple[bool, str]] = field(default_factory=list)


@dataclass
class RowChange:
    group: str  # "Table of contents"
    name: str  # "Table of contents entry 3"
    state: str  # added, removed, changed
    changes: list[FieldChange]

    @property
    def state_label(self) -> str:
        return {"added": _("added"), "removed": _("removed"), "changed": _("changed")}[self.state]


@dataclass
class Diff:
    fields: list[FieldChange]
    rows: list[RowChange]

    def __bool__(self):
        return bool(self.fields or self.rows)


def _label(model, name: str) -> str:
    model_field = model._meta.get_field(name)
    original = getattr(model_field, "translated_field", None)
    if original is not None:
        return f"{capfirst(original.verbose_name)} [{language_name(model_field.language)}]"
    return capfirst(model_field.verbose_name)


class _Labels:
    """How values read: choices by their label, related rows by name (one query per related model)."""

    def __init__(self, snapshots: list[Snapshot]):
        wanted: dict[type, set] = {}
        for snapshot in snapshots:
            for (model, _id), values in snapshot.items():
                for name, value in values.items():
                    if not _shown(model, name):
                        continue
                    related = model._meta.get_field(name).related_model
                    if related is not None and value not in (None, []):
                        wanted.setdefault(related, set()).update(value if isinstance(value, list) else [value])
        self.snapshots = snapshots
        self.names = {
            model: {pk: str(obj) for pk, obj in model._base_manager.in_bulk(pks).items()}
            for model, pks in wanted.items()
        }

    def related(self, model, pk) -> str:
        for snapshot in self.snapshots:  # a row of the record (a parent heading) may exist no more
            if (model, str(pk)) in snapshot:
                return self.row_name(model, snapshot[(model, str(pk))])
        return self.names.get(model, {}).get(pk, f"#{pk}")

    def value(self, model, name: str, value) -> str:
        model_field = model._meta.get_field(name)
        if value is None or value == "" or value == []:
            return ""
        if model_field.related_model is not None:
            values = value if isinstance(value, list) else [value]
            return ", ".join(sorted(self.related(model_field.related_model, pk) for pk in values))
        if model_field.flatchoices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, datetime.datetime):
            return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, datetime.date | datetime.time):
            return formats.localize(value)
        return str(value)

    def row_name(self, model, values: dict) -> str:
        verbose = capfirst(model._meta.verbose_name)
        if model is Edition:
            return f"{verbose} {language_name(values['language'])}, {self.value(model, 'format', values['format'])}"
        if model is SeriesIssn:
            return f"{verbose} {language_name(values['language'])}"
        if model is AgendaParticipation:
            item = self.related(AgendaItem, values["agenda_item_id"])
            who = self.related(Speaker, values["speaker_id"])
            return f"{item}: {who} ({self.value(model, 'role', values['role'])})"
        return f"{verbose} {values['position']}" if "position" in values else verbose


def _shown(model, name: str) -> bool:
    model_field = model._meta.get_field(name)
    return model_field.editable and model_field.name != PARENT.get(model)


def _changes(model, old: dict, new: dict, labels: _Labels, hide: tuple = ()) -> list[FieldChange]:
    changes = []
    for name in versioned_fields(model):
        if not _shown(model, name) or name in hide:
            continue
        attname = model._meta.get_field(name).attname
        before, after = old.get(attname), new.get(attname)
        if isinstance(before, list) or isinstance(after, list):
            before, after = sorted(before or []), sorted(after or [])
        if before == after or (before in (None, "") and after in (None, "")):
            continue
        old_text, new_text = labels.value(model, name, before), labels.value(model, name, after)
        if old_text == new_text:
            continue  # e.g. a time changed by less than the minute it is shown to
        changes.append(
            FieldChange(_label(model, name), old_text, new_text, *textdiff.changed_words(old_text, new_text))
        )
    return changes


def _places(snapshot: Snapshot) -> dict[Key, tuple]:
    """Each ordered row's (its model and what it belongs to, position)."""
    return {
        (model, pk): ((model, values[model._meta.get_field(PARENT[model]).attname]), values["position"])
        for (model, pk), values in snapshot.items()
        if model in PARENT and "position" in values
    }


def diff(old: Snapshot, new: Snapshot) -> Diff:
    """What changed from `old` to `new`: the record's fields, then its rows added, removed or changed (a position
    that only follows rows added or removed before it is no change: the row keeps its place)."""
    labels = _Labels([new, old])
    renumbered = ordering.renumbered(_places(old), _places(new))
    record, *_rows = new or old
    fields = _changes(record[0], old.get(record, {}), new.get(record, {}), labels)
    rows = []
    for key in [*new, *(key for key in old if key not in new)]:
        if key == record:
            continue
        model = key[0]
        state = "changed" if key in old and key in new else ("added" if key in new else "removed")
        hide = ("position",) if key in renumbered else ()
        changes = _changes(model, old.get(key, {}), new.get(key, {}), labels, hide)
        if changes:
            group = capfirst(model._meta.verbose_name_plural)
            rows.append(RowChange(group, labels.row_name(model, new.get(key) or old[key]), state, changes))
    return Diff(fields, rows)


def previous_version(version: Version) -> Version | None:
    """The record's version saved before `version`."""
    return Version.objects.get_for_object_reference(version._model, version.object_id).filter(pk__lt=version.pk).first()


# Revert --------------------------------------------------------------------------------------------------------


def revert(version: Version, *, user: User) -> models.Model:
    """Bring the record of `version` and its rows back to that version, as a new version of its own: rows added
    since are deleted, rows deleted since come back. The search documents follow (the index signals see each
    save and delete, written once at the end). The workflow state is kept unless `user` may publish."""
    model = version._model
    using = router.db_for_write(model)
    record = model._base_manager.using(using).get(pk=version.object_id)
    stored = list(version.revision.version_set.all())
    wanted = _tree(stored, _key(version))
    by_key = {_key(v): v for v in stored}
    with transaction.atomic(using=using), search.indexing_deferred(using), reversion.create_revision(using=using):
        author = version.revision.user
        saved = formats.date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
        reversion.set_user(user)
        if author is None:
            reversion.set_comment(_("Reverted to the version of %(date)s") % {"date": saved})
        else:
            reversion.set_comment(
                _("Reverted to the version of %(date)s by %(user)s") % {"date": saved, "user": author.get_username()}
            )
        # Rows first, all of them: rewriting in place could collide on unique positions (a swap).
        for key in [k for k in current_snapshot(record) if k[0] is not model][::-1]:
            key[0]._base_manager.using(using).filter(pk=key[1]).delete()
        for key in [*wanted][1:]:
            by_key[key].revert()
        restored = by_key[_key(version)]._object_version
        if not may_change_state(user, model):
            for name in WORKFLOW_FIELDS:
                setattr(restored.object, name, getattr(record, name))
        restored.save(using=using)
        reversion.add_to_revision(restored.object)
    return restored.object
