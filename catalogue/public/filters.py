"""The catalogue's FilterSet: search, facets (with counts that follow the other filters) and sorting.

On the pages every input is lenient: malformed or unknown values are dropped
or match nothing, so any link, however old or hostile, still gives a page.
The API uses the same FilterSet with `strict=True`: a malformed value of any
parameter (one given empty included) is then an error naming it (a 400)
instead of being dropped.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalogue import search
from catalogue.i18n import language_name, translated
from catalogue.models import Edition, Publication, Series, Topic
from catalogue.models.publication import title_order

from .results import PublicationResults

MAX_QUERY_LENGTH = 200
MAX_FACET_VALUES = 30
FACET_SHOWN = 8  # values listed before a facet's "Show more"

SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,200}")
YEAR_RE = re.compile(r"[0-9]{4}")
LANGUAGE_RE = re.compile(r"[a-z]{2,3}")
FORMAT_RE = re.compile("|".join(re.escape(value) for value in Edition.Format.values))


def clean_query(value: str) -> str:
    """A search query without control characters (NUL included), whitespace collapsed, length capped."""
    printable = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in value)
    return " ".join(printable.split())[:MAX_QUERY_LENGTH]


class SearchQueryField(forms.CharField):
    def to_python(self, value):
        return clean_query(super().to_python(value) or "")


class QueryFilter(django_filters.CharFilter):
    field_class = SearchQueryField


class LenientMultipleChoiceField(forms.Field):
    """Several values from a query string; keeps the well-formed ones (deduplicated), drops the rest —
    or, when `strict`, refuses them all if one is malformed."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "malformed": _("Not a valid value: %(values)s."),
        "too_many": _("At most %(limit)d values."),
    }

    def __init__(self, *, pattern: re.Pattern, strict: bool = False, **kwargs):
        self.pattern = pattern
        self.strict = strict
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        values = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
        kept = list(dict.fromkeys(v for v in values if self.pattern.fullmatch(v)))
        if self.strict:
            malformed = [v for v in values if not self.pattern.fullmatch(v)]
            if malformed:
                shown = ", ".join(repr(clean_query(v)[:40]) for v in malformed[:3])
                raise forms.ValidationError(self.error_messages["malformed"], "malformed", {"values": shown})
            if len(kept) > MAX_FACET_VALUES:
                raise forms.ValidationError(self.error_messages["too_many"], "too_many", {"limit": MAX_FACET_VALUES})
        return kept[:MAX_FACET_VALUES]


class FacetFilter(django_filters.Filter):
    field_class = LenientMultipleChoiceField


class YearField(forms.IntegerField):
    """A year; when `strict`, only ASCII digits (not "2018.0", "+2018" or other scripts' digits), and a
    parameter given empty is malformed too."""

    def __init__(self, *, strict: bool = False, **kwargs):
        self.strict = strict
        super().__init__(**kwargs)

    def clean(self, value):
        if self.strict and value is not None and not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


class SortField(django_filters.fields.ChoiceField):
    """An order; when `strict`, a parameter given empty is malformed (a page's form sends it empty)."""

    def __init__(self, *args, strict: bool = False, **kwargs):
        self.strict = strict
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if self.strict and value == "":
            message = LenientMultipleChoiceField.default_error_messages["malformed"]
            raise forms.ValidationError(message, "malformed", {"values": "''"})
        return super().clean(value)


class SortFilter(django_filters.ChoiceFilter):
    field_class = SortField


class YearFilter(django_filters.Filter):
    field_class = YearField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1000)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"
    TITLE = "title"
    NUMBER = "number"

    choices = [
        (RELEVANCE, _("Relevance")),
        (NEWEST, _("Newest first")),
        (OLDEST, _("Oldest first")),
        (TITLE, _("Title")),
        (NUMBER, _("Series number")),
    ]


@dataclass
class FacetValue:
    value: str
    label: object  # str or TranslatedValue
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]

    @property
    def selected(self) -> list[FacetValue]:
        return [value for value in self.values if value.selected]

    @property
    def shown(self) -> list[FacetValue]:
        """The values listed at once; the rest sit behind a "Show more" disclosure."""
        return self.values if len(self.values) <= FACET_SHOWN + 2 else self.values[:FACET_SHOWN]

    @property
    def more(self) -> list[FacetValue]:
        return self.values[len(self.shown) :]

    @property
    def more_selected(self) -> bool:
        return any(value.selected for value in self.more)


class PublicationFilter(django_filters.FilterSet):
    """Search, facets and sorting of the public catalogue (`?q=…&language=fr&language=es&sort=title`)."""

    FACETS = ("series", "topic", "year", "language", "format")

    q = QueryFilter(method="filter_query", label=_("Search"))
    series = FacetFilter(method="filter_series", label=_("Series"), pattern=SLUG_RE)
    topic = FacetFilter(method="filter_topic", label=_("Topic"), pattern=SLUG_RE)
    year = FacetFilter(method="filter_year", label=_("Year"), pattern=YEAR_RE)
    year_from = YearFilter(field_name="year", lookup_expr="gte", label=_("From year"))
    year_to = YearFilter(field_name="year", lookup_expr="lte", label=_("To year"))
    language = FacetFilter(method="filter_language", label=_("Available in"), pattern=LANGUAGE_RE)
    format = FacetFilter(method="filter_format", label=_("Format"), pattern=FORMAT_RE)
    sort = SortFilter(method="filter_nothing", choices=Sort.choices, label=_("Sort by"))

    class Meta:
        model = Publication
        fields = []

    def __init__(self, data=None, queryset=None, *, language: str, strict: bool = False, **kwargs):
        self.language = language
        super().__init__(data, queryset, **kwargs)
        # On this filterset's own form: a filter's field is built once and copied with the filter, so one built
        # before (the API schema's generation builds the class's) would keep the strictness it was built with.
        for name in (*self.FACETS, "year_from", "year_to", "sort"):
            self.form.fields[name].strict = strict

    # Filters -------------------------------------------------------------------------------------

    def filter_query(self, queryset, name, value):
        return search.search_publications(queryset, value, language=self.language) if value else queryset

    def filter_series(self, queryset, name, value):
        return queryset.filter(series__slug__in=value) if value else queryset

    def filter_topic(self, queryset, name, value):
        if not value:
            return queryset
        through = Publication.topics.through.objects.filter(topic__slug__in=value)
        return queryset.filter(pk__in=through.values("publication_id"))

    def filter_year(self, queryset, name, value):
        return queryset.filter(year__in=[int(year) for year in value]) if value else queryset

    def filter_language(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Edition.objects.filter(language__in=value).values("publication_id"))

    def filter_format(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=Edition.objects.filter(format__in=value).values("publication_id"))

    def filter_nothing(self, queryset, name, value):
        return queryset  # sorting is applied last, in filter_queryset

    # Results -------------------------------------------------------------------------------------

    @property
    def cleaned(self) -> dict:
        self.errors  # validates the form  # noqa: B018
        return getattr(self.form, "cleaned_data", {})

    @property
    def query(self) -> str:
        return self.cleaned.get("q") or ""

    @property
    def sort_order(self) -> str:
        chosen = self.cleaned.get("sort")
        if chosen == Sort.RELEVANCE and not self.query:
            chosen = ""
        return chosen or (Sort.RELEVANCE if self.query else Sort.NEWEST)

    def unsearched(self):
        """The publications under every active filter but the search (where a corrected query would search)."""
        queryset = self.queryset.all()
        for name, value in self.cleaned.items():
            if name not in ("q", "sort"):
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_queryset(self, queryset):
        return self.order(super().filter_queryset(queryset))

    def orderings(self) -> dict[str, list]:
        """Each sort's ordering, with the primary key last so that every order is total."""
        orderings = {
            Sort.RELEVANCE: ["-search_rank", "-year", "-number"],
            Sort.NEWEST: ["-year", "-number"],
            Sort.OLDEST: ["year", "number"],
            Sort.TITLE: [title_order(self.language), "number"],
            Sort.NUMBER: ["series__slug", "number"],
        }
        return {sort: [*ordering, "pk"] for sort, ordering in orderings.items()}

    def order(self, queryset):
        return queryset.order_by(*self.orderings()[self.sort_order])

    @cached_property
    def results(self) -> PublicationResults:
        """The public publications under the search and filters, as keys in the page's order, with their facets'
        counts: set operations over the catalogue index (results.py). The catalogue page's and the API's list
        (`qs`, the same as one SQL queryset, is left to django-filter's own uses). Only for a filterset over the
        public publications, `Publication.objects.published()`."""
        return PublicationResults(
            self.cleaned,
            sort=self.sort_order,
            orderings=self.orderings(),
            language=self.language,
            using=self.queryset.db,
        )

    # Facets --------------------------------------------------------------------------------------

    def facets(self) -> list[Facet]:
        """Each facet's values with their counts under the other active filters.

        The counts come from the catalogue index and the matched set (`results`), then the series and topics
        counted are read for their names: two queries whatever the size of the catalogue.
        """
        counts = self.results.facet_counts()
        return [
            self._named_facet("series", Series.objects.order_by("slug"), counts["series"]),
            self._named_facet("topic", Topic.objects.all(), counts["topic"]),
            self._year_facet(counts["year"]),
            self._edition_facet("language", counts["language"], lambda code: language_name(code, self.language)),
            self._edition_facet(
                "format", counts["format"], lambda value: dict(Edition.Format.choices).get(value, value)
            ),
        ]

    def _selected(self, name: str) -> list[str]:
        return self.cleaned.get(name) or []

    def _facet(self, name: str, rows) -> Facet:
        """`rows` are (value, label, count); values without results are kept only when selected."""
        selected = self._selected(name)
        values = [
            FacetValue(value, label, count, value in selected)
            for value, label, count in rows
            if count or value in selected
        ]
        return Facet(name, self.filters[name].label, values)

    def _named_facet(self, name: str, rows, counts: dict[str, int]) -> Facet:
        """A facet over named rows (series, topics): those counted, and those selected (by slug)."""
        shown = rows.filter(Q(pk__in=[int(pk) for pk in counts]) | Q(slug__in=self._selected(name)))
        entries = [(row.slug, translated(row, "name", self.language), counts.get(str(row.pk), 0)) for row in shown]
        return self._facet(name, sorted(entries, key=lambda entry: str(entry[1]).lower()))

    def _year_facet(self, counts: dict[str, int]) -> Facet:
        counts = dict(counts)
        for value in self._selected("year"):
            counts.setdefault(value, 0)
        return self._facet("year", [(value, value, counts[value]) for value in sorted(counts, reverse=True)])

    def _edition_facet(self, name: str, counts: dict[str, int], label_for) -> Facet:
        counts = dict(counts)
        for value in self._selected(name):
            counts.setdefault(value, 0)
        entries = [(value, label_for(value), count) for value, count in counts.items()]
        return self._facet(name, sorted(entries, key=lambda entry: (-entry[2], str(entry[1]).lower())))
