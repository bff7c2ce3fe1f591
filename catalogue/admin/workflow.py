"""The editorial workflow in the admin of publications and workshops (rules: catalogue/editorial/workflow.py).

The status select offers only the moves the user may make; every POST is checked again on the server, and a
refused move is an error on the form with everything typed kept. Change lists show the state as a badge,
filter by state (Scheduled included) and offer the bulk moves the user may make, each checked per record.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.editorial import workflow
from catalogue.models import Status, published_q


class StateFilter(admin.SimpleListFilter):
    """Filter by the state staff see: Scheduled apart from Published."""

    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(workflow.STATE_LABELS.items())

    def queryset(self, request, queryset):
        now = timezone.now()
        conditions = {
            workflow.DRAFT: Q(status=Status.DRAFT),
            workflow.REVIEW: Q(status=Status.REVIEW),
            workflow.SCHEDULED: Q(status=Status.PUBLISHED, publish_date__gt=now),
            workflow.PUBLISHED: published_q(),
            workflow.WITHDRAWN: Q(status=Status.WITHDRAWN),
        }
        condition = conditions.get(self.value())
        return queryset if condition is None else queryset.filter(condition)


class WorkflowAdminMixin:
    """For the admin of a model with WorkflowMixin: list `state_badge`, `StateFilter` and the actions
    `submit_for_review`, `return_to_draft`, `publish_now`, `withdraw` in the admin class."""

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["catalogue/admin/workflow.css"]})

    # Rights, as admin actions ask for them (`permissions=["workflow_edit"]` → has_workflow_edit_permission).
    def has_workflow_edit_permission(self, request):
        return request.user.has_perm(f"catalogue.change_{self.model._meta.model_name}")

    def has_workflow_publish_permission(self, request):
        return request.user.has_perm(workflow.PUBLISH_PERMISSIONS[self.model._meta.model_name])

    @admin.display(description=gettext_lazy("state"), ordering="status")
    def state_badge(self, obj):
        state = workflow.current_state(obj)
        return format_html('<span class="state-badge state-{}">{}</span>', state, workflow.STATE_LABELS[state])

    def get_form(self, request, obj=None, **kwargs):
        return _with_workflow_check(super().get_form(request, obj, **kwargs), request.user)

    @admin.action(description=gettext_lazy("Submit for review"), permissions=["workflow_edit"])
    def submit_for_review(self, request, queryset):
        self._move(request, queryset, workflow.REVIEW)

    @admin.action(description=gettext_lazy("Return to draft"), permissions=["workflow_edit"])
    def return_to_draft(self, request, queryset):
        self._move(request, queryset, workflow.DRAFT)

    @admin.action(description=gettext_lazy("Publish now"), permissions=["workflow_publish"])
    def publish_now(self, request, queryset):
        self._move(request, queryset, workflow.PUBLISHED)

    @admin.action(description=gettext_lazy("Withdraw"), permissions=["workflow_publish"])
    def withdraw(self, request, queryset):
        self._move(request, queryset, workflow.WITHDRAWN)

    def _move(self, request, queryset, target):
        """Move each selected record that may go to `target`; report how many moved and which were refused."""
        moved, refused = 0, []
        for record in queryset:
            if workflow.current_state(record) == target:
                refused.append(_("%(record)s (already %(state)s)") % {"record": record, "state": _label(target)})
                continue
            try:
                workflow.record_move(user=request.user, record=record, target=target)
            except ValidationError as error:
                refused.append(f"{record} ({' '.join(error.messages)})")
                continue
            status_label = str(capfirst(self.model._meta.get_field("status").verbose_name))
            self.log_change(request, record, [{"changed": {"fields": [status_label]}}])
            moved += 1
        if moved:
            self.message_user(
                request,
                _("%(records)s moved to %(state)s: %(count)d.")
                % {"records": capfirst(self.model._meta.verbose_name_plural), "state": _label(target), "count": moved},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                _("Refused (%(count)d): %(records)s") % {"count": len(refused), "records": "; ".join(refused)},
                messages.WARNING,
            )


def _label(state: str) -> str:
    return str(workflow.STATE_LABELS[state])


def _with_workflow_check(form_class, user):
    """`form_class` whose status select offers only the statuses `user` may choose, and whose clean() refuses
    a move (or a publish date change) the user may not make, as an error on the field."""

    class WorkflowForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if "status" in self.fields:
                # Only the widget is narrowed: the field still accepts any status, so that clean() can say
                # why a hand-made one is refused.
                allowed = workflow.allowed_statuses(user, self.instance)
                self.fields["status"].widget.choices = [c for c in Status.choices if c[0] in allowed]

        def clean(self):
            cleaned_data = super().clean()
            if "status" not in self.fields or "status" not in cleaned_data:
                return cleaned_data
            status = cleaned_data["status"]
            has_date = "publish_date" in self.fields
            try:
                workflow.check_edit(
                    user,
                    self.instance,
                    status=status,
                    publish_date=cleaned_data.get("publish_date") if has_date else self.instance.publish_date,
                    date_changed=has_date and "publish_date" in self.changed_data,
                )
            except ValidationError as error:
                status_changed = "status" in self.changed_data
                self.add_error("status" if status_changed or not has_date else "publish_date", error)
                # Keep what was chosen on display, beside the error.
                widget = self.fields["status"].widget
                if status not in {value for value, label in widget.choices}:
                    widget.choices = [*widget.choices, (status, Status(status).label)]
            return cleaned_data

    return WorkflowForm
