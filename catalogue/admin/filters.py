"""Change-list filters."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from catalogue.i18n import language_name
from catalogue.models import Edition


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
