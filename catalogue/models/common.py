"""What the catalogue's models share: natural-key managers and head counts with their precision."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy


def published_q(prefix: str = "") -> Q:
    """Condition for a publication (reached through `prefix`) being public now."""
    return Q(**{f"{prefix}status": "published", f"{prefix}publish_date__lte": timezone.now()})


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
