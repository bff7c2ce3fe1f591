"""The catalogue's vocabularies: topics, and series with their per-language ISSNs."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from catalogue.i18n import language_choices, language_name, slug_url
from catalogue.identifiers import IssnField

from .common import SlugNaturalKeyManager, published_q
from .text import validate_multiline_text, validate_single_line_text


class TopicQuerySet(models.QuerySet):
    def with_published_publications(self):
        """Topics that at least one public publication has: for each topic, the first public publication linked
        (an EXISTS stopping at the first), not a DISTINCT over every link (0.7 s at 100,000 publications)."""
        publication = self.model._meta.get_field("publications").related_model
        return self.filter(Exists(publication.objects.filter(published_q(), topics=OuterRef("pk"))))

    def for_detail(self):
        """What a topic page shows of the topic itself: its broader topic."""
        return self.select_related("parent")


class Topic(models.Model):
    """A subject in the catalogue's taxonomy, optionally nested under a broader one."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line_text])
    description = models.TextField(_("description"), blank=True, validators=[validate_multiline_text])
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("broader topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = SlugNaturalKeyManager.from_queryset(TopicQuerySet)()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(parent=F("id")), name="topic_not_its_own_parent")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("catalogue:topic-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError(
                    {
                        "parent": ValidationError(
                            _("A topic cannot be nested under itself or its own subtopics."), code="topic_cycle"
                        )
                    }
                )
            ancestor = ancestor.parent


class SeriesQuerySet(models.QuerySet):
    def for_detail(self):
        """What a series page shows of the series itself: its ISSNs."""
        return self.prefetch_related("issns")


class Series(models.Model):
    """A numbered publication series, e.g. International Dialogue on Migration."""

    name = models.CharField(_("name"), max_length=300, validators=[validate_single_line_text])
    short_name = models.CharField(_("short name"), max_length=50, blank=True, validators=[validate_single_line_text])
    description = models.TextField(_("description"), blank=True, validators=[validate_multiline_text])
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    objects = SlugNaturalKeyManager.from_queryset(SeriesQuerySet)()

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("catalogue:series-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def issn_for(self, language: str) -> "SeriesIssn | None":
        """The series' ISSN for editions in `language` (see MEDIUM_PREFERENCE), from prefetched rows."""
        candidates = [row for row in self.issns.all() if row.language == language]
        candidates.sort(key=lambda row: SeriesIssn.MEDIUM_PREFERENCE.index(row.medium))
        return candidates[0] if candidates else None


class SeriesIssnManager(models.Manager):
    def get_by_natural_key(self, issn):
        return self.get(issn=issn)


class SeriesIssn(models.Model):
    """The ISSN a series carries in one language and medium."""

    class Medium(models.TextChoices):
        PRINT = "print", _("Print")
        ONLINE = "online", _("Online")

    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.CASCADE, related_name="issns")
    language = models.CharField(_("language"), max_length=3, choices=language_choices)
    issn = IssnField(_("ISSN"), unique=True)
    # Empty: the medium is not stated where the ISSN was found (left empty rather than guessed).
    medium = models.CharField(_("medium"), max_length=10, choices=Medium.choices, blank=True, default="")

    # Which row issn_for() picks when a language has several: online, then print, then medium not stated.
    MEDIUM_PREFERENCE = [Medium.ONLINE, Medium.PRINT, ""]

    objects = SeriesIssnManager()

    class Meta:
        verbose_name = _("series ISSN")
        verbose_name_plural = _("series ISSNs")
        ordering = ["series", "language", "medium"]
        constraints = [
            models.UniqueConstraint(fields=["series", "language", "medium"], name="unique_series_issn_per_language")
        ]

    def __str__(self):
        return f"{self.issn} ({self.language})"

    def natural_key(self):
        return (self.issn,)

    @property
    def language_name(self) -> str:
        return language_name(self.language)
