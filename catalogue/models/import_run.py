"""An import of a file started from the admin and run apart from the request (catalogue/dataio/runs.py): its
preview (a dry run: the rows checked, nothing written) or the import itself."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import validate_single_line_text

ONE_LINE = [validate_single_line_text]


class ImportRun(models.Model):
    """One file being imported: who started it and when, how far it got, and what came of it."""

    class RunStatus(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, validators=ONE_LINE)  # a key of catalogue.dataio.kinds.KINDS
    file_name = models.CharField(_("file name"), max_length=255, validators=ONE_LINE)  # as uploaded
    stored_name = models.CharField(
        _("stored file"), max_length=255, validators=ONE_LINE
    )  # in the default storage, until the run ends
    valid_only = models.BooleanField(_("only the valid rows"), default=False)
    # A preview: the file checked and what the import would do kept (`preview`), nothing written; its page asks
    # the staff member who uploaded it to confirm, which queues the import.
    dry_run = models.BooleanField(_("preview only"), default=False)
    preview = models.JSONField(_("preview"), default=dict, blank=True)  # {"rows": [RowPlan as JSON], "hidden": n}
    # The language of the staff member who started it: the run's messages (refusals, errors) are in it.
    language = models.CharField(_("language"), max_length=10, blank=True, validators=ONE_LINE)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    stage = models.CharField(_("stage"), max_length=20, blank=True, validators=ONE_LINE)
    done = models.PositiveIntegerField(_("records done"), default=0)
    total = models.PositiveIntegerField(_("records in all"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)  # create/update/unchanged/refuse
    errors = models.JSONField(_("errors"), default=list, blank=True)  # messages naming row, column and reason
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The runner's last sign of life, moved with each progress step: a running run whose heartbeat stops is
    # failed as interrupted (dataio/runs.py) instead of staying "running" forever.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="import_run_queue")]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.RunStatus.DONE, self.RunStatus.FAILED)
