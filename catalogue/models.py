"""The catalogue's domain: series, publications, editions, contents, topics, workshops.

Human-readable fields are translated by django-modeltranslation (see
translation.py); read logic lives in querysets.py, multi-model writes in
services.py.
"""

import datetime
import zoneinfo
from functools import cached_property

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from django_countries.fields import CountryField

from .identifiers import IsbnField, IssnField, format_isbn
from .languages import language_choices, language_name
from .querysets import (
    AgendaItemQuerySet,
    EditionQuerySet,
    PublicationQuerySet,
    TopicQuerySet,
    WorkshopQuerySet,
)


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class EditionManager(models.Manager.from_queryset(EditionQuerySet)):
    def get_by_natural_key(self, publication_slug, language, format):
        return self.get(publication__slug=publication_slug, language=language, format=format)


class TocEntryManager(models.Manager):
    def get_by_natural_key(self, publication_slug, position):
        return self.get(publication__slug=publication_slug, position=position)


class AgendaItemManager(models.Manager.from_queryset(AgendaItemQuerySet)):
    def get_by_natural_key(self, workshop_slug, position):
        return self.get(workshop__slug=workshop_slug, position=position)


class AgendaParticipationManager(models.Manager):
    def get_by_natural_key(self, workshop_slug, item_position, speaker_slug, role):
        return self.get(
            agenda_item__workshop__slug=workshop_slug,
            agenda_item__position=item_position,
            speaker__slug=speaker_slug,
            role=role,
        )


class CountPrecision(models.TextChoices):
    """How exact a reported head count is: sources often give "over 600" or "about 700"."""

    EXACT = "exact", pgettext_lazy("number of people", "Exactly")
    MORE_THAN = "more-than", pgettext_lazy("number of people", "More than")
    ABOUT = "about", pgettext_lazy("number of people", "About")


def count_display(count: int | None, precision: str) -> str:
    """A head count as a phrase in the active language: "600", "more than 600", "about 700"; "" when unknown."""
    if count is None:
        return ""
    number = number_format(count)
    if precision == CountPrecision.MORE_THAN:
        return pgettext("number of people", "more than %(count)s") % {"count": number}
    if precision == CountPrecision.ABOUT:
        return pgettext("number of people", "about %(count)s") % {"count": number}
    return number


def counts_have_precision(*prefixes: str) -> models.CheckConstraint:
    """Each `<prefix>_count` and its `<prefix>_precision` are given together or not at all.

    One constraint for all the counts: full_clean() (and so the validating loaddata) runs a query per constraint.
    """
    condition = Q()
    for prefix in prefixes:
        count, precision = f"{prefix}_count", f"{prefix}_precision"
        condition &= (Q(**{f"{count}__isnull": True}) & Q(**{precision: ""})) | (
            Q(**{f"{count}__isnull": False}) & ~Q(**{precision: ""})
        )
    return models.CheckConstraint(
        condition=condition,
        name="publication_counts_have_precision",
        violation_error_message=_(
            "Give a number of people together with its precision (exactly, more than or about), or neither."
        ),
        violation_error_code="count_precision_mismatch",
    )


class Topic(models.Model):
    """A subject in the catalogue's taxonomy, optionally nested under a broader one."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
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
        return reverse("catalogue:topic-detail", kwargs={"slug": self.slug})

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


class Series(models.Model):
    """A numbered publication series, e.g. International Dialogue on Migration."""

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:series-detail", kwargs={"slug": self.slug})

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


class Publication(models.Model):
    """A work: one numbered report of a series, with its editions in several languages."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.PROTECT, related_name="publications")
    number = models.PositiveIntegerField(_("number"), validators=[MinValueValidator(1)])
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900)])
    title = models.CharField(_("title"), max_length=500)
    subtitle = models.CharField(_("subtitle"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    original_language = models.CharField(_("original language"), max_length=3, choices=language_choices, default="en")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="publications")
    publisher = models.CharField(_("publisher"), max_length=300, blank=True)
    corporate_author = models.CharField(_("corporate author"), max_length=300, blank=True)
    reference_number = models.CharField(
        _("reference number"), max_length=50, blank=True, help_text=_("E.g. PUB2019/046/L.")
    )
    # Attendance of the whole Dialogue the publication reports on (all its workshops), as the report states
    # it: often approximate ("over 600"), hence the precision. Empty when not stated.
    participants_count = models.PositiveIntegerField(
        _("number of participants"),
        null=True,
        blank=True,
        help_text=_("Across all the workshops the publication reports on, as the report states it."),
    )
    participants_precision = models.CharField(
        _("precision of the number of participants"), max_length=10, choices=CountPrecision.choices, blank=True
    )
    panelists_count = models.PositiveIntegerField(
        _("number of panelists"),
        null=True,
        blank=True,
        help_text=_("Across all the workshops the publication reports on, as the report states it."),
    )
    panelists_precision = models.CharField(
        _("precision of the number of panelists"), max_length=10, choices=CountPrecision.choices, blank=True
    )
    cover_image = models.ImageField(_("cover image"), upload_to="covers/", blank=True)
    cover_alt = models.CharField(
        _("cover image text alternative"),
        max_length=300,
        blank=True,
        help_text=_("Describes the cover for people who cannot see it."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_date = models.DateTimeField(
        _("publish date"),
        null=True,
        blank=True,
        help_text=_("When the publication becomes public. Set to now when published without a date."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SlugNaturalKeyManager.from_queryset(PublicationQuerySet)()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["series", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="unique_publication_number_in_series"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(publish_date__isnull=False),
                name="published_publication_has_publish_date",
                violation_error_message=_("A published publication needs a publish date."),
                violation_error_code="published_without_date",
            ),
            counts_have_precision("participants", "panelists"),
        ]

    def __str__(self):
        return f"{self.series.short_name or self.series.name} {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("catalogue:publication-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.status == self.Status.PUBLISHED and self.publish_date is None:
            self.publish_date = timezone.now()

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_date is not None
            and self.publish_date <= timezone.now()
        )

    @property
    def participants_display(self) -> str:
        return count_display(self.participants_count, self.participants_precision)

    @property
    def panelists_display(self) -> str:
        return count_display(self.panelists_count, self.panelists_precision)

    @cached_property
    def available_languages(self) -> list[str]:
        """Languages of the editions, derived (never stored), in edition order."""
        return list(dict.fromkeys(edition.language for edition in self.editions.all()))

    def issn_for(self, language: str) -> str:
        """The ISSN that applies to editions in `language`: an edition's override, else the series'."""
        for edition in self.editions.all():
            if edition.language == language and edition.issn:
                return edition.issn
        row = self.series.issn_for(language)
        return row.issn if row else ""


class Edition(models.Model):
    """One language and one format of a publication, with its own ISBN."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF")
        PRINT = "print", _("Print")
        EPUB = "epub", _("EPUB")
        HTML = "html", _("Web page")

    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        ELECTRONIC_ONLY = "electronic-only", _("Electronic copy only")
        PRINT_ON_DEMAND = "print-on-demand", _("Print on demand")
        OUT_OF_PRINT = "out-of-print", _("Out of print")

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="editions"
    )
    language = models.CharField(_("language"), max_length=3, choices=language_choices)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.PDF)
    isbn = IsbnField(_("ISBN"), blank=True, help_text=_("ISBN-10 or ISBN-13, with or without hyphens."))
    issn = IssnField(
        _("ISSN override"), blank=True, help_text=_("Only when it differs from the series' ISSN for this language.")
    )
    pages = models.PositiveIntegerField(_("number of pages"), null=True, blank=True, validators=[MinValueValidator(1)])
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Date of publication or upload."))
    file = models.FileField(_("file"), upload_to="editions/", blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    # Empty: availability not stated (left empty rather than guessed).
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, blank=True, default=""
    )
    price = models.DecimalField(
        _("price"), max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. USD."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = EditionManager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["publication", "position", "language", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "language", "format"], name="unique_edition_language_format"
            ),
            models.UniqueConstraint(
                fields=["isbn"],
                condition=~Q(isbn=""),
                name="unique_edition_isbn",
                violation_error_message=_("Another edition already has this ISBN."),
                violation_error_code="duplicate_isbn",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | ~Q(currency=""),
                name="edition_price_has_currency",
                violation_error_message=_("A price needs a currency."),
                violation_error_code="price_without_currency",
            ),
        ]

    def __str__(self):
        return f"{self.publication} [{self.language}, {self.get_format_display()}]"

    def natural_key(self):
        return (*self.publication.natural_key(), self.language, self.format)

    natural_key.dependencies = ["catalogue.publication"]

    def validate_constraints(self, exclude=None):
        # A conditional unique constraint reports on the record; the editor typed the ISBN in its field.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict({})
            duplicates = [e for e in errors.get(NON_FIELD_ERRORS, []) if e.code == "duplicate_isbn"]
            if duplicates:
                errors[NON_FIELD_ERRORS] = [e for e in errors[NON_FIELD_ERRORS] if e not in duplicates]
                errors.setdefault("isbn", []).extend(duplicates)
            raise ValidationError({field: messages for field, messages in errors.items() if messages}) from None

    @property
    def isbn_display(self) -> str:
        return format_isbn(self.isbn)

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def download_url(self) -> str:
        return self.file.url if self.file else self.url


class TocEntry(models.Model):
    """A heading in a publication's table of contents; entries form an ordered tree."""

    class Kind(models.TextChoices):
        PART = "part", _("Part")
        CHAPTER = "chapter", _("Chapter")
        SECTION = "section", _("Section")
        ANNEX = "annex", _("Annex")
        FRONT_MATTER = "front-matter", _("Front matter")

    publication = models.ForeignKey(
        Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="toc_entries"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(
        _("position"), help_text=_("Order of the heading in the whole table of contents.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CHAPTER)
    title = models.CharField(_("title"), max_length=500)
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


class Speaker(models.Model):
    """A person who takes part in workshop sessions."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    position = models.CharField(_("position"), max_length=300, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Workshop(models.Model):
    """An event recorded by a publication: a workshop of the Dialogue, with its agenda."""

    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=200)
    country = CountryField(_("country"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=time_zone_choices, default="UTC")
    participants_count = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    panelists_count = models.PositiveIntegerField(_("number of panelists"), null=True, blank=True)
    publication = models.ForeignKey(
        Publication,
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
        help_text=_("The publication that reports on this workshop."),
    )

    objects = SlugNaturalKeyManager.from_queryset(WorkshopQuerySet)()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="workshop_ends_after_it_starts",
                violation_error_message=_("A workshop cannot end before it starts."),
                violation_error_code="ends_before_start",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("catalogue:workshop-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": ValidationError(_("A workshop cannot end before it starts."), code="ends_before_start")}
            )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class AgendaItem(models.Model):
    """One session of a workshop's agenda."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        KEYNOTE = "keynote", _("Keynote")
        PANEL = "panel", _("Panel")
        PRESENTATION = "presentation", _("Presentation")
        DISCUSSION = "discussion", _("Discussion")
        BREAK = "break", _("Break")
        CLOSING = "closing", _("Closing")
        OTHER = "other", _("Other")

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveIntegerField(_("position"))
    date = models.DateField(_("date"))
    # Unknown for some recorded sessions: left empty rather than guessed.
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PANEL)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    speakers = models.ManyToManyField(
        Speaker, verbose_name=_("people"), through="AgendaParticipation", related_name="agenda_items", blank=True
    )

    objects = AgendaItemManager()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        # NULLS FIRST on both databases (SQLite's default), so sessions of unknown time sort alike.
        ordering = ["workshop", "date", F("start_time").asc(nulls_first=True), "position"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "position"], name="unique_agenda_item_position"),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(start_time__isnull=True) | Q(end_time__gt=F("start_time")),
                name="agenda_item_ends_after_it_starts",
                violation_error_message=_("A session must end after it starts."),
                violation_error_code="ends_before_start",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.workshop.natural_key(), self.position)

    natural_key.dependencies = ["catalogue.workshop"]

    def clean(self):
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = ValidationError(_("A session must end after it starts."), code="ends_before_start")
        workshop = self.workshop if self.workshop_id else None
        if workshop and self.date and not (workshop.start_date <= self.date <= workshop.end_date):
            errors["date"] = ValidationError(
                _("The session must take place during its workshop (%(start)s to %(end)s)."),
                code="outside_workshop",
                params={"start": workshop.start_date.isoformat(), "end": workshop.end_date.isoformat()},
            )
        if errors:
            raise ValidationError(errors)

    @property
    def starts_at(self) -> datetime.datetime | None:
        if self.start_time is None:
            return None
        return datetime.datetime.combine(self.date, self.start_time, tzinfo=self.workshop.zone)

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.end_time is None:
            return None
        return datetime.datetime.combine(self.date, self.end_time, tzinfo=self.workshop.zone)


class AgendaParticipation(models.Model):
    """A person's role in one agenda item."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MODERATOR = "moderator", _("Moderator")
        SPEAKER = "speaker", _("Speaker")
        PANELIST = "panelist", _("Panelist")
        RAPPORTEUR = "rapporteur", _("Rapporteur")

    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="participations"
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("person"), on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = AgendaParticipationManager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("people")
        ordering = ["agenda_item", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "speaker", "role"], name="unique_participation_role"),
        ]

    def __str__(self):
        return f"{self.speaker} ({self.get_role_display()})"

    def natural_key(self):
        return (*self.agenda_item.natural_key(), *self.speaker.natural_key(), self.role)

    natural_key.dependencies = ["catalogue.agendaitem", "catalogue.speaker"]


class SearchDocument(models.Model):
    """The text of one publication or workshop and its related rows, per language, for search.py's index."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        WORKSHOP = "workshop", _("Workshop")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    # Title-like text (weighted high) and everything else, in each content language.
    title_en = models.TextField(blank=True)
    title_fr = models.TextField(blank=True)
    title_es = models.TextField(blank=True)
    body_en = models.TextField(blank=True)
    body_fr = models.TextField(blank=True)
    body_es = models.TextField(blank=True)
    # Compact ISBN-13s and ISSNs, space-separated with a space at each end.
    identifiers = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
