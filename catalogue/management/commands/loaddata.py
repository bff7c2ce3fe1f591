"""loaddata that validates every record with full_clean() before saving it (catalogue/dataio/fixtures.py).

The first invalid record stops the load with the fixture file, the record and each field named;
loaddata runs in one transaction, so nothing is kept. Subclasses modeltranslation's loaddata
(itself Django's), keeping --populate.
"""

from django.core.management.base import CommandError
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import models, router
from modeltranslation.management.commands.loaddata import Command as TranslationLoadDataCommand

from catalogue.dataio.fixtures import InvalidRecord, describe_deserialization_error, validate_record
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
                    describe_deserialization_error(error, self.fixture_file, self.record_number + 1)
                ) from error

    def save_obj(self, obj: DeserializedObject) -> bool:
        self.record_number += 1
        if self._will_save(obj.object):
            try:
                validate_record(obj, using=self.using, fixture_file=self.fixture_file, record_number=self.record_number)
            except InvalidRecord as error:
                raise CommandError(str(error)) from error
        return super().save_obj(obj)

    def _will_save(self, instance: models.Model) -> bool:
        model = type(instance)
        return (
            instance._meta.app_config not in self.excluded_apps
            and model not in self.excluded_models
            and router.allow_migrate_model(self.using, model)
        )
