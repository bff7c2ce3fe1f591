"""The data the public pages show, built from what the views fetched: templates receive it ready and run no queries."""

import itertools
from dataclasses import dataclass, field
from typing import NamedTuple

from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext, npgettext, pgettext

from catalogue import search
from catalogue.i18n import (
    TranslatedValue,
    interface_languages,
    language_name_in_text,
    number_label,
    page_language,
    translated,
)
from catalogue.interop.record import isbn_qualifier
from catalogue.models import AgendaItem, AgendaParticipation, Edition, Publication, Series, Topic, Workshop

# Pages and query strings ----------------------------------------------------------------------


def shown_page_url(path: str, params, page) -> str:
    """`path` with the query string `params` (a QueryDict), its `page` set to the page actually shown.

    An out-of-range or malformed `?page=` shows another page; links to "this page" name the one shown
    (and no `page` at all for the first).
    """
    params = params.copy()
    params.pop("page", None)
    if page.number > 1:
        params["page"] = str(page.number)
    return f"{path}?{params.urlencode()}" if params else path


class LanguageSwitchLink(NamedTuple):
    code: str
    name: str  # in the language itself
    url: str
    absolute_url: str
    current: bool


def language_links(request, page_obj=None) -> list[LanguageSwitchLink]:
    """The current page (with its query string) in every interface language."""
    current = page_language()
    path = request.get_full_path() if request else "/"
    # page_obj first: an error page (e.g. the 400 for too many query parameters) must not read request.GET.
    if request and hasattr(page_obj, "number") and "page" in request.GET:
        path = shown_page_url(request.path, request.GET, page_obj)
    links = []
    for code in interface_languages():
        url = translate_url(path, code)
        if url == path and code != current and path.startswith(f"/{current}/"):
            # Unresolvable paths (a 404 page): swap the language prefix so the switch still works.
            url = f"/{code}/{path.removeprefix(f'/{current}/')}"
        absolute_url = request.build_absolute_uri(url) if request else url
        name = translation.get_language_info(code)["name_local"]
        links.append(LanguageSwitchLink(code, name, url, absolute_url, code == current))
    return links


# Breadcrumbs ----------------------------------------------------------------------------------


class Crumb(NamedTuple):
    """One step of the breadcrumb trail (includes/breadcrumbs.html); the last one is the current page."""

    label: str | TranslatedValue  # a fallback TranslatedValue is marked with its language
    url: str = ""
    badge: bool = False  # the current page's fallback label also says which language it is in


def _home() -> Crumb:
    return Crumb(gettext("Home"), reverse("catalogue:home"))


def publication_list_breadcrumbs() -> list[Crumb]:
    return [_home(), Crumb(gettext("Publications"))]


def workshop_list_breadcrumbs() -> list[Crumb]:
    return [_home(), Crumb(gettext("Workshops"))]


def index_breadcrumbs(label: str) -> list[Crumb]:
    """Home, then an index page (series, topics)."""
    return [_home(), Crumb(label)]


def publication_breadcrumbs(publication: Publication, language: str) -> list[Crumb]:
    series = publication.series
    return [
        _home(),
        Crumb(gettext("Publications"), reverse("catalogue:publication-list")),
        Crumb(translated(series, "name", language), series.get_absolute_url()),
        Crumb(number_label(publication.number, page_language())),
    ]


def series_breadcrumbs(series: Series, language: str) -> list[Crumb]:
    return [
        _home(),
        Crumb(pgettext("heading of the list of all series", "Series"), reverse("catalogue:series-list")),
        Crumb(translated(series, "name", language)),
    ]


def topic_breadcrumbs(topic: Topic, language: str) -> list[Crumb]:
    parent = (
        [Crumb(translated(topic.parent, "name", language), topic.parent.get_absolute_url())] if topic.parent else []
    )
    return [
        _home(),
        Crumb(gettext("Topics"), reverse("catalogue:topic-list")),
        *parent,
        Crumb(translated(topic, "name", language)),
    ]


def workshop_breadcrumbs(workshop: Workshop, language: str) -> list[Crumb]:
    return [
        _home(),
        Crumb(gettext("Workshops"), reverse("catalogue:workshop-list")),
        Crumb(translated(workshop, "title", language), badge=True),
    ]


# The catalogue --------------------------------------------------------------------------------


@dataclass
class ActiveFilter:
    label: str  # the facet's (or the year range end's) name
    value: object  # str or TranslatedValue
    remove_url: str  # the query string without this value (and back to page 1)


def _without(params, name: str, value: str) -> str:
    remaining = params.copy()
    remaining.setlist(name, [v for v in params.getlist(name) if v != value])
    remaining.pop("page", None)
    return "?" + remaining.urlencode()


def active_filters(params, facets, year_range: dict | None = None) -> list[ActiveFilter]:
    """The selected facet values and year range ends, each with a link that removes it and keeps everything
    else; `year_range` maps "year_from"/"year_to" to the cleaned year (or None)."""
    filters = [
        ActiveFilter(facet.label, value.label, _without(params, facet.name, value.value))
        for facet in facets
        for value in facet.selected
    ]
    labels = {"year_from": gettext("From year"), "year_to": gettext("To year")}
    for name, year in (year_range or {}).items():
        if year is not None:
            filters.append(ActiveFilter(labels[name], str(year), _without(params, name, params.get(name))))
    return filters


@dataclass
class ResultPassage:
    """Why a result matched: the field named (as text, not only by its look) and its passage, query words marked."""

    label: str  # "Topic:", "In the table of contents:"; "" for the opening of a summary that holds no query word
    text: TranslatedValue  # the snippet (SafeString) and the language it is written in
    detail: str = ""  # after the text: an ISBN's edition, "(French, PDF)"


@dataclass
class SearchResult:
    publication: Publication
    passage: ResultPassage | None = None
    pages: list = field(default_factory=list)  # documents.PageMatch: pages of its PDFs holding the words


@dataclass
class WorkshopResult:
    workshop: Workshop
    passage: ResultPassage | None = None


def _passage_labels() -> dict[str, str]:
    Field = search.PassageField
    return {
        Field.SUMMARY: pgettext("search result passage", "In the summary:"),
        Field.DESCRIPTION: pgettext("search result passage", "In the description:"),
        Field.TITLE: pgettext("search result passage", "In the title:"),
        Field.SUBTITLE: pgettext("search result passage", "In the subtitle:"),
        Field.TOC: pgettext("search result passage", "In the table of contents:"),
        Field.TOPIC: pgettext("search result passage", "Topic:"),
        Field.SPEAKER: pgettext("search result passage", "Speaker:"),
        Field.AGENDA: pgettext("search result passage", "In a workshop agenda:"),
        Field.WORKSHOP: pgettext("search result passage", "Workshop:"),
        Field.SERIES: pgettext("search result passage", "Series:"),
        Field.REFERENCE: pgettext("search result passage", "Reference number:"),
        Field.PLACE: pgettext("search result passage", "Where and when:"),
        Field.ISBN: pgettext("search result passage", "ISBN"),
    }


def result_passage(passage, language: str) -> ResultPassage | None:
    """A search.Passage as a result shows it, labelled in the page language."""
    if passage is None or not passage.snippet:
        return None
    text = TranslatedValue(passage.snippet, passage.language or language, language)
    if passage.field == search.PassageField.PAGE:
        label = pgettext("search result passage", "Page %(number)s of the PDF (%(language)s):") % {
            "number": passage.page,
            "language": language_name_in_text(passage.edition.language, language),
        }
        return ResultPassage(label, text)
    if passage.field == search.PassageField.ISBN:
        edition = passage.edition
        detail = pgettext("an ISBN's edition: its language and format", "(%(language)s, %(format)s)") % {
            "language": language_name_in_text(edition.language, language),
            "format": isbn_qualifier(edition.format, language),
        }
        return ResultPassage(_passage_labels()[passage.field], text, detail)
    return ResultPassage(_passage_labels().get(passage.field, ""), text)


@dataclass
class SearchSuggestion:
    query: str  # the corrected query
    url: str  # the catalogue with that query and the same filters, from page 1


def search_suggestion(params, corrected: str | None) -> SearchSuggestion | None:
    """The link of a corrected query ("Did you mean …?"): the page's query string with it, from page 1."""
    if corrected is None:
        return None
    params = params.copy()
    params.pop("page", None)
    for name in list(params):  # a submitted form's empty fields say nothing
        params.setlist(name, [value for value in params.getlist(name) if value])
    params["q"] = corrected
    return SearchSuggestion(corrected, "?" + params.urlencode())


# A publication --------------------------------------------------------------------------------


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
    interface_codes = set(interface_languages())
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


def sorted_by_name(records, language: str) -> list:
    """Topics or series in alphabetical order of their name in `language` (with its fallbacks)."""
    return sorted(records, key=lambda record: str(translated(record, "name", language)).lower())


@dataclass
class TopicNode:
    topic: Topic
    children: list = field(default_factory=list)


def topic_tree(topics: list[Topic], language: str) -> list[TopicNode]:
    """Topics (annotated with `publication_count`) nested under their broader topic, by name; a topic without public
    publications is left out unless a narrower one has some."""
    children = {}
    for topic in sorted_by_name(topics, language):
        children.setdefault(topic.parent_id, []).append(topic)

    def nodes(parent_id, seen: frozenset) -> list[TopicNode]:
        found = []
        for topic in children.get(parent_id, []):
            if topic.pk in seen:  # a cycle written past validation
                continue
            node = TopicNode(topic, nodes(topic.pk, seen | {topic.pk}))
            if topic.publication_count or node.children:
                found.append(node)
        return found

    return nodes(None, frozenset())


# A workshop -----------------------------------------------------------------------------------


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
