"""Inlines whose rows staff order by drag and drop or move buttons; positions are numbered on save.

Each row carries a hidden `order` (its place as shown, kept up to date by static/catalogue/admin/ordering.js);
the formset saves the rows at positions 1..n in that order (catalogue.editorial.ordering), so staff never type a
position and any reordering saves. A table of contents also has a `level` per row, from which the parents follow.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.editorial import ordering

from .constraints import UniqueRowsFormSet

ORDERING_FIELDS = {"order", "level"}


class OrderWidget(forms.HiddenInput):
    """The hidden position, with the labels the script shows in the page's language."""

    def get_context(self, name, value, attrs):
        labels = {
            "data-ordering": "",
            "data-label-up": _("Move up"),
            "data-label-down": _("Move down"),
            "data-label-drag": _("Drag to reorder"),
            "data-label-indent": _("Indent"),
            "data-label-outdent": _("Outdent"),
            "data-label-moved": _("Moved to position %(position)s of %(count)s."),
        }
        return super().get_context(name, value, {**labels, **(attrs or {})})


class OrderedInlineForm(forms.ModelForm):
    order = forms.IntegerField(label=_("position"), required=False, widget=OrderWidget)  # only compared
    position_field = "position"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "order" in self.fields:
            self.fields["order"].initial = getattr(self.instance, self.position_field)

    def has_changed(self):
        # The script numbers a new row as soon as it is added; a row still empty otherwise is not kept.
        if self.instance.pk is None:
            return bool(set(self.changed_data) - ORDERING_FIELDS)
        return super().has_changed()


class TocEntryInlineForm(OrderedInlineForm):
    level = forms.TypedChoiceField(
        label=_("level"),
        choices=[(0, _("Heading")), (1, _("Subheading"))],
        coerce=int,
        initial=0,
        widget=forms.Select(attrs={"aria-label": _("level")}),  # a table cell has no label of its own
        help_text=_("A subheading belongs to the nearest heading above it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and "level" in self.fields:
            self.fields["level"].initial = 0 if self.instance.parent_id is None else 1


class OrderedInlineFormSet(UniqueRowsFormSet):
    """Saves its rows at positions 1..n in the order shown, whatever positions they had."""

    nested = False  # True: rows have a level, and each row's parent follows from the order and levels

    def rows_in_order(self) -> list[forms.Form]:
        """The forms kept by this save, in the order shown."""
        kept = [
            form
            for form in self.forms
            if not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk is not None or form.has_changed())
        ]
        return [kept[i] for i in ordering.display_order([self._order(form) for form in kept])]

    def _order(self, form) -> int | None:
        if "order" in form.fields:
            return form.cleaned_data.get("order")
        return getattr(form.instance, form.position_field)  # a form without the field keeps the row in place

    def _level(self, form) -> int:
        if "level" in form.fields:
            return form.cleaned_data["level"]
        return 0 if form.instance.parent_id is None else 1

    def clean(self):
        super().clean()
        if not self.nested or any(form.errors for form in self.forms):
            return
        rows = self.rows_in_order()
        for index in ordering.orphan_indexes([self._level(form) for form in rows]):
            rows[index].add_error(
                "level", _("A subheading needs a heading above it: make a row above it a heading, or move it.")
            )

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        field = self.form.position_field
        siblings = self.model._default_manager.filter(**{self.fk.name: self.instance})
        deleted = [  # a row someone else deleted meanwhile has no instance left (as in Django's own save)
            form
            for form in self.initial_forms
            if self.can_delete and self._should_delete_form(form) and form.instance.pk is not None
        ]
        forms = self.rows_in_order()
        # Rows someone else added since this form was opened keep their place among yours (before a row of yours
        # given the same place): a merged save (catalogue/admin/concurrency.py) loses neither.
        shown = [form.instance.pk for form in self.initial_forms if form.instance.pk is not None]
        others = list(siblings.exclude(pk__in=shown).order_by(field))
        places = [getattr(row, field) for row in others] + [self._order(form) for form in forms]
        rows = [[*others, *(form.instance for form in forms)][i] for i in ordering.display_order(places)]
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        forms_by_row = {id(form.instance): form for form in forms}

        def save(instance):
            form = forms_by_row.get(id(instance))
            if form is None:  # someone else's row: only its place (and heading) follow
                instance.save(update_fields=[field, "parent"] if self.nested else [field])
            elif instance.pk is None:
                self.new_objects.append(self.save_new(form))
            else:
                self.save_existing(form, instance)
                if form.has_changed():
                    self.changed_objects.append((instance, form.changed_data))

        def delete(instance):
            self.deleted_objects.append(instance)
            self.delete_existing(instance)

        levels = [self._row_level(row, forms_by_row) for row in rows] if self.nested else None
        ordering.rows_save_in_order(
            siblings=siblings,
            rows=rows,
            save=save,
            deleted=[form.instance for form in deleted],
            delete=delete,
            parents=None if levels is None else ordering.parent_indexes(levels),
            field=field,
        )
        return self.new_objects + [instance for instance, _changed in self.changed_objects]

    def _row_level(self, row, forms_by_row) -> int:
        form = forms_by_row.get(id(row))
        return self._level(form) if form is not None else (0 if row.parent_id is None else 1)


class NestedInlineFormSet(OrderedInlineFormSet):
    nested = True


class OrderedInlineMixin:
    """For an inline whose `fields` include "order" (and "level" for a table of contents) instead of the position.

    Staff who may not move rows (the position is read-only to them, as to translators) get neither field: they see
    the position (and parent) read-only, and their saves leave every row where it is.
    """

    form = OrderedInlineForm
    formset = OrderedInlineFormSet
    shown_instead = {"order": "position", "level": "parent"}  # read-only, to staff who may not move rows

    def may_reorder(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj) and "position" not in self.get_readonly_fields(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.may_reorder(request, obj):
            return fields
        return [
            tuple(self.shown_instead.get(name, name) for name in field)
            if isinstance(field, (list, tuple))
            else self.shown_instead.get(field, field)
            for field in fields
        ]

    def get_formset(self, request, obj=None, **kwargs):
        if not self.may_reorder(request, obj):
            # Without the ordering fields a hand-made POST cannot move rows, and the plain formset saves each row
            # as it is (the ordering formset would renumber positions and recompute parents).
            form = kwargs.get("form", self.form)
            kwargs["form"] = type(form.__name__, (form,), dict.fromkeys(ORDERING_FIELDS & set(form.base_fields)))
            kwargs["formset"] = UniqueRowsFormSet
        return super().get_formset(request, obj, **kwargs)

    class Media:
        js = ["catalogue/admin/ordering.js"]
        css = {"all": ["catalogue/admin/ordering.css"]}
