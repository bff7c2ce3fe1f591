"""Serializer fields that show every language at once: translated text and public page URLs."""

from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from catalogue.i18n import content_languages, interface_languages

# Components of the OpenAPI schema: one property per content language, built from the settings
# so that adding a language changes the API and its schema together.
TranslatedText = type(
    "TranslatedText",
    (serializers.Serializer,),
    {
        "__doc__": "A translated field in every content language; null where there is no translation.",
        **{language: serializers.CharField(allow_null=True) for language in content_languages()},
    },
)
LocalizedUrls = type(
    "LocalizedUrls",
    (serializers.Serializer,),
    {
        "__doc__": "The public page in each interface language.",
        **{language: serializers.URLField() for language in interface_languages()},
    },
)


@extend_schema_field(TranslatedText)
class TranslatedField(serializers.Field):
    """Every translation of a django-modeltranslation field: {"en": ..., "fr": ..., "es": ...}.

    Reads the per-language columns directly, so modeltranslation's fallbacks never fill a gap:
    an empty translation is null.
    """

    def __init__(self, field_name: str | None = None, **kwargs):
        self.translated_field_name = field_name
        super().__init__(source="*", read_only=True, **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.translated_field_name = self.translated_field_name or field_name

    def to_representation(self, instance):
        return {
            language: getattr(instance, build_localized_fieldname(self.translated_field_name, language)) or None
            for language in content_languages()
        }


@extend_schema_field(LocalizedUrls)
class PublicUrlField(serializers.Field):
    """Absolute URLs of an object's public page (`get_absolute_url`) in every interface language."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        request = self.context["request"]
        urls = {}
        for language in interface_languages():
            with translation.override(language):
                urls[language] = request.build_absolute_uri(instance.get_absolute_url())
        return urls
