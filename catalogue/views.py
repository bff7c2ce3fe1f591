"""Public catalogue pages: thin class-based views over querysets, the FilterSet and the search module.

Every read starts from `.published()`; every page runs a fixed number of
queries, and templates receive ready data.
"""

import itertools
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseServerError
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.translation import npgettext
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import DetailView, TemplateView

from . import search
from .filters import PublicationFilter, Sort, interface_language
from .i18n import fallback_languages, translated
from .models import AgendaItem, AgendaParticipation, Edition, Publication, Series, Topic, Workshop, published_q

PAGE_SIZE = 20
HOME_PUBLICATIONS = 6
HOME_WORKSHOPS = 4
MATCHING_WORKSHOPS = 5


def page_language() -> str:
    return interface_language(translation.get_language())


def with_query_string(url: str, params) -> str:
    """`url` followed by the query string of `params` (a QueryDict), if any."""
    return f"{url}?{params.urlencode()}" if params else url


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """A page of `queryset`; a malformed or out-of-range `?page=` gives the nearest page, not an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def shown_page_params(params, page):
    """`params` (a QueryDict) with `page` set to the page actually shown (and dropped for the first page)."""
    params = params.copy()
    params.pop("page", None)
    if page.number > 1:
        params["page"] = str(page.number)
    return params


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest_publications=Publication.objects.published()
            .for_listing()
            .order_by("-publish_date", "-pk")[:HOME_PUBLICATIONS],
            series_list=Series.objects.annotate(
                publication_count=Count("publications", filter=published_q("publications__"))
            ).order_by("slug"),
            recent_workshops=Workshop.objects.published().order_by("-start_date", "pk")[:HOME_WORKSHOPS],
            **kwargs,
        )


@dataclass
class ActiveFilter:
    facet: object
    value: object
    remove_url: str  # the query string without this value (and back to page 1)


def active_filters(params, facets) -> list[ActiveFilter]:
    """The selected facet values, each with a link that removes it and keeps everything else."""
    filters = []
    for facet in facets:
        for value in facet.selected:
            remaining = params.copy()
            remaining.setlist(facet.name, [v for v in params.getlist(facet.name) if v != value.value])
            remaining.pop("page", None)
            filters.append(ActiveFilter(facet, value, "?" + remaining.urlencode()))
    return filters


@dataclass
class SearchResult:
    publication: Publication
    snippet: str = ""


class PublicationListView(TemplateView):
    """The catalogue: full-text search, facets with counts, sorting and pagination."""

    template_name = "catalogue/publication_list.html"

    def get_context_data(self, **kwargs):
        language = page_language()
        filterset = PublicationFilter(
            self.request.GET, queryset=Publication.objects.published().for_listing(), language=language
        )
        page = paginate(self.request, filterset.qs)
        query = filterset.query
        results = [SearchResult(publication, self.snippet(publication, query, language)) for publication in page]
        facets = filterset.facets()
        workshops = (
            list(
                search.search_workshops(Workshop.objects.published(), query, language=language).order_by(
                    "-search_rank", "-start_date", "pk"
                )[:MATCHING_WORKSHOPS]
            )
            if query
            else []
        )
        cleaned = filterset.cleaned
        return super().get_context_data(
            filterset=filterset,
            query=query,
            page_obj=page,
            results=results,
            workshops=workshops,
            facets=facets,
            active_filters=active_filters(self.request.GET, facets),
            year_from=cleaned.get("year_from"),
            year_to=cleaned.get("year_to"),
            sort=filterset.sort_order,
            sort_choices=[(value, label) for value, label in Sort.choices if value != Sort.RELEVANCE or query],
            api_url=with_query_string(reverse("api:publication-list"), shown_page_params(self.request.GET, page)),
            **kwargs,
        )

    @staticmethod
    def snippet(publication: Publication, query: str, language: str) -> str:
        """The summary (or subtitle, or title) around the first match, preferring the page language."""
        if not query:
            return ""
        texts = [translated(publication, name, language) for name in ("summary", "subtitle", "title")]
        texts += [
            translated(publication, name, code)
            for name in ("summary", "subtitle")
            for code in fallback_languages(language)
        ]
        snippets = [search.highlight(str(text), query, language=text.language) for text in texts if text]
        return next((snippet for snippet in snippets if "<mark>" in snippet), snippets[0] if snippets else "")


class WorkshopListView(TemplateView):
    """Every public workshop, newest first."""

    template_name = "catalogue/workshop_list.html"

    def get_context_data(self, **kwargs):
        workshops = Workshop.objects.published().order_by("-start_date", "-pk")
        return super().get_context_data(page_obj=paginate(self.request, workshops), **kwargs)


@dataclass
class TocNode:
    entry: object
    children: list = field(default_factory=list)


def toc_tree(entries) -> list[TocNode]:
    """Nest table-of-contents entries (in position order) under their parents."""
    nodes = {entry.pk: TocNode(entry) for entry in entries}
    roots = []
    for entry in entries:
        parent = nodes.get(entry.parent_id)
        (parent.children if parent else roots).append(nodes[entry.pk])
    return roots


@dataclass
class EditionRow:
    language: str
    issn: str
    cells: list  # one Edition or None per format column


def editions_grid(publication: Publication) -> tuple[list[str], list[EditionRow]]:
    """Editions as a language × format grid: the format columns present, and one row per language."""
    editions = list(publication.editions.all())
    formats = [value for value in Edition.Format.values if any(e.format == value for e in editions)]
    formats += sorted({e.format for e in editions} - set(formats))
    rows = []
    for language in dict.fromkeys(e.language for e in editions):
        by_format = {e.format: e for e in editions if e.language == language}
        rows.append(EditionRow(language, publication.issn_for(language), [by_format.get(f) for f in formats]))
    labels = dict(Edition.Format.choices)
    return [labels.get(f, f) for f in formats], rows


@dataclass
class IssnLabel:
    issn: str
    language: str = ""  # set when the ISSN is not the page language's


def header_issns(publication: Publication, language: str) -> list[IssnLabel]:
    """The page language's ISSN if the publication has an edition in it; else those of its edition languages."""
    if language in publication.available_languages:
        issn = publication.issn_for(language)
        return [IssnLabel(issn)] if issn else []
    labels = {}
    for code in publication.available_languages:
        issn = publication.issn_for(code)
        if issn and issn not in labels:
            labels[issn] = IssnLabel(issn, code)
    return list(labels.values())


@dataclass
class LanguageLink:
    language: str
    url: str
    is_page: bool  # the publication's page in that interface language, else the edition itself


def also_available(publication: Publication, language: str) -> list[LanguageLink]:
    """The publication's other edition languages: its page in that language, or the edition's download."""
    interface_codes = {code for code, _name in settings.LANGUAGES}
    links = []
    for code in publication.available_languages:
        if code == language:
            continue
        if code in interface_codes:
            with translation.override(code):
                links.append(LanguageLink(code, publication.get_absolute_url(), True))
            continue
        edition = next((e for e in publication.editions.all() if e.language == code and e.download_url), None)
        links.append(LanguageLink(code, edition.download_url if edition else f"#editions-{code}", False))
    return links


class PublicationDetailView(DetailView):
    template_name = "catalogue/publication_detail.html"
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.published().for_detail()

    def get_context_data(self, **kwargs):
        publication = self.object
        language = page_language()
        format_labels, edition_rows = editions_grid(publication)
        return super().get_context_data(
            issns=header_issns(publication, language),
            page_edition=next((e for e in publication.editions.all() if e.language == language), None),
            format_labels=format_labels,
            edition_rows=edition_rows,
            also_available=also_available(publication, language),
            toc=toc_tree(list(publication.toc_entries.all())),
            topics=sorted(publication.topics.all(), key=lambda t: str(translated(t, "name", language)).lower()),
            workshops=list(publication.workshops.all()),
            **kwargs,
        )


class SeriesDetailView(DetailView):
    template_name = "catalogue/series_detail.html"
    context_object_name = "series"
    queryset = Series.objects.prefetch_related("issns")

    def get_context_data(self, **kwargs):
        publications = Publication.objects.published().in_series(self.object).for_listing().order_by("-number", "pk")
        return super().get_context_data(page_obj=paginate(self.request, publications), **kwargs)


class TopicDetailView(DetailView):
    template_name = "catalogue/topic_detail.html"
    context_object_name = "topic"
    queryset = Topic.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        publications = (
            Publication.objects.published().with_topic(self.object).for_listing().order_by("-year", "-number", "pk")
        )
        return super().get_context_data(
            page_obj=paginate(self.request, publications),
            subtopics=list(self.object.children.all()),
            **kwargs,
        )


@dataclass
class AgendaDay:
    date: object
    items: list


@dataclass
class AgendaEntry:
    item: AgendaItem
    roles: list  # (role label, [participations])


def role_heading(role: str, count: int) -> str:
    """A role's heading over `count` people: "Speaker", "Speakers"."""
    Role = AgendaParticipation.Role
    headings = {
        Role.CHAIR: lambda n: npgettext("agenda role heading", "Chair", "Chairs", n),
        Role.MODERATOR: lambda n: npgettext("agenda role heading", "Moderator", "Moderators", n),
        Role.SPEAKER: lambda n: npgettext("agenda role heading", "Speaker", "Speakers", n),
        Role.PANELIST: lambda n: npgettext("agenda role heading", "Panelist", "Panelists", n),
        Role.RAPPORTEUR: lambda n: npgettext("agenda role heading", "Rapporteur", "Rapporteurs", n),
    }
    heading = headings.get(role)
    return heading(count) if heading else role


def agenda_days(items) -> list[AgendaDay]:
    """Agenda items (ordered by date and time) grouped by day, each with its people grouped by role."""
    role_order = {value: index for index, value in enumerate(AgendaParticipation.Role.values)}
    days = []
    for date, day_items in itertools.groupby(items, key=lambda item: item.date):
        entries = []
        for item in day_items:
            participations = sorted(item.participations.all(), key=lambda p: (role_order.get(p.role, 99), p.position))
            groups = [(role, list(people)) for role, people in itertools.groupby(participations, key=lambda p: p.role)]
            roles = [(role_heading(role, len(people)), people) for role, people in groups]
            entries.append(AgendaEntry(item, roles))
        days.append(AgendaDay(date, entries))
    return days


class WorkshopDetailView(DetailView):
    template_name = "catalogue/workshop_detail.html"
    context_object_name = "workshop"

    def get_queryset(self):
        return Workshop.objects.published().select_related("publication__series").with_agenda()

    def get_context_data(self, **kwargs):
        return super().get_context_data(agenda=agenda_days(list(self.object.agenda_items.all())), **kwargs)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """The 500 page in the visitor's language; it renders without the database or context processors."""
    template = loader.get_template(template_name)
    return HttpResponseServerError(template.render({"LANGUAGE_CODE": page_language(), "request_path": request.path}))
