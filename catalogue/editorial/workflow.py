"""The editorial workflow of publications and workshops: their states, the moves between them and who may make
each move.

States (what staff see): Draft, In review, Scheduled (status Published with a publish date still to come),
Published (public now) and Withdrawn. Two rights exist: *edit* (change_<model>, or add_<model> for a new record)
and *publish* (roles.PUBLISH_PERMISSIONS). A superuser has both.

    from \\ to   draft     review    scheduled  published  withdrawn
    (new)        edit      edit      publish    publish    —
    draft        ·         edit      publish    publish    —
    review       edit      ·         publish    publish    —
    scheduled    publish   publish   publish*   publish    —
    published    —         —         —          publish*   publish
    withdrawn    publish   —         publish    publish    publish*

    · staying put is an ordinary edit; * staying put while changing the publish date needs publish.

Why these and not more:
- A public record leaves the public only by withdrawal (never back to draft, never rescheduled into the
  future), so every surface — the 410 page, OAI-PMH deleted records — can tell readers it is gone.
- A scheduled record was never public: cancelling the schedule returns it to draft or review, not withdrawal.
- Re-publishing a withdrawn record, or taking it back to draft to rework it, is a publisher's decision.
- Editing the text of a published record (a typo) is an ordinary edit; moving its publish date is not.
"""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.models import State, Status, state_of

from .roles import PUBLISH_PERMISSIONS

DRAFT, REVIEW, SCHEDULED, PUBLISHED, WITHDRAWN = (
    State.DRAFT,
    State.REVIEW,
    State.SCHEDULED,
    State.PUBLISHED,
    State.WITHDRAWN,
)
STATES = list(State)
STATE_LABELS = dict(State.choices)
# The status each state is stored as.
STATE_STATUS = {
    DRAFT: Status.DRAFT,
    REVIEW: Status.REVIEW,
    SCHEDULED: Status.PUBLISHED,
    PUBLISHED: Status.PUBLISHED,
    WITHDRAWN: Status.WITHDRAWN,
}

EDIT, PUBLISH = "edit", "publish"
# (from state, to state) → the right the move needs; a move not listed is refused to everyone.
# A new record starts from DRAFT.
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, REVIEW): EDIT,
    (REVIEW, DRAFT): EDIT,
    (DRAFT, SCHEDULED): PUBLISH,
    (DRAFT, PUBLISHED): PUBLISH,
    (REVIEW, SCHEDULED): PUBLISH,
    (REVIEW, PUBLISHED): PUBLISH,
    (SCHEDULED, DRAFT): PUBLISH,
    (SCHEDULED, REVIEW): PUBLISH,
    (SCHEDULED, SCHEDULED): PUBLISH,
    (SCHEDULED, PUBLISHED): PUBLISH,
    (PUBLISHED, PUBLISHED): PUBLISH,
    (PUBLISHED, WITHDRAWN): PUBLISH,
    (WITHDRAWN, DRAFT): PUBLISH,
    (WITHDRAWN, SCHEDULED): PUBLISH,
    (WITHDRAWN, PUBLISHED): PUBLISH,
    (WITHDRAWN, WITHDRAWN): PUBLISH,
}

Staff = User | AnonymousUser


def current_state(record: models.Model) -> str:
    """The state of `record` as stored (a new record is a draft)."""
    if record.pk is None:
        return DRAFT
    return state_of(record.status, record.publish_date)


def has_right(user: Staff, record: models.Model, right: str) -> bool:
    """Whether `user` holds `right` (EDIT or PUBLISH) over `record`."""
    model_name = record._meta.model_name
    if right == PUBLISH:
        return user.has_perm(PUBLISH_PERMISSIONS[model_name])
    action = "add" if record.pk is None else "change"
    return user.has_perm(f"catalogue.{action}_{model_name}")


def required_right(source: str, target: str, *, date_changed: bool = False) -> str | None:
    """The right moving from `source` to `target` needs; None when nobody may."""
    if source == target and not date_changed:
        return EDIT
    if source == target and source in (DRAFT, REVIEW):
        return EDIT  # the date of a record not yet public is only a plan
    return TRANSITIONS.get((source, target))


def allowed_targets(user: Staff, record: models.Model) -> list[str]:
    """The states `user` may move `record` to from where it is now (staying put not included)."""
    source = current_state(record)
    return [
        target
        for target in STATES
        if target != source and (right := TRANSITIONS.get((source, target))) and has_right(user, record, right)
    ]


def allowed_statuses(user: Staff, record: models.Model) -> list[str]:
    """The statuses a form may offer `user` for `record`: its own and those of the states it may move to."""
    statuses = {STATE_STATUS[current_state(record)], *(STATE_STATUS[t] for t in allowed_targets(user, record))}
    return [value for value in Status.values if value in statuses]


def check_transition(user: Staff, record: models.Model, target: str, *, date_changed: bool = False) -> None:
    """Raise ValidationError (code "transition_refused") unless `user` may move `record` to `target`."""
    source = current_state(record)
    right = required_right(source, target, date_changed=date_changed)
    if right is not None and has_right(user, record, right):
        return
    names = {"source": STATE_LABELS[source], "target": STATE_LABELS[target]}
    if right is None:
        message = _("A record cannot go from %(source)s to %(target)s.") % names
    elif source == target:
        message = _("Changing the publish date of a record that is %(source)s needs the permission to publish.") % {
            "source": STATE_LABELS[source]
        }
    elif right == PUBLISH:
        message = _("Moving a record from %(source)s to %(target)s needs the permission to publish.") % names
    else:
        message = _("You may not edit this record.")
    raise ValidationError(message, code="transition_refused")


def check_edit(
    user: Staff, record: models.Model, *, status: str, publish_date: datetime.datetime | None, date_changed: bool
) -> None:
    """Raise ValidationError unless `user` may save `record` (as stored) with this status and publish date
    (`date_changed`: the form changed the date, as the form sees it: to the second)."""
    if status == Status.PUBLISHED and publish_date is None:
        publish_date = timezone.now()  # WorkflowMixin.clean() does the same
    check_transition(user, record, state_of(status, publish_date), date_changed=record.pk is not None and date_changed)


def record_move(*, user: Staff, record: models.Model, target: str, now: datetime.datetime | None = None) -> None:
    """Move `record` to `target` (checked, saved): publishing keeps a past publish date and sets a missing or
    future one to now. Scheduling needs a date, so it is not a target here."""
    if target == SCHEDULED:
        raise ValueError("record_move() cannot schedule: set a future publish date instead.")
    check_transition(user, record, target)
    now = now or timezone.now()
    record.status = STATE_STATUS[target]
    if target == PUBLISHED and (record.publish_date is None or record.publish_date > now):
        record.publish_date = now
    record.full_clean()
    record.save()
