"""Publications with their editions and table of contents."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from catalogue.editorial import ordering
from catalogue.i18n import language_name
from catalogue.models import Edition, Publication, TocEntry

from .concurrency import ConcurrencyMixin
from .filters import DateHierarchyMixin, EditionLanguageFilter, RelatedInUseFilter
from .history import HistoryMixin
from .importing import ImportExportMixin
from .mixins import IdentifierSearchMixin, IndexOnceMixin
from .ordering import NestedInlineFormSet, OrderedInlineMixin, TocEntryInlineForm
from .roles import TranslatorRulesMixin
from .translations import TARGET_SCRIPT, MissingTranslationFilter
from .workflow import StateFilter, WorkflowAdminMixin


class EditionInline(TranslatorRulesMixin, OrderedInlineMixin, admin.StackedInline):
    model = Edition
    extra = 0
    # Typed URLs without a scheme are web addresses over HTTPS (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        ("language", "format", "order"),
        ("isbn", "issn", "pages", "date"),
        ("availability", "price", "currency"),
        ("file", "url", "text_state"),
    ]
    readonly_fields = ["text_state"]  # where search stands with the PDF's text (search/documents_text.py)

    def get_queryset(self, request):
        # Each row's heading names its publication and series.
        return super().get_queryset(request).select_related("publication__series")


class TocEntryInline(TranslatorRulesMixin, OrderedInlineMixin, TranslationTabularInline):
    model = TocEntry
    form = TocEntryInlineForm
    formset = NestedInlineFormSet  # each row's parent follows from the order and levels
    extra = 0
    fields = ["order", "level", "kind", "title", "page"]
    ordering = ["position"]


@admin.register(Publication)
class PublicationAdmin(
    ImportExportMixin,
    ConcurrencyMixin,
    HistoryMixin,
    WorkflowAdminMixin,
    TranslatorRulesMixin,
    IndexOnceMixin,
    IdentifierSearchMixin,
    DateHierarchyMixin,
    TabbedTranslationAdmin,
):
    list_display = ["number", "title", "series", "year", "state_badge", "publish_date", "languages"]
    list_display_links = ["number", "title"]
    list_filter = [
        "series",
        "year",
        StateFilter,
        EditionLanguageFilter,
        ("topics", RelatedInUseFilter),
        MissingTranslationFilter,
    ]
    search_fields = [
        "title_en",
        "title_fr",
        "title_es",
        "subtitle_en",
        "subtitle_fr",
        "subtitle_es",
        "reference_number",
        "slug",
        "=number",
    ]
    isbn_search_paths = ("editions__isbn",)
    actions = ["submit_for_review", "return_to_draft", "publish_now", "withdraw"]
    issn_search_paths = ("editions__issn", "series__issns__issn")
    autocomplete_fields = ["series", "topics"]
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "publish_date"
    # Newest first, read along the (year, number) index: the model's order (series by name, then number) sorts every
    # publication for the first page (~0.4 s at 100,000).
    ordering = ["-year", "-number"]
    list_select_related = ["series"]
    inlines = [EditionInline, TocEntryInline]
    fieldsets = [
        (None, {"fields": [("series", "number", "year"), "title", "subtitle", "slug", "summary"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    ("status", "publish_date"),
                    "original_language",
                    "topics",
                    ("publisher", "place"),
                    "corporate_author",
                    "reference_number",
                ]
            },
        ),
        (
            _("Attendance"),
            {"fields": [("participants_count", "participants_precision"), ("panelists_count", "panelists_precision")]},
        ),
        (_("Cover"), {"fields": ["cover_image", "cover_alt"]}),
    ]

    class Media:
        js = TARGET_SCRIPT  # links from the translation dashboard open the targeted field's language tab

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("editions")

    @admin.display(description=_("available in"))
    def languages(self, obj):
        return ", ".join(obj.available_languages)


@admin.register(Edition)
class EditionAdmin(
    ConcurrencyMixin, HistoryMixin, TranslatorRulesMixin, IndexOnceMixin, IdentifierSearchMixin, admin.ModelAdmin
):
    """All editions in one list, e.g. to find those still without an ISBN."""

    list_display = [
        "publication", "language_name", "format", "isbn_display", "pages", "date", "availability", "text_state",
    ]  # fmt: skip
    list_filter = [
        EditionLanguageFilter,
        "format",
        "availability",
        "text_state",
        ("publication__series", RelatedInUseFilter),
    ]
    search_fields = ["publication__title_en", "publication__title_fr", "publication__title_es", "isbn", "issn"]
    isbn_search_paths = ("isbn",)
    issn_search_paths = ("issn",)
    autocomplete_fields = ["publication"]
    list_select_related = ["publication__series"]
    # Each publication's editions together, the latest publications first, read along the publication's index: the
    # model's order (publications by series name and number) sorts every edition for the first page.
    ordering = ["-publication_id", "position", "language", "format"]
    formfield_overrides = EditionInline.formfield_overrides
    fields = ["publication", ("language", "format", "position"), *EditionInline.fields[1:]]
    readonly_fields = ["position", "text_state"]  # ordered on the publication's page; derived from the PDF

    def save_model(self, request, obj, form, change):
        if not change:
            obj.position = ordering.next_position(obj.publication.editions.all())
        super().save_model(request, obj, form, change)

    @admin.display(description=_("ISBN"), ordering="isbn")
    def isbn_display(self, obj):
        return obj.isbn_display

    @admin.display(description=_("language"), ordering="language")
    def language_name(self, obj):
        # Not the field itself: the admin would look its value up in the field's ~180 choices for every row.
        return language_name(obj.language)

    def view_on_site(self, obj):
        return obj.publication.get_absolute_url()
