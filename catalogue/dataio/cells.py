"""Reading one cell of an imported file into a model field's value, and the table of contents' cells.

Validation is the model field's own (`to_python`, choices, validators: ISBNs and ISSNs in any usual spelling,
text hygiene), so an import refuses what the admin refuses, with the same translated messages.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.i18n import content_languages
from catalogue.identifiers import IsbnField, IssnField
from catalogue.models import TocEntry

from .tabular import NESTING

EMPTY = (None, "")
IDENTIFIER_PREFIX = re.compile(r"^IS[BS]N(?:-1[03])?\s*:?\s*", re.IGNORECASE)


class CellError(Exception):
    """A cell refused: `column` (the header's name) and the message."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def is_empty(raw) -> bool:
    return raw is None or raw == "" or (type(raw) is str and raw.isspace())


def text_of(raw) -> str:
    """A cell as text: numbers as a spreadsheet shows them (12, not 12.0)."""
    if type(raw) is str:
        return raw.strip()
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime | datetime.date):
        return raw.isoformat()
    return str(raw).strip()


def field_value(field: models.Field, raw, column: str):
    """The value `raw` gives `field`, validated as the field validates a form's; CellError when refused."""
    kind = _kind(field)
    if type(raw) is str:  # most cells: read once, without the general path's checks of the cell's type
        value = raw.strip()  # surrounding spaces dropped, as the admin's forms drop them
        if not value:
            return _empty(field, column)
    elif is_empty(raw):
        return _empty(field, column)
    elif kind is not _NUMBER_OR_DATE or not isinstance(raw, int | float | datetime.date):
        value = text_of(raw)
    else:
        value = raw  # a number or a date read from a spreadsheet cell
    try:
        if kind is _IDENTIFIER:
            value = _identifier(field, IDENTIFIER_PREFIX.sub("", value))  # "ISBN 92-9068-778-X", "ISSN: 1726-2224"
        elif kind is not _TEXT:  # a text field's to_python() leaves text as it is
            value = field.to_python(value)
            if isinstance(value, datetime.datetime) and timezone.is_naive(value):
                value = timezone.make_aware(value)
        if field.choices and str(value) not in choice_values(field):
            raise ValidationError(field.error_messages["invalid_choice"], params={"value": value})
        field.run_validators(value)
    except ValidationError as error:
        raise CellError(column, " ".join(error.messages)) from None
    return value


def _empty(field: models.Field, column: str):
    if not field.blank:
        raise CellError(column, _("This column needs a value."))
    return None if field.null else ""


_TEXT, _IDENTIFIER, _NUMBER_OR_DATE = "text", "identifier", "other"


@cache
def _kind(field: models.Field) -> str:
    """How a cell is read into `field`: as text, as an ISBN or ISSN, or by the field's to_python()."""
    if isinstance(field, IsbnField | IssnField):
        return _IDENTIFIER
    if type(field).to_python in (models.CharField.to_python, models.TextField.to_python):
        return _TEXT
    return _NUMBER_OR_DATE


@lru_cache(maxsize=65536)
def _identifier(field: models.Field, value: str) -> str:
    # Each ISBN is read twice (to find the stored editions first, then as the row's value): parsed once.
    return field.to_python(value)


@cache
def choice_values(field: models.Field) -> frozenset[str]:
    """The values `field` accepts, computed once (the edition languages' names are costly to list)."""
    return frozenset(str(value) for value, _label in field.flatchoices)


def new_instance(model: type[models.Model], **values) -> models.Model:
    """A new, unsaved `model` instance with `values`: a copy of a blank one made once (the constructor, with
    modeltranslation's defaults for every language column, is a large share of an import's time)."""
    # What copy.copy() does, without its pickling protocol: a model's __reduce__ costs as much as the rest.
    instance = model.__new__(model)
    instance.__dict__.update(_blank(model).__dict__)
    instance._state = ModelState()
    for field in _fresh_defaults(model):  # a uuid, a time: each record its own
        setattr(instance, field.attname, field.get_default())
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


@cache
def _blank(model: type[models.Model]) -> models.Model:
    return model()


@cache
def _fresh_defaults(model: type[models.Model]) -> list[models.Field]:
    # has_default() first: NOT_PROVIDED, the default of a field without one, is a class and so callable too.
    return [field for field in model._meta.concrete_fields if field.has_default() and callable(field.default)]


def assign(instance: models.Model, model_field: models.Field, raw, column: str, *, created: bool) -> bool:
    """Set `model_field` of `instance` from the cell `raw`, and say whether its value changed; CellError when the
    cell is refused. An empty cell of a field with a default gives a new record the default and leaves a stored
    record's value as it is."""
    if is_empty(raw) and model_field.has_default() and not model_field.blank:
        if not created:
            return False
        value = model_field.get_default()
    else:
        value = field_value(model_field, raw, column)
    if created or not same_value(getattr(instance, model_field.attname), value):
        setattr(instance, model_field.attname, value)
        return True
    return False


def differing_repeats(first: dict, later: dict, columns: list[str]) -> list[str]:
    """The `columns` a later row of a record fills with another value than its first row: the record's columns
    hold the same value on each of its rows, or are left empty there."""
    return [
        column
        for column in columns
        if (value := later.get(column)) != first.get(column)  # the same cell repeated: most rows
        and not is_empty(value)
        and (is_empty(first.get(column)) or text_of(value) != text_of(first[column]))
    ]


REPEAT_MESSAGE = gettext_lazy(
    "It differs from row %(row)s: a record's columns hold the same values on each of its rows, or are left empty."
)


def same_value(before, after) -> bool:
    """Whether a stored value and an imported one are the same (an empty translation may be None or "")."""
    return (None if before == "" else before) == (None if after == "" else after)


# The table of contents ------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A heading of a table of contents as the layout holds it."""

    level: int
    kind: str
    page: int | None
    titles: tuple[str, ...]  # one per content language, "" when absent


def headings(structure, titles: dict[str, object]) -> list[Heading]:
    """The headings of the `contents` cell and the `contents_title_<lang>` cells; CellError naming the column."""
    lines = [line for line in ("" if is_empty(structure) else text_of(structure)).splitlines() if line.strip()]
    texts = {}
    for code in content_languages():
        column = f"contents_title_{code}"
        values = ("" if is_empty(titles.get(code)) else str(titles[code])).splitlines()
        while values and not values[-1].strip():
            values.pop()
        if len(values) > len(lines):
            raise CellError(
                column,
                _("It has %(titles)s lines but the contents column %(headings)s headings: one title per heading.")
                % {"titles": len(values), "headings": len(lines)},
            )
        texts[code] = [value.strip() for value in values] + [""] * (len(lines) - len(values))
    kinds = TocEntry.Kind.values
    result = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        level = len(stripped) - len(stripped.lstrip(NESTING))
        parts = stripped.lstrip(NESTING).split()
        line_titles = tuple(texts[code][index] for code in content_languages())
        if (
            not parts
            or parts[0] not in kinds
            or len(parts) > 2
            or (len(parts) == 2 and not parts[1].isdigit())
            or level > (result[-1].level + 1 if result else 0)
        ):
            raise CellError(
                "contents",
                _(
                    "Line %(line)s “%(text)s” is not a heading: write its kind (%(kinds)s), then its page if any, "
                    "with one “>” before it per level under the heading above."
                )
                % {"line": index + 1, "text": stripped, "kinds": ", ".join(kinds)},
            )
        if not line_titles[0]:
            raise CellError(
                f"contents_title_{content_languages()[0]}",
                _("Line %(line)s has no title: every heading needs one.") % {"line": index + 1},
            )
        page = int(parts[1]) if len(parts) == 2 else None
        result.append(Heading(level, parts[0], page, line_titles))
    return result


def stored_contents(publication_ids: list[int], *, using: str) -> dict[int, list[Heading]]:
    """The stored headings of each of these publications (none: absent), in position order, each at its depth under
    its parents, read as plain tuples in one query: an import or export of thousands of publications would spend most of its time
    building TocEntry instances."""
    names = [f"title_{code}" for code in content_languages()]
    rows = (
        QuerySet(TocEntry, using=using)
        .filter(publication_id__in=publication_ids)
        .order_by("publication_id", "position")
    )
    contents, levels = defaultdict(list), {}
    for pk, publication, parent, kind, page, *titles in rows.values_list(
        "id", "publication_id", "parent_id", "kind", "page", *names
    ):
        level = levels[pk] = levels.get(parent, -1) + 1 if parent else 0
        contents[publication].append(Heading(level, kind, page, tuple(title or "" for title in titles)))
    return dict(contents)


def headings_cells(found: list[Heading]) -> dict[str, str]:
    """The `contents` and `contents_title_<lang>` cells of stored headings (stored_contents())."""
    cells = {
        "contents": "\n".join(
            NESTING * heading.level + heading.kind + (f" {heading.page}" if heading.page is not None else "")
            for heading in found
        )
    }
    for index, code in enumerate(content_languages()):
        cells[f"contents_title_{code}"] = "\n".join(heading.titles[index] for heading in found)
    return cells
