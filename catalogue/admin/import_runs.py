"""The admin's list of import runs (catalogue/dataio/runs.py): who started each, when, what kind of file, how it
went, with a link to its page (admin/importing.py). Read-only; staff see the runs of the kinds they may import
(publications, workshops), and staff who may import neither do not see the list at all."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalogue.dataio.runs import import_runs_interrupt_dead
from catalogue.models import ImportRun, Publication, Workshop

MODELS = {"publications": Publication, "workshops": Workshop}  # each kind's model, whose admin imports it
KIND_NAMES = {"publications": _("Publications"), "workshops": _("Workshops")}


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["file", "kind_name", "created_by", "created_at", "status", "result", "finished_at"]
    list_display_links = None
    list_filter = ["status", "kind"]
    list_select_related = ["created_by"]
    search_fields = ["file_name"]
    date_hierarchy = "created_at"

    def importable_kinds(self, request) -> list[str]:
        """The kinds `request.user` may import: those whose model admin grants the import permission."""
        return [
            kind
            for kind, model in MODELS.items()
            if self.admin_site.is_registered(model)
            and self.admin_site.get_model_admin(model).has_import_permission(request)
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind__in=self.importable_kinds(request))

    def has_view_permission(self, request, obj=None):
        return bool(self.importable_kinds(request)) and (obj is None or obj.kind in self.importable_kinds(request))

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        import_runs_interrupt_dead()  # a run whose runner died is listed as failed, not running
        return super().changelist_view(request, extra_context=extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A run's own page is the one following it."""
        run = self.get_object(request, object_id)
        if run is None or not self.has_view_permission(request, run):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return redirect(run_url(run))

    @admin.display(description=_("file name"), ordering="file_name")
    def file(self, run: ImportRun):
        return format_html('<a href="{}">{}</a>', run_url(run), run.file_name)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, run: ImportRun):
        return KIND_NAMES.get(run.kind, run.kind)

    @admin.display(description=_("result"))
    def result(self, run: ImportRun):
        if run.status != ImportRun.RunStatus.DONE:
            return _("%(done)s of %(total)s") % {"done": run.done, "total": run.total} if run.total else "—"
        counts = {key: run.counts.get(key, 0) for key in ("create", "update", "unchanged", "refuse")}
        if run.dry_run:
            return (
                _("Preview: %(create)s to create, %(update)s to update, %(unchanged)s unchanged, %(refuse)s refused")
                % counts
            )
        return _("%(create)s created, %(update)s updated, %(unchanged)s unchanged, %(refuse)s left out") % counts


def run_url(run: ImportRun) -> str:
    model = MODELS[run.kind]._meta
    return reverse(f"admin:{model.app_label}_{model.model_name}_import_run", args=[run.pk])
