"""The translation dashboard and the change lists' "missing translation in <language>" filter.

The dashboard (/admin/translations/, routed in idm/urls.py) lists every publication, workshop, topic and series
the user may view, with how complete its translated text is in each content language, the user's working
languages first. Each missing field links to its input on the record's admin page; translation_target.js opens
the language tab holding it and focuses it.
"""

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from catalogue.editorial import roles
from catalogue.editorial.translations import (
    KINDS,
    Kind,
    MissingField,
    completeness_count,
    completeness_records,
    missing_translation_q,
    page_completeness,
)
from catalogue.i18n import content_languages, language_name, page_language

PAGE_SIZE = 50
FIELDS_SHOWN = 5  # missing fields listed in a cell before "and N more"
# The script after the ones it relies on (Media keeps each list's order when merging).
TARGET_SCRIPT = [
    "admin/js/jquery.init.js",
    "modeltranslation/js/tabbed_translation_fields.js",
    "catalogue/admin/translation_target.js",
]


class MissingTranslationFilter(admin.SimpleListFilter):
    """Records with a translated field filled in some language but empty in the chosen one."""

    title = _("missing translation")
    parameter_name = "missing_translation"

    def lookups(self, request, model_admin):
        return [(code, language_name(code)) for code in content_languages()]

    def queryset(self, request, queryset):
        if self.value() in content_languages():
            return queryset.filter(missing_translation_q(KINDS[queryset.model._meta.model_name], self.value()))
        return queryset


class DashboardForm(forms.Form):
    """The dashboard's filters and sort order, read from the query string."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    incomplete = forms.BooleanField(label=_("Only incomplete records"), label_suffix="", required=False)
    o = forms.ChoiceField(required=False)

    def __init__(self, *args, kinds: list[Kind], languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *((kind.key, kind.verbose_name) for kind in kinds)]
        self.fields["language"].choices = [("", _("All")), *((code, language_name(code)) for code in languages)]
        orders = ["record", *languages]
        self.fields["o"].choices = [(order, order) for order in orders + [f"-{order}" for order in orders]]


class DashboardPaginator(Paginator):
    """Counts with `completeness_count`, a query much lighter than the sorted records'."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def row_orderings(request) -> dict[str, list]:
    """Per rows accessor, the order its admin inline lists the rows in (the formset's form indexes)."""
    orderings = {}
    for kind in KINDS.values():
        model_admin = admin.site._registry.get(kind.model)
        if not kind.rows or model_admin is None:
            continue
        for inline_class in model_admin.inlines:
            if inline_class.model is kind.rows.model:
                inline = inline_class(kind.model, admin.site)
                orderings[kind.rows.accessor] = list(
                    inline.get_ordering(request) or kind.rows.model._meta.ordering or ["pk"]
                )
    return orderings


def field_anchor(missing: MissingField) -> str:
    """The id of the missing field's input on the admin page (an inline row's input: prefix-index-field)."""
    name = f"{missing.field}_{missing.language}"
    return f"id_{missing.rows}-{missing.index}-{name}" if missing.rows else f"id_{name}"


class TranslationDashboardView(TemplateView):
    template_name = "admin/catalogue/translation_dashboard.html"

    def get_context_data(self, **kwargs):
        request = self.request
        kinds = [kind for kind in KINDS.values() if request.user.has_perm(f"catalogue.view_{kind.key}")]
        working = roles.working_languages(request.user)
        languages = working + [code for code in content_languages() if code not in working]
        form = DashboardForm(request.GET, kinds=kinds, languages=languages)
        form.is_valid()
        choices = form.cleaned_data  # the valid ones: a stale sort order does not drop the filters
        if choices.get("kind"):
            kinds = [KINDS[choices["kind"]]]
        columns = [choices["language"]] if choices.get("language") else languages
        order = choices.get("o") or columns[0]
        sort_language = order.lstrip("-") if order.lstrip("-") in columns else columns[0]

        incomplete_in = tuple(columns) if choices.get("incomplete") else ()
        records, count = [], 0
        if kinds:  # a staff member who may view none of them sees an empty list
            records = completeness_records(
                kinds,
                label_language=page_language(),
                sort_language=sort_language,
                by_record=order.lstrip("-") == "record",
                descending=order.startswith("-"),
                incomplete_in=incomplete_in,
            )
            count = completeness_count(kinds, incomplete_in=incomplete_in)
        page = DashboardPaginator(records, PAGE_SIZE, count=count).get_page(request.GET.get("p"))
        rows = page_completeness(list(page.object_list), row_orderings=row_orderings(request))
        return {
            **super().get_context_data(**kwargs),
            **admin.site.each_context(request),
            "title": _("Translation dashboard"),
            "form": form,
            "columns": [self._column(code, order, working) for code in columns],
            "record_column": self._column("record", order, working),
            "rows": [self._row(row, columns) for row in rows],
            "page": page,
            "page_links": [
                (number, self._url(p=number) if number != page.paginator.ELLIPSIS else None)
                for number in page.paginator.get_elided_page_range(page.number)
            ],
            "working_languages": [language_name(code) for code in working],
        }

    def _url(self, **changes) -> str:
        params = self.request.GET.copy()
        for key, value in changes.items():
            params[key] = value
        if "o" in changes:
            params.pop("p", None)  # a new order starts again at the first page
        return "?" + urlencode(sorted(params.lists()), doseq=True)

    def _column(self, key, order, working):
        """A sortable column header: the first click sorts ascending, the next descending."""
        current = order.lstrip("-") == key
        descending = current and order.startswith("-")
        return {
            "key": key,
            "name": _("Record") if key == "record" else language_name(key),
            "working": key in working,
            "sort_url": self._url(o=key if descending or not current else f"-{key}"),
            "aria_sort": ("descending" if descending else "ascending") if current else None,
        }

    def _row(self, row, columns):
        change_url = reverse(f"admin:catalogue_{row.kind.key}_change", args=[row.pk])
        cells = []
        for code in columns:
            completeness = row.completeness[code]
            links = [(missing.label, f"{change_url}#{field_anchor(missing)}") for missing in completeness.missing]
            cells.append(
                {
                    "language": code,
                    "completeness": completeness,
                    "shown": links[:FIELDS_SHOWN],
                    "more": links[FIELDS_SHOWN:],
                }
            )
        return {"kind": row.kind, "label": row.label, "url": change_url, "cells": cells}


translation_dashboard = admin.site.admin_view(TranslationDashboardView.as_view())
