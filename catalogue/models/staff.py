"""What the catalogue knows about its staff: the content languages each person works in."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from catalogue.i18n import content_languages, language_name


def content_language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in content_languages()]


class StaffLanguage(models.Model):
    """A content language a staff member works in.

    A translator (catalogue/editorial/roles.py) edits the translated text of these languages only; for everyone
    the translation dashboard lists these languages first.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="content_languages"
    )
    language = models.CharField(_("language"), max_length=3, choices=content_language_choices)

    class Meta:
        verbose_name = _("working language")
        verbose_name_plural = _("working languages")
        ordering = ["user", "language"]
        permissions = [("translate", _("Can edit translated text in their working languages"))]
        constraints = [models.UniqueConstraint(fields=["user", "language"], name="unique_staff_language")]

    def __str__(self):
        return language_name(self.language)
