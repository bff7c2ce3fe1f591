"""An import's plan: per record what it creates or changes, per row what the preview shows (importing.py
makes it for publications, upsert.py writes it; workshop_import.py does both for workshops)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.models import Edition, Publication

from .cells import Heading

PREVIEW_ROWS = 500  # rows a preview lists; the refused ones always come first
ACTION_LABELS = {
    "create": gettext_lazy("create"),
    "update": gettext_lazy("update"),
    "unchanged": gettext_lazy("unchanged"),
    "refuse": gettext_lazy("refuse"),
}


@dataclass
class RowError:
    """Why a row is refused: its number as the spreadsheet shows it, the column and the reason."""

    row: int
    column: str
    letter: str
    message: str

    def __str__(self):
        if not self.column:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)s, column “%(column)s” (%(letter)s): %(message)s") % {
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
        }


@dataclass
class EditionPlan:
    row: int
    instance: Edition
    created: bool
    changed: list[str] = field(default_factory=list)


@dataclass
class PublicationPlan:
    rows: list[int]
    instance: Publication | None = None
    created: bool = False
    changed: list[str] = field(default_factory=list)  # model fields
    topics: list[int] | None = None  # topic ids, None: the column is absent
    topics_changed: bool = False
    contents: list[Heading] | None = None
    contents_changed: bool = False
    editions: list[EditionPlan] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns_changed: dict[int, list[str]] = field(default_factory=dict)  # per row, the columns it changes

    @property
    def has_changes(self) -> bool:
        return bool(
            self.created
            or self.changed
            or self.topics_changed
            or self.contents_changed
            or any(edition.created or edition.changed for edition in self.editions)
        )

    @property
    def record(self) -> str:
        return str(self.instance) if self.instance is not None and self.instance.series_id else ""

    def creates(self, row: int) -> bool:
        """Whether `row` creates a record: the new publication's first row, or a new edition's."""
        return (self.created and row == self.rows[0]) or any(
            edition.row == row and edition.created for edition in self.editions
        )


@dataclass
class RowPlan:
    """What the import does with one row, for the preview."""

    row: int
    action: str  # a key of ACTION_LABELS
    record: str
    changes: list[str]
    errors: list[RowError]

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    def as_json(self) -> dict:
        """The row as an import run keeps it (its messages in the language active now)."""
        errors = [
            {"column": error.column, "letter": error.letter, "message": str(error.message)} for error in self.errors
        ]
        return {
            "row": self.row,
            "action": self.action,
            "record": self.record,
            "changes": self.changes,
            "errors": errors,
        }

    @classmethod
    def from_json(cls, data: dict) -> "RowPlan":
        errors = [RowError(data["row"], **error) for error in data["errors"]]
        return cls(data["row"], data["action"], data["record"], data["changes"], errors)


@dataclass
class ImportPlan:
    """The plan of every record of a file: publication plans, or workshop plans (workshop_import.py), each with
    `rows`, `errors`, `created`, `has_changes`, `columns_changed`, `record` and `creates(row)`."""

    records: list

    @property
    def publications(self) -> list[PublicationPlan]:
        return self.records

    @property
    def errors(self) -> list[RowError]:
        return sorted((error for plan in self.records for error in plan.errors), key=lambda error: error.row)

    @property
    def valid(self) -> list:
        return [plan for plan in self.records if not plan.errors]

    def rows(self) -> list[RowPlan]:
        """One entry per row of the file, in the file's order."""
        result = []
        for plan in self.records:
            for row in plan.rows:
                errors = [error for error in plan.errors if error.row == row]
                if plan.errors:
                    action = "refuse"
                elif plan.creates(row):
                    action = "create"
                else:
                    action = "update" if plan.columns_changed.get(row) else "unchanged"
                result.append(RowPlan(row, action, plan.record, plan.columns_changed.get(row, []), errors))
        return sorted(result, key=lambda entry: entry.row)

    def preview(self, limit: int) -> tuple[list[RowPlan], int]:
        """The rows a preview lists, in the file's order: at most `limit`, the refused ones first; and how many
        rows it leaves out."""
        rows = self.rows()
        shown = sorted(rows, key=lambda row: (row.action != "refuse", row.row))[:limit]
        return sorted(shown, key=lambda row: row.row), len(rows) - len(shown)

    def counts(self) -> dict[str, int]:
        """Records to create, update, leave unchanged and refuse."""
        counts = dict.fromkeys(("create", "update", "unchanged", "refuse"), 0)
        for plan in self.records:
            if plan.errors:
                counts["refuse"] += 1
            elif plan.created:
                counts["create"] += 1
            else:
                counts["update" if plan.has_changes else "unchanged"] += 1
        return counts


def plan_in_batches(plan_batch, plans: list, *, size: int, progress=None) -> None:
    """Call `plan_batch` on `plans` a batch of `size` at a time (one set of look-ups per batch), reporting
    `progress(done, total)` after each."""
    for start in range(0, len(plans), size):
        plan_batch(plans[start : start + size])
        if progress:
            progress(min(start + size, len(plans)), len(plans))
