"""Publications: the work and its editions (one per language and format); its table of contents is in contents.py."""

import uuid
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.i18n import fallback_languages, language_choices, language_name, number_label, slug_url
from catalogue.identifiers import IsbnField, IssnField, format_isbn

from .common import (
    CountPrecision,
    SlugNaturalKeyManager,
    Status,
    WorkflowMixin,
    count_display,
    counts_have_precision,
    errors_on_fields,
    has_publish_date,
    published_q,
    withdrawn_q,
)
from .contents import TocEntry
from .documents import TextState
from .taxonomy import Series, Topic
from .text import validate_multiline_text, validate_single_line_text
from .uploads import CoverImageField, EditionFileField, fill_pages_from_pdf, require_cover_alt
from .workshop import Workshop

# What an external edition URL may start with: the schemes Django's URLField accepts.
WEB_URL_PREFIXES = ("http://", "https://", "ftp://", "ftps://")


def title_order(language: str):
    """An expression ordering publications by title in `language`, falling back like the pages do."""
    columns = [NullIf(f"title_{code}", Value("")) for code in fallback_languages(language)]
    return Lower(Coalesce(*columns)) if len(columns) > 1 else Lower(columns[0])


class PublicationQuerySet(models.QuerySet):
    def published(self):
        """Publications with status published and a publish date that has come."""
        return self.filter(published_q())

    def withdrawn(self):
        """Publications withdrawn after they had been public: gone (410), deleted records in OAI-PMH."""
        return self.filter(withdrawn_q())

    def in_series(self, series):
        return self.filter(series=series)

    def with_topic(self, topic):
        return self.filter(topics=topic)

    def for_listing(self):
        """What a list of publications shows: series and the languages of the editions."""
        return self.select_related("series").prefetch_related("editions")

    def for_detail(self):
        """Everything a publication page shows, in a fixed number of queries."""
        return self.select_related("series").prefetch_related(*detail_lookups())

    def for_api(self, *, detail: bool = False):
        """What the JSON API shows, related rows in a stable order; the detail adds the table of contents."""
        return self.select_related("series").prefetch_related(*api_lookups(detail=detail))

    def with_fragment_version(self):
        """Each publication with `workshops_published_at`: when the last workshop its page and API item list
        became public, which a workshop does on its date, without any write (fragments.py)."""
        latest = (
            Workshop.objects.listed_on_report()
            .filter(publication=OuterRef("pk"))
            .order_by("-publish_date")
            .values("publish_date")[:1]
        )
        return self.annotate(workshops_published_at=Subquery(latest))

    def mark_changed(self) -> int:
        """Move the content-changed time of these publications to now (a part of their record changed)."""
        return self.update(content_changed_at=timezone.now())

    def for_citation(self):
        """What a publication record reads: series, its ISSNs, the editions and topics."""
        return self.select_related("series").prefetch_related("series__issns", "editions", "topics")

    def for_oai(self, *, metadata: bool = True):
        """What an OAI-PMH record reads: series and topics (the header's sets); with `metadata`,
        ISSNs and editions too (oai_dc)."""
        return self.select_related("series").prefetch_related(*oai_lookups(metadata=metadata))


def detail_lookups() -> list:
    """The related rows a publication page (and a MARC record) reads beyond its series (for_detail())."""
    return [
        "series__issns",
        "editions",
        "topics",
        models.Prefetch("toc_entries", queryset=TocEntry.objects.order_by("position")),
        models.Prefetch("workshops", queryset=Workshop.objects.listed_on_report().order_by("start_date")),
    ]


def api_lookups(*, detail: bool = False) -> list:
    """The related rows an API item reads (for_api()), for prefetch_related() or prefetch_related_objects()."""
    lookups = [
        "series__issns",
        models.Prefetch("editions", queryset=Edition.objects.order_by("position", "language", "format")),
        models.Prefetch("topics", queryset=Topic.objects.order_by("slug")),
        models.Prefetch("workshops", queryset=Workshop.objects.listed_on_report().order_by("start_date", "slug")),
    ]
    if detail:
        lookups.append(models.Prefetch("toc_entries", queryset=TocEntry.objects.order_by("position")))
    return lookups


def oai_lookups(*, metadata: bool = True) -> list:
    """The related rows an OAI-PMH record reads beyond its series (for_oai())."""
    return ["topics", "series__issns", "editions"] if metadata else ["topics"]


class EditionQuerySet(models.QuerySet):
    def published(self):
        """Editions of public publications."""
        return self.filter(published_q("publication__"))


class EditionManager(models.Manager.from_queryset(EditionQuerySet)):
    def get_by_natural_key(self, publication_slug, language, format):
        return self.get(publication__slug=publication_slug, language=language, format=format)


class Publication(WorkflowMixin, models.Model):
    """A work: one numbered report of a series, with its editions in several languages."""

    Status = Status

    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.PROTECT, related_name="publications")
    number = models.PositiveIntegerField(_("number"), validators=[MinValueValidator(1)])
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900)])
    title = models.CharField(_("title"), max_length=500, validators=[validate_single_line_text])
    subtitle = models.CharField(_("subtitle"), max_length=500, blank=True, validators=[validate_single_line_text])
    summary = models.TextField(_("summary"), blank=True, validators=[validate_multiline_text])
    original_language = models.CharField(_("original language"), max_length=3, choices=language_choices, default="en")
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="publications")
    publisher = models.CharField(_("publisher"), max_length=300, blank=True, validators=[validate_single_line_text])
    corporate_author = models.CharField(
        _("corporate author"),
        max_length=300,
        blank=True,
        validators=[validate_single_line_text],
        help_text=_("Who is responsible for the content, when not the publisher."),
    )
    place = models.CharField(
        _("place of publication"),
        max_length=200,
        blank=True,
        validators=[validate_single_line_text],
        help_text=_("The city where the publisher issued it, e.g. Geneva."),
    )
    reference_number = models.CharField(
        _("reference number"),
        max_length=50,
        blank=True,
        validators=[validate_single_line_text],
        help_text=_("E.g. PUB2019/046/L."),
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
    cover_image = CoverImageField(_("cover image"), blank=True)
    cover_alt = models.CharField(
        _("cover image text alternative"),
        max_length=300,
        blank=True,
        validators=[validate_single_line_text],
        help_text=_("Describes the cover for people who cannot see it."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    # The publication's identity for machines (OAI-PMH identifiers, calendar UIDs): never changes, even when
    # the slug does, and travels with the record through exports and imports.
    uuid = models.UUIDField(_("persistent identifier"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # When any part of the record last changed: the publication, its editions, contents, topics or workshops
    # (moved by the search index signals, which know which rows feed which record). Drives OAI datestamps,
    # sitemap lastmod, feeds and Last-Modified.
    content_changed_at = models.DateTimeField(_("content changed"), default=timezone.now, editable=False)

    objects = SlugNaturalKeyManager.from_queryset(PublicationQuerySet)()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["series", "-number"]
        permissions = [("publish_publication", _("Can publish, schedule and withdraw publications"))]
        indexes = [  # published() counted from the index alone, the newest first read in its order (home, feeds)
            models.Index(fields=["publish_date", "status"], name="publication_recent"),
            models.Index(fields=["content_changed_at"], name="publication_changed"),
            # The catalogue's newest and oldest first read in index order, and the years' publications grouped
            # from it alone (public/catalogue_index.py).
            models.Index(fields=["year", "number"], name="publication_year_number"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="unique_publication_number_in_series"),
            has_publish_date(
                "published_publication_has_publish_date", _("A published publication needs a publish date.")
            ),
            counts_have_precision("participants", "panelists"),
        ]

    def __str__(self):
        """'IDM No. 31 — title' in the active language ('IDM n° 31 — titre', 'IDM n.º 31 — título')."""
        return f"{self.series.short_name or self.series.name} {number_label(self.number)} — {self.title}"

    def get_absolute_url(self):
        return slug_url("catalogue:publication-detail", self.slug)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        require_cover_alt(self)

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            # The one record-level unique constraint, series and number: the editor typed the number.
            raise errors_on_fields(error, {"unique_together": "number"}) from None

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
    file = EditionFileField(_("file"), blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True, validators=[validate_single_line_text])
    # Empty: availability not stated (left empty rather than guessed).
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, blank=True, default=""
    )
    price = models.DecimalField(
        _("price"), max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[validate_single_line_text],
        help_text=_("ISO 4217 code, e.g. USD."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Derived from the file when it is stored (catalogue/search/documents_text.py): its size, its first page drawn
    # as a cover (named with its size, models/covers.py) and where the search index stands with its text.
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True, editable=False)
    first_page = models.FileField(_("first page"), upload_to="covers/", max_length=200, blank=True, editable=False)
    text_state = models.CharField(
        _("text for search"), max_length=10, choices=TextState.choices, blank=True, default="", editable=False
    )

    objects = EditionManager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["publication", "position", "language", "format"]
        indexes = [  # a search for an ISSN finds its editions through it (the ISBN has its unique index)
            models.Index(fields=["issn"], condition=~Q(issn=""), name="edition_issn"),
            # The language and format facets' publications, grouped from these indexes alone (catalogue_index.py).
            models.Index(fields=["language", "publication"], name="edition_language"),
            models.Index(fields=["format", "publication"], name="edition_format"),
        ]
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

    def save(self, *args, **kwargs):
        fill_pages_from_pdf(self)  # code that saves without full_clean() gets the page count too
        super().save(*args, **kwargs)

    def natural_key(self):
        return (*self.publication.natural_key(), self.language, self.format)

    natural_key.dependencies = ["catalogue.publication"]

    def clean(self):
        fill_pages_from_pdf(self)

    def validate_constraints(self, exclude=None):
        # Constraints report on the record; the editor typed the ISBN, the currency in their fields.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            raise errors_on_fields(error, {"duplicate_isbn": "isbn", "price_without_currency": "currency"}) from None

    @property
    def isbn_display(self) -> str:
        return format_isbn(self.isbn)

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def download_url(self) -> str:
        """The uploaded file's URL, else the external URL if it is a web address: a URL written past the field's
        validator (``javascript:``, ``data:``) is never handed to a page, a link or an output."""
        if self.file:
            return self.file.url
        return self.url if self.url.lower().startswith(WEB_URL_PREFIXES) else ""
