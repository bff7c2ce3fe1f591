"""Which fields django-modeltranslation translates (en, fr, es)."""

from modeltranslation.translator import TranslationOptions, register

from .models import AgendaItem, Publication, Series, Speaker, TocEntry, Topic, Workshop


@register(Topic)
class TopicTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(Series)
class SeriesTranslationOptions(TranslationOptions):
    fields = ("name", "short_name", "description")
    required_languages = ("en",)


@register(Publication)
class PublicationTranslationOptions(TranslationOptions):
    fields = ("title", "subtitle", "summary", "publisher", "corporate_author", "place", "cover_alt")
    required_languages = {"en": ("title",)}


@register(TocEntry)
class TocEntryTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(Speaker)
class SpeakerTranslationOptions(TranslationOptions):
    fields = ("position", "affiliation")


@register(Workshop)
class WorkshopTranslationOptions(TranslationOptions):
    fields = ("title", "description", "city", "venue")
    required_languages = {"en": ("title", "city")}


@register(AgendaItem)
class AgendaItemTranslationOptions(TranslationOptions):
    fields = ("title", "description")
