"""What the catalogue's models share: natural-key managers and head counts with their precision."""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy


class Status(models.TextChoices):
    """Where a publication or a workshop is in the editorial workflow (catalogue/editorial/workflow.py).

    "Scheduled" is not a state: it is Published with a publish date still to come.
    """

    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class State(models.TextChoices):
    """What staff see of a record's status: Published with a publish date still to come shows as Scheduled."""

    DRAFT = Status.DRAFT.value, Status.DRAFT.label
    REVIEW = Status.REVIEW.value, Status.REVIEW.label
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = Status.PUBLISHED.value, Status.PUBLISHED.label
    WITHDRAWN = Status.WITHDRAWN.value, Status.WITHDRAWN.label


def state_of(status: str, publish_date: datetime.datetime | None, *, now: datetime.datetime | None = None) -> State:
    """The state of a record with this status and publish date."""
    if status == Status.PUBLISHED and publish_date is not None and publish_date > (now or timezone.now()):
        return State.SCHEDULED
    return State(status)


def published_q(prefix: str = "") -> Q:
    """Condition for a record with a workflow status (reached through `prefix`) being public now."""
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}publish_date__lte": timezone.now()})


def withdrawn_q(prefix: str = "") -> Q:
    """Condition for a record (reached through `prefix`) withdrawn after it had been public: its publish date came.

    A record withdrawn before its date never was public, so it is simply absent, like a draft.
    """
    return Q(**{f"{prefix}status": Status.WITHDRAWN, f"{prefix}publish_date__lte": timezone.now()})


def has_publish_date(name: str, message: str) -> models.CheckConstraint:
    """Published and withdrawn records have a publish date (when they became public)."""
    return models.CheckConstraint(
        condition=Q(status__in=[Status.DRAFT, Status.REVIEW]) | Q(publish_date__isnull=False),
        name=name,
        violation_error_message=message,
        violation_error_code="published_without_date",
    )


class WorkflowMixin(models.Model):
    """A status in the editorial workflow and the date the record becomes public."""

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_date = models.DateTimeField(
        _("publish date"),
        null=True,
        blank=True,
        help_text=_("When the record becomes public. Set to now when published without a date."),
    )

    class Meta:
        abstract = True

    def clean(self):
        if self.status == Status.PUBLISHED and self.publish_date is None:
            self.publish_date = timezone.now()

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and self.publish_date is not None and self.publish_date <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.state == State.SCHEDULED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    @property
    def state(self) -> State:
        """The state staff see: the status, or Scheduled for a published record whose date is still to come."""
        return state_of(self.status, self.publish_date)

    @property
    def state_label(self) -> str:
        return self.state.label


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class CountPrecision(models.TextChoices):
    """How exact a reported head count is: sources often give "over 600" or "about 700"."""

    EXACT = "exact", pgettext_lazy("number of people", "Exactly")
    MORE_THAN = "more-than", pgettext_lazy("number of people", "More than")
    ABOUT = "about", pgettext_lazy("number of people", "About")


def count_display(count: int | None, precision: str) -> str:
    """A head count as a phrase in the active language: "600", "more than 600", "about 700"; "" when unknown."""
    if count is None:
        return ""
    number = number_format(count)
    if precision == CountPrecision.MORE_THAN:
        return pgettext("number of people", "more than %(count)s") % {"count": number}
    if precision == CountPrecision.ABOUT:
        return pgettext("number of people", "about %(count)s") % {"count": number}
    return number


def counts_have_precision(*prefixes: str) -> models.CheckConstraint:
    """Each `<prefix>_count` and its `<prefix>_precision` are given together or not at all.

    One constraint for all the counts: full_clean() (and so the validating loaddata) runs a query per constraint.
    """
    condition = Q()
    for prefix in prefixes:
        count, precision = f"{prefix}_count", f"{prefix}_precision"
        condition &= (Q(**{f"{count}__isnull": True}) & Q(**{precision: ""})) | (
            Q(**{f"{count}__isnull": False}) & ~Q(**{precision: ""})
        )
    return models.CheckConstraint(
        condition=condition,
        name="publication_counts_have_precision",
        violation_error_message=_(
            "Give a number of people together with its precision (exactly, more than or about), or neither."
        ),
        violation_error_code="count_precision_mismatch",
    )


def errors_on_fields(error: ValidationError, fields_by_code: dict[str, str]) -> ValidationError:
    """`error` with each record-level error whose code is in `fields_by_code` moved to that field: the field
    staff typed the refused value in."""
    errors = error.update_error_dict({})
    for message in list(errors.get(NON_FIELD_ERRORS, [])):
        if message.code in fields_by_code:
            errors[NON_FIELD_ERRORS].remove(message)
            errors.setdefault(fields_by_code[message.code], []).append(message)
    return ValidationError({field: messages for field, messages in errors.items() if messages})
