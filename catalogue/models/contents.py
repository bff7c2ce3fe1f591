"""A publication's table of contents: headings in an ordered tree."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import validate_single_line_text


class TocEntryManager(models.Manager):
    def get_by_natural_key(self, publication_slug, position):
        return self.get(publication__slug=publication_slug, position=position)


class TocEntry(models.Model):
    """A heading in a publication's table of contents; entries form an ordered tree."""

    class Kind(models.TextChoices):
        PART = "part", _("Part")
        CHAPTER = "chapter", _("Chapter")
        SECTION = "section", _("Section")
        ANNEX = "annex", _("Annex")
        FRONT_MATTER = "front-matter", _("Front matter")

    publication = models.ForeignKey(
        "Publication", verbose_name=_("publication"), on_delete=models.CASCADE, related_name="toc_entries"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(
        _("position"), help_text=_("Order of the heading in the whole table of contents.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CHAPTER)
    title = models.CharField(_("title"), max_length=500, validators=[validate_single_line_text])
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)

    objects = TocEntryManager()

    class Meta:
        verbose_name = _("table of contents entry")
        verbose_name_plural = _("table of contents")
        ordering = ["publication", "position"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "position"], name="unique_toc_position"),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.publication.natural_key(), self.position)

    natural_key.dependencies = ["catalogue.publication"]

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.publication_id != self.publication_id:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _("The parent heading belongs to another publication."), code="parent_elsewhere"
                    )
                }
            )
        if self.parent.position >= self.position:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _("A heading must come after the heading it belongs to."), code="parent_after_child"
                    )
                }
            )
