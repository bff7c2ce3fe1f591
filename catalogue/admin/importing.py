"""Admin glue for catalogue/dataio/: the Import page of publications and of workshops (upload, preview, confirm),
the template download, the actions exporting a selection as CSV or XLSX, and the page following a large file's
import runs (dataio/runs.py): a file of more rows than settings.IDM_IMPORT_INLINE_ROWS is checked, then imported,
apart from the request, and its run's page shows the progress (polled by static/catalogue/admin/import_progress.js),
then the preview with its confirmation, or the result.

Between the preview and the confirmation the uploaded file waits in the default storage (shared by every app
server) under an unguessable name, signed into the confirmation form; it is deleted once imported, and files of
abandoned previews after a day.
"""

import datetime
import io
import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.dataio.kinds import KINDS
from catalogue.dataio.plan import PREVIEW_ROWS, ImportPlan, RowPlan
from catalogue.dataio.runs import import_run_create, import_run_progress
from catalogue.dataio.tabular import FileError, file_format, read_table, write_table
from catalogue.dataio.upsert import ImportRefused
from catalogue.models import ImportRun

PENDING_FOLDER = "imports"
PENDING_MAX_AGE = datetime.timedelta(days=1)
TOKEN_SALT = "catalogue.admin.importing"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


HELP_TEXTS = {
    "publications": gettext_lazy("CSV, XLSX or JSON in the template's columns: one row per edition."),
    "workshops": gettext_lazy("CSV, XLSX or JSON in the template's columns: one row per agenda item."),
}
TITLES = {"publications": gettext_lazy("Import publications"), "workshops": gettext_lazy("Import workshops")}
EXPORT_DESCRIPTIONS = {
    "publications": gettext_lazy("Export the selected publications as %(format)s"),
    "workshops": gettext_lazy("Export the selected workshops as %(format)s"),
}
# What a run's page says it is doing, by status, then by stage while it runs (dataio/upsert.py's stages).
STAGE_LABELS = {
    "queued": gettext_lazy("Waiting for its turn…"),
    "running": gettext_lazy("Importing…"),
    "checking": gettext_lazy("Checking the rows…"),
    "writing": gettext_lazy("Writing the records…"),
    "indexing": gettext_lazy("Updating the search index…"),
}
DONE_MESSAGES = {
    "publications": gettext_lazy(
        "Imported %(file)s: %(create)s publications created, %(update)s updated, %(unchanged)s unchanged, "
        "%(refuse)s left out."
    ),
    "workshops": gettext_lazy(
        "Imported %(file)s: %(create)s workshops created, %(update)s updated, %(unchanged)s unchanged, "
        "%(refuse)s left out."
    ),
}


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = HELP_TEXTS[kind]


def _download(content: bytes, kind: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _remove_stale_uploads() -> None:
    if not default_storage.exists(PENDING_FOLDER):
        return
    limit = timezone.now() - PENDING_MAX_AGE
    for name in default_storage.listdir(PENDING_FOLDER)[1]:
        stored = f"{PENDING_FOLDER}/{name}"
        if default_storage.get_modified_time(stored) < limit:
            default_storage.delete(stored)


def _confirmation_token(stored_name: str, user, file_name: str) -> str:
    """What the confirmation form carries: the stored file, signed for `user`."""
    return signing.dumps({"name": stored_name, "user": user.pk, "file": file_name}, salt=TOKEN_SALT)


def _preview(
    *, counts: dict, errors: list, error_count: int, rows: list[RowPlan], hidden: int, token, file_name, note=""
):
    """What the preview (templates/admin/catalogue/import_preview.html) shows; `token` "" when it cannot be
    confirmed, and `note` says why."""
    importable = bool(counts.get("create") or counts.get("update"))
    return {
        "note": note,
        "counts": counts,
        "errors": errors,
        "error_count": error_count,
        "rows": rows,
        "hidden_rows": hidden,
        "can_import": bool(token) and importable and not error_count,
        "can_import_valid": bool(token) and importable and bool(error_count),
        "token": token,
        "file_name": Path(file_name).name,
    }


def _plan_preview(plan: ImportPlan, token: str, file_name: str) -> dict:
    """The preview of a plan made in the request."""
    rows, hidden = plan.preview(PREVIEW_ROWS)
    errors = plan.errors
    return _preview(
        counts=plan.counts(),
        errors=errors,
        error_count=len(errors),
        rows=rows,
        hidden=hidden,
        token=token,
        file_name=file_name,
    )


def _run_preview(run: ImportRun, user) -> dict:
    """The preview an ended dry run kept; only the staff member who uploaded the file may confirm it, while it is
    stored."""
    if run.created_by_id != user.pk:
        note = _("Only the person who uploaded this file can import it.")
    elif not default_storage.exists(run.stored_name):
        note = _("This preview has expired, or its file was imported: upload the file again to import it.")
    else:
        note = ""
    return _preview(
        counts=run.counts,
        errors=run.errors,
        error_count=run.preview.get("errors", len(run.errors)),
        rows=[RowPlan.from_json(row) for row in run.preview.get("rows", [])],
        hidden=run.preview.get("hidden", 0),
        token="" if note else _confirmation_token(run.stored_name, user, run.file_name),
        file_name=run.file_name,
        note=note,
    )


class ImportExportMixin:
    """On the change list of publications or workshops (`import_kind`): an Import page, template downloads, export
    actions, and the pages of import runs."""

    change_list_template = "admin/catalogue/publication/change_list.html"
    import_kind = "publications"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{prefix}_import"),
            path(
                "import/template.<str:kind>",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{prefix}_import_template",
            ),
            path("import/run/<int:pk>/", self.admin_site.admin_view(self.import_run_view), name=f"{prefix}_import_run"),
            path(
                "import/run/<int:pk>/progress/",
                self.admin_site.admin_view(self.import_run_progress_view),
                name=f"{prefix}_import_run_progress",
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name, kind in (("export_csv", "csv"), ("export_xlsx", "xlsx")):
            description = EXPORT_DESCRIPTIONS[self.import_kind] % {"format": kind.upper()}
            actions[name] = (self._export_action(kind), name, description)
        return actions

    def _export_action(self, kind: str):
        def export(modeladmin, request, queryset):
            buffer = io.BytesIO()
            KINDS[self.import_kind].exporter(records=queryset, kind=kind, handle=buffer)
            return _download(buffer.getvalue(), kind, self.import_kind)

        return export

    def has_import_permission(self, request) -> bool:
        """Importing creates, changes and may publish records: it takes all three permissions."""
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and request.user.has_perm(f"{self.opts.app_label}.publish_{self.opts.model_name}")
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context=extra_context)

    def import_template_view(self, request, kind):
        if kind not in CONTENT_TYPES or not self.has_view_permission(request):
            raise Http404
        buffer = io.BytesIO()
        write_table([], kind, buffer, KINDS[self.import_kind].layout)
        return _download(buffer.getvalue(), kind, f"{self.import_kind}-template")

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request)
        kind = KINDS[self.import_kind]
        form = ImportForm(request.POST or None, request.FILES or None, kind=self.import_kind)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                extension = file_format(upload.name)
                table = read_table(upload, upload.name, kind.layout)
            except FileError as error:
                form.add_error("file", str(error))
            else:
                _remove_stale_uploads()
                upload.seek(0)
                stored = default_storage.save(
                    f"{PENDING_FOLDER}/{secrets.token_urlsafe(24)}.{extension}", ContentFile(upload.read())
                )
                if len(table.rows) > settings.IDM_IMPORT_INLINE_ROWS:  # checked apart: the run's page previews it
                    run = import_run_create(
                        kind=self.import_kind,
                        stored_name=stored,
                        file_name=upload.name,
                        valid_only=True,
                        user=request.user,
                        dry_run=True,
                    )
                    return redirect(self._run_url(run))
                result = kind.importer(table=table, dry_run=True, valid_only=True)
                token = _confirmation_token(stored, request.user, upload.name)
                return self._render(request, preview=_plan_preview(result.plan, token, upload.name))
        return self._render(request, form=form)

    def _run_url(self, run: ImportRun) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import_run", args=[run.pk])

    def _confirm(self, request):
        try:
            pending = signing.loads(request.POST["token"], salt=TOKEN_SALT, max_age=PENDING_MAX_AGE)
        except signing.BadSignature:
            pending = None
        if not pending or pending["user"] != request.user.pk or not default_storage.exists(pending["name"]):
            messages.error(request, _("This preview has expired: upload the file again."))
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        valid_only = "valid_only" in request.POST
        kind = KINDS[self.import_kind]
        with default_storage.open(pending["name"], "rb") as handle:
            table = read_table(handle, pending["name"], kind.layout)
        if len(table.rows) > settings.IDM_IMPORT_INLINE_ROWS:
            run = import_run_create(
                kind=self.import_kind,
                stored_name=pending["name"],
                file_name=pending["file"],
                valid_only=valid_only,
                user=request.user,
            )
            return redirect(self._run_url(run))
        try:
            result = kind.importer(table=table, valid_only=valid_only)
        except ImportRefused as refused:  # the catalogue changed since the preview
            return self._render(request, preview=_plan_preview(refused.plan, request.POST["token"], pending["file"]))
        default_storage.delete(pending["name"])
        counts = result.counts
        messages.success(request, DONE_MESSAGES[self.import_kind] % {"file": pending["file"], **counts})
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def _render(self, request, *, form=None, preview=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": TITLES[self.import_kind],
            "kind": self.import_kind,
            "form": form,
            "preview": preview,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/catalogue/publication/import.html", context)

    def _import_run(self, request, pk: int) -> ImportRun:
        if not self.has_import_permission(request):
            raise PermissionDenied
        return get_object_or_404(ImportRun, pk=pk, kind=self.import_kind)

    def import_run_view(self, request, pk):
        run = self._import_run(request, pk)
        progress = import_run_progress(run)
        stage = progress["stage"] if progress["status"] == "running" and progress["stage"] in STAGE_LABELS else ""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": TITLES[self.import_kind],
            "kind": self.import_kind,
            "run": run,
            "progress": progress,
            "stage_label": STAGE_LABELS.get(stage or progress["status"], ""),
            "stage_labels": STAGE_LABELS,
            "preview": _run_preview(run, request.user)
            if run.dry_run and run.status == ImportRun.RunStatus.DONE
            else None,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/catalogue/import_run.html", context)

    def import_run_progress_view(self, request, pk):
        """The run's progress as JSON, polled by its page until it ends (never cached: admin_view)."""
        return JsonResponse(import_run_progress(self._import_run(request, pk)))
