"""Workshops, their agenda and the people in it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline

from catalogue.editorial import ordering
from catalogue.models import AgendaItem, AgendaParticipation, Speaker, Workshop

from .agenda import PEOPLE_FIELDS, AgendaItemForm, AgendaPeopleInlineMixin
from .concurrency import ConcurrencyMixin
from .constraints import UniqueRowsFormSet
from .filters import DateHierarchyMixin, RelatedInUseFilter
from .history import HistoryMixin
from .importing import ImportExportMixin
from .mixins import IndexOnceMixin
from .ordering import OrderedInlineForm, OrderedInlineMixin
from .roles import TranslatorRulesMixin
from .translations import TARGET_SCRIPT, MissingTranslationFilter
from .workflow import StateFilter, WorkflowAdminMixin


@admin.register(Speaker)
class SpeakerAdmin(ConcurrencyMixin, HistoryMixin, TranslatorRulesMixin, IndexOnceMixin, TabbedTranslationAdmin):
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


class AgendaItemInlineForm(OrderedInlineForm, AgendaItemForm):
    """An agenda row placed by drag and drop or the move buttons, with its people per role."""


class AgendaItemInline(TranslatorRulesMixin, OrderedInlineMixin, AgendaPeopleInlineMixin, TranslationStackedInline):
    model = AgendaItem
    form = AgendaItemInlineForm
    extra = 0
    show_change_link = True
    ordering = ["position"]  # the order staff arrange, which breaks ties between sessions at the same time
    fields = [("order", "kind"), ("date", "start_time", "end_time"), "title", "description", *PEOPLE_FIELDS]


@admin.register(Workshop)
class WorkshopAdmin(
    ImportExportMixin,
    ConcurrencyMixin,
    HistoryMixin,
    WorkflowAdminMixin,
    TranslatorRulesMixin,
    IndexOnceMixin,
    DateHierarchyMixin,
    TabbedTranslationAdmin,
):
    import_kind = "workshops"
    list_display = ["title", "city", "country_name", "start_date", "end_date", "publication", "state_badge"]
    list_filter = [
        ("country", CountryFilter),  # only the countries workshops took place in
        ("publication__series", RelatedInUseFilter),
        "start_date",
        StateFilter,
        MissingTranslationFilter,
    ]
    actions = ["submit_for_review", "return_to_draft", "publish_now", "withdraw"]
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
        (_("Publishing"), {"fields": [("status", "publish_date")]}),
    ]

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, obj):
        # Not the field itself: the admin would look its value up in the field's ~250 choices for every row.
        return obj.country.name

    class Media:
        js = TARGET_SCRIPT  # links from the translation dashboard open the targeted field's language tab


class AgendaParticipationInline(TranslatorRulesMixin, admin.TabularInline):
    model = AgendaParticipation
    formset = UniqueRowsFormSet
    extra = 0
    verbose_name = _("person")  # "Add another person", not "Add another Participation"
    verbose_name_plural = _("people")
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker")


@admin.register(AgendaItem)
class AgendaItemAdmin(ConcurrencyMixin, HistoryMixin, TranslatorRulesMixin, IndexOnceMixin, TabbedTranslationAdmin):
    list_display = ["title", "workshop", "date", "start_time", "end_time", "kind"]
    list_filter = ["kind", ("workshop", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title_en", "title_fr", "title_es", "speakers__name"]
    autocomplete_fields = ["workshop"]
    list_select_related = ["workshop"]
    inlines = [AgendaParticipationInline]
    fields = ["workshop", ("position", "kind"), ("date", "start_time", "end_time"), "title", "description"]
    readonly_fields = ["position"]  # ordered on the workshop's page

    def save_model(self, request, obj, form, change):
        if not change:
            obj.position = ordering.next_position(obj.workshop.agenda_items.all())
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj):
        return obj.workshop.get_absolute_url()
