"""Translators in the admin (catalogue/editorial/roles.py): on every catalogue admin and inline, a translator
edits only the translated text of their working languages; the rest is read-only.

Read-only fields are left out of the form, so a hand-made POST carrying them changes nothing; without the add
and delete permissions an inline ignores new rows and offers no deletion, and the position and parent of each
row are read-only, so the structure stays as it is.
"""

from django.contrib import messages
from django.contrib.admin.options import InlineModelAdmin
from django.utils.translation import gettext as _

from catalogue.editorial import roles


class TranslatorRulesMixin:
    """Put before the admin's base classes (ModelAdmin or inline) of every catalogue model."""

    def _translating(self, request) -> bool:
        return roles.is_translator(request.user, self.model._meta.model_name)

    def has_change_permission(self, request, obj=None):
        if super().has_change_permission(request, obj):
            return True
        # A translator changes a record only through the language columns they may edit.
        return self._translating(request) and bool(roles.editable_translations(request.user, self.model))

    def has_add_permission(self, request, *args):
        return not self._translating(request) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request, obj=None):
        return not self._translating(request) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self._translating(request):
            return readonly
        editable = set(roles.editable_translations(request.user, self.model))
        return readonly + [name for name in self._form_field_names() if name not in editable and name not in readonly]

    def get_prepopulated_fields(self, request, obj=None):
        # A read-only slug has no input to fill.
        return {} if self._translating(request) else super().get_prepopulated_fields(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET" and self._translating(request) and not roles.working_languages(request.user):
            messages.warning(
                request,
                _(
                    "No working language is assigned to you, so you can only read this record. "
                    "Ask an administrator to add your languages to your user account."
                ),
            )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _form_field_names(self) -> list[str]:
        """Every field of the model a form could edit, language columns by their own names (title_en, …)."""
        originals = set(roles.translated_fields(self.model))
        parent = getattr(self, "parent_model", None) if isinstance(self, InlineModelAdmin) else None
        return [
            field.name
            for field in self.model._meta.get_fields()
            if (field.concrete or field.many_to_many)
            and field.editable
            and not field.auto_created
            and field.name not in originals
            and not (parent is not None and field.is_relation and field.related_model is parent)
        ]
