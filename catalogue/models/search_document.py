"""The search index's documents: the text of one publication or workshop, per content language.

What goes into them, and the full-text tables beside them, belong to catalogue/search/.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.i18n import content_languages


class SearchDocument(models.Model):
    """The text of one publication or workshop and its related rows, per language, for catalogue/search's index."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        WORKSHOP = "workshop", _("Workshop")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    # title_<lang> and body_<lang> for each content language: added below, from catalogue.i18n.
    # Compact ISBN-13s and ISSNs, space-separated with a space at each end.
    identifiers = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


# Title-like text (weighted high) and everything else, in each content language.
for _code in content_languages():
    SearchDocument.add_to_class(f"title_{_code}", models.TextField(blank=True))
    SearchDocument.add_to_class(f"body_{_code}", models.TextField(blank=True))
