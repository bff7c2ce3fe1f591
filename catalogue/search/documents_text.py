"""Search inside edition PDFs: each page's text indexed in its edition's language, found with its page number.

When an edition's PDF is stored (post_save, in the same transaction), what is derived from it is written: its
size, its first page drawn as a cover (models/covers.py) and its text, one DocumentPage row per page with text.
A PDF of more than IDM_DOCUMENT_TEXT_INLINE_PAGES pages is left "pending" for `manage.py extract_documents`, so
that no request waits long; `rebuild_search_index` extracts what is pending too. A PDF without a text layer (a
scan) is marked so, as is one pypdf cannot read.

The index beside the rows: on SQLite an FTS5 table of the page text stemmed in Python in the page's language
(rowid = DocumentPage.id); on PostgreSQL a tsvector column generated through the language's text-search
configuration (`idm_simple`, unaccented words, for a language without one), with a GIN index (migration 0020).
A query word matches a page under any content language's stem, or as it is; every word must match one page.
"""

import logging
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_save, pre_delete

from catalogue.models import DocumentPage, Edition, TextState
from catalogue.models.covers import first_page_cover, renditions, save_renditions
from catalogue.models.documents import page_texts

from .query import ParsedQuery, parse_query
from .schema import CONFIGURATIONS, LANGUAGES
from .text import fold, forms, stemmed, stems, words

logger = logging.getLogger(__name__)

PAGE_TABLE = DocumentPage._meta.db_table
EDITION_TABLE = Edition._meta.db_table
PAGE_FTS_TABLE = "catalogue_documentpage_fts"  # SQLite
PAGE_VECTOR_INDEX = f"{PAGE_TABLE}_vector"  # PostgreSQL: the GIN index of the generated `vector` column
SIMPLE_CONFIGURATION = "idm_simple"  # PostgreSQL: unaccent, no stemming, for languages without a configuration
HITS_PER_EDITION = 3
BATCH_SIZE = 500


def page_configuration_sql(languages=LANGUAGES) -> str:
    """The text-search configuration of a page's `language` column, as SQL (PostgreSQL)."""
    cases = " ".join(f"WHEN '{code}' THEN '{CONFIGURATIONS[code]}'::regconfig" for code in languages)
    return f"CASE language {cases} ELSE '{SIMPLE_CONFIGURATION}'::regconfig END"


# Deriving from a stored PDF ------------------------------------------------------------------


def connect() -> None:
    """Connect the receivers that derive what an edition's stored PDF gives (from search.connect_signals)."""
    post_save.connect(_edition_saved, sender=Edition, dispatch_uid="documents-post-save")
    pre_delete.connect(_edition_deleted, sender=Edition, dispatch_uid="documents-pre-delete")


def _edition_saved(sender, instance, raw, using, **kwargs):
    if raw:
        return  # loaddata: `extract_documents` or `rebuild_search_index` derive what stored files give
    if instance.__dict__.pop("_new_file_stored", False) and instance.file:  # set by EditionFieldFile.save
        edition_process(instance, using=using)
    elif not instance.file and (instance.text_state or instance.first_page or instance.file_size):
        _derived_clear(instance, using=using)
    elif instance.text_state == TextState.DONE:
        pages = DocumentPage.objects.using(using).filter(edition=instance)
        if pages.exclude(language=instance.language).exists():  # the edition's language changed
            pages.update(language=instance.language)
            _write_index(using, list(pages))


def _edition_deleted(sender, instance, using, **kwargs):
    _delete_index(using, DocumentPage.objects.using(using).filter(edition=instance))


def _update(edition, using: str, **values) -> None:
    Edition.objects.using(using).filter(pk=edition.pk).update(**values)
    for name, value in values.items():
        setattr(edition, name, value)


def _derived_clear(edition, *, using: str) -> None:
    _replace_first_page(edition, None, using=using)
    _replace_pages(edition, [], using=using)
    _update(edition, using, file_size=None, text_state="")


def _replace_first_page(edition, name: str | None, *, using: str) -> None:
    old = edition.first_page.name if edition.first_page else ""
    if old and old != name:
        storage = edition.first_page.storage

        def delete():
            for rendition in renditions(old):
                storage.delete(rendition.name)

        transaction.on_commit(delete, using=using)
    _update(edition, using, first_page=name or "")


def edition_process(edition, *, using: str | None = None, extract: bool | None = None) -> None:
    """Derive from `edition`'s stored PDF its size, first-page cover and (when `extract`, by default for a PDF
    of at most IDM_DOCUMENT_TEXT_INLINE_PAGES pages) its indexed text; else mark the text pending."""
    using = using or router.db_for_write(Edition)
    storage, name = edition.file.storage, edition.file.name
    with storage.open(name, "rb") as pdf:
        size = storage.size(name)
        cover, pages = first_page_cover(pdf, f"covers/{PurePosixPath(name).stem}")
        stored = storage.save(cover.name, cover) if cover is not None else None
        if stored:
            save_renditions(storage, stored, cover)
        _replace_first_page(edition, stored, using=using)
        if extract is None:
            extract = pages <= settings.IDM_DOCUMENT_TEXT_INLINE_PAGES  # 0: unreadable, extraction says why
        state = _extract(edition, pdf, using=using) if extract else TextState.PENDING
    if not extract:
        _replace_pages(edition, [], using=using)
    _update(edition, using, file_size=size, text_state=state)


def _extract(edition, pdf, *, using: str) -> str:
    try:
        texts = page_texts(pdf)
    except Exception:  # whatever pypdf meets in a file it read before
        logger.exception("Text extraction failed for edition %s (%s)", edition.pk, edition.file.name)
        _replace_pages(edition, [], using=using)
        return TextState.FAILED
    pages = [
        DocumentPage(edition=edition, number=number, language=edition.language, text=text)
        for number, text in enumerate(texts, start=1)
        if words(text)
    ]
    _replace_pages(edition, pages, using=using)
    return TextState.DONE if pages else TextState.NO_TEXT


def _replace_pages(edition, pages: list[DocumentPage], *, using: str) -> None:
    with transaction.atomic(using=using):
        old = DocumentPage.objects.using(using).filter(edition=edition)
        _delete_index(using, old)
        old.delete()
        for start in range(0, len(pages), BATCH_SIZE):
            batch = DocumentPage.objects.using(using).bulk_create(pages[start : start + BATCH_SIZE])
            _write_index(using, batch)


def editions_to_extract(using: str | None = None, *, everything: bool = False):
    """Editions with a PDF whose text is not in the index: pending, failed, never extracted (loaded by `loaddata`)
    or said done without its pages (a fixture); with `everything`, every edition with a PDF."""
    using = using or router.db_for_write(Edition)
    editions = Edition.objects.using(using).exclude(file="")
    if everything:
        return editions
    indexed = DocumentPage.objects.using(using).filter(edition=OuterRef("pk"))
    return editions.exclude(text_state=TextState.NO_TEXT).exclude(Q(text_state=TextState.DONE) & Exists(indexed))


# The index -------------------------------------------------------------------------------------


def _fts_text(page: DocumentPage) -> str:
    return stemmed(page.text, page.language) if page.language in LANGUAGES else " ".join(words(page.text))


def _write_index(using: str, pages: list[DocumentPage]) -> None:
    """Write the FTS rows of `pages` (SQLite; PostgreSQL generates its vectors)."""
    if connections[using].vendor != "sqlite" or not pages:
        return
    with connections[using].cursor() as cursor:
        ids = [page.pk for page in pages]
        cursor.execute(f"DELETE FROM {PAGE_FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids)
        cursor.executemany(
            f"INSERT INTO {PAGE_FTS_TABLE} (rowid, text) VALUES (%s, %s)", [(p.pk, _fts_text(p)) for p in pages]
        )


def _delete_index(using: str, pages) -> None:
    if connections[using].vendor == "sqlite":
        ids = list(pages.values_list("pk", flat=True))
        with connections[using].cursor() as cursor:
            for start in range(0, len(ids), BATCH_SIZE):
                chunk = ids[start : start + BATCH_SIZE]
                cursor.execute(f"DELETE FROM {PAGE_FTS_TABLE} WHERE rowid IN ({', '.join(['%s'] * len(chunk))})", chunk)


def rebuild_page_index(using: str | None = None) -> int:
    """Remake the index of every stored page (SQLite's FTS rows); returns how many pages there are."""
    using = using or router.db_for_write(DocumentPage)
    pages = DocumentPage.objects.using(using).order_by("pk")
    with transaction.atomic(using=using):
        if connections[using].vendor == "sqlite":
            with connections[using].cursor() as cursor:
                cursor.execute(f"DELETE FROM {PAGE_FTS_TABLE}")
            batch = []
            for page in pages.iterator(chunk_size=BATCH_SIZE):
                batch.append(page)
                if len(batch) == BATCH_SIZE:
                    _write_index(using, batch)
                    batch = []
            _write_index(using, batch)
    return pages.count()


# Searching -------------------------------------------------------------------------------------


def _fts_query(parsed: ParsedQuery) -> str:
    clauses = []
    for term in parsed.terms:
        looked_up = dict.fromkeys([*(form for code in LANGUAGES for form in stems(term, code)), fold(term)])
        clauses.append("(" + " OR ".join('"{}"'.format(form.replace('"', '""')) for form in looked_up) + ")")
    return " AND ".join(clauses)


def _tsquery(parsed: ParsedQuery) -> tuple[str, list]:
    # Each word under each language's configuration, in each of its forms there (a Spanish word in its other
    # number too: text.forms), or as it is.
    clauses, params = [], []
    for term in parsed.terms:
        looked_up = [(CONFIGURATIONS[code], form) for code in LANGUAGES for form in forms(term, code)]
        looked_up.append((SIMPLE_CONFIGURATION, term))
        clauses.append("(" + " || ".join(f"plainto_tsquery('{name}', %s)" for name, _form in looked_up) + ")")
        params += [form for _name, form in looked_up]
    return " && ".join(clauses), params


def page_match_sql(vendor: str, parsed: ParsedQuery) -> tuple[str, list]:
    """A condition on the page row `p` that holds when every word of `parsed` (it has some) is on the page."""
    if vendor == "sqlite":
        return f"p.id IN (SELECT rowid FROM {PAGE_FTS_TABLE} WHERE {PAGE_FTS_TABLE} MATCH %s)", [_fts_query(parsed)]
    tsquery, params = _tsquery(parsed)
    return f"p.vector @@ ({tsquery})", params


def publications_matching_pages(vendor: str, parsed: ParsedQuery) -> tuple[str, list]:
    """Ids of the publications with a page of an edition's PDF holding every word of `parsed` (for
    backends._search, which unites them with its other matches)."""
    match, params = page_match_sql(vendor, parsed)
    sql = f"SELECT e.publication_id FROM {EDITION_TABLE} e JOIN {PAGE_TABLE} p ON p.edition_id = e.id WHERE {match}"
    return sql, params


@dataclass(frozen=True)
class PageHit:
    edition: Edition
    number: int
    text: str  # the page's text; the presenter cuts the snippet around the match

    @property
    def url(self) -> str:
        """The PDF, opened at the page."""
        return f"{self.edition.file.url}#page={self.number}"


def document_hits(publications, query: str, *, using: str) -> dict[int, list[PageHit]]:
    """The pages of `publications`' PDFs holding every word of `query`, by publication id (see page_hits)."""
    return page_hits(publications, parse_query(query), using=using)


def page_hits(publications, parsed: ParsedQuery, *, using: str) -> dict[int, list[PageHit]]:
    """The first pages (HITS_PER_EDITION at most per edition) of `publications`' PDFs holding every word of
    `parsed`, by publication id; one query. The publications' editions are prefetched."""
    editions = {
        edition.pk: edition
        for publication in publications
        for edition in publication.editions.all()
        if edition.text_state == TextState.DONE  # none: no query
    }
    if not parsed.terms or not editions:
        return {}
    match, params = page_match_sql(connections[using].vendor, parsed)
    placeholders = ", ".join(["%s"] * len(editions))
    sql = (
        f"SELECT edition_id, number, text FROM (SELECT p.edition_id, p.number, p.text, "
        f"ROW_NUMBER() OVER (PARTITION BY p.edition_id ORDER BY p.number) AS position FROM {PAGE_TABLE} p "
        f"WHERE p.edition_id IN ({placeholders}) AND {match}) hits "
        f"WHERE position <= %s ORDER BY edition_id, number"
    )
    hits: dict[int, list[PageHit]] = {}
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*editions, *params, HITS_PER_EDITION])
        for edition_id, number, text in cursor.fetchall():
            edition = editions[edition_id]
            if edition.file:
                hits.setdefault(edition.publication_id, []).append(PageHit(edition, number, text))
    return hits
