"""Translation completeness: which translated fields of a record are still missing in each content language.

The fields are modeltranslation's (catalogue/translation.py): a publication's own fields and the title of each of
its table-of-contents entries, a workshop's fields and each agenda item's, a topic's and a series'. Editions have
no translated text (each edition is itself in one language), so they add nothing here; speakers' translated
position and affiliation belong to people, not catalogue records, and are left to the speakers' list.

A field is expected in every content language as soon as it is filled in one of them: an English title asks for a
French and a Spanish one, but a subtitle empty in every language is not missing anywhere.

Two readings of the same rule: query expressions (`completeness_records`, `completeness_count`,
`missing_translation_q`) that filter, count and sort whole tables in the database, and `record_completeness`,
which names the missing fields of the few records on a page (`page_completeness` loads them, with their rows).
"""

import math
from dataclasses import dataclass
from functools import cache, reduce
from operator import add, or_

from django.db import models
from django.db.models import Case, F, FloatField, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

from catalogue.i18n import content_languages
from catalogue.models import AgendaItem, Publication, Series, TocEntry, Topic, Workshop


@dataclass(frozen=True)
class Rows:
    """Translated rows inside a record (its table of contents, its agenda)."""

    accessor: str  # the related name, which is also the admin inline's form prefix
    model: type[models.Model]
    parent: str  # the row's foreign key to its record
    label: str  # "Table of contents entry %(number)s: %(field)s"

    @property
    def fields(self) -> tuple[str, ...]:
        return translated_fields(self.model)


@dataclass(frozen=True)
class Kind:
    """A kind of record on the dashboard."""

    key: str  # the model name: "publication"
    model: type[models.Model]
    label_field: str  # what names a record: its title or name
    rows: Rows | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        return translated_fields(self.model)

    @property
    def verbose_name(self) -> str:
        return capfirst(self.model._meta.verbose_name)


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in [
        Kind(
            "publication",
            Publication,
            "title",
            Rows("toc_entries", TocEntry, "publication", _("Table of contents entry %(number)s: %(field)s")),
        ),
        Kind(
            "workshop",
            Workshop,
            "title",
            Rows("agenda_items", AgendaItem, "workshop", _("Agenda item %(number)s: %(field)s")),
        ),
        Kind("topic", Topic, "name"),
        Kind("series", Series, "name"),
    ]
}


@cache
def translated_fields(model: type[models.Model]) -> tuple[str, ...]:
    """The fields modeltranslation translates on `model`, in the model's order (as its admin form shows them)."""
    translated = translator.get_options_for_model(model).fields
    return tuple(field.name for field in model._meta.fields if field.name in translated)


# In the database ------------------------------------------------------------------------------------------------


def _filled(field: str, language: str) -> Q:
    # Any text sorts after the empty string, and NULL compares to nothing: one condition for "not blank".
    return Q(**{f"{field}_{language}__gt": ""})


def _blank(field: str, language: str) -> Q:
    return Q(**{f"{field}_{language}__isnull": True}) | Q(**{f"{field}_{language}": ""})


def _filled_anywhere(field: str) -> Q:
    return reduce(or_, (_filled(field, language) for language in content_languages()))


def _missing(field: str, language: str) -> Q:
    return _blank(field, language) & _filled_anywhere(field)


def _count(conditions: list[Q]):
    """How many of `conditions` hold, as an integer expression."""
    return reduce(
        add, (Case(When(c, then=Value(1)), default=Value(0), output_field=IntegerField()) for c in conditions)
    )


def _rows_count(rows: Rows, conditions: list[Q]):
    """How many of `conditions` hold over all the record's rows: a correlated subquery, 0 without rows."""
    per_record = (
        rows.model.objects.filter(**{rows.parent: OuterRef("pk")})
        .order_by()
        .values(rows.parent)
        .annotate(total=Sum(_count(conditions)))
        .values("total")
    )
    return Coalesce(Subquery(per_record, output_field=IntegerField()), Value(0))


def _total(kind: Kind, condition) -> object:
    """`condition(field, ...)` counted over the record's own fields and over its rows' fields."""
    total = _count([condition(field) for field in kind.fields])
    if kind.rows:
        total = total + _rows_count(kind.rows, [condition(field) for field in kind.rows.fields])
    return total


def expected_expression(kind: Kind):
    """How many translated fields a record of `kind` should have in each language."""
    return _total(kind, _filled_anywhere)


def missing_expression(kind: Kind, language: str):
    """How many of those are empty in `language`."""
    return _total(kind, lambda field: _missing(field, language))


def missing_translation_q(kind: Kind, language: str) -> Q:
    """Records of `kind` with at least one field missing in `language` (for a change-list filter)."""
    condition = reduce(or_, (_missing(field, language) for field in kind.fields))
    if kind.rows:
        rows_missing = reduce(or_, (_missing(field, language) for field in kind.rows.fields))
        condition |= Q(pk__in=kind.rows.model.objects.filter(rows_missing).values(kind.rows.parent))
    return condition


def label_expression(kind: Kind, language: str):
    """A record's title or name in `language`, else in the first content language it has one."""
    languages = dict.fromkeys([language, *content_languages()])
    return Coalesce(
        *(NullIf(F(f"{kind.label_field}_{code}"), Value("")) for code in languages),
        Value(""),
        output_field=models.CharField(),
    )


def completeness_ratio(kind: Kind, language: str):
    """Filled / expected in `language`, 1 when nothing is expected (written so each count is computed once)."""
    missing = Cast(missing_expression(kind, language), FloatField())
    expected = NullIf(Cast(expected_expression(kind), FloatField()), Value(0.0))
    return Coalesce(Value(1.0) - missing / expected, Value(1.0), output_field=FloatField())


def incomplete_q(kind: Kind, languages: tuple[str, ...]) -> Q:
    """Records of `kind` missing a field in any of `languages`."""
    return reduce(or_, (missing_translation_q(kind, language) for language in languages))


def completeness_values(
    kind: Kind, *, label_language: str, sort_language: str | None, incomplete_in: tuple[str, ...] = ()
) -> models.QuerySet:
    """Records of `kind` as rows of values: pk, record_kind, record_label and `ratio`, their completeness in
    `sort_language` (not computed without one); the same columns for every kind, so that kinds combine with
    `union()`. With `incomplete_in`, only records missing a field in one of those languages."""
    queryset = kind.model.objects.order_by()
    if incomplete_in:
        queryset = queryset.filter(incomplete_q(kind, incomplete_in))
    return queryset.annotate(
        record_kind=Value(kind.key, output_field=models.CharField()),
        record_label=label_expression(kind, label_language),
        ratio=completeness_ratio(kind, sort_language) if sort_language else Value(1.0, output_field=FloatField()),
    ).values("pk", "record_kind", "record_label", "ratio")


def completeness_records(
    kinds: list[Kind],
    *,
    label_language: str,
    sort_language: str,
    by_record: bool = False,
    descending: bool = False,
    incomplete_in: tuple[str, ...] = (),
) -> models.QuerySet:
    """Records of `kinds` in one sorted queryset of `completeness_values` rows: by completeness in `sort_language`
    (least complete first unless `descending`), or `by_record` label; ties by label, kind and id."""
    parts = [
        completeness_values(
            kind,
            label_language=label_language,
            sort_language=None if by_record else sort_language,
            incomplete_in=incomplete_in,
        )
        for kind in kinds
    ]
    records = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    sign = "-" if descending else ""
    if by_record:
        return records.order_by(f"{sign}record_label", "record_kind", "pk")
    return records.order_by(f"{sign}ratio", "record_label", "record_kind", "pk")


def completeness_count(kinds: list[Kind], *, incomplete_in: tuple[str, ...] = ()) -> int:
    """How many records `completeness_records` lists, without computing their completeness."""
    parts = [
        kind.model.objects.order_by().filter(incomplete_q(kind, incomplete_in) if incomplete_in else Q()).values("pk")
        for kind in kinds
    ]
    return parts[0].union(*parts[1:], all=True).count() if len(parts) > 1 else parts[0].count()


# In Python, for the records on a page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingField:
    """A translated field empty in `language` although filled in another language."""

    field: str  # "title"
    language: str
    label: str  # "Title", "Table of contents entry 3: title"
    rows: str | None = None  # the rows' accessor (inline prefix) when the field is a row's
    index: int | None = None  # the row's place among the record's rows, from 0, in the admin's order


@dataclass(frozen=True)
class Completeness:
    """How much of a record is translated into one language."""

    language: str
    expected: int
    missing: tuple[MissingField, ...]

    @property
    def filled(self) -> int:
        return self.expected - len(self.missing)

    @property
    def percent(self) -> int:
        """Rounded down, so that 100 means complete."""
        return 100 if self.expected == 0 else math.floor(100 * self.filled / self.expected)


def _is_filled(instance, field: str, language: str) -> bool:
    return bool(getattr(instance, f"{field}_{language}"))


def _field_label(model: type[models.Model], field: str) -> str:
    return model._meta.get_field(field).verbose_name


def record_completeness(kind: Kind, record, rows=()) -> dict[str, Completeness]:
    """The completeness of `record` in each content language; `rows` are its translated rows in the admin's order."""
    languages = content_languages()
    expected = 0
    missing: dict[str, list[MissingField]] = {language: [] for language in languages}

    def check(instance, field, **place):
        nonlocal expected
        filled = {language: _is_filled(instance, field, language) for language in languages}
        if not any(filled.values()):
            return
        expected += 1
        for language in languages:
            if not filled[language]:
                missing[language].append(MissingField(field=field, language=language, **place))

    for field in kind.fields:
        check(record, field, label=capfirst(_field_label(kind.model, field)))
    if kind.rows:
        for index, row in enumerate(rows):
            for field in kind.rows.fields:
                label = kind.rows.label % {"number": row.position, "field": _field_label(kind.rows.model, field)}
                check(row, field, label=label, rows=kind.rows.accessor, index=index)
    return {language: Completeness(language, expected, tuple(missing[language])) for language in languages}


@dataclass(frozen=True)
class RecordCompleteness:
    """A record on the dashboard with its completeness in each content language."""

    kind: Kind
    pk: int
    label: str
    completeness: dict[str, Completeness]


def page_completeness(values: list[dict], *, row_orderings: dict[str, list]) -> list[RecordCompleteness]:
    """Completeness of the records of one page of `completeness_values` rows, in the same order: one query per
    kind on the page and one per kind of rows, whatever the page's length.

    `row_orderings` gives, per rows accessor, the order the admin lists the rows in (its inline's), so that each
    missing field's row index is its form's index in the admin.
    """
    records: dict[tuple[str, int], tuple] = {}
    for key, kind in KINDS.items():
        pks = [row["pk"] for row in values if row["record_kind"] == key]
        if not pks:
            continue
        queryset = kind.model.objects.filter(pk__in=pks)
        if kind.rows:
            ordering = row_orderings.get(kind.rows.accessor) or ["pk"]
            rows = kind.rows.model.objects.order_by(*ordering)
            queryset = queryset.prefetch_related(models.Prefetch(kind.rows.accessor, queryset=rows))
        for record in queryset:
            rows = getattr(record, kind.rows.accessor).all() if kind.rows else ()
            records[key, record.pk] = (record, list(rows))
    result = []
    for row in values:
        kind = KINDS[row["record_kind"]]
        record, rows = records[kind.key, row["pk"]]
        completeness = record_completeness(kind, record, rows)
        result.append(RecordCompleteness(kind, record.pk, row["record_label"], completeness))
    return result
