"""loaddata that validates every record with full_clean() before saving it (catalogue/dataio/fixtures.py).

The first invalid record stops the load with the fixture file, the record and each field named;
loaddata runs in one transaction, so nothing is kept. Subclasses modeltranslation's loaddata
(itself Django's), keeping --populate.
"""

from django.core.management.base import CommandError
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import models, router
from modeltranslation.management.commands.loaddata import Command as TranslationLoadDataCommand

from catalogue.dataio.fixtures import (
    InvalidRecord,
    deferred_references,
    describe_deserialization_error,
    describe_unknown_references,
    identify,
    validate_record,
)
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
                raise CommandError(
                    describe_deserialization_error(error, self.fixture_file, self.record_number + 1, self.using)
                ) from None

    def save_obj(self, obj: DeserializedObject) -> bool:
        self.record_number += 1
        if self._will_save(obj.object):
            self._check_references(obj)
            try:
                validate_record(obj, using=self.using, fixture_file=self.fixture_file, record_number=self.record_number)
            except InvalidRecord as error:
                raise CommandError(str(error)) from error
        return super().save_obj(obj)

    def _check_references(self, obj: DeserializedObject) -> None:
        """Unknown natural keys named as the other record errors are, never as a traceback: a required one now
        (the row cannot be saved without it), the others when Django resolves them after the whole load (they
        may name a record further on)."""
        where = (self.fixture_file, self.record_number)
        references = deferred_references(obj, self.using, required_only=True)
        if references:
            identity = identify(obj.object)
            identity = f", {identity}" if identity.startswith("natural key") else ""
            raise CommandError(describe_unknown_references(obj.object._meta.label, identity, references, *where))
        if obj.deferred_fields:
            save_deferred_fields = obj.save_deferred_fields

            def checked(using=None):
                references = deferred_references(obj, using, required_only=False)
                if references:
                    label, identity = obj.object._meta.label, f", {identify(obj.object)}"
                    raise CommandError(describe_unknown_references(label, identity, references, *where))
                save_deferred_fields(using=using)

            obj.save_deferred_fields = checked

    def _will_save(self, instance: models.Model) -> bool:
        model = type(instance)
        return (
            instance._meta.app_config not in self.excluded_apps
            and model not in self.excluded_models
            and router.allow_migrate_model(self.using, model)
        )
