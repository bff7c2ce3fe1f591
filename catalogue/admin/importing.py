"""Admin glue for catalogue/dataio/: the publications' Import page (upload, preview, confirm), the template
download, and the actions exporting a selection as CSV or XLSX.

Between the preview and the confirmation the uploaded file waits in the default storage (shared by every app
server) under an unguessable name, signed into the confirmation form; it is deleted once imported, and files of
abandoned previews after a day.
"""

import datetime
import io
import secrets
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.dataio.export import catalogue_export_table
from catalogue.dataio.tabular import FileError, file_format, read_table, write_table
from catalogue.dataio.upsert import ImportRefused, catalogue_import

PENDING_FOLDER = "imports"
PENDING_MAX_AGE = datetime.timedelta(days=1)
TOKEN_SALT = "catalogue.admin.importing"
PREVIEW_ROWS = 500  # rows listed in the preview; the refused ones always come first
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV, XLSX or JSON in the template's columns: one row per edition."),
    )


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


class ImportExportMixin:
    """On the publications' change list: an Import page, template downloads, and export actions."""

    change_list_template = "admin/catalogue/publication/change_list.html"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{prefix}_import"),
            path(
                "import/template.<str:kind>",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{prefix}_import_template",
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        for name, kind in (("export_csv", "csv"), ("export_xlsx", "xlsx")):
            description = _("Export the selected publications as %(format)s") % {"format": kind.upper()}
            actions[name] = (self._export_action(kind), name, description)
        return actions

    @staticmethod
    def _export_action(kind: str):
        def export(modeladmin, request, queryset):
            buffer = io.BytesIO()
            catalogue_export_table(publications=queryset, kind=kind, handle=buffer)
            return _download(buffer.getvalue(), kind, "publications")

        return export

    def has_import_permission(self, request) -> bool:
        """Importing creates, changes and may publish publications: it takes all three permissions."""
        return (
            self.has_add_permission(request)
            and self.has_change_permission(request)
            and request.user.has_perm("catalogue.publish_publication")
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context=extra_context)

    def import_template_view(self, request, kind):
        if kind not in CONTENT_TYPES or not self.has_view_permission(request):
            raise Http404
        buffer = io.BytesIO()
        write_table([], kind, buffer)
        return _download(buffer.getvalue(), kind, "publications-template")

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "token" in request.POST:
            return self._confirm(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                kind = file_format(upload.name)
                table = read_table(upload, upload.name)
            except FileError as error:
                form.add_error("file", str(error))
            else:
                _remove_stale_uploads()
                upload.seek(0)
                stored = default_storage.save(
                    f"{PENDING_FOLDER}/{secrets.token_urlsafe(24)}.{kind}", ContentFile(upload.read())
                )
                token = signing.dumps({"name": stored, "user": request.user.pk, "file": upload.name}, salt=TOKEN_SALT)
                result = catalogue_import(table=table, dry_run=True, valid_only=True)
                return self._render(request, form=None, plan=result.plan, token=token, file_name=upload.name)
        return self._render(request, form=form)

    def _confirm(self, request):
        try:
            pending = signing.loads(request.POST["token"], salt=TOKEN_SALT, max_age=PENDING_MAX_AGE)
        except signing.BadSignature:
            pending = None
        if not pending or pending["user"] != request.user.pk or not default_storage.exists(pending["name"]):
            messages.error(request, _("This preview has expired: upload the file again."))
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        valid_only = "valid_only" in request.POST
        with default_storage.open(pending["name"], "rb") as handle:
            table = read_table(handle, pending["name"])
        try:
            result = catalogue_import(table=table, valid_only=valid_only)
        except ImportRefused as refused:  # the catalogue changed since the preview
            return self._render(
                request, form=None, plan=refused.plan, token=request.POST["token"], file_name=pending["file"]
            )
        default_storage.delete(pending["name"])
        counts = result.counts
        messages.success(
            request,
            _(
                "Imported %(file)s: %(create)s publications created, %(update)s updated, %(unchanged)s unchanged, "
                "%(refuse)s left out."
            )
            % {"file": pending["file"], **counts},
        )
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def _render(self, request, *, form, plan=None, token="", file_name=""):
        rows = plan.rows() if plan is not None else []
        shown = sorted(rows, key=lambda row: (row.action != "refuse", row.row))[:PREVIEW_ROWS]
        counts = plan.counts() if plan is not None else {}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import publications"),
            "form": form,
            "plan": plan,
            "rows": sorted(shown, key=lambda row: row.row),
            "hidden_rows": len(rows) - len(shown),
            "counts": counts,
            "errors": plan.errors if plan is not None else [],
            "can_import": bool(plan is not None and not plan.errors and (counts["create"] or counts["update"])),
            "can_import_valid": bool(plan is not None and plan.errors and (counts["create"] or counts["update"])),
            "token": token,
            "file_name": Path(file_name).name,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/catalogue/publication/import.html", context)
