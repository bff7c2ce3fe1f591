"""Ordered rows (table of contents, editions, agenda): positions 1..n in the order staff arrange them.

Rows are written so that no two ever share a position, even for a moment: any reordering in one save (a swap,
the last row moved first, reordering while adding and deleting rows) passes the unique position constraints of
SQLite and PostgreSQL, which check each statement.
"""

from collections.abc import Callable, Hashable, Mapping, Sequence
from itertools import groupby

from django.db import models, transaction
from django.db.models import Max


def display_order(submitted: Sequence[int | None]) -> list[int]:
    """Indexes of rows sorted by the position each was submitted with; rows without one come last, as given."""
    return sorted(range(len(submitted)), key=lambda i: (submitted[i] is None, submitted[i] or 0, i))


def orphan_indexes(levels: Sequence[int]) -> list[int]:
    """Indexes of rows indented deeper than the row above them allows (a first row can only be top level)."""
    orphans, above = [], -1
    for index, level in enumerate(levels):
        if level > above + 1:
            orphans.append(index)
        else:
            above = level
    return orphans


def parent_indexes(levels: Sequence[int]) -> list[int | None]:
    """For each row (in order), the index of the nearest row above it one level up; None for top-level rows."""
    parents, last_at_level = [], {}
    for index, level in enumerate(levels):
        parents.append(last_at_level.get(level - 1) if level > 0 else None)
        last_at_level[level] = index
        for deeper in [key for key in last_at_level if key > level]:
            del last_at_level[deeper]
    return parents


def renumbered(before: Mapping[Hashable, tuple], after: Mapping[Hashable, tuple]) -> set:
    """Rows whose position changed only because rows were added or removed around them (positions are 1..n, so
    deleting a row renumbers every row after it). `before` and `after` map each row to (group, position); a row
    in the same group on both sides was renumbered if its rank among the rows in both is the same."""
    kept = {row for row in before.keys() & after.keys() if before[row][0] == after[row][0]}

    def ranks(side):
        ordered = sorted(kept, key=lambda row: (str(side[row][0]), side[row][1], str(row)))
        groups = groupby(ordered, key=lambda row: side[row][0])
        return {row: rank for _group, rows in groups for rank, row in enumerate(rows)}

    old, new = ranks(before), ranks(after)
    return {row for row in kept if before[row][1] != after[row][1] and old[row] == new[row]}


def next_position(siblings: models.QuerySet, *, field: str = "position") -> int:
    """The position after the last of `siblings`: where a new row goes."""
    return (siblings.aggregate(top=Max(field))["top"] or 0) + 1


def rows_save_in_order(
    *,
    siblings: models.QuerySet,
    rows: Sequence[models.Model],
    save: Callable[[models.Model], object],
    deleted: Sequence[models.Model] = (),
    delete: Callable[[models.Model], object] = models.Model.delete,
    parents: Sequence[int | None] | None = None,
    field: str = "position",
) -> None:
    """Delete `deleted`, then save `rows` (new or existing, all `siblings` in the end) at positions 1..n in the
    order given, each with the row at its index in `parents` as parent when `parents` is given.

    Existing rows that move first step aside to positions above every current one (and leave their parent, so that
    deleting a heading does not take along the rows moved away from under it); then each row is saved in order,
    which also saves a new parent before its children.
    """
    parent_of = (lambda index: None) if parents is None else (lambda index: parents[index])
    with transaction.atomic(using=siblings.db):
        moving = [
            row
            for index, row in enumerate(rows, start=1)
            if row.pk is not None
            and (
                getattr(row, field) != index
                or (parents is not None and row.parent_id != _pk(rows, parent_of(index - 1)))
            )
        ]
        free = next_position(siblings, field=field)
        for offset, row in enumerate(moving):
            values = {field: free + offset} | ({"parent": None} if parents is not None else {})
            siblings.filter(pk=row.pk).update(**values)
        for row in deleted:
            delete(row)
        for index, row in enumerate(rows):
            setattr(row, field, index + 1)
            if parents is not None:
                parent = parent_of(index)
                row.parent = None if parent is None else rows[parent]
            save(row)


def _pk(rows: Sequence[models.Model], index: int | None):
    return None if index is None else rows[index].pk
