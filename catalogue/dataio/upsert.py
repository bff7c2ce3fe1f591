"""Writing an import plan (importing.py): batched bulk_create and bulk_update in one transaction, then the
search documents of every publication it touched, a batch at a time, before the transaction ends."""

import gc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils import timezone

from catalogue.i18n import content_languages
from catalogue.models import Edition, Publication, TocEntry, catalogue_changed
from catalogue.search import index_publications, indexing_deferred
from catalogue.search.vocabulary import Changes

from .cells import new_instance
from .importing import BATCH_SIZE, import_plan
from .inserting import insert_instances
from .plan import ImportPlan, PublicationPlan, RowError
from .tabular import EDITION_FIELDS, Table

INDEX_BATCH_SIZE = 500
# progress(stage, done, total), stage one of these
STAGES = ("checking", "writing", "indexing")
Progress = Callable[[str, int, int], None]


class ImportRefused(Exception):
    """The file has refused rows and the user did not choose to import only the valid ones."""

    def __init__(self, plan: ImportPlan):
        super().__init__("\n".join(str(error) for error in plan.errors))
        self.plan = plan

    @property
    def errors(self) -> list[RowError]:
        return self.plan.errors


@dataclass
class ImportResult:
    plan: ImportPlan
    written: bool

    @property
    def counts(self) -> dict[str, int]:
        return self.plan.counts()


def catalogue_import(
    *,
    table: Table,
    valid_only: bool = False,
    dry_run: bool = False,
    using: str = "default",
    progress: Progress | None = None,
    index: bool = True,
) -> ImportResult:
    """Import `table` in one transaction: nothing is written if a row is refused, unless `valid_only` (then
    the refused rows' publications are left out); with `dry_run`, only the plan. Without `index`, the caller
    rebuilds the search index itself."""
    with collector_paused(), transaction.atomic(using=using):
        plan = import_plan(table, using=using, progress=stage_progress(progress, "checking"))
        if plan.errors and not valid_only:
            raise ImportRefused(plan)
        if dry_run:
            return ImportResult(plan, written=False)
        changed = [publication for publication in plan.valid if publication.has_changes]
        with indexing_deferred(using):
            if progress:
                progress("writing", 0, len(changed))
            if changed:
                catalogue_changed(using=using)  # cached pages and validators of every server move on
            for start in range(0, len(changed), BATCH_SIZE):
                write_batch(changed[start : start + BATCH_SIZE], using=using)
                if progress:
                    progress("writing", min(start + BATCH_SIZE, len(changed)), len(changed))
            pks = [publication.instance.pk for publication in changed] if index else []
            if progress and pks:
                progress("indexing", 0, len(pks))
            words = Changes()  # the vocabulary's changes, written once: most words are in every batch
            for start in range(0, len(pks), INDEX_BATCH_SIZE):
                index_publications(pks[start : start + INDEX_BATCH_SIZE], using=using, words=words)
                if progress:
                    progress("indexing", min(start + INDEX_BATCH_SIZE, len(pks)), len(pks))
            with connections[using].cursor() as cursor:
                words.write(cursor)
    return ImportResult(plan, written=True)


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off for the block: an import holds hundreds of thousands of objects (the
    file's rows, the plans, their model instances) that each collection walks again, and nothing it makes needs the
    collector to be freed; a third of the checks' and the writes' time on a file of 10,000 publications."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def stage_progress(progress: Progress | None, stage: str):
    """`progress` as a function of (done, total) within `stage`."""
    return (lambda done, total: progress(stage, done, total)) if progress else None


def write_batch(plans: list[PublicationPlan], *, using: str) -> None:
    """Write a batch of publication plans with their editions, topics and contents."""
    publications = Publication.objects.using(using)
    insert_instances([plan.instance for plan in plans if plan.created], using=using)
    now = timezone.now()
    # A change to its editions, topics or contents is a change of the publication too (sitemaps, caches).
    updated = [plan for plan in plans if not plan.created and plan.has_changes]
    for plan in updated:
        plan.instance.updated_at = plan.instance.content_changed_at = now
    if updated:
        fields = sorted({name for plan in updated for name in plan.changed} | {"updated_at", "content_changed_at"})
        publications.bulk_update([plan.instance for plan in updated], fields)

    editions = [edition for plan in plans for edition in plan.editions]
    insert_instances([edition.instance for edition in editions if edition.created], using=using)
    changed_editions = [edition for edition in editions if not edition.created and edition.changed]
    if changed_editions:
        fields = sorted({EDITION_FIELDS[column] for edition in changed_editions for column in edition.changed})
        Edition.objects.using(using).bulk_update([edition.instance for edition in changed_editions], fields)

    _write_topics([plan for plan in plans if plan.topics_changed], using)
    _write_contents([plan for plan in plans if plan.contents_changed], using)


def _write_topics(plans: list[PublicationPlan], using: str) -> None:
    links = Publication.topics.through.objects.using(using)
    links.filter(publication_id__in=[plan.instance.pk for plan in plans if not plan.created]).delete()
    insert_instances(
        [
            new_instance(Publication.topics.through, publication_id=plan.instance.pk, topic_id=topic)
            for plan in plans
            for topic in plan.topics
        ],
        using=using,
    )


def _write_contents(plans: list[PublicationPlan], using: str) -> None:
    entries = TocEntry.objects.using(using)
    entries.filter(publication_id__in=[plan.instance.pk for plan in plans if not plan.created]).delete()
    # Level by level, so that each heading's parent has its id when the heading is created.
    parents: dict[tuple[int, int], TocEntry] = {}  # (plan index, heading index) -> entry
    depth = max((heading.level for plan in plans for heading in plan.contents), default=-1)
    for level in range(depth + 1):
        batch = []
        for plan_index, plan in enumerate(plans):
            stack: list[int] = []  # the heading index open at each level
            for index, heading in enumerate(plan.contents):
                del stack[heading.level :]
                if heading.level == level:
                    parent = parents[(plan_index, stack[-1])] if stack else None
                    entry = new_instance(
                        TocEntry,
                        publication_id=plan.instance.pk,
                        parent=parent,
                        position=index + 1,
                        kind=heading.kind,
                        page=heading.page,
                        **_titles(heading),
                    )
                    parents[(plan_index, index)] = entry
                    batch.append(entry)
                stack.append(index)
        insert_instances(batch, using=using)


def _titles(heading) -> dict[str, str | None]:
    return {f"title_{code}": title or None for code, title in zip(content_languages(), heading.titles, strict=True)}
