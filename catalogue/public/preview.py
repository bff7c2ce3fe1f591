"""Pages of records with a workflow status (publications, workshops) at their public URL.

Everyone sees a public record. Staff who may view the model (the `view_<model>` permission, as the admin's
"View on site" needs) see any other state of it exactly as the public would once it is public, marked as a
preview, never indexed nor cached. Everyone else gets 404, except for a record withdrawn after it had been
public: 410 Gone with a short explanation.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, pgettext

from catalogue.models import Publication, Workshop

# A preview must never be stored by a browser or a shared cache, nor answered from one to someone else.
PREVIEW_CACHE_CONTROL = "private, no-store"


class RecordGone(Exception):
    """The record was withdrawn after it had been public."""


@dataclass(frozen=True)
class Preview:
    """What the preview banner says: the record's state and where staff edit it."""

    state: str
    admin_url: str


def view_permission(model) -> str:
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def scheduled_label(record: Publication | Workshop) -> str:
    # Translators: date format (Django's "date" filter) of the moment a scheduled record becomes public (UTC).
    when = date_filter(record.publish_date, pgettext("publish date and time", "j F Y, H:i"))
    return gettext("Scheduled for %(date)s UTC") % {"date": when}


def state_label(record: Publication | Workshop) -> str:
    """The record's state as the banner names it: "Draft", "In review", "Scheduled for 3 December 2026, 09:00 UTC"."""
    return scheduled_label(record) if record.is_scheduled else str(record.state_label)


def preview_of(record: Publication | Workshop) -> Preview:
    """The banner of a record that is not public."""
    if isinstance(record, Workshop) and record.is_public:  # only its report is not public
        state = gettext("Published, but its report is not public (%(state)s)") % {
            "state": state_label(record.publication)
        }
    else:
        state = state_label(record)
    try:
        admin_url = reverse(f"admin:catalogue_{record._meta.model_name}_change", args=[record.pk])
    except NoReverseMatch:
        admin_url = ""
    return Preview(state=state, admin_url=admin_url)


class PreviewableDetailMixin:
    """A DetailView of a publication or workshop: public records, previews for staff, 410 for withdrawn ones."""

    model: type[Publication] | type[Workshop]
    gone_message = ""
    gone_link_label = ""
    gone_link_url_name = ""

    def get_queryset(self):
        return self.model.objects.published().for_detail()

    def get_object(self, queryset=None):
        slug = self.kwargs["slug"]
        self.preview = None
        record = self.get_queryset().filter(slug=slug).first()
        if record is not None:
            return record
        if self.request.user.has_perm(view_permission(self.model)):
            record = self.model.objects.for_detail().filter(slug=slug).first()
            if record is not None:
                self.preview = preview_of(record)
                return record
        if self.model.objects.withdrawn().filter(slug=slug).exists():
            raise RecordGone
        raise Http404(f"No public {self.model._meta.verbose_name} has this address.")

    def get(self, request, *args, **kwargs):
        try:
            response = super().get(request, *args, **kwargs)
        except RecordGone:
            return self.gone_response()
        if self.preview is not None:
            response["Cache-Control"] = PREVIEW_CACHE_CONTROL
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=self.preview, noindex=self.preview is not None, **kwargs)

    def gone_response(self):
        context = {
            "message": self.gone_message,
            "link_label": self.gone_link_label,
            "link_url": reverse(self.gone_link_url_name),
            "noindex": True,
        }
        return render(self.request, "catalogue/gone.html", context, status=410)
