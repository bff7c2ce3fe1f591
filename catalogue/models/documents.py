"""The text inside edition PDFs: one row per page, in the edition's language, for catalogue/search to index.

Extraction (pypdf) reads the text layer of each page; a scanned PDF has none. The full-text index beside the rows
(an FTS5 table on SQLite, a generated tsvector column on PostgreSQL) belongs to catalogue/search/documents_text.py.
"""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class TextState(models.TextChoices):
    """Where the search index stands with an edition's PDF ("" when the edition has no file)."""

    PENDING = "pending", _("Waiting for extraction")
    DONE = "done", _("Searchable")
    NO_TEXT = "no-text", _("No text layer (a scan)")
    FAILED = "failed", _("Extraction failed")


class DocumentPage(models.Model):
    """The text of one page of an edition's PDF."""

    edition = models.ForeignKey(
        "catalogue.Edition", verbose_name=_("edition"), on_delete=models.CASCADE, related_name="document_pages"
    )
    number = models.PositiveIntegerField(_("page"))
    # The edition's language when the text was indexed: PostgreSQL's tsvector is generated from it.
    language = models.CharField(_("language"), max_length=3)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("document page")
        verbose_name_plural = _("document pages")
        ordering = ["edition", "number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="unique_document_page")]

    def __str__(self):
        return f"{self.edition_id} p. {self.number}"


def _clean(text: str) -> str:
    # Control characters (NUL included, which PostgreSQL cannot store) become spaces; whitespace is collapsed.
    return " ".join("".join(" " if unicodedata.category(char)[0] == "C" else char for char in text).split())


def page_texts(file) -> list[str]:
    """The text of each page of the PDF `file`, whitespace collapsed ('' for a page without text); pypdf's
    errors pass through."""
    from pypdf import PdfReader  # here: a web worker that extracts no text never loads pypdf (~6 MB)

    file.seek(0)
    try:
        reader = PdfReader(file)
        if reader.is_encrypted:
            reader.decrypt("")
        return [_clean(page.extract_text() or "") for page in reader.pages]
    finally:
        file.seek(0)
