"""History in the admin: each save (change form or change list) is a version; a history page, diffs and revert.

Not reversion's VersionAdmin itself: its templates (change list, history) would hide those of the mixins after it,
and its revert re-posts a change form; we keep its revision handling (a revision per request, with the user and
the change message) and show our own history, diffs and revert (catalogue/editorial/history.py).
"""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, router, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from reversion import create_revision, get_comment, is_active, set_comment, set_user
from reversion.errors import RevertError
from reversion.models import Version

from catalogue.editorial import history

VERSIONS_PER_PAGE = 50

# Here, not in AppConfig.ready: the catalogue's ready() runs before modeltranslation adds the language fields.
history.register_models()


class HistoryMixin:
    """Saves of this admin are versions (with the user and the change message); adds the history, diff and revert
    pages. Placed first among the bases: the revision wraps the whole save, index write included."""

    def add_view(self, request, form_url="", extra_context=None):
        if request.method != "POST":
            return super().add_view(request, form_url, extra_context)
        with create_revision(using=router.db_for_write(self.model)):
            set_user(request.user)
            return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "POST":
            return super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        return self._saving(
            request, [obj] if obj else [], super().change_view, request, object_id, form_url, extra_context
        )

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            return super().changelist_view(request, extra_context)
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        # Baselines for the rows an action names (not for "select all": that can be the whole catalogue).
        baselines = (
            list(self.model._default_manager.filter(pk__in=selected)[: VERSIONS_PER_PAGE * 10]) if selected else []
        )
        action = self.get_actions(request).get(request.POST.get("action", ""))
        comment = _("Changed from the list: %(action)s") % {"action": action[2]} if action else ""
        return self._saving(request, baselines, super().changelist_view, request, extra_context, comment=comment)

    def _saving(self, request, objs, view, *args, comment=""):
        using = router.db_for_write(self.model)
        with transaction.atomic(using=using):
            baselines = [history.record_baseline(obj, using=using) for obj in objs]
            with create_revision(using=using):
                set_user(request.user)
                set_comment(comment)
                response = view(*args)
            for baseline in filter(None, baselines):
                # Nothing saved after it (a form with errors, a confirmation page): it was not a first change.
                later = Version.objects.get_for_object_reference(baseline._model, baseline.object_id)
                if not later.filter(pk__gt=baseline.pk).exists():
                    baseline.revision.delete()
        return response

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if is_active() and not get_comment():
            set_comment(entry.get_change_message() or _("Added."))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if is_active() and not get_comment():
            set_comment(entry.get_change_message() or _("No fields changed."))
        return entry

    # History, diff and revert pages -----------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/<int:version_id>/",
                view(self.history_diff_view),
                name="{}_{}_history_diff".format(*info),
            ),
            path(
                "<path:object_id>/history/<int:version_id>/revert/",
                view(self.history_revert_view),
                name="{}_{}_history_revert".format(*info),
            ),
            *super().get_urls(),
        ]

    def _history_object(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("This record does not exist."))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _history_context(self, request, obj, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "may_revert": self.has_change_permission(request, obj) and history.may_revert(request.user, self.model),
            "history_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[obj.pk]),
            **context,
        }

    def history_view(self, request, object_id, extra_context=None):
        obj = self._history_object(request, object_id)
        page = Paginator(history.versions_of(obj), VERSIONS_PER_PAGE).get_page(request.GET.get("p"))
        context = self._history_context(request, obj, title=_("History: %s") % obj, versions=page)
        return TemplateResponse(request, "admin/catalogue/history.html", context)

    def _version(self, obj, version_id):
        return get_object_or_404(Version.objects.get_for_object(obj).select_related("revision__user"), pk=version_id)

    def history_diff_view(self, request, object_id, version_id):
        obj = self._history_object(request, object_id)
        version = self._version(obj, version_id)
        if request.GET.get("with") == "current":
            compared, diff = None, history.diff(history.version_snapshot(version), history.current_snapshot(obj))
        else:
            compared = history.previous_version(version)
            before = history.version_snapshot(compared) if compared else {}
            diff = history.diff(before, history.version_snapshot(version))
        context = self._history_context(
            request, obj, title=_("Changes: %s") % obj, version=version, compared=compared, diff=diff
        )
        context["with_current"] = request.GET.get("with") == "current"
        context["may_revert"] &= history.versions_of(obj).values_list("pk", flat=True).first() != version.pk
        return TemplateResponse(request, "admin/catalogue/history_diff.html", context)

    def history_revert_view(self, request, object_id, version_id):
        obj = self._history_object(request, object_id)
        if not (self.has_change_permission(request, obj) and history.may_revert(request.user, self.model)):
            raise PermissionDenied
        version = self._version(obj, version_id)
        if request.method == "POST":
            try:
                reverted = history.revert(version, user=request.user)
            except (IntegrityError, ObjectDoesNotExist, RevertError):
                messages.error(
                    request,
                    _("This version refers to something deleted since (a person, a series…): it cannot be restored."),
                )
                return HttpResponseRedirect(self._history_context(request, obj)["history_url"])
            self.log_change(request, reverted, history.versions_of(reverted).first().revision.comment)
            messages.success(request, _("%(record)s was reverted.") % {"record": reverted})
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
            )
        diff = history.diff(history.current_snapshot(obj), history.version_snapshot(version))
        context = self._history_context(request, obj, title=_("Revert %s") % obj, version=version, diff=diff)
        context["keeps_state"] = not history.may_change_state(request.user, self.model)
        return TemplateResponse(request, "admin/catalogue/history_revert.html", context)
