"""An agenda item's people, chosen per role on the workshop page and saved with the item."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from catalogue.editorial.agenda import agenda_item_people, agenda_item_set_people
from catalogue.models import AgendaParticipation, Speaker

Role = AgendaParticipation.Role


def people_field_name(role: str) -> str:
    return f"people_{role}"


PEOPLE_FIELDS = [people_field_name(role) for role in Role.values]
PEOPLE_PERMISSIONS = [f"catalogue.{action}_agendaparticipation" for action in ("add", "change", "delete")]


class OrderedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """The admin's speaker autocomplete, listing the chosen people in their chosen order (not by name)."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        order = {str(pk): index for index, pk in enumerate(value)}
        for _group, options, _index in groups:
            options.sort(key=lambda option: order.get(str(option["value"]), len(order)))
        return groups


class SpeakerListField(forms.ModelMultipleChoiceField):
    """Speakers as a list in the order they were chosen; one person chosen twice is an error."""

    default_error_messages = {
        "duplicate": _("%(speaker)s is listed more than once in this role."),
    }

    def _check_values(self, value):
        speakers = {str(speaker.pk): speaker for speaker in super()._check_values(value)}
        chosen = [speakers[str(pk)] for pk in value]
        seen = set()
        for speaker in chosen:
            if speaker.pk in seen:
                raise ValidationError(
                    self.error_messages["duplicate"], code="duplicate", params={"speaker": speaker.name}
                )
            seen.add(speaker.pk)
        return chosen

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return [str(pk) for pk in self.prepare_value(initial or [])] != [str(pk) for pk in data or []]


def speaker_list_field(role: Role) -> SpeakerListField:
    return SpeakerListField(
        queryset=Speaker.objects.all(),
        required=False,
        label=role.label,
        widget=OrderedAutocompleteSelectMultiple(AgendaParticipation._meta.get_field("speaker"), admin.site),
    )


class AgendaItemPeopleForm(forms.ModelForm):
    """An agenda item with one ordered list of people per role, read when the form opens and saved with
    the item (new items included): the list's order becomes each participation's position."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for role, speakers in agenda_item_people(self.instance).items():
                self.initial.setdefault(people_field_name(role), [speaker.pk for speaker in speakers])

    def _save_m2m(self):
        super()._save_m2m()
        # A form showing the people read-only (or without them) leaves them as they are.
        if all(name in self.fields for name in PEOPLE_FIELDS) and set(PEOPLE_FIELDS) & set(self.changed_data):
            people = {role: self.cleaned_data[people_field_name(role)] for role in Role.values}
            agenda_item_set_people(agenda_item=self.instance, people=people)


# One declared field per role, named people_<role>, so the admin's `fields` can place them.
AgendaItemForm = type(
    "AgendaItemForm",
    (AgendaItemPeopleForm,),
    {"__module__": __name__, **{people_field_name(role): speaker_list_field(role) for role in Role}},
)


class AgendaPeopleInlineMixin:
    """An inline of agenda items with their people per role (AgendaItemForm). Staff who may not edit the
    people (rights on the items and on participations) see them as one read-only line instead."""

    form = AgendaItemForm

    def may_edit_people(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj) and request.user.has_perms(PEOPLE_PERMISSIONS)

    def get_queryset(self, request):
        return super().get_queryset(request).with_people()

    def get_formset(self, request, obj=None, **kwargs):
        if not self.may_edit_people(request, obj):
            # Without the lists in the form, a save leaves the people as they are (never read as "nobody").
            form = kwargs.get("form", self.form)
            kwargs["form"] = type(form.__name__, (form,), dict.fromkeys(PEOPLE_FIELDS))
        return super().get_formset(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.may_edit_people(request, obj):
            return fields
        return [field for field in fields if field not in PEOPLE_FIELDS] + ["people"]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if self.may_edit_people(request, obj) else [*readonly, "people"]

    @admin.display(description=_("people"))
    def people(self, agenda_item):
        rows = [
            (Role(role).label, ", ".join(speaker.name for speaker in speakers))
            for role, speakers in agenda_item_people(agenda_item).items()
            if speakers
        ]
        return format_html_join("; ", "{}: {}", rows) or "-"
