"""Public catalogue pages: thin class-based views over querysets, the FilterSet, the search and the presenters.

Every read starts from `.published()`; every page runs a fixed number of
queries, and templates receive ready data.
"""

from django.http import HttpResponseServerError
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, TemplateView

from catalogue import search
from catalogue.i18n import page_language
from catalogue.interop.record import isbn_qualifier
from catalogue.models import Publication, Series, Topic, Workshop

from . import documents, pagination, presenters, results
from .catalogue_index import catalogue_index
from .filters import PublicationFilter, Sort
from .preview import PreviewableDetailMixin
from .workshop_listing import WorkshopListing

HOME_PUBLICATIONS = 6
HOME_WORKSHOPS = 4
MATCHING_WORKSHOPS = 5
ONWARD_TOPICS = 12  # topics offered on a page without results, with a link to all of them


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        workshops = Workshop.objects.published().select_related("publication__series")
        index = catalogue_index(workshops.db)  # the series' counts and the latest workshops, from memory
        keys = index.ordered_workshops(index.workshops, HOME_WORKSHOPS)
        recent = workshops.in_bulk(keys)
        return super().get_context_data(
            latest_publications=Publication.objects.published()
            .for_listing()
            .order_by("-publish_date", "-pk")[:HOME_PUBLICATIONS],
            series_list=index.with_publication_counts(Series.objects.order_by("slug"), "series"),
            recent_workshops=[recent[key] for key in keys if key in recent],
            **kwargs,
        )


class PublicationListView(TemplateView):
    """The catalogue: full-text search, facets with counts, sorting and pagination."""

    template_name = "catalogue/publication_list.html"

    def get_context_data(self, **kwargs):
        language = page_language()
        publications = Publication.objects.published().for_listing()
        filterset = PublicationFilter(self.request.GET, queryset=publications, language=language)
        page = pagination.paginate(self.request, filterset.results, rows=publications)
        query = filterset.query
        # One query for the pages of PDFs holding the words (none without a query or a PDF's text), one for
        # the rows explaining why each result matched (topics, contents, speakers…).
        hits = search.document_hits(page, query, using=publications.db) if query else {}
        pages_found = documents.page_matches(hits, query, language)
        passages = search.publication_passages(page, query, language=language, using=publications.db, page_hits=hits)
        results = [
            presenters.SearchResult(
                publication,
                presenters.result_passage(passages.get(publication.pk), language),
                pages_found.get(publication.pk, []),
            )
            for publication in page
        ]
        facets = filterset.facets()
        cleaned = filterset.cleaned
        year_range = {name: cleaned.get(name) for name in ("year_from", "year_to")}
        active = presenters.active_filters(self.request.GET, facets, year_range)
        found = page.paginator.count
        return super().get_context_data(
            breadcrumbs=presenters.publication_list_breadcrumbs(),
            filterset=filterset,
            query=query,
            page_obj=page,
            results=results,
            workshops=self.matching_workshops(query, language, filterset.results.index),
            # Facets without a value to offer are left out (the year facet keeps its range while one is set).
            facets=[f for f in facets if f.values or (f.name == "year" and any(year_range.values()))],
            active_filters=active,
            year_from=year_range["year_from"],
            year_to=year_range["year_to"],
            sort=filterset.sort_order,
            default_sort=Sort.RELEVANCE if query else Sort.NEWEST,
            sort_choices=[(value, label) for value, label in Sort.choices if value != Sort.RELEVANCE or query],
            # Nothing found: somewhere to go on from (the most used topics, all topics, the whole catalogue).
            onward_topics=self.onward_topics(filterset.results.index, language) if not found else [],
            suggestion=presenters.search_suggestion(self.request.GET, self.corrected_query(filterset, found)),
            api_url=presenters.shown_page_url(reverse("api:publication-list"), self.request.GET, page),
            # Search and filter results are for visitors, not for search engines (no end of combinations).
            noindex=any(cleaned.values()),
            **kwargs,
        )

    @staticmethod
    def onward_topics(index, language: str) -> list[Topic]:
        """The ONWARD_TOPICS topics with the most public publications, by name (counted in the catalogue index)."""
        most_used = index.most_used("topic", ONWARD_TOPICS)
        return presenters.sorted_by_name(Topic.objects.using(index.using).filter(pk__in=most_used), language)

    @staticmethod
    def corrected_query(filterset: PublicationFilter, found: int) -> str | None:
        """Did you mean …? The query corrected, when the search found nothing or very little (none without one)."""
        if not filterset.query or found > search.FEW_RESULTS:
            return None
        return search.suggest_query(filterset.unsearched(), filterset.query, language=filterset.language, found=found)

    @staticmethod
    def matching_workshops(query: str, language: str, index) -> list[presenters.WorkshopResult]:
        """The workshops that best match `query` too, each with why (none without a query)."""
        if not query:
            return []
        rows = Workshop.objects.using(index.using).published().select_related("publication__series")
        found = results.matching_workshops(query, rows, language=language, limit=MATCHING_WORKSHOPS, index=index)
        passages = search.workshop_passages(found, query, language=language, using=index.using)
        return [
            presenters.WorkshopResult(workshop, presenters.result_passage(passages.get(workshop.pk), language))
            for workshop in found
        ]


class WorkshopListView(TemplateView):
    """The public workshops: upcoming ones (soonest first) apart from past ones (newest first), by year and city."""

    template_name = "catalogue/workshop_list.html"

    def get_context_data(self, **kwargs):
        listing = WorkshopListing(self.request.GET, page_language())
        return super().get_context_data(
            breadcrumbs=presenters.workshop_list_breadcrumbs(),
            listing=listing,
            page_obj=pagination.paginate(self.request, listing.workshops(), rows=listing.rows),
            noindex=listing.filtered,
            **kwargs,
        )


class SeriesListView(TemplateView):
    """Every series, by name in the page language, with its number of public publications."""

    template_name = "catalogue/series_list.html"

    def get_context_data(self, **kwargs):
        language = page_language()
        series = Series.objects.prefetch_related("issns")
        series = catalogue_index(series.db).with_publication_counts(series, "series")
        return super().get_context_data(
            breadcrumbs=presenters.index_breadcrumbs(pgettext("heading of the list of all series", "Series")),
            series_list=presenters.sorted_by_name(series, language),
            **kwargs,
        )


class TopicListView(TemplateView):
    """The topics with public publications, broader ones with their narrower ones, by name."""

    template_name = "catalogue/topic_list.html"

    def get_context_data(self, **kwargs):
        topics = catalogue_index(Topic.objects.db).with_publication_counts(Topic.objects.all(), "topic")
        return super().get_context_data(
            breadcrumbs=presenters.index_breadcrumbs(gettext("Topics")),
            topic_tree=presenters.topic_tree(topics, page_language()),
            **kwargs,
        )


class PublicationDetailView(PreviewableDetailMixin, DetailView):
    model = Publication
    template_name = "catalogue/publication_detail.html"
    context_object_name = "publication"
    gone_message = _("This publication has been withdrawn from the catalogue.")
    gone_link_label = _("Search the publications")
    gone_link_url_name = "catalogue:publication-list"

    def get_context_data(self, **kwargs):
        publication = self.object
        language = page_language()
        format_labels, edition_rows = presenters.editions_grid(publication)
        other_languages = presenters.also_available(publication, language)
        return super().get_context_data(
            breadcrumbs=presenters.publication_breadcrumbs(publication, language),
            issns=presenters.header_issns(publication, language),
            page_edition=next((e for e in publication.editions.all() if e.language == language), None),
            page_isbns=[  # (qualifier, edition): "ISBN (print)", "ISBN (PDF)"
                (isbn_qualifier(e.format, language), e)
                for e in publication.editions.all()
                if e.language == language and e.isbn
            ],
            edition_actions=documents.edition_actions(publication, language),
            format_labels=format_labels,
            edition_rows=edition_rows,
            # "This page in …" (the publication's page in another interface language that has an edition) apart
            # from "Editions in other languages" (downloads in languages the site is not in).
            page_in_languages=[link for link in other_languages if link.is_page],
            other_editions=[link for link in other_languages if not link.is_page],
            toc=presenters.toc_tree(list(publication.toc_entries.all())),
            topics=presenters.sorted_by_name(publication.topics.all(), language),
            workshops=list(publication.workshops.all()),
            **kwargs,
        )


class SeriesDetailView(DetailView):
    template_name = "catalogue/series_detail.html"
    context_object_name = "series"
    queryset = Series.objects.for_detail()

    def get_context_data(self, **kwargs):
        publications = Publication.objects.published().in_series(self.object).for_listing().order_by("-number", "pk")
        return super().get_context_data(
            breadcrumbs=presenters.series_breadcrumbs(self.object, page_language()),
            page_obj=pagination.paginate(self.request, publications),
            **kwargs,
        )


class TopicDetailView(DetailView):
    template_name = "catalogue/topic_detail.html"
    context_object_name = "topic"
    queryset = Topic.objects.for_detail()

    def get_context_data(self, **kwargs):
        publications = (
            Publication.objects.published().with_topic(self.object).for_listing().order_by("-year", "-number", "pk")
        )
        return super().get_context_data(
            breadcrumbs=presenters.topic_breadcrumbs(self.object, page_language()),
            page_obj=pagination.paginate(self.request, publications),
            subtopics=list(self.object.children.all()),
            **kwargs,
        )


class WorkshopDetailView(PreviewableDetailMixin, DetailView):
    model = Workshop
    template_name = "catalogue/workshop_detail.html"
    context_object_name = "workshop"
    gone_message = _("This workshop has been withdrawn from the catalogue.")
    gone_link_label = _("See the workshops")
    gone_link_url_name = "catalogue:workshop-list"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=presenters.workshop_breadcrumbs(self.object, page_language()),
            agenda=presenters.agenda_days(list(self.object.agenda_items.all())),
            **kwargs,
        )


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The 500 page in the visitor's language; it renders without the database or context processors."""
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"LANGUAGE_CODE": page_language(), "request_path": request.path}))
