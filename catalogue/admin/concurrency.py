"""Optimistic concurrency on every change form: nobody silently overwrites a save made after they opened the form.

The form carries a signed snapshot of the record as it was shown (its fields per language and its inline rows).
On save, the snapshot, the database (locked for the save on PostgreSQL) and the submitted values are compared by
catalogue/editorial/concurrency.py: changes to different fields are merged and the merge is announced; a field
changed by both is refused, the form shown again with the input kept, a message naming who saved and when, and
their values beside yours. The refused form carries the new state, so saving it again writes your values, while
a further save by someone else is caught again.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Model
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from catalogue.editorial import concurrency

TOKEN_FIELD = "_concurrency_snapshot"
_REFUSAL = "_catalogue_concurrency_refusal"  # request attribute: why the save was refused
_DROPPED = "_catalogue_concurrency_dropped"  # request attribute: rows deleted by others were dropped once


@dataclass
class ConflictReport:
    """What a refused form shows: a message, and rows of (field, their value, your value)."""

    message: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)
    in_form_errors: bool = True  # the message is the form's own error (else the template shows it)
    token: str | None = None  # what the refused form carries (None: the current state)


class _DropRows(Exception):
    """Rows someone else deleted, untouched in this form: submit it again with them marked for deletion."""

    def __init__(self, data):
        super().__init__()
        self.data = data


class _Refused(Exception):
    def __init__(self, report: ConflictReport):
        super().__init__(report.message)
        self.report = report


class ConcurrencyMixin:
    """Add first to a ModelAdmin's bases: change forms are checked against saves made since they were opened."""

    def get_object(self, request, object_id, from_field=None):
        if request.method == "POST":
            self._lock(object_id, from_field)
        return super().get_object(request, object_id, from_field)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:  # the save was rolled back: show the form again, refused, input kept
            setattr(request, _REFUSAL, refused.report)
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _DropRows as drop:  # nothing was saved: the form failed only on rows deleted meanwhile
            request.POST = drop.data
            setattr(request, _DROPPED, True)
            return self.changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        report = getattr(request, _REFUSAL, None)
        if report is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                self.add_error(None, report.message)
                return cleaned_data

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm

    def save_related(self, request, form, formsets, change):
        if change:
            self._reconcile(request, form, formsets)
        super().save_related(request, form, formsets, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and not add and obj is not None:
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            refusal = getattr(request, _REFUSAL, None)
            submitted = request.POST.get(TOKEN_FIELD) if request.method == "POST" else None
            if submitted and refusal is None:
                # Sent back for another reason: still compare with what the form was first opened on.
                context["concurrency_token"] = submitted
                refusal = self._deleted_rows(request, submitted, obj, context["adminform"].form, formsets)
            elif refusal is not None and refusal.token:
                context["concurrency_token"] = refusal.token
            else:
                snapshot = _snapshot(context["adminform"].form, formsets)
                context["concurrency_token"] = concurrency.sign(snapshot, key=_key(obj))
            context["concurrency_report"] = refusal
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _deleted_rows(self, request, token, obj, form, formsets) -> ConflictReport | None:
        """Rows the form still has that someone deleted since it was opened (the formset refuses them). If you
        did not change them and nothing else is wrong, the form is taken again with them deleted; otherwise the
        refusal says what happened."""
        base = concurrency.unsign(token, key=_key(obj))
        if base is None:
            return None
        gone = {
            (prefix, key): row_form
            for (prefix, key), (_index, _formset, row_form) in _row_forms(formsets).items()
            if key in base["rows"].get(prefix, {}) and row_form.instance.pk is None
        }
        if not gone:
            return None
        untouched = all(
            concurrency.unchanged(base["rows"][prefix][key], _submitted_row(_formset_of(formsets, prefix), row_form))
            for (prefix, key), row_form in gone.items()
        )
        if untouched and not getattr(request, _DROPPED, False) and _fails_only_on(form, formsets, gone.values()):
            data = request.POST.copy()
            for row_form in gone.values():
                data[row_form.add_prefix(DELETION_FIELD_NAME)] = "on"
            raise _DropRows(data)
        labels = _Labels(None, formsets)
        message = _(
            "%(changes)s deleted rows that your form still has. Tick “Delete” on them to accept, or add them "
            "again as new rows."
        ) % {"changes": _changes_since(obj, concurrency.issued_at(base), opening=True)}
        rows = [
            (
                labels.label(path),
                pgettext("conflict report", "deleted"),
                pgettext("conflict report", "kept in your form"),
            )
            for path in gone
        ]
        return ConflictReport(message, rows, in_form_errors=False)

    def _lock(self, object_id, from_field) -> None:
        """Serialise saves of one record (PostgreSQL): the second waits, then reads what the first saved."""
        using = router.db_for_write(self.model)
        if transaction.get_autocommit(using):
            return
        key_field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        try:
            key = key_field.to_python(object_id)
        except ValidationError:
            return
        list(self.model._base_manager.using(using).select_for_update().filter(**{key_field.name: key}).values("pk"))

    def _reconcile(self, request, form, formsets) -> None:
        token = request.POST.get(TOKEN_FIELD)
        if token is None:
            return  # a hand-made POST: the admin's own forms always carry the snapshot
        base = concurrency.unsign(token, key=_key(form.instance))
        if base is None:
            raise _Refused(ConflictReport(_invalid_snapshot_message()))
        current = _snapshot(form, formsets)
        outcome = concurrency.reconcile(base, current, _mine(form, formsets))
        if not outcome.changed_by_others:
            return
        labels = _Labels(form, formsets)
        if outcome.conflicts:
            message = _(
                "%(changes)s saved this record after you opened it, and changed some of the fields you changed. "
                "Nothing was saved. Their values are shown beside yours below and the form keeps your input: "
                "check it, then save again to keep what the form shows."
            ) % {"changes": _changes_since(form.instance, concurrency.issued_at(base), opening=True)}
            rows = [labels.conflict_row(conflict) for conflict in outcome.conflicts]
            token = concurrency.sign(concurrency.acknowledged(base, current, outcome), key=_key(form.instance))
            raise _Refused(ConflictReport(message, rows, token=token))
        _keep_theirs(form, formsets, outcome.keep_theirs)
        changes = _changes_since(form.instance, concurrency.issued_at(base))
        kept = ", ".join(labels.label(path) for path in outcome.keep_theirs)
        message = _("Merged with the changes %(changes)s saved after you opened this form.") % {"changes": changes}
        if kept:
            message += " " + _("Kept from their version: %(fields)s.") % {"fields": kept}
        if outcome.deleted_by_them:
            deleted = ", ".join(labels.label(path) for path in outcome.deleted_by_them)
            message += " " + _("Rows they deleted: %(rows)s.") % {"rows": deleted}
        self.message_user(request, message, messages.WARNING)


def _key(obj: Model) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}"


def _invalid_snapshot_message() -> str:
    return _(
        "This form's record of the version you opened could not be read (it was altered, or belongs to another "
        "record). Nothing was saved. The form keeps your input and now refers to the current record: check your "
        "values against it, then save again."
    )


def _record_fields(form, exclude: tuple[str, ...] = ()) -> list[str]:
    """The form's fields that are fields of its model (translated ones per language, e.g. title_fr)."""
    model_fields = {
        model_field.name
        for model_field in form._meta.model._meta.get_fields()
        if getattr(model_field, "editable", False) and not getattr(model_field, "primary_key", False)
    }
    return [name for name in form.fields if name in model_fields and name not in exclude]


def _row_fields(formset, form) -> list[str]:
    fk = getattr(formset, "fk", None)
    return _record_fields(form, exclude=(fk.name,) if fk else ())


def _submitted_key(formset, form) -> str:
    """The key of the row this form was opened on, even if that row no longer exists."""
    return str(form[formset.model._meta.pk.name].data or "")


def _snapshot(form, formsets) -> dict:
    """The record as the form was built from it: its initial values (read from the database by this request)."""
    rows = {
        formset.prefix: {
            row_form.instance.pk: {name: row_form.initial[name] for name in _row_fields(formset, row_form)}
            for row_form in formset.initial_forms
            if row_form.instance.pk is not None
        }
        for formset in formsets
    }
    return concurrency.snapshot({name: form.initial[name] for name in _record_fields(form)}, rows)


def _mine(form, formsets) -> dict:
    """What was submitted: the cleaned values, rows by the key they were opened on (None: deleted)."""
    rows = {}
    for formset in formsets:
        prefix_rows = {}
        for row_form in formset.initial_forms:
            key = _submitted_key(formset, row_form)
            if not key:
                continue
            cleaned = getattr(row_form, "cleaned_data", {})
            if formset.can_delete and cleaned.get(DELETION_FIELD_NAME):
                prefix_rows[key] = None
            else:
                prefix_rows[key] = _submitted_row(formset, row_form)
        rows[formset.prefix] = prefix_rows
    fields = {name: form.cleaned_data[name] for name in _record_fields(form) if name in form.cleaned_data}
    return concurrency.snapshot(fields, rows)


def _row_forms(formsets) -> dict[tuple[str, str], tuple[int, object, object]]:
    """(prefix, key) → (position in the form, formset, row form) for the rows the form was opened with."""
    return {
        (formset.prefix, _submitted_key(formset, row_form)): (index, formset, row_form)
        for formset in formsets
        for index, row_form in enumerate(formset.initial_forms)
    }


def _keep_theirs(form, formsets, paths) -> None:
    """Put back the values saved by someone else in fields this form did not change."""
    rows = _row_forms(formsets)
    record_attnames = []
    for path in paths:
        target = form if len(path) == 1 else rows[path[:2]][2]
        model_field = target.instance._meta.get_field(path[-1])
        value = target.initial[path[-1]]
        if model_field.many_to_many:
            target.cleaned_data[path[-1]] = value  # save_m2m sets it
            continue
        setattr(target.instance, model_field.attname, value)
        if target is form:
            record_attnames.append(model_field.attname)
    if record_attnames:  # the record itself was saved already (save_model); its rows are saved after this
        form.instance.save(update_fields=record_attnames)


def _changes_since(obj: Model, since: datetime.datetime | None, *, opening: bool = False) -> str:
    """Who saved the record after `since` and when, from the admin's log: "bob at 3 Dec 2026, 12:05" (someone
    else if the log does not say: a change made outside the admin; capitalised to open a sentence)."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).select_related("user")
    if since is not None:
        entries = entries.filter(action_time__gt=since)
    latest = {}
    for entry in entries.order_by("action_time"):
        latest[entry.user_id] = entry
    if not latest:
        return _("Someone else") if opening else _("someone else")
    return ", ".join(
        _("%(user)s at %(time)s")
        % {
            "user": entry.user.get_full_name() or entry.user.get_username(),
            "time": formats.date_format(timezone.localtime(entry.action_time), "DATETIME_FORMAT"),
        }
        for entry in sorted(latest.values(), key=lambda entry: entry.action_time)
    )


def _formset_of(formsets, prefix: str):
    return next(formset for formset in formsets if formset.prefix == prefix)


def _submitted_row(formset, row_form) -> dict:
    cleaned = getattr(row_form, "cleaned_data", {})
    return {name: cleaned[name] for name in _row_fields(formset, row_form) if name in cleaned}


def _fails_only_on(form, formsets, gone_forms) -> bool:
    """Whether the only errors are the unknown keys of rows deleted meanwhile, and those rows may be deleted."""
    gone_forms = list(gone_forms)
    if form.errors:
        return False
    for formset in formsets:
        if formset.non_form_errors():
            return False
        for row_form in formset.forms:
            if row_form in gone_forms:
                if not formset.can_delete or set(row_form.errors) - {formset.model._meta.pk.name}:
                    return False
            elif row_form.errors:
                return False
    return True


class _Labels:
    """Names of fields and rows as staff see them: "title [fr]", "Table of contents entry 2: title [fr]"."""

    def __init__(self, form, formsets):
        self.form = form
        self.rows = _row_forms(formsets)

    def label(self, path) -> str:
        if len(path) == 1:
            return str(capfirst(self.form.fields[path[0]].label or path[0]))
        index, formset, row_form = self.rows[tuple(path[:2])]
        row = f"{capfirst(formset.model._meta.verbose_name)} {index + 1}"
        if len(path) == 2:
            return row
        return f"{row}: {row_form.fields[path[2]].label or path[2]}"

    def conflict_row(self, conflict: concurrency.Conflict) -> tuple[str, str, str]:
        path = conflict.path
        if len(path) == 2:
            theirs = (
                pgettext("conflict report", "deleted")
                if conflict.theirs is None
                else pgettext("conflict report", "changed")
            )
            mine = (
                pgettext("conflict report", "deleted")
                if conflict.mine is None
                else pgettext("conflict report", "changed")
            )
            return self.label(path), theirs, mine
        target = self.form if len(path) == 1 else self.rows[tuple(path[:2])][2]
        model_field = target.instance._meta.get_field(path[-1])
        return (
            self.label(path),
            display(model_field, target.initial[path[-1]]),
            display(model_field, target.cleaned_data.get(path[-1])),
        )


def display(model_field, value) -> str:
    """A model or form value as staff read it: choice labels, related records by name, local times."""
    if value is None or value == "" or (model_field.many_to_many and not list(value)):
        return pgettext("conflict report", "(empty)")
    if model_field.is_relation:
        related = model_field.related_model._base_manager
        values = list(value) if model_field.many_to_many else [value]
        keys = [item.pk if isinstance(item, Model) else item for item in values]
        names = {item.pk: str(item) for item in related.filter(pk__in=keys)}
        return ", ".join(names.get(key, str(key)) for key in keys)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(concurrency.plain(value), value))
    if isinstance(value, bool):
        return pgettext("conflict report", "yes") if value else pgettext("conflict report", "no")
    if isinstance(value, datetime.datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    return str(formats.localize(value))
