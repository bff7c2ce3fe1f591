"""Why a search result matched: the passage of a publication (or workshop) that holds the query's words, and the
field it is from.

A publication's search document mixes its title, summary, table of contents, topics, workshops, agendas and
speakers (documents.py); a visitor who found it through a topic or a speaker should see that topic or speaker,
not the opening of the summary. Each candidate passage is scored by how many query words (stop words aside) it
holds, folded or by stem as the index compares them; the best one wins, the page language's text first among
equals, then the order of PassageField. An ISBN typed in the query names its edition. The related rows of a whole
page of results come in one query.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import connections
from django.utils import translation
from django.utils.safestring import SafeString
from django_countries import countries

from catalogue.models import (
    AgendaItem,
    AgendaParticipation,
    Edition,
    Publication,
    Speaker,
    TocEntry,
    Topic,
    Workshop,
    published_q,
)

from .documents_text import PageHit
from .highlight import highlight, mark_all, matched_terms
from .query import ParsedQuery, parse_query
from .schema import LANGUAGES


class PassageField(StrEnum):
    """The fields a passage comes from, most telling first (the order breaks ties between equal matches)."""

    SUMMARY = "summary"
    DESCRIPTION = "description"  # a workshop's
    TITLE = "title"
    SUBTITLE = "subtitle"
    TOC = "toc"  # a table-of-contents heading
    TOPIC = "topic"
    SPEAKER = "speaker"  # a person on the agenda of one of its workshops
    AGENDA = "agenda"  # a session of one of its workshops
    WORKSHOP = "workshop"  # the title or description of one of its workshops
    PLACE = "place"  # a workshop's venue, city, country and year
    SERIES = "series"  # the series' name with the number and year: "International Dialogue on Migration (IDM 28, 2018)"
    REFERENCE = "reference"  # the publication's reference number
    ISBN = "isbn"  # an edition's ISBN, typed in the query
    PAGE = "page"  # a page of an edition's PDF


FIELDS = tuple(PassageField)
SUMMARY, DESCRIPTION, TITLE, SUBTITLE, TOC, TOPIC, SPEAKER, AGENDA, WORKSHOP, PLACE, SERIES, REFERENCE, ISBN, PAGE = (
    FIELDS
)


@dataclass(frozen=True)
class Passage:
    field: str  # a PassageField; "" for the opening of the summary when no field holds a query word
    snippet: SafeString  # escaped, the query words in <mark>
    language: str = ""  # what the text is written in ("" for names and identifiers)
    edition: Edition | None = None  # ISBN and PAGE: the edition it belongs to
    page: int | None = None  # PAGE: its number


@dataclass(frozen=True)
class _Candidate:
    field: str
    text: str
    language: str
    edition: Edition | None = None
    page: int | None = None


def publication_passages(
    publications, query: str, *, language: str, using: str, page_hits: dict[int, list[PageHit]] | None = None
) -> dict[int, Passage]:
    """The passage explaining why each of `publications` (a page of results, editions and series loaded) matched
    `query`, by publication id; `page_hits` are the PDF pages found (search.document_hits). One query, none
    without a query."""
    parsed = parse_query(query)
    publications = list(publications)
    if not parsed or not publications:
        return {}
    related = _related_texts(_publication_rows_sql([p.pk for p in publications], using), using=using)
    passages = {}
    for publication in publications:
        edition = next((e for e in publication.editions.all() if e.isbn and e.isbn in parsed.isbns), None)
        if edition:  # an identifier is an exact lookup: nothing explains the match better
            passages[publication.pk] = Passage(ISBN, mark_all(edition.isbn_display), edition=edition)
            continue
        candidates = [
            *_own_texts(publication, (SUMMARY, TITLE, SUBTITLE)),
            *related.get(publication.pk, []),
            *_series_texts(publication),
            *([_Candidate(REFERENCE, publication.reference_number, "")] if publication.reference_number else []),
            *(
                _Candidate(PAGE, hit.text, hit.edition.language, hit.edition, hit.number)
                for hit in (page_hits or {}).get(publication.pk, [])
            ),
        ]
        passages[publication.pk] = _best(candidates, parsed, language)
    return passages


def workshop_passages(workshops, query: str, *, language: str, using: str) -> dict[int, Passage]:
    """The passage explaining why each of `workshops` (public ones) matched `query`, by workshop id: its title,
    description, a session of its agenda or a speaker. One query, none without a query or workshops."""
    parsed = parse_query(query)
    workshops = list(workshops)
    if not parsed or not workshops:
        return {}
    ids = [workshop.pk for workshop in workshops]
    related = _related_texts(
        _agenda_rows_sql("a.workshop_id", f"a.workshop_id IN ({_placeholders(ids)})", ids), using=using
    )
    return {
        workshop.pk: _best(
            [*_own_texts(workshop, (DESCRIPTION, TITLE)), *_place_texts(workshop), *related.get(workshop.pk, [])],
            parsed,
            language,
        )
        for workshop in workshops
    }


def _own_texts(record, fields, *, column: str = "") -> list[_Candidate]:
    """`record`'s translated `fields` (or its `column`, under the one field given) in every content language."""
    return [
        _Candidate(field, text, code)
        for code in LANGUAGES
        for field in fields
        if (text := getattr(record, f"{column or field}_{code}", None))
    ]


def _series_texts(publication: Publication) -> list[_Candidate]:
    """The series' name with the number as cards give it and the year, in every content language."""
    series, found = publication.series, []
    for code in LANGUAGES:
        name, short_name = getattr(series, f"name_{code}"), getattr(series, f"short_name_{code}")
        if name:
            number = f"{short_name} {publication.number}" if short_name else str(publication.number)
            found.append(_Candidate(SERIES, f"{name} ({number}, {publication.year})", code))
    return found


def _place_texts(workshop: Workshop) -> list[_Candidate]:
    """Where and when a workshop was held ("Palais des Nations, Genève, Suisse (2018)"), in every content language."""
    years = "–".join(dict.fromkeys(str(day.year) for day in (workshop.start_date, workshop.end_date) if day))
    found = []
    for code in LANGUAGES:
        with translation.override(code):
            country = str(countries.name(workshop.country.code)) if workshop.country else ""
        place = ", ".join(
            value for value in (getattr(workshop, f"venue_{code}"), getattr(workshop, f"city_{code}"), country) if value
        )
        if place:
            found.append(_Candidate(PLACE, f"{place} ({years})" if years else place, code))
    return found


def _best(candidates: list[_Candidate], parsed: ParsedQuery, language: str) -> Passage:
    """The candidate holding the most query words; among equals, the page language's text (a name, written in
    none, counts as the page's), then by field and position. Else the opening of the summary (or description)."""
    order = {code: rank for rank, code in enumerate(dict.fromkeys([language, *LANGUAGES]))}
    candidates = sorted(
        candidates, key=lambda c: (order.get(c.language, len(order)) if c.language else 0, FIELDS.index(c.field))
    )
    best, best_score, seen = None, 0, set()
    for candidate in candidates:
        if (candidate.field, candidate.text) in seen:  # the same text in another language's column
            continue
        seen.add((candidate.field, candidate.text))
        score = len(matched_terms(candidate.text, parsed, language=candidate.language))
        if score > best_score:
            best, best_score = candidate, score
    if best is None:
        opening = next((c for c in candidates if c.field in (SUMMARY, DESCRIPTION, SUBTITLE, TITLE)), None)
        if opening is None:
            return Passage("", SafeString(""))
        return Passage("", highlight(opening.text, parsed, language=opening.language), opening.language)
    snippet = highlight(best.text, parsed, language=best.language)
    return Passage(best.field, snippet, best.language, best.edition, best.page)


# The related rows ---------------------------------------------------------------------------------
# Written out as one UNION ALL of rows (owner id, field, position, position within it, text per content language):
# the ORM's union lines up annotated columns by name, not in the order asked.


def _columns(alias: str, model, name: str) -> str:
    """`alias`.column of `model`'s translated field `name`, one per content language."""
    return ", ".join(f"{alias}.{model._meta.get_field(f'{name}_{code}').column}" for code in LANGUAGES)


def _placeholders(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def _agenda_rows_sql(owner: str, condition: str, params: list) -> tuple[str, list]:
    """The sessions and speakers of the agenda items `a` meeting `condition` (workshop `w` joined), `owner` first."""
    item, workshop = AgendaItem._meta.db_table, Workshop._meta.db_table
    participation, person = AgendaParticipation._meta.db_table, Speaker._meta.db_table
    names = ", ".join(["s.name"] * len(LANGUAGES))
    sql = f"""
        SELECT {owner}, '{AGENDA}', a.position, 0, {_columns("a", AgendaItem, "title")}
        FROM {item} a JOIN {workshop} w ON w.id = a.workshop_id WHERE {condition}
        UNION ALL SELECT {owner}, '{SPEAKER}', a.position, p.position, {names}
        FROM {participation} p JOIN {item} a ON a.id = p.agenda_item_id JOIN {workshop} w ON w.id = a.workshop_id
        JOIN {person} s ON s.id = p.speaker_id WHERE {condition}
    """
    return sql, [*params, *params]


def _publication_rows_sql(publication_ids: list[int], using: str) -> tuple[str, list]:
    """The table-of-contents headings, topics, public workshops (title, description), their agenda sessions and
    speakers of the publications."""
    listed, listed_params = (
        Workshop.objects.filter(published_q(), publication_id__in=publication_ids)
        .values("pk")
        .query.get_compiler(using)
        .as_sql()
    )
    ids = _placeholders(publication_ids)
    toc, topic, links = TocEntry._meta.db_table, Topic._meta.db_table, Publication.topics.through._meta.db_table
    workshop = Workshop._meta.db_table
    agenda, agenda_params = _agenda_rows_sql("w.publication_id", f"w.id IN ({listed})", list(listed_params))
    sql = f"""
        SELECT c.publication_id, '{TOC}', c.position, 0, {_columns("c", TocEntry, "title")}
        FROM {toc} c WHERE c.publication_id IN ({ids})
        UNION ALL SELECT l.publication_id, '{TOPIC}', 0, 0, {_columns("t", Topic, "name")}
        FROM {links} l JOIN {topic} t ON t.id = l.topic_id WHERE l.publication_id IN ({ids})
        UNION ALL SELECT w.publication_id, '{WORKSHOP}', 0, 0, {_columns("w", Workshop, "title")}
        FROM {workshop} w WHERE w.id IN ({listed})
        UNION ALL SELECT w.publication_id, '{WORKSHOP}', 0, 1, {_columns("w", Workshop, "description")}
        FROM {workshop} w WHERE w.id IN ({listed})
        UNION ALL {agenda}
    """
    return sql, [*publication_ids, *publication_ids, *listed_params, *listed_params, *agenda_params]


def _related_texts(query: tuple[str, list], *, using: str) -> dict[int, list[_Candidate]]:
    """Run one UNION of related rows: candidates by owner id, in document order."""
    sql, params = query
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[int, list[_Candidate]] = {}
    rows.sort(key=lambda row: (FIELDS.index(row[1]), row[2], row[3]))
    for owner_id, kind, _position, _within, *texts in rows:
        if kind == SPEAKER:  # a name is written in no language of ours
            found.setdefault(owner_id, []).append(_Candidate(kind, texts[0], ""))
            continue
        for code, text in zip(LANGUAGES, texts, strict=True):
            if text:
                found.setdefault(owner_id, []).append(_Candidate(kind, text, code))
    return found
