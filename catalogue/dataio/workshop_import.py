"""Importing workshops with their agendas from a file in the workshops' layout (workshop_rows.py).

`workshop_import_plan()` says per row what an import would do, with the same guarantees as the publications'
(importing.py): each refusal names its row, column and reason; `workshops_import()` writes the plan in one
transaction, nothing when a row is refused. A workshop is found by its uuid when given, else its slug; when
the file has agenda columns its agenda is replaced as a whole (items in `item_order`, else in the file's order),
and left as it is when the file's agenda equals the stored one, so importing a file twice changes nothing.
A column absent from the file leaves its field as it is; an empty cell empties it, except `uuid`, `slug` and
`publish_date` (kept) and the fields with a default (`status`, `time_zone`: the default for a new workshop).
"""

import uuid
from contextlib import suppress
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalogue.i18n import content_languages
from catalogue.models import (
    AgendaItem,
    AgendaParticipation,
    Publication,
    Speaker,
    Status,
    Workshop,
    catalogue_changed,
)
from catalogue.search import indexing_deferred

from .cells import (
    REPEAT_MESSAGE,
    CellError,
    assign,
    differing_repeats,
    field_value,
    is_empty,
    new_instance,
    text_of,
)
from .plan import ImportPlan, RowError, plan_in_batches
from .tabular import LIST_SEPARATOR, Table
from .upsert import ImportRefused, ImportResult, Progress, stage_progress
from .workshop_rows import (
    ROLE_SEPARATOR,
    AgendaEntry,
    agenda_fields,
    entry_values,
    item_field_names,
    people,
    stored_agenda,
    workshop_columns,
)

BATCH_SIZE = 500
# Columns that are not a workshop field of the same name, or are read apart.
SPECIAL_COLUMNS = {"uuid", "slug", "publication"}


@dataclass
class WorkshopPlan:
    rows: list[int]
    key: tuple = ()  # ("uuid", UUID) or ("slug", slug); (row,) when the row names neither
    instance: Workshop | None = None
    created: bool = False
    changed: list[str] = field(default_factory=list)  # columns
    agenda: list[AgendaEntry] | None = None  # None: the file has no agenda columns
    agenda_rows: list[int] = field(default_factory=list)  # the row of each entry
    agenda_changed: bool = False
    errors: list[RowError] = field(default_factory=list)
    columns_changed: dict[int, list[str]] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.changed or self.agenda_changed)

    @property
    def record(self) -> str:
        return str(self.instance) if self.instance is not None and self.instance.title else ""

    def creates(self, row: int) -> bool:
        return self.created and row == self.rows[0]


def workshop_import_plan(table: Table, *, using: str = "default", progress=None) -> ImportPlan:
    """What importing `table` would do, row by row, against the database as it is now."""
    planner = _Planner(table, using)
    plans = planner.group()
    plan_in_batches(planner.plan_batch, plans, size=BATCH_SIZE, progress=progress)
    planner.check_slugs(plans)
    for plan in plans:
        refused = {error.row for error in plan.errors}
        for row in plan.rows:
            if refused and row not in refused:
                message = _("not imported: row %(row)s of the same workshop is refused.") % {"row": min(refused)}
                planner.error(plan, row, "", message)
    return ImportPlan(plans)


class _Planner:
    def __init__(self, table: Table, using: str):
        self.table, self.using = table, using
        self.rows = dict(table.rows)
        self.header = set(table.header)
        self.fields = {one.name: one for one in Workshop._meta.concrete_fields}
        self.item_fields = {one.name: one for one in AgendaItem._meta.concrete_fields}
        self.columns = [name for name in workshop_columns() if name in self.header]
        self.agenda_columns = [name for name in [*agenda_fields(), "item_people"] if name in self.header]
        # Only the reports and people the file names: their slugs, read once.
        reports = {
            text_of(values["publication"]) for _, values in table.rows if not is_empty(values.get("publication"))
        }
        self.publications = dict(Publication.objects.using(using).filter(slug__in=reports).values_list("slug", "pk"))
        named = {
            slug.strip()
            for _, values in table.rows
            if not is_empty(values.get("item_people"))
            for part in text_of(values["item_people"]).split(LIST_SEPARATOR)
            for slug in [part.partition(ROLE_SEPARATOR)[2]]
        }
        self.speakers = dict(Speaker.objects.using(using).filter(slug__in=named).values_list("slug", "pk"))

    def error(self, plan: WorkshopPlan, row: int, column: str, message: str) -> None:
        plan.errors.append(RowError(row, column, self.table.letter(column), message))

    def group(self) -> list[WorkshopPlan]:
        """The file's rows grouped by workshop (uuid, else slug), in the order they first appear."""
        groups: dict[tuple, WorkshopPlan] = {}
        slugs: dict[str, tuple] = {}  # a later row may give only the slug of a workshop identified by its uuid
        for row, values in self.table.rows:
            plan = WorkshopPlan(rows=[row])
            slug = "" if is_empty(values.get("slug")) else text_of(values["slug"])
            key = (row,)
            if not is_empty(values.get("uuid")):
                try:
                    key = ("uuid", field_value(self.fields["uuid"], values["uuid"], "uuid"))
                except CellError as error:
                    self.error(plan, row, error.column, error.message)
            elif slug:
                key = slugs.get(slug, ("slug", slug))
            else:
                self.error(plan, row, "slug", _("A workshop needs its uuid or its slug."))
            if key in groups:
                groups[key].rows.append(row)
                continue
            if slug and key[0] == "uuid":
                slugs.setdefault(slug, key)
            groups[key] = plan
            plan.key = key
        return list(groups.values())

    def plan_batch(self, plans: list[WorkshopPlan]) -> None:
        identified = [plan for plan in plans if not plan.errors and plan.key[0] in ("uuid", "slug")]
        uuids = [plan.key[1] for plan in identified if plan.key[0] == "uuid"]
        slugs = [plan.key[1] for plan in identified if plan.key[0] == "slug"]
        stored = Workshop.objects.using(self.using)
        by_uuid = {one.uuid: one for one in stored.filter(uuid__in=uuids)}
        by_slug = {one.slug: one for one in stored.filter(slug__in=slugs)}
        agendas = {}
        if self.agenda_columns:
            pks = [one.pk for one in [*by_uuid.values(), *by_slug.values()]]
            found = AgendaItem.objects.using(self.using).filter(workshop__in=pks)
            items = list(found.values("id", "workshop_id", "position", *item_field_names()))
            links = AgendaParticipation.objects.using(self.using).filter(agenda_item__workshop__in=pks)
            participations = list(links.values("id", "agenda_item_id", "role", "speaker_id", "position"))
            for pk in pks:
                mine = [item for item in items if item["workshop_id"] == pk]
                ids = {item["id"] for item in mine}
                agendas[pk] = stored_agenda(mine, [one for one in participations if one["agenda_item_id"] in ids])
        for plan in identified:
            kind, value = plan.key
            plan.instance = by_uuid.get(value) if kind == "uuid" else by_slug.get(value)
            if plan.instance is None:
                plan.created = True
                plan.instance = new_instance(Workshop, uuid=value if kind == "uuid" else uuid.uuid4())
            self.plan_workshop(plan)
            if self.agenda_columns and not plan.errors:
                self.plan_agenda(plan, [] if plan.created else agendas.get(plan.instance.pk, []))

    def plan_workshop(self, plan: WorkshopPlan) -> None:
        workshop, first = plan.instance, plan.rows[0]
        values = self.rows[first]
        for row in plan.rows[1:]:
            for column in differing_repeats(values, self.rows[row], self.columns):
                self.error(plan, row, column, REPEAT_MESSAGE % {"row": first})
        changed = []
        for column in self.columns:
            if column in ("uuid", "publication"):
                continue
            model_field, raw = self.fields[column], values.get(column)
            if is_empty(raw) and (
                (column == "slug" and not plan.created) or (column == "publish_date" and workshop.publish_date)
            ):
                continue  # kept: a workshop's address, the date it became public
            try:
                if assign(workshop, model_field, raw, column, created=plan.created):
                    changed.append(column)
            except CellError as error:
                self.error(plan, first, error.column, error.message)
        if "publication" in self.header:
            slug = "" if is_empty(values.get("publication")) else text_of(values["publication"])
            report = self.publications.get(slug) if slug else None
            if slug and report is None:
                self.error(plan, first, "publication", _("No publication has the slug “%(slug)s”.") % {"slug": slug})
            elif plan.created or workshop.publication_id != report:
                workshop.publication_id = report
                changed.append("publication")
        if plan.created:
            first_language = content_languages()[0]
            required = [
                "slug",
                "country",
                "start_date",
                "end_date",
                f"title_{first_language}",
                f"city_{first_language}",
            ]
            for column in required:
                if column not in self.header:
                    self.error(plan, first, column, _("A new workshop needs this column."))
        with suppress(ValidationError):  # the dates' order is checked below, naming the column
            workshop.clean()  # the workflow's rule: published without a date is published now
        self.check_workshop(plan, first)
        plan.changed = changed
        plan.columns_changed[first] = [] if plan.created else list(changed)

    def check_workshop(self, plan: WorkshopPlan, row: int) -> None:
        workshop = plan.instance
        if workshop.start_date and workshop.end_date and workshop.end_date < workshop.start_date:
            self.error(plan, row, "end_date", _("A workshop cannot end before it starts."))
        if workshop.status == Status.WITHDRAWN and workshop.publish_date is None:
            self.error(plan, row, "publish_date", _("A published workshop needs a publish date."))

    def plan_agenda(self, plan: WorkshopPlan, stored: list[AgendaEntry]) -> None:
        fields = agenda_fields()
        names = item_field_names()
        entries, rows, next_position = [], [], 1
        workshop = plan.instance
        for row in plan.rows:
            values = self.rows[row]
            if all(is_empty(values.get(column)) for column in self.agenda_columns):
                continue  # a workshop's row without an agenda item
            parsed = {}
            for column, name in fields.items():
                model_field, raw = self.item_fields[name], values.get(column)
                try:
                    if name == "position" and is_empty(raw):
                        parsed[name] = next_position
                    elif is_empty(raw) and model_field.has_default() and not model_field.blank:
                        parsed[name] = model_field.get_default()
                    else:  # an absent column is an empty one: the agenda is replaced as a whole
                        parsed[name] = field_value(model_field, raw, column)
                except CellError as error:
                    self.error(plan, row, error.column, error.message)
            title = f"item_title_{content_languages()[0]}"
            if is_empty(values.get(title)):
                self.error(plan, row, title, _("Every agenda item needs a title."))
            try:
                pairs = people(values.get("item_people"), self.speakers)
            except CellError as error:
                self.error(plan, row, error.column, error.message)
                continue
            if any(error.row == row for error in plan.errors):
                continue
            self.check_item(plan, row, parsed, workshop, rows, entries)
            next_position = max(next_position, parsed["position"] + 1)
            entries.append(AgendaEntry(parsed["position"], entry_values(parsed[name] for name in names), pairs))
            rows.append(row)
        plan.agenda, plan.agenda_rows = entries, rows
        plan.agenda_changed = sorted(entries, key=lambda entry: entry.position) != stored
        if plan.agenda_changed and not plan.created:
            plan.columns_changed[plan.rows[0]].append(_("agenda"))

    def check_item(self, plan, row: int, parsed: dict, workshop: Workshop, rows: list, entries: list) -> None:
        """An item's rules (the model's clean() and constraints), checked in Python."""
        start, end = parsed["start_time"], parsed["end_time"]
        if start and end and end <= start:
            self.error(plan, row, "item_end_time", _("A session must end after it starts."))
        if (
            workshop.start_date
            and workshop.end_date
            and not (workshop.start_date <= parsed["date"] <= workshop.end_date)
        ):
            self.error(
                plan, row, "item_date",
                _("The session must take place during its workshop (%(start)s to %(end)s).")
                % {"start": workshop.start_date.isoformat(), "end": workshop.end_date.isoformat()},
            )  # fmt: skip
        for other_row, entry in zip(rows, entries, strict=True):
            if entry.position == parsed["position"]:
                self.error(plan, row, "item_order", _("Row %(row)s has the same order.") % {"row": other_row})

    def check_slugs(self, plans: list[WorkshopPlan]) -> None:
        """Two workshops of the file, or one of the file and a stored one, with the same slug."""
        owners: dict[str, list[WorkshopPlan]] = {}
        for plan in plans:
            if plan.instance is not None and not plan.errors and (plan.created or "slug" in plan.changed):
                owners.setdefault(plan.instance.slug, []).append(plan)
        stored = Workshop.objects.using(self.using).filter(slug__in=list(owners)).values_list("slug", "uuid")
        taken = dict(stored)
        for slug, found in owners.items():
            for index, plan in enumerate(found):
                if index > 0 or (slug in taken and taken[slug] != plan.instance.uuid):
                    self.error(plan, plan.rows[0], "slug", _("Another workshop already has this slug."))


def workshops_import(
    *,
    table: Table,
    valid_only: bool = False,
    dry_run: bool = False,
    using: str = "default",
    progress: Progress | None = None,
) -> ImportResult:
    """Import `table` in one transaction: nothing is written if a row is refused, unless `valid_only` (then the
    refused rows' workshops are left out); with `dry_run`, only the plan."""
    with transaction.atomic(using=using):
        plan = workshop_import_plan(table, using=using, progress=stage_progress(progress, "checking"))
        if plan.errors and not valid_only:
            raise ImportRefused(plan)
        if dry_run:
            return ImportResult(plan, written=False)
        changed = [one for one in plan.valid if one.has_changes]
        if changed:
            catalogue_changed(using=using)
        with indexing_deferred(using):
            for done, one in enumerate(changed, start=1):
                _write(one, using)
                if progress and (done % BATCH_SIZE == 0 or done == len(changed)):
                    progress("writing", done, len(changed))
    return ImportResult(plan, written=True)


def _write(plan: WorkshopPlan, using: str) -> None:
    """Save a workshop (its save indexes it and its report at the end of the import) and replace its agenda."""
    workshop = plan.instance
    workshop.content_changed_at = timezone.now()
    workshop.save(using=using)
    if not plan.agenda_changed:
        return
    AgendaItem.objects.using(using).filter(workshop=workshop).delete()
    names = item_field_names()
    items = AgendaItem.objects.using(using).bulk_create(
        new_instance(
            AgendaItem, workshop=workshop, position=entry.position, **dict(zip(names, entry.values, strict=True))
        )
        for entry in plan.agenda
    )
    AgendaParticipation.objects.using(using).bulk_create(
        AgendaParticipation(agenda_item=item, speaker_id=speaker, role=role, position=index)
        for item, entry in zip(items, plan.agenda, strict=True)
        for index, (role, speaker) in enumerate(entry.people)
    )
