"""Inline rows that the database would refuse as duplicates of each other become errors beside the field.

Django's inline formsets compare the rows of one save only on the values as typed ("17262224" and "1726-2224" are
different to them, the same ISSN once stored) and skip conditional unique constraints (an edition's ISBN, unique
when given). This formset compares the values the rows would store, for every unique field and unique constraint,
and puts the error on the later row, next to its first field in the constraint.
"""

from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.text import get_text_list
from django.utils.translation import gettext as _


class UniqueRowsFormSet(BaseInlineFormSet):
    def validate_unique(self):
        rows = [
            form
            for form in self.forms
            if form.is_valid()
            and not (self.can_delete and self._should_delete_form(form))
            and (form.instance.pk is not None or form.has_changed())
        ]
        for fields, condition, message in self.unique_sets():
            seen = set()
            for form in rows:
                if any(name not in form.fields or name in form.errors for name in fields):
                    continue  # not typed in this form (a position numbered on save) or already refused
                if condition is not None and not condition.check(
                    {name: getattr(form.instance, name) for name in fields}, using=self.queryset.db
                ):
                    continue
                values = tuple(self._stored(form.instance, name) for name in fields)
                if None in values:
                    continue  # NULLs are never equal
                if values in seen:
                    form.add_error(fields[0], message)
                seen.add(values)

    def unique_sets(self) -> list[tuple[tuple[str, ...], models.Q | None, str]]:
        """(fields other than the parent, condition, message) for each unique field and constraint of the rows."""
        opts = self.model._meta
        sets = [((field.name,), None, None) for field in opts.fields if field.unique and not field.primary_key]
        sets += [(tuple(fields), None, None) for fields in opts.unique_together]
        for constraint in opts.total_unique_constraints + [
            c for c in opts.constraints if isinstance(c, models.UniqueConstraint) and c.condition is not None
        ]:
            if not constraint.fields:
                continue
            custom = constraint.violation_error_message != constraint.default_violation_error_message
            sets.append(
                (
                    tuple(constraint.fields),
                    constraint.condition,
                    constraint.get_violation_error_message() if custom else None,
                )
            )
        result = []
        for fields, condition, message in sets:
            fields = tuple(name for name in fields if name != self.fk.name)
            if fields:
                labels = [str(opts.get_field(name).verbose_name) for name in fields]
                message = message or _("Another %(row)s in this form has the same %(fields)s.") % {
                    "row": opts.verbose_name,
                    "fields": get_text_list(labels, _("and")),
                }
                result.append((fields, condition, message))
        return result

    @staticmethod
    def _stored(instance, name):
        field = instance._meta.get_field(name)
        value = getattr(instance, field.attname)
        return field.get_prep_value(value) if value is not None else None
