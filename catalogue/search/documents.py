"""What each search document holds, and which saved or deleted rows change it: written side by side.

A publication's document: its title and subtitle, and its number with its series' short names ("IDM 28
IDM28": how cards name it) as the title part; its summary, table of contents, topics, its workshops' text with
their agendas, its series' names, its year and its reference number (whole and in parts) as the body part, per
content language; its known-item keys (known_items.py); and the ISBNs and ISSNs of its editions and its series.
A workshop's document: its title; its description and agenda, its city, venue and country, its years and the
word for a workshop in that language. A row that gives text to a document here must appear in the reverse map
below (INDEXED, `affected`), or saving it would leave the document stale.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone, translation
from django_countries import countries

from catalogue.identifiers import compact_identifier
from catalogue.models import (
    AgendaItem,
    AgendaParticipation,
    Edition,
    Publication,
    SearchDocument,
    Series,
    SeriesIssn,
    Speaker,
    Status,
    TocEntry,
    Topic,
    Workshop,
)

from .known_items import publication_keys
from .schema import BODY_FIELDS, LANGUAGES, TITLE_FIELDS
from .text import WORD

CHUNK_SIZE = 500

# What feeds each document ------------------------------------------------------------------


def _text(*values) -> str:
    # Stored as words separated by spaces, so that both databases split the text into the same words
    # (PostgreSQL's parser would read "978-92-9068" as the numbers 978, -92 and -9068).
    return "\n".join(" ".join(WORD.findall(unicodedata.normalize("NFC", value))) for value in values if value)


def _identifiers(values: Iterable[str]) -> str:
    # Space-separated, with a space at each end, so that `LIKE '% value %'` finds whole identifiers.
    compact = dict.fromkeys(compact_identifier(value) for value in values if value)
    return f" {' '.join(compact)} " if compact else ""


def _workshop_rows(workshops: QuerySet, fields: list[str]) -> list[dict]:
    """`workshops` read as plain values (`fields`, with pk and publication_id), in id order, each with its agenda's
    text per language: {"agenda": {code: [an item's title, its people's names, the next item's title, …]}}."""
    rows = list(workshops.order_by("pk").values("pk", "publication_id", *fields))
    using = workshops.db
    titles = [f"title_{code}" for code in LANGUAGES]
    # Sessions in id order: a stable order on both databases (unordered, PostgreSQL gave them as its plan read them).
    items = AgendaItem.objects.using(using).filter(workshop__in=[row["pk"] for row in rows]).order_by("workshop", "pk")
    item_rows = list(items.values_list("pk", "workshop_id", *titles))
    # Each item's people by name, as Speaker's ordering gives them; a person with two roles is there twice.
    people = defaultdict(list)
    participations = AgendaParticipation.objects.using(using).filter(agenda_item__in=[row[0] for row in item_rows])
    for item, name in participations.order_by("speaker__name").values_list("agenda_item_id", "speaker__name"):
        people[item].append(name)
    agendas = defaultdict(lambda: {code: [] for code in LANGUAGES})
    for item, workshop, *item_titles in item_rows:
        agenda = agendas[workshop]
        for code, title in zip(LANGUAGES, item_titles, strict=True):
            agenda[code] += [title, *people[item]]
    for row in rows:
        row["agenda"] = agendas[row["pk"]]
    return rows


def _series_names(series: Series, field: str) -> list[str]:
    return list(dict.fromkeys(value for code in LANGUAGES if (value := getattr(series, f"{field}_{code}"))))


def _reference_number(reference_number: str) -> list[str]:
    # "PUB2019/046/L" as typed, its parts ("PUB2019", "046", "L": the words of the text) and compact ("PUB2019046L").
    parts = WORD.findall(reference_number or "")
    return [reference_number, "".join(parts)] if len(parts) > 1 else [reference_number]


def publication_documents(publications: QuerySet) -> Iterator[SearchDocument]:
    """The search documents of `publications`, built from their rows and their related rows'.

    Read as plain values, a chunk of publications at a time (a fixed number of queries per chunk): model instances and
    prefetch_related's per-record querysets cost most of an import's indexing."""
    texts = [f"{name}_{code}" for code in LANGUAGES for name in ("title", "subtitle", "summary")]
    chunk = []
    fields = ["number", "year", "reference_number", "status", "publish_date", *texts]
    for row in publications.order_by("pk").values_list("pk", "series_id", *fields).iterator(chunk_size=CHUNK_SIZE):
        chunk.append((row[0], row[1], dict(zip(fields, row[2:], strict=True))))
        if len(chunk) == CHUNK_SIZE:
            yield from _publication_chunk(chunk, publications.db)
            chunk = []
    if chunk:
        yield from _publication_chunk(chunk, publications.db)


def _publication_chunk(rows: list[tuple[int, int, dict]], using: str) -> Iterator[SearchDocument]:
    """The documents of publications read as (pk, series id, values) rows."""
    pks = [pk for pk, _series_id, _values in rows]
    # Each related list in its model's default order, as the related managers give them.
    isbns, issns, contents, topic_ids, workshops = (defaultdict(list) for _ in range(5))
    editions = Edition.objects.using(using).filter(publication__in=pks)
    for publication, isbn, issn in editions.values_list("publication_id", "isbn", "issn"):
        isbns[publication].append(isbn)
        issns[publication].append(issn)
    entry_titles = [f"title_{code}" for code in LANGUAGES]
    for publication, *titles in (
        TocEntry.objects.using(using).filter(publication__in=pks).values_list("publication_id", *entry_titles)
    ):
        contents[publication].append(dict(zip(LANGUAGES, titles, strict=True)))
    links = Publication.topics.through.objects.using(using).filter(publication__in=pks)
    for publication, topic in links.values_list("publication_id", "topic_id"):
        topic_ids[publication].append(topic)
    names = [f"name_{code}" for code in LANGUAGES]
    topics = Topic.objects.using(using).filter(pk__in={topic for ids in topic_ids.values() for topic in ids})
    topic_names = {pk: dict(zip(LANGUAGES, values, strict=True)) for pk, *values in topics.values_list("pk", *names)}
    topic_order = {pk: index for index, pk in enumerate(topic_names)}
    series_issns = defaultdict(list)
    series_ids = {series_id for _pk, series_id, _values in rows}
    for series_id, issn in (
        SeriesIssn.objects.using(using).filter(series__in=series_ids).values_list("series_id", "issn")
    ):
        series_issns[series_id].append(issn)
    texts = [f"{name}_{code}" for code in LANGUAGES for name in ("title", "description")]
    for workshop in _workshop_rows(Workshop.objects.using(using).listed_on_report().filter(publication__in=pks), texts):
        workshops[workshop["publication_id"]].append(workshop)
    series_by_id = Series.objects.using(using).in_bulk(series_ids)
    now = timezone.now()  # a public document counts in the vocabulary (as Publication.is_public says)
    for pk, series_id, values in rows:
        linked = sorted(topic_ids[pk], key=topic_order.__getitem__)
        series, number, year = series_by_id[series_id], values["number"], values["year"]
        designation = [
            f"{short_name} {number} {short_name}{number}" for short_name in _series_names(series, "short_name")
        ]
        public = (
            values["status"] == Status.PUBLISHED
            and values["publish_date"] is not None
            and values["publish_date"] <= now
        )
        document = SearchDocument(kind=SearchDocument.Kind.PUBLICATION, object_id=pk, public=public)
        for code in LANGUAGES:
            setattr(
                document,
                TITLE_FIELDS[code],
                _text(values[f"title_{code}"], values[f"subtitle_{code}"], *(designation or [str(number)])),
            )
            body = [values[f"summary_{code}"]]
            body += [entry[code] for entry in contents[pk]]
            body += [topic_names[topic][code] for topic in linked]
            for workshop in workshops[pk]:
                body += [workshop[f"title_{code}"], workshop[f"description_{code}"], *workshop["agenda"][code]]
            body += [getattr(series, f"name_{code}"), str(year), *_reference_number(values["reference_number"])]
            if code == LANGUAGES[0]:  # once is enough: a key matches in any language's columns
                names = _series_names(series, "name") + _series_names(series, "short_name")
                body.append(" ".join(publication_keys(names, number=number, year=year)))
            setattr(document, BODY_FIELDS[code], _text(*body))
        document.identifiers = _identifiers(isbns[pk] + issns[pk] + series_issns[series_id])
        yield document


def _place_and_time(workshop: dict, code: str, country_names: dict) -> list[str]:
    # What people add to find an event: "Genève", "New York 2018", "Geneva workshop 2018", "taller Ginebra".
    years = dict.fromkeys(str(day.year) for day in (workshop["start_date"], workshop["end_date"]) if day)
    country = country_names[code, workshop["country"]] if workshop["country"] else ""
    return [workshop[f"city_{code}"], workshop[f"venue_{code}"], country, *years, country_names[code, None]]


def _country_names(countries_used: set[str]) -> dict:
    """{(language, country code): the country's name in that language}, and (language, None): the word for a
    workshop in that language."""
    names = {}
    for code in LANGUAGES:
        with translation.override(code):
            names[code, None] = str(Workshop._meta.verbose_name)
            names.update(((code, country), str(countries.name(country))) for country in countries_used)
    return names


def workshop_documents(workshops: QuerySet) -> Iterator[SearchDocument]:
    """The search documents of `workshops`, built from their rows and their agendas', read as plain values a chunk
    of workshops at a time (a fixed number of queries per chunk)."""
    fields = [f"{name}_{code}" for code in LANGUAGES for name in ("title", "description", "city", "venue")]
    fields += ["country", "start_date", "end_date", "status", "publish_date"]
    pks = list(workshops.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()  # as Workshop.is_public says
    for start in range(0, len(pks), CHUNK_SIZE):
        rows = _workshop_rows(
            Workshop.objects.using(workshops.db).filter(pk__in=pks[start : start + CHUNK_SIZE]), fields
        )
        country_names = _country_names({row["country"] for row in rows if row["country"]})
        for row in rows:
            public = (
                row["status"] == Status.PUBLISHED and row["publish_date"] is not None and row["publish_date"] <= now
            )
            document = SearchDocument(kind=SearchDocument.Kind.WORKSHOP, object_id=row["pk"], public=public)
            for code in LANGUAGES:
                setattr(document, TITLE_FIELDS[code], _text(row[f"title_{code}"]))
                body = [row[f"description_{code}"], *row["agenda"][code], *_place_and_time(row, code, country_names)]
                setattr(document, BODY_FIELDS[code], _text(*body))
            yield document


BUILDERS = {
    SearchDocument.Kind.PUBLICATION: (Publication, publication_documents),
    SearchDocument.Kind.WORKSHOP: (Workshop, workshop_documents),
}

# Which rows change which documents ---------------------------------------------------------

# Every model whose rows give text to a document above.
INDEXED = (
    Publication,
    Edition,
    TocEntry,
    Series,
    SeriesIssn,
    Topic,
    Workshop,
    AgendaItem,
    AgendaParticipation,
    Speaker,
)
# Rows whose parent can change: the parent they had is re-indexed too.
MOVABLE = (Edition, TocEntry, SeriesIssn, Workshop, AgendaItem, AgendaParticipation)
# What a deletion cascading from each parent model makes needless to re-index.
CASCADES = {
    Edition: (Publication,),
    TocEntry: (Publication,),
    AgendaItem: (Workshop,),
    AgendaParticipation: (Workshop, AgendaItem),
}
# Many-to-many links that give text to a document, with the name of the rows linked to the other side.
LINKS = {Publication.topics.through: "publications", AgendaItem.speakers.through: "agenda_items"}

Affected = tuple[set, set]  # publication ids, workshop ids


def _workshops(workshops: QuerySet) -> Affected:
    rows = list(workshops.values_list("pk", "publication_id").distinct())
    return {publication for _, publication in rows}, {workshop for workshop, _ in rows}


def affected(instance, using: str) -> Affected:
    """The publications and workshops whose search documents hold text from `instance`."""
    workshops = Workshop.objects.using(using)
    if isinstance(instance, Publication):
        return {instance.pk}, set()
    if isinstance(instance, Edition | TocEntry):
        return {instance.publication_id}, set()
    if isinstance(instance, Series | SeriesIssn):
        series = instance.pk if isinstance(instance, Series) else instance.series_id
        return set(Publication.objects.using(using).filter(series_id=series).values_list("pk", flat=True)), set()
    if isinstance(instance, Topic):
        links = Publication.topics.through.objects.using(using).filter(topic_id=instance.pk)
        return set(links.values_list("publication_id", flat=True)), set()
    if isinstance(instance, Workshop):
        return {instance.publication_id}, {instance.pk}
    if isinstance(instance, AgendaItem):
        return _workshops(workshops.filter(pk=instance.workshop_id))
    if isinstance(instance, AgendaParticipation):
        return _workshops(workshops.filter(agenda_items=instance.agenda_item_id))
    if isinstance(instance, Speaker):
        return _workshops(workshops.filter(agenda_items__participations__speaker=instance.pk))
    return set(), set()


def affected_by_links(model: type, pks: Iterable[int], using: str) -> Affected:
    """The publications and workshops holding text from the rows of `model` (the LINKS' far side) whose links changed."""
    if model is Publication:
        return set(pks), set()
    return _workshops(Workshop.objects.using(using).filter(agenda_items__in=pks))
