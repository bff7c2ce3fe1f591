"""Workshops recorded by publications, their agenda and the people in it."""

import datetime
import uuid
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from catalogue.i18n import slug_url

from .common import SlugNaturalKeyManager, Status, WorkflowMixin, has_publish_date, published_q, withdrawn_q
from .text import validate_multiline_text, validate_single_line_text


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class WorkshopQuerySet(models.QuerySet):
    def published(self):
        """Published workshops with no report yet, or whose report is public."""
        return self.filter(published_q(), Q(publication__isnull=True) | published_q("publication__"))

    def listed_on_report(self):
        """Workshops published in their own right, as their report's page lists them (the report itself may be
        a preview)."""
        return self.filter(published_q())

    def withdrawn(self):
        """Workshops gone from the catalogue (410): withdrawn after they had been public, or public ones whose
        report was withdrawn."""
        return self.filter(withdrawn_q() | (published_q() & withdrawn_q("publication__")))

    def mark_changed(self) -> int:
        """Move the content-changed time of these workshops to now (a part of their record changed)."""
        return self.update(content_changed_at=timezone.now())

    def with_agenda(self):
        """Prefetch the agenda in schedule order, each item with its people."""
        return self.prefetch_related(
            models.Prefetch("agenda_items", queryset=AgendaItem.objects.in_schedule_order().with_people())
        )

    def for_detail(self):
        """Everything a workshop page shows: its report with the report's series, and the agenda."""
        return self.select_related("publication__series").with_agenda()

    def for_index(self):
        """Everything a workshop's search document holds (its agenda and the people in it), unordered."""
        agenda = AgendaItem.objects.order_by().prefetch_related("speakers")
        return self.order_by().prefetch_related(models.Prefetch("agenda_items", queryset=agenda))


class AgendaItemQuerySet(models.QuerySet):
    def published(self):
        return self.filter(
            published_q("workshop__"), Q(workshop__publication__isnull=True) | published_q("workshop__publication__")
        )

    def in_schedule_order(self):
        """By day and time; a session whose time was not recorded comes first on its day, on every database."""
        return self.order_by("date", F("start_time").asc(nulls_first=True), "position")

    def with_people(self):
        """Prefetch each item's participations (in their order) with the speaker."""
        participations = AgendaParticipation.objects.select_related("speaker").order_by("position", "pk")
        return self.prefetch_related(models.Prefetch("participations", queryset=participations))


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


class Speaker(models.Model):
    """A person who takes part in workshop sessions."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line_text])
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    position = models.CharField(_("position"), max_length=300, blank=True, validators=[validate_single_line_text])
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True, validators=[validate_single_line_text])

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Workshop(WorkflowMixin, models.Model):
    """An event recorded by a publication: a workshop of the Dialogue, with its agenda."""

    Status = Status

    title = models.CharField(_("title"), max_length=500, validators=[validate_single_line_text])
    description = models.TextField(_("description"), blank=True, validators=[validate_multiline_text])
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=200, validators=[validate_single_line_text])
    country = CountryField(_("country"))
    venue = models.CharField(_("venue"), max_length=300, blank=True, validators=[validate_single_line_text])
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    time_zone = models.CharField(_("time zone"), max_length=64, choices=time_zone_choices, default="UTC")
    participants_count = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    panelists_count = models.PositiveIntegerField(_("number of panelists"), null=True, blank=True)
    publication = models.ForeignKey(
        "catalogue.Publication",
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
        help_text=_("The publication that reports on this workshop."),
    )
    # As on Publication: an identity that survives slug changes (calendar UIDs), and when any part of the
    # record (the workshop, its agenda, the people in it) last changed.
    uuid = models.UUIDField(_("persistent identifier"), default=uuid.uuid4, unique=True, editable=False)
    content_changed_at = models.DateTimeField(_("content changed"), default=timezone.now, editable=False)

    objects = SlugNaturalKeyManager.from_queryset(WorkshopQuerySet)()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-start_date"]
        permissions = [("publish_workshop", _("Can publish, schedule and withdraw workshops"))]
        indexes = [  # the latest publish date that has come, read from the index (the catalogue's content version)
            models.Index(fields=["publish_date", "status"], name="workshop_recent"),
            # Newest first, read in index order (the admin's list and its years, the workshop list's index).
            models.Index(fields=["start_date"], name="workshop_start"),
            models.Index(fields=["country"], name="workshop_country"),  # the admin's countries, from the index alone
        ]
        constraints = [
            has_publish_date("published_workshop_has_publish_date", _("A published workshop needs a publish date.")),
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
        return slug_url("catalogue:workshop-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": ValidationError(_("A workshop cannot end before it starts."), code="ends_before_start")}
            )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


def workshop_spans_dates(workshop: Workshop) -> bool:
    """Whether `workshop` has a start and an end date in order (else its own form reports it)."""
    return bool(workshop.start_date and workshop.end_date and workshop.start_date <= workshop.end_date)


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
    title = models.CharField(_("title"), max_length=500, validators=[validate_single_line_text])
    description = models.TextField(_("description"), blank=True, validators=[validate_multiline_text])
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
        # The workshop as given (a form's unsaved or edited workshop included), else none to check against.
        workshop = self.workshop if self.workshop_id or AgendaItem.workshop.is_cached(self) else None
        if (
            workshop
            and self.date
            and workshop_spans_dates(workshop)
            and not (workshop.start_date <= self.date <= workshop.end_date)
        ):
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
