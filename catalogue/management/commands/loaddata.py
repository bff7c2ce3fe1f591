"""loaddata that validates every record with full_clean() before saving it.

Django's loaddata saves raw rows, so a fixture could store what the admin
would refuse (a workshop ending before it starts, a session outside its
workshop). Here each record is validated like a form save would validate it;
the first invalid record stops the load with the fixture file, the record and
each field named. loaddata runs in one transaction, so nothing is kept.

Subclasses modeltranslation's loaddata (itself Django's), keeping --populate.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management.base import CommandError
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import models, router
from django.utils import timezone
from modeltranslation.management.commands.loaddata import Command as TranslationLoadDataCommand

from catalogue.identifiers import FieldValueError
from catalogue.search import indexing_deferred


class Command(TranslationLoadDataCommand):
    help = "Installs the named fixture(s) in the database, validating each record with full_clean() first."

    def loaddata(self, fixture_labels):
        # Each search document is rebuilt once after the load, not once per record that feeds it.
        with indexing_deferred(self.using):
            super().loaddata(fixture_labels)

    def load_label(self, fixture_label):
        # One file at a time, so that an error can name the file.
        for fixture_file, _fixture_dir, _fixture_name in self.find_fixtures(fixture_label):
            self.fixture_file = fixture_file
            self.record_number = 0
            try:
                super().load_label(fixture_file)
            except DeserializationError as error:
                raise CommandError(self._describe_deserialization_error(error)) from error

    def save_obj(self, obj: DeserializedObject) -> bool:
        self.record_number += 1
        if self._will_save(obj.object):
            self._validate(obj)
        return super().save_obj(obj)

    def _will_save(self, instance: models.Model) -> bool:
        model = type(instance)
        return (
            instance._meta.app_config not in self.excluded_apps
            and model not in self.excluded_models
            and router.allow_migrate_model(self.using, model)
        )

    def _validate(self, obj: DeserializedObject) -> None:
        instance = obj.object
        instance._state.db = self.using
        # A record found by its natural key updates that row: unique checks must not count it twice.
        if instance.pk is not None:
            instance._state.adding = not type(instance)._base_manager.using(self.using).filter(pk=instance.pk).exists()
        self._fill_timestamps(instance)
        # Forward references are resolved after the whole load; they cannot be checked yet.
        exclude = {field.name for field in obj.deferred_fields}
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            raise CommandError(self._describe(instance, error)) from error

    @staticmethod
    def _fill_timestamps(instance: models.Model) -> None:
        # Raw saves skip auto_now(_add); a fixture that leaves them out still loads.
        now = timezone.now()
        for field in instance._meta.concrete_fields:
            automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            if automatic and getattr(instance, field.attname) is None:
                setattr(instance, field.attname, now)

    def _describe(self, instance: models.Model, error: ValidationError) -> str:
        lines = [
            f"Problem installing fixture '{self.fixture_file}': record {self.record_number} "
            f"({instance._meta.label}, {self._identify(instance)}) is invalid:"
        ]
        for field, messages in error.message_dict.items():
            name = "(record)" if field == NON_FIELD_ERRORS else field
            lines.extend(f"  {name}: {message}" for message in messages)
        return "\n".join(lines)

    def _describe_deserialization_error(self, error: DeserializationError) -> str:
        # The record could not even be built: its number, model and field are all we know.
        cause = error.__context__
        while cause is not None and not isinstance(cause, FieldValueError):
            cause = cause.__context__
        if cause is None:
            return str(error)  # Django's message already names the file
        return (
            f"Problem installing fixture '{self.fixture_file}': record {self.record_number + 1} "
            f"({cause.model_label}) is invalid:\n  {cause.field_name}: {' '.join(cause.messages)}"
        )

    @staticmethod
    def _identify(instance: models.Model) -> str:
        if hasattr(instance, "natural_key"):
            try:
                return f"natural key {instance.natural_key()!r}"
            except models.ObjectDoesNotExist:
                pass  # a related record it names is missing; fall back to the pk
        return f"pk={instance.pk!r}"
