"""Fixture records validated like the admin validates a form, and errors that name file, record and field.

Django's loaddata saves raw rows, so a fixture could store what the admin would refuse (a workshop
ending before it starts, a session outside its workshop). The catalogue's `loaddata` command runs
each record through `validate_record()` before saving it.
"""

import json

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import models
from django.utils import timezone

from catalogue.identifiers import FieldValueError


class InvalidRecord(Exception):
    """A fixture record that full_clean() refuses; str() is the message for the operator."""


def validate_record(obj: DeserializedObject, *, using: str, fixture_file: str, record_number: int) -> None:
    """full_clean() a deserialized record as the admin would; raise InvalidRecord naming its fields."""
    instance = obj.object
    instance._state.db = using
    # A record found by its natural key updates that row: unique checks must not count it twice.
    if instance.pk is not None:
        instance._state.adding = not type(instance)._base_manager.using(using).filter(pk=instance.pk).exists()
    fill_timestamps(instance)
    # Forward references are resolved after the whole load; they cannot be checked yet.
    exclude = {field.name for field in obj.deferred_fields}
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidRecord(describe_invalid(instance, error, fixture_file, record_number)) from error


def fill_timestamps(instance: models.Model) -> None:
    """Set empty auto_now(_add) fields: raw saves skip them, and a fixture that leaves them out still loads."""
    now = timezone.now()
    for field in instance._meta.concrete_fields:
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if automatic and getattr(instance, field.attname) is None:
            setattr(instance, field.attname, now)


def describe_invalid(instance: models.Model, error: ValidationError, fixture_file: str, record_number: int) -> str:
    """The operator's message for an invalid record: file, record number, model, identity, then each field."""
    lines = [
        f"Problem installing fixture '{fixture_file}': record {record_number} "
        f"({instance._meta.label}, {identify(instance)}) is invalid:"
    ]
    for field, messages in error.message_dict.items():
        name = "(record)" if field == NON_FIELD_ERRORS else field
        lines.extend(f"  {name}: {message}" for message in messages)
    return "\n".join(lines)


def describe_deserialization_error(
    error: DeserializationError, fixture_file: str, record_number: int, using: str = "default"
) -> str:
    """The operator's message for a record that could not even be built: its number, model and field."""
    if isinstance(error.__context__, ObjectDoesNotExist):
        found = record_references(fixture_file, record_number, using)
        if found is not None:
            return describe_unknown_references(found[0], "", found[1], fixture_file, record_number)
    cause = error.__context__
    while cause is not None and not isinstance(cause, FieldValueError):
        cause = cause.__context__
    if cause is None:
        return str(error)  # Django's message already names the file
    return (
        f"Problem installing fixture '{fixture_file}': record {record_number} "
        f"({cause.model_label}) is invalid:\n  {cause.field_name}: {' '.join(cause.messages)}"
    )


def identify(instance: models.Model) -> str:
    """How an error names a record: its natural key when it has one, else its pk."""
    if hasattr(instance, "natural_key"):
        try:
            return f"natural key {instance.natural_key()!r}"
        except models.ObjectDoesNotExist:
            pass  # a related record it names is missing; fall back to the pk
    return f"pk={instance.pk!r}"


# Unknown references: a record naming, by natural key, a record that is neither in the database nor in the fixture.


def unknown_references(model: type[models.Model], fields: dict, using: str) -> list[tuple[str, str, list]]:
    """(field, model label, natural key) of each natural key in a record's `fields` that names no stored record."""
    found = []
    for name, value in fields.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.is_relation or not value:
            continue
        related = field.remote_field.model
        manager = related._default_manager.db_manager(using)
        if not hasattr(manager, "get_by_natural_key"):
            continue
        for key in value if field.many_to_many else [value]:
            if isinstance(key, list | tuple):
                try:
                    manager.get_by_natural_key(*key)
                except ObjectDoesNotExist:
                    found.append((field.name, related._meta.label, list(key)))
    return found


def describe_unknown_references(
    label: str, identity: str, references: list[tuple[str, str, list]], fixture_file: str, record_number: int
) -> str:
    """The operator's message for a record naming records that do not exist: each field and the key it gave."""
    lines = [f"Problem installing fixture '{fixture_file}': record {record_number} ({label}{identity}) is invalid:"]
    lines += [
        f"  {field}: no {related} has the natural key {json.dumps(key, ensure_ascii=False)}."
        for field, related, key in references
    ]
    return "\n".join(lines)


def deferred_references(obj: DeserializedObject, using: str, *, required_only: bool) -> list[tuple[str, str, list]]:
    """The unknown references among a deserialized record's deferred fields (those Django could not resolve
    yet); with `required_only`, only those the record cannot be saved without (a NOT NULL foreign key)."""
    fields = {
        field.name: value
        for field, value in obj.deferred_fields.items()
        if not required_only or (field.many_to_one and not field.null)
    }
    return unknown_references(type(obj.object), fields, using)


def record_references(fixture_file: str, record_number: int, using: str) -> tuple[str, list] | None:
    """The model label and unknown references of record `record_number` of a JSON fixture, read again from the
    file: for a record Django could not even build (its own natural key names a missing record)."""
    try:
        with open(fixture_file, encoding="utf-8") as handle:
            record = json.load(handle)[record_number - 1]
        model = apps.get_model(record["model"])
    except (OSError, ValueError, IndexError, KeyError, LookupError, TypeError):
        return None
    references = unknown_references(model, record.get("fields", {}), using)
    return (model._meta.label, references) if references else None
