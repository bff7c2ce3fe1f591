"""Series and topics."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from catalogue.models import Series, SeriesIssn, Topic

from .concurrency import ConcurrencyMixin
from .constraints import UniqueRowsFormSet
from .history import HistoryMixin
from .mixins import IdentifierSearchMixin, IndexOnceMixin
from .roles import TranslatorRulesMixin
from .translations import TARGET_SCRIPT, MissingTranslationFilter


class SeriesIssnInline(TranslatorRulesMixin, admin.TabularInline):
    model = SeriesIssn
    formset = UniqueRowsFormSet  # duplicate ISSNs typed differently are errors, not a database failure
    extra = 0


@admin.register(Series)
class SeriesAdmin(
    ConcurrencyMixin, HistoryMixin, TranslatorRulesMixin, IndexOnceMixin, IdentifierSearchMixin, TabbedTranslationAdmin
):
    list_display = ["name", "short_name", "slug", "issn_list"]
    list_filter = [MissingTranslationFilter]
    search_fields = ["name_en", "name_fr", "name_es", "short_name_en", "short_name_fr", "short_name_es", "issns__issn"]
    issn_search_paths = ("issns__issn",)
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [SeriesIssnInline]

    class Media:
        js = TARGET_SCRIPT  # links from the translation dashboard open the targeted field's language tab

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("issns")

    @admin.display(description=_("ISSNs"))
    def issn_list(self, obj):
        return ", ".join(f"{row.issn} ({row.language})" for row in obj.issns.all())


@admin.register(Topic)
class TopicAdmin(ConcurrencyMixin, HistoryMixin, TranslatorRulesMixin, IndexOnceMixin, TabbedTranslationAdmin):
    list_display = ["name", "parent", "slug"]
    list_select_related = ["parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter), MissingTranslationFilter]
    search_fields = ["name_en", "name_fr", "name_es", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ["parent"]

    class Media:
        js = TARGET_SCRIPT  # links from the translation dashboard open the targeted field's language tab
