"""Importing publications with their editions from a file in the spreadsheet layout (tabular.py).

`import_plan()` reads the file against the database, a batch of publications at a time, and says per row what
an import would do: create, update (with the changed columns) or refuse (with each reason, naming the row as the
spreadsheet numbers it and the column). The command's --dry-run and the admin's preview show it;
`catalogue_import()` (upsert.py) writes it.

Identity: a publication is its series and number; an edition its ISBN, else its language and format within the
publication. A column absent from the file leaves its field as it is; an empty cell empties it, except
`publish_date` (a published record keeps its date), `slug` (kept; a new publication's is made from the series
and number) and the fields with a default (`status`, `original_language`, `edition_format`: the default for a
new record, else kept). Later rows of a publication may leave the publication's columns
empty or repeat them; a different value is refused.
"""

from collections import defaultdict
from contextlib import suppress

from django.utils.translation import gettext as _

from catalogue.i18n import content_languages
from catalogue.models import Edition, Publication, Series, Status, Topic

from .cells import (
    EMPTY,
    REPEAT_MESSAGE,
    CellError,
    assign,
    differing_repeats,
    field_value,
    headings,
    is_empty,
    new_instance,
    same_value,
    stored_contents,
    text_of,
)
from .plan import EditionPlan, ImportPlan, PublicationPlan, RowError, plan_in_batches
from .tabular import EDITION_FIELDS, LIST_SEPARATOR, Table, publication_columns

BATCH_SIZE = 1000
# Columns that are not a publication field of the same name.
SPECIAL_COLUMNS = {
    "series",
    "number",
    "topics",
    "contents",
    *(f"contents_title_{code}" for code in content_languages()),
}


def import_plan(table: Table, *, using: str = "default", progress=None) -> ImportPlan:
    """What importing `table` would do, row by row, against the database as it is now."""
    planner = _Planner(table, using)
    plans = planner.group()
    plan_in_batches(planner.plan_batch, plans, size=BATCH_SIZE, progress=progress)
    planner.check_across_batches(plans)
    for plan in plans:
        planner.refuse_whole(plan)
    return ImportPlan(plans)


class _Planner:
    def __init__(self, table: Table, using: str):
        self.table, self.using = table, using
        self.header = set(table.header)
        self.fields = {field.name: field for field in Publication._meta.concrete_fields}
        self.edition_fields = {field.name: field for field in Edition._meta.concrete_fields}
        slugs = {text_of(row["series"]) for _, row in table.rows if not is_empty(row.get("series"))}
        self.series = {one.slug: one for one in Series.objects.using(using).filter(slug__in=slugs)}
        self.topics = dict(Topic.objects.using(using).values_list("slug", "pk"))
        self.publication_columns = [name for name in publication_columns() if name in self.header]
        self.edition_columns = [name for name in EDITION_FIELDS if name in self.header]

    def error(self, plan: PublicationPlan, row: int, column: str, message: str) -> None:
        plan.errors.append(RowError(row, column, self.table.letter(column), message))

    def refuse_whole(self, plan: PublicationPlan) -> None:
        """A publication is imported whole or not at all: its rows without an error say why they are left out."""
        refused = {error.row for error in plan.errors}
        for row in plan.rows:
            if refused and row not in refused:
                message = _("not imported: row %(row)s of the same publication is refused.") % {"row": min(refused)}
                self.error(plan, row, "", message)

    def group(self) -> list[PublicationPlan]:
        """The file's rows grouped by publication (series and number), in the order they first appear."""
        groups: dict[tuple, PublicationPlan] = {}
        self.rows = dict(self.table.rows)
        number_field = self.fields["number"]
        for row, values in self.table.rows:
            plan = PublicationPlan(rows=[row])
            key = (row,)  # a row whose identity cannot be read is a publication of its own
            slug = "" if is_empty(values.get("series")) else text_of(values["series"])
            series = self.series.get(slug)
            if series is None:
                message = (
                    _("This column needs a value.")
                    if not slug
                    else _("No series has the slug “%(slug)s”.") % {"slug": slug}
                )
                self.error(plan, row, "series", message)
            try:
                number = field_value(number_field, values.get("number"), "number")
            except CellError as error:
                self.error(plan, row, error.column, error.message)
                number = None
            if series is not None and number is not None:
                key = (series.pk, number)
                if key in groups:
                    groups[key].rows.append(row)
                    continue
                plan.instance = new_instance(Publication, series=series, number=number)
            groups[key] = plan
        return list(groups.values())

    def plan_batch(self, plans: list[PublicationPlan]) -> None:
        identified = [plan for plan in plans if plan.instance is not None and not plan.errors]
        numbers = {plan.instance.number for plan in identified}
        series_ids = {plan.instance.series_id for plan in identified}
        existing = {
            (publication.series_id, publication.number): publication
            for publication in Publication.objects.using(self.using)
            .filter(series_id__in=series_ids, number__in=numbers)
            .select_related("series")
            .prefetch_related("editions")  # instances: an import may update them
        }
        # What the file's topics and contents are compared with, as plain values (instances cost the most here).
        ids = [publication.pk for publication in existing.values()]
        self.stored_topics = defaultdict(set)
        links = Publication.topics.through.objects.using(self.using).filter(publication_id__in=ids)
        for publication, topic in links.values_list("publication_id", "topic_id"):
            self.stored_topics[publication].add(topic)
        self.stored_contents = stored_contents(ids, using=self.using)
        isbns = set()
        for plan in identified:
            for row in plan.rows:
                raw = self.rows[row].get("isbn")
                if not is_empty(raw):
                    with suppress(CellError):  # reported with its row below
                        isbns.add(field_value(self.edition_fields["isbn"], raw, "isbn"))
        self.editions_by_isbn = {
            edition.isbn: edition
            for edition in Edition.objects.using(self.using).filter(isbn__in=isbns).select_related("publication")
        }
        for plan in identified:
            stored = existing.get((plan.instance.series_id, plan.instance.number))
            if stored is not None:
                plan.instance = stored
            else:
                plan.created = True
            self.plan_publication(plan)
            self.plan_editions(plan)

    def plan_publication(self, plan: PublicationPlan) -> None:
        publication, first = plan.instance, plan.rows[0]
        values = self.rows[first]
        for row in plan.rows[1:]:
            for column in differing_repeats(values, self.rows[row], self.publication_columns):
                self.error(plan, row, column, REPEAT_MESSAGE % {"row": first})
        changed = []
        for column in self.publication_columns:
            if column in SPECIAL_COLUMNS:
                continue
            model_field = self.fields[column]
            raw = values.get(column)
            if column == "publish_date" and is_empty(raw) and publication.publish_date is not None:
                continue  # a published record keeps the date it became public
            if column == "slug" and is_empty(raw):
                continue  # kept, or made from the series and number for a new publication
            if column == "uuid" and (is_empty(raw) or not plan.created):
                continue  # a record's persistent identifier never changes; a new one keeps the file's, if given
            try:
                if assign(publication, model_field, raw, column, created=plan.created):
                    changed.append(column)
            except CellError as error:
                self.error(plan, first, error.column, error.message)
        if plan.created:
            for column in ("year", f"title_{content_languages()[0]}"):
                if column not in self.header:
                    self.error(plan, first, column, _("A new publication needs this column."))
            if not publication.slug and "slug" not in changed:
                publication.slug = f"{publication.series.slug}-{publication.number}"
        publication.clean()  # the workflow's rule: published without a date is published now
        self.check_publication(plan, first)
        plan.changed = changed
        row_changes = list(changed) if not plan.created else []
        if "topics" in self.header:
            self.plan_topics(plan, values.get("topics"), first, row_changes)
        if "contents" in self.header:
            self.plan_contents(plan, values, first, row_changes)
        plan.columns_changed[first] = row_changes

    def check_publication(self, plan: PublicationPlan, row: int) -> None:
        """The publication's check constraints, in Python: one query per record would halve the import's speed."""
        publication = plan.instance
        for prefix in ("participants", "panelists"):
            count, precision = getattr(publication, f"{prefix}_count"), getattr(publication, f"{prefix}_precision")
            if (count is None) != (precision == ""):
                self.error(
                    plan, row, f"{prefix}_precision",
                    _(
                        "Give a number of people together with its precision (exactly, more than or about), or neither."
                    ),
                )  # fmt: skip
        if publication.status == Status.WITHDRAWN and publication.publish_date is None:
            self.error(plan, row, "publish_date", _("A published publication needs a publish date."))
        if not publication.slug:
            self.error(plan, row, "slug", _("This column needs a value."))

    def plan_topics(self, plan: PublicationPlan, raw, row: int, row_changes: list[str]) -> None:
        slugs = [] if is_empty(raw) else [slug.strip() for slug in text_of(raw).split(LIST_SEPARATOR) if slug.strip()]
        unknown = [slug for slug in slugs if slug not in self.topics]
        if unknown:
            self.error(plan, row, "topics", _("No topic has the slug “%(slug)s”.") % {"slug": "”, “".join(unknown)})
            return
        plan.topics = list(dict.fromkeys(self.topics[slug] for slug in slugs))
        current = set() if plan.created else self.stored_topics[plan.instance.pk]
        plan.topics_changed = set(plan.topics) != current
        if plan.topics_changed and not plan.created:
            row_changes.append("topics")

    def plan_contents(self, plan: PublicationPlan, values: dict, row: int, row_changes: list[str]) -> None:
        titles = {code: values.get(f"contents_title_{code}") for code in content_languages()}
        try:
            plan.contents = headings(values.get("contents"), titles)
        except CellError as error:
            self.error(plan, row, error.column, error.message)
            return
        current = [] if plan.created else self.stored_contents.get(plan.instance.pk, [])
        plan.contents_changed = plan.contents != current
        if plan.contents_changed and not plan.created:
            row_changes.append("contents")

    def plan_editions(self, plan: PublicationPlan) -> None:
        publication = plan.instance
        stored = [] if plan.created else list(publication.editions.all())
        seen_keys, seen_isbns = {}, {}
        next_position = max((edition.position for edition in stored), default=0) + 1
        for row in plan.rows:
            values = self.rows[row]
            if all(values.get(column) in EMPTY for column in self.edition_columns):
                continue  # a publication's row without an edition
            parsed, defaulted = {}, set()
            for column in self.edition_columns:
                model_field = self.edition_fields[EDITION_FIELDS[column]]
                raw = values.get(column)
                try:
                    if is_empty(raw) and model_field.has_default() and not model_field.blank:
                        parsed[column] = model_field.get_default()
                        defaulted.add(column)  # for a new edition; a stored one keeps its value
                    else:
                        parsed[column] = field_value(model_field, raw, column)
                except CellError as error:
                    self.error(plan, row, error.column, error.message)
            if any(error.row == row for error in plan.errors):
                continue
            edition = self.find_edition(plan, row, parsed, stored)
            if edition is None:
                continue
            created = edition.pk is None
            if created:
                edition.position = next_position
                next_position += 1
            changed = []
            for column, value in parsed.items():
                attname = EDITION_FIELDS[column]
                if not created and column in defaulted:
                    continue
                if created or not same_value(getattr(edition, attname), value):
                    setattr(edition, attname, value)
                    changed.append(column)
            if edition.price is not None and not edition.currency:
                self.error(plan, row, "currency", _("A price needs a currency."))
            key = (edition.language, edition.format)
            if key in seen_keys:
                self.error(
                    plan, row, "edition_format",
                    _("Row %(row)s already has an edition in this language and format.") % {"row": seen_keys[key]},
                )  # fmt: skip
            seen_keys[key] = row
            if edition.isbn:
                if edition.isbn in seen_isbns:
                    self.error(
                        plan, row, "isbn", _("Row %(row)s has the same ISBN.") % {"row": seen_isbns[edition.isbn]}
                    )
                seen_isbns[edition.isbn] = row
            plan.editions.append(EditionPlan(row, edition, created, changed))
            if not created:
                plan.columns_changed.setdefault(row, []).extend(changed)
        # A stored edition the file leaves alone keeps its language and format: no row may take them.
        planned = {edition.instance.pk for edition in plan.editions}
        kept = {(edition.language, edition.format) for edition in stored if edition.pk not in planned}
        for edition in plan.editions:
            if (edition.instance.language, edition.instance.format) in kept:
                self.error(
                    plan, edition.row, "edition_format",
                    _("Another edition of this publication already has this language and format."),
                )  # fmt: skip

    def find_edition(self, plan: PublicationPlan, row: int, parsed: dict, stored: list[Edition]) -> Edition | None:
        """The stored edition the row updates (by ISBN, else language and format), or a new one."""
        isbn = parsed.get("isbn")
        if isbn:
            owner = self.editions_by_isbn.get(isbn)
            if owner is not None and owner.publication_id != plan.instance.pk:
                self.error(
                    plan, row, "isbn",
                    _("Another edition already has this ISBN: %(edition)s.") % {"edition": owner},
                )  # fmt: skip
                return None
            if owner is not None:
                return next(edition for edition in stored if edition.pk == owner.pk)
        language = parsed.get("edition_language")
        edition_format = parsed.get("edition_format", Edition.Format.PDF)
        for edition in stored:
            if edition.language == language and edition.format == edition_format:
                if isbn and edition.isbn and edition.isbn != isbn:
                    break  # another ISBN: another edition, refused below as a duplicate language and format
                return edition
        if "edition_language" not in parsed or not language:
            self.error(plan, row, "edition_language", _("A new edition needs a language."))
            return None
        return new_instance(Edition, publication=plan.instance)

    def check_across_batches(self, plans: list[PublicationPlan]) -> None:
        """What one batch cannot see: two publications of the file with the same ISBN or slug."""
        isbns, slugs = {}, {}
        for plan in plans:
            if plan.instance is None or plan.errors:
                continue
            for edition in plan.editions:
                if edition.instance.isbn in isbns and edition.instance.isbn:
                    self.error(
                        plan, edition.row, "isbn",
                        _("Row %(row)s has the same ISBN.") % {"row": isbns[edition.instance.isbn]},
                    )  # fmt: skip
                isbns.setdefault(edition.instance.isbn, edition.row)
            if plan.created or "slug" in plan.changed:
                slugs.setdefault(plan.instance.slug, []).append(plan)
        taken = set(Publication.objects.using(self.using).filter(slug__in=list(slugs)).values_list("slug", flat=True))
        for slug, owners in slugs.items():
            for index, plan in enumerate(owners):
                if slug in taken or index > 0:
                    self.error(plan, plan.rows[0], "slug", _("Another publication already has this slug."))
