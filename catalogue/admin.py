"""Staff admin: every translated model edited in language tabs, related rows inline."""

import contextlib

from django.contrib import admin
from django.db import models, router, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from . import search
from .i18n import language_name
from .identifiers import parse_identifier
from .models import (
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

admin.site.site_header = _("IDM catalogue administration")
admin.site.site_title = _("IDM catalogue administration")


def identifier_q(term: str, *, isbn_paths=(), issn_paths=()) -> Q | None:
    """A filter matching `term` as an ISBN or ISSN typed with or without hyphens."""
    identifier = parse_identifier(term)
    if identifier is None:
        return None
    conditions = Q()
    for path in {"isbn": isbn_paths, "issn": issn_paths}[identifier.scheme]:
        conditions |= Q(**{path: identifier.value})
    return conditions or None


class IndexOnceMixin:
    """A form saved with its inlines, a deletion or a bulk action re-indexes each search document once, in the
    same transaction as the save: if indexing fails, nothing of the save is kept."""

    def changeform_view(self, request, *args, **kwargs):
        with self._indexed_once(request):
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with self._indexed_once(request):
            return super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with self._indexed_once(request):
            return super().changelist_view(request, *args, **kwargs)

    def _indexed_once(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return contextlib.nullcontext()  # reads save nothing (and keep their pinned query counts)
        using = router.db_for_write(self.model)
        stack = contextlib.ExitStack()
        stack.enter_context(transaction.atomic(using=using))
        stack.enter_context(search.indexing_deferred(using))
        return stack


class IdentifierSearchMixin:
    """Admin search that also finds records by ISBN/ISSN, with or without hyphens."""

    isbn_search_paths: tuple[str, ...] = ()
    issn_search_paths: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        condition = identifier_q(search_term, isbn_paths=self.isbn_search_paths, issn_paths=self.issn_search_paths)
        if condition is not None:
            results |= queryset.filter(condition)
            may_have_duplicates = True
        return results, may_have_duplicates


class EditionLanguageFilter(admin.SimpleListFilter):
    """Languages that editions actually exist in (not the whole ISO 639-1 list)."""

    title = _("edition language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        codes = Edition.objects.order_by().values_list("language", flat=True).distinct()
        return sorted(((code, language_name(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if self.value() and queryset.model is Edition:
            return queryset.filter(language=self.value())
        if self.value():
            # A subquery, not a join: a publication with two editions in the language is listed once.
            return queryset.filter(pk__in=Edition.objects.filter(language=self.value()).values("publication"))
        return queryset


class SeriesIssnInline(admin.TabularInline):
    model = SeriesIssn
    extra = 0


@admin.register(Series)
class SeriesAdmin(IndexOnceMixin, IdentifierSearchMixin, TabbedTranslationAdmin):
    list_display = ["name", "short_name", "slug", "issn_list"]
    search_fields = ["name_en", "name_fr", "name_es", "short_name_en", "short_name_fr", "short_name_es", "issns__issn"]
    issn_search_paths = ("issns__issn",)
    prepopulated_fields = {"slug": ("name_en",)}
    inlines = [SeriesIssnInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("issns")

    @admin.display(description=_("ISSNs"))
    def issn_list(self, obj):
        return ", ".join(f"{row.issn} ({row.language})" for row in obj.issns.all())


@admin.register(Topic)
class TopicAdmin(IndexOnceMixin, TabbedTranslationAdmin):
    list_display = ["name", "parent", "slug"]
    list_select_related = ["parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name_en", "name_fr", "name_es", "slug"]
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ["parent"]


class EditionInline(admin.StackedInline):
    model = Edition
    extra = 0
    # Typed URLs without a scheme are web addresses over HTTPS (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [
        ("language", "format", "position"),
        ("isbn", "issn", "pages", "date"),
        ("availability", "price", "currency"),
        ("file", "url"),
    ]

    def get_queryset(self, request):
        # Each row's heading names its publication and series.
        return super().get_queryset(request).select_related("publication__series")


class TocEntryInline(TranslationTabularInline):
    model = TocEntry
    extra = 0
    fields = ["position", "parent", "kind", "title", "page"]
    ordering = ["position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name != "parent":
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        # Offer only headings of the publication being edited as parents.
        object_id = request.resolver_match.kwargs.get("object_id")
        kwargs["queryset"] = TocEntry.objects.filter(publication_id=object_id).order_by("position")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        field.label_from_instance = lambda entry: f"{entry.position}. {entry.title}"
        # Fixed choices are copied into every row; a queryset would be queried once per row.
        field.choices = list(field.choices)
        return field


@admin.register(Publication)
class PublicationAdmin(IndexOnceMixin, IdentifierSearchMixin, TabbedTranslationAdmin):
    list_display = ["number", "title", "series", "year", "status", "publish_date", "languages"]
    list_display_links = ["number", "title"]
    list_filter = ["series", "year", "status", EditionLanguageFilter, ("topics", admin.RelatedOnlyFieldListFilter)]
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
    issn_search_paths = ("editions__issn", "series__issns__issn")
    autocomplete_fields = ["series", "topics"]
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "publish_date"
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
                    "publisher",
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("editions")

    @admin.display(description=_("available in"))
    def languages(self, obj):
        return ", ".join(obj.available_languages)


@admin.register(Edition)
class EditionAdmin(IndexOnceMixin, IdentifierSearchMixin, admin.ModelAdmin):
    """All editions in one list, e.g. to find those still without an ISBN."""

    list_display = ["publication", "language", "format", "isbn_display", "pages", "date", "availability"]
    list_filter = [
        EditionLanguageFilter,
        "format",
        "availability",
        ("publication__series", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["publication__title_en", "publication__title_fr", "publication__title_es", "isbn", "issn"]
    isbn_search_paths = ("isbn",)
    issn_search_paths = ("issn",)
    autocomplete_fields = ["publication"]
    list_select_related = ["publication__series"]
    formfield_overrides = EditionInline.formfield_overrides
    fields = ["publication", *EditionInline.fields]

    @admin.display(description=_("ISBN"), ordering="isbn")
    def isbn_display(self, obj):
        return obj.isbn_display

    def view_on_site(self, obj):
        return obj.publication.get_absolute_url()


@admin.register(Speaker)
class SpeakerAdmin(IndexOnceMixin, TabbedTranslationAdmin):
    list_display = ["name", "position", "affiliation"]
    search_fields = [
        "name",
        "slug",
        "position_en",
        "position_fr",
        "position_es",
        "affiliation_en",
        "affiliation_fr",
        "affiliation_es",
    ]
    prepopulated_fields = {"slug": ("name",)}


class AgendaItemInline(TranslationStackedInline):
    model = AgendaItem
    extra = 0
    show_change_link = True
    fields = [("position", "kind"), ("date", "start_time", "end_time"), "title", "description"]


@admin.register(Workshop)
class WorkshopAdmin(IndexOnceMixin, TabbedTranslationAdmin):
    list_display = ["title", "city", "country", "start_date", "end_date", "publication"]
    list_filter = [
        ("country", CountryFilter),  # only the countries workshops took place in
        ("publication__series", admin.RelatedOnlyFieldListFilter),
        "start_date",
    ]
    search_fields = [
        "title_en",
        "title_fr",
        "title_es",
        "city_en",
        "city_fr",
        "city_es",
        "venue_en",
        "venue_fr",
        "venue_es",
        "slug",
    ]
    autocomplete_fields = ["publication"]
    prepopulated_fields = {"slug": ("title_en",)}
    date_hierarchy = "start_date"
    list_select_related = ["publication__series"]
    inlines = [AgendaItemInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "publication"]}),
        (_("Place and time"), {"fields": [("city", "country"), "venue", ("start_date", "end_date", "time_zone")]}),
        (_("Attendance"), {"fields": [("participants_count", "panelists_count")]}),
    ]


class AgendaParticipationInline(admin.TabularInline):
    model = AgendaParticipation
    extra = 0
    verbose_name = _("person")  # "Add another person", not "Add another Participation"
    verbose_name_plural = _("people")
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")


@admin.register(AgendaItem)
class AgendaItemAdmin(IndexOnceMixin, TabbedTranslationAdmin):
    list_display = ["title", "workshop", "date", "start_time", "end_time", "kind"]
    list_filter = ["kind", ("workshop", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title_en", "title_fr", "title_es", "speakers__name"]
    autocomplete_fields = ["workshop"]
    list_select_related = ["workshop"]
    inlines = [AgendaParticipationInline]
    fields = ["workshop", ("position", "kind"), ("date", "start_time", "end_time"), "title", "description"]

    def view_on_site(self, obj):
        return obj.workshop.get_absolute_url()
