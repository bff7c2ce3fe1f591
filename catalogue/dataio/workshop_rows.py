"""The spreadsheet layout of workshops with their agendas, shared by import (workshop_import.py) and export.

One row per agenda item; the workshop's columns are repeated on each of its rows (a workshop without an agenda
has one row with the agenda columns empty). Translated fields have one column per content language. A workshop
is found by its `uuid` when the row gives one, else by its `slug`; its report by the publication's slug. An
item's people sit in `item_people`: `role: person-slug` pairs separated by “;”, in their order.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalogue.models import AgendaItem, AgendaParticipation, Workshop

from .cells import CellError, is_empty, text_of
from .tabular import LIST_SEPARATOR, Layout, per_language, write_table

CHUNK_SIZE = 1000
ROLE_SEPARATOR = ":"


def workshop_columns() -> list[str]:
    """The workshop's columns: identity first, then texts per language, place and dates."""
    return [
        "uuid",
        "slug",
        "status",
        "publish_date",
        "publication",
        *per_language("title", "description", "city", "venue"),
        "country",
        "start_date",
        "end_date",
        "time_zone",
        "participants_count",
        "panelists_count",
    ]


def agenda_fields() -> dict[str, str]:
    """The agenda item's columns and the model field each holds."""
    return {
        "item_order": "position",
        "item_date": "date",
        "item_start_time": "start_time",
        "item_end_time": "end_time",
        "item_kind": "kind",
        **{f"item_{column}": column for column in per_language("title", "description")},
    }


def columns() -> list[str]:
    """Every column of the workshops' layout, in the template's order."""
    return [*workshop_columns(), *agenda_fields(), "item_people"]


WORKSHOPS = Layout(columns, ("slug",), gettext_lazy("Workshops"))


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda item as the layout holds it: comparable, so an unchanged agenda is left as it is."""

    position: int
    values: tuple  # the model fields of agenda_fields() but the position, in that order; None for ""
    people: tuple[tuple[str, int], ...]  # (role, speaker id) in their order


def people(raw, speakers: dict[str, int]) -> tuple[tuple[str, int], ...]:
    """The (role, speaker id) pairs of an `item_people` cell; CellError when a pair cannot be read."""
    roles = AgendaParticipation.Role.values
    result = []
    for part in [] if is_empty(raw) else text_of(raw).split(LIST_SEPARATOR):
        if not part.strip():
            continue
        role, separator, slug = (piece.strip() for piece in part.partition(ROLE_SEPARATOR))
        if not separator or role not in roles:
            raise CellError(
                "item_people",
                _("“%(text)s” is not a role and a person: write “role: person-slug” (roles: %(roles)s).")
                % {"text": part.strip(), "roles": ", ".join(roles)},
            )
        if slug not in speakers:
            raise CellError("item_people", _("No person has the slug “%(slug)s”.") % {"slug": slug})
        pair = (role, speakers[slug])
        if pair in result:
            raise CellError("item_people", _("“%(text)s” is given twice.") % {"text": part.strip()})
        result.append(pair)
    return tuple(result)


def item_field_names() -> list[str]:
    """The agenda item's fields an entry holds (all but the position), in order."""
    return [name for name in agenda_fields().values() if name != "position"]


def entry_values(values) -> tuple:
    """An entry's values, an empty text as None (a translation left empty is either)."""
    return tuple(None if value == "" else value for value in values)


def stored_agenda(items: list[dict], participations: list[dict]) -> list[AgendaEntry]:
    """The entries of stored agenda items (`values()` dicts with the fields of item_field_names()) with their
    participations, in position order."""
    fields = item_field_names()
    by_item = defaultdict(list)
    for participation in sorted(participations, key=lambda row: (row["position"], row["id"])):
        by_item[participation["agenda_item_id"]].append((participation["role"], participation["speaker_id"]))
    return [
        AgendaEntry(item["position"], entry_values(item[name] for name in fields), tuple(by_item[item["id"]]))
        for item in sorted(items, key=lambda row: row["position"])
    ]


def export_rows(workshops: QuerySet) -> Iterator[dict[str, object]]:
    """The rows of `workshops` in the layout, a chunk of workshops at a time (three queries per chunk)."""
    names = [column for column in workshop_columns() if column != "publication"]
    item_fields = agenda_fields()
    keys = list(workshops.order_by("start_date", "slug").values_list("pk", flat=True))
    for start in range(0, len(keys), CHUNK_SIZE):
        chunk = keys[start : start + CHUNK_SIZE]
        by_pk = {
            row["pk"]: row for row in Workshop.objects.filter(pk__in=chunk).values("pk", "publication__slug", *names)
        }
        items = defaultdict(list)
        found = AgendaItem.objects.filter(workshop__in=chunk).order_by("position")
        for item in found.values("id", "workshop_id", *item_fields.values()):
            items[item["workshop_id"]].append(item)
        roles = defaultdict(list)
        participations = AgendaParticipation.objects.filter(agenda_item__workshop__in=chunk).order_by("position", "pk")
        for item, role, slug in participations.values_list("agenda_item_id", "role", "speaker__slug"):
            roles[item].append(f"{role}{ROLE_SEPARATOR} {slug}")
        for pk in chunk:
            values = by_pk[pk]
            row = {column: values[column] for column in names}
            row["publication"] = values["publication__slug"]
            if not items[pk]:
                yield row
            for item in items[pk]:
                yield {
                    **row,
                    **{column: item[name] for column, name in item_fields.items()},
                    "item_people": f"{LIST_SEPARATOR} ".join(roles[item["id"]]),
                }


def workshops_export_table(*, workshops: QuerySet, kind: str, handle) -> None:
    """Write `workshops` with their agendas as CSV, XLSX or JSON (`kind`) in the layout, to the binary `handle`."""
    write_table(export_rows(workshops), kind, handle, WORKSHOPS)
