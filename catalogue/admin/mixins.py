"""What every catalogue admin shares: one index write per save, and search by ISBN/ISSN."""

import contextlib

from django.db import router, transaction
from django.db.models import Q

from catalogue import search
from catalogue.identifiers import parse_identifier


def identifier_q(term: str, *, isbn_paths=(), issn_paths=()) -> Q | None:
    """A filter matching `term` as an ISBN or ISSN typed with or without hyphens."""
    identifier = parse_identifier(term)
    if identifier is None:
        return None
    conditions = Q()
    for path in {"isbn": isbn_paths, "issn": issn_paths}[identifier.scheme]:
        conditions |= Q(**{path: identifier.value})
    return conditions or None


class IndexOnceMixin:
    """A form saved with its inlines, a deletion or a bulk action re-indexes each search document once, in the
    same transaction as the save: if indexing fails, nothing of the save is kept."""

    def changeform_view(self, request, *args, **kwargs):
        with self._indexed_once(request):
            return super().changeform_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        with self._indexed_once(request):
            return super().delete_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        with self._indexed_once(request):
            return super().changelist_view(request, *args, **kwargs)

    def _indexed_once(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return contextlib.nullcontext()  # reads save nothing (and keep their pinned query counts)
        using = router.db_for_write(self.model)
        stack = contextlib.ExitStack()
        stack.enter_context(transaction.atomic(using=using))
        stack.enter_context(search.indexing_deferred(using))
        return stack


class IdentifierSearchMixin:
    """Admin search that finds records by ISBN/ISSN, with or without hyphens: a term that is one finds the records
    holding it, each through its identifier's index (not the text search's scan of every record, whose OR with
    a join took seconds at 100,000 publications); any other term is searched as the admin searches."""

    isbn_search_paths: tuple[str, ...] = ()
    issn_search_paths: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        condition = identifier_q(search_term, isbn_paths=self.isbn_search_paths, issn_paths=self.issn_search_paths)
        if condition is None:
            return super().get_search_results(request, queryset, search_term)
        holders = Q()
        for child in condition.children:  # each path: the records holding the identifier, read through its index
            holders |= Q(pk__in=self.model._default_manager.filter(child).values("pk"))
        return queryset.filter(holders), False
