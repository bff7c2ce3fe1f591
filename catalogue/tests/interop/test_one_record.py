"""One record, many outputs: every publication of the demo data, and publications the factories build with
missing fields and fallbacks, rendered through every format and read back with a real parser (lxml for the
page's meta tags and JSON-LD, bibtexparser, rispy, citeproc-py, lxml for oai_dc, feedparser, json for the
API) say the same title per language, year, ISBNs, ISSNs, series and number, language and place.

The expected facts are read from the models with the domain's own helpers (`translated`, `issn_for`), not
from the interop record the outputs are built from, so a wrong record fails here too.
"""

import datetime
import json

import bibtexparser
import feedparser
import lxml.etree
import lxml.html
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import pgettext

from catalogue.i18n import number_label, translated, translations
from catalogue.identifiers import format_isbn
from catalogue.interop.oai.records import record_identifier
from catalogue.models import Edition, Publication
from catalogue.tests.factories import EditionFactory, PublicationFactory, SeriesFactory, SeriesIssnFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "fr", "es"]
NS = {"oai": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ELECTRONIC_FIRST = [Edition.Format.PDF, Edition.Format.EPUB, Edition.Format.HTML, Edition.Format.PRINT]


@pytest.fixture
def catalogue(db):
    """The demo data, and three publications with gaps: a French-only one in a series without ISSN or
    translations, one with neither editions nor publisher and a place in Spanish only, and one whose
    corporate author is not its publisher, with an ISSN override and an edition in a language no title has."""
    call_command("load_demo", verbosity=0)
    idm = SeriesFactory()
    bare = SeriesFactory(slug="bare", name_en="Bare series", name_fr="", name_es="")
    french = PublicationFactory(
        series=bare,
        number=1,
        slug="french-only",
        year=2021,
        original_language="fr",
        title_en="",
        title_fr="Migrations et villes",
        title_es="",
        subtitle_fr="Un rapport",
        corporate_author_fr="Bureau régional",
    )
    EditionFactory(publication=french, language="fr", format="print", isbn="978-92-9068-900-3", position=1)
    EditionFactory(publication=french, language="fr", format="pdf", isbn="978-92-9068-901-0", position=2)
    PublicationFactory(
        series=idm,
        number=90,
        slug="sparse",
        year=2022,
        title_fr="",
        title_es="",
        place_es="Ginebra",
        reference_number="R/2022/1",
    )
    mixed = PublicationFactory(
        series=idm,
        number=91,
        slug="mixed",
        year=2023,
        title_fr="",
        subtitle_en="A subtitle",
        corporate_author_en="Migration Research Division",
        publisher_en="International Organization for Migration (IOM)",
        publisher_fr="Organisation internationale pour les migrations (OIM)",
        place_en="Geneva",
        place_fr="Genève",
        place_es="Ginebra",
    )
    SeriesIssnFactory(series=idm, language="es", issn="2077-8341")
    EditionFactory(publication=mixed, language="en", format="epub", isbn="978-92-9068-902-7", position=1)
    EditionFactory(publication=mixed, language="es", format="pdf", isbn="978-92-9068-903-4", issn="1726-4030")
    EditionFactory(publication=mixed, language="ar", format="pdf", isbn="978-92-9068-904-1", position=3)
    return list(Publication.objects.for_citation().order_by("slug"))


# What the outputs must all say, read from the models -------------------------------------------------


def full_title(publication, language: str) -> tuple[str, str]:
    """(title and subtitle, their language) as read in `language`."""
    title, title_language = translated(publication, "title", language)
    subtitle = getattr(publication, f"subtitle_{title_language}") or ""
    separator = " : " if title_language == "fr" else ": "
    return (f"{title}{separator}{subtitle}" if subtitle else title), title_language


def isbns(publication) -> set[str]:
    return {edition.isbn for edition in publication.editions.all() if edition.isbn}


def cited_isbn(publication, language: str) -> str:
    """The ISBN a citation in `language` gives: its edition in that language, electronic first."""
    editions = [e for e in publication.editions.all() if e.language == language and e.isbn]
    editions.sort(key=lambda edition: ELECTRONIC_FIRST.index(edition.format))
    return editions[0].isbn if editions else ""


def languages(publication) -> list[str]:
    return list(dict.fromkeys(e.language for e in publication.editions.all())) or [publication.original_language]


def facts(publication, language: str) -> dict:
    """The facts a citation of `publication` read on the page in `language` gives, all in one language."""
    title, title_language = full_title(publication, language)
    return {
        "title": title,
        "language": title_language,
        "year": str(publication.year),
        "isbn": cited_isbn(publication, title_language),
        "issn": publication.issn_for(title_language),
        "series": translated(publication.series, "name", title_language).value,
        "number": str(publication.number),
        "place": translated(publication, "place", title_language).value,
    }


# Parsers ---------------------------------------------------------------------------------------------


def get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content


def from_page(client, slug: str, language: str) -> tuple[dict, dict]:
    """The facts the page's citation_* tags and its JSON-LD give."""
    tree = lxml.html.document_fromstring(get(client, f"/{language}/publications/{slug}/"))
    tags = [(meta.get("name"), meta.get("content"), meta.get("lang")) for meta in tree.xpath("//head/meta[@name]")]
    values = {}
    for name, content, _lang in tags:
        values.setdefault(name, content)
    (title_language,) = [lang for name, _content, lang in tags if name == "citation_title"]
    meta = {
        "title": values["citation_title"],
        "title_language": title_language,
        "language": values["citation_language"],
        "year": values["citation_publication_date"],
        "isbn": values.get("citation_isbn", ""),
        "isbns": {content for name, content, _lang in tags if name == "citation_isbn"},
        "issn": values.get("citation_issn", ""),
        "series": values["citation_series_title"],
        "dc_date": values["DC.date"],
        # A report number comes with the institution that gave it.
        "report": (
            bool(values.get("citation_technical_report_institution")),
            values.get("citation_technical_report_number"),
        ),
    }
    (script,) = tree.xpath('//script[@type="application/ld+json"]')
    book = json.loads(script.text)
    json_ld = {
        "title": book["name"],
        "language": book["inLanguage"],
        "year": book["datePublished"],
        "isbns": {example["isbn"] for example in book.get("workExample", []) if "isbn" in example},
        "series": book["isPartOf"]["name"],
        "number": str(book["position"]),
        "place": book["publisher"].get("location", {}).get("name", ""),
    }
    return meta, json_ld


def from_bibtex(text: str) -> dict:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    (entry,) = library.entries
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    return {
        "title": fields["title"],
        "language": fields["language"],
        "year": fields["year"],
        "isbn": fields.get("isbn", ""),
        "issn": fields.get("issn", ""),
        "series": fields["series"],
        "number": fields["number"],
        "place": fields.get("address", ""),
    }


def from_ris(text: str) -> dict:
    (entry,) = rispy.loads(text)
    serial = entry.get("issn", "")  # rispy names the one SN tag "issn"; it holds the ISBN when there is one
    return {
        "title": entry["title"],
        "language": entry["language"],
        "year": entry["year"],
        "isbn": serial if "-" in serial and len(serial) > 9 else "",
        "issn": serial if len(serial) == 9 else "",
        "series": entry["secondary_title"],
        "number": entry["number"],
        "place": entry.get("place_published", ""),
    }


def from_csl(text: str) -> dict:
    (item,) = json.loads(text)
    style = CitationStylesStyle("harvard-cite-them-right", validate=True)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    (reference,) = [str(entry) for entry in bibliography.bibliography()]
    (year,) = item["issued"]["date-parts"][0]
    assert f"({year})" in reference or f"{year}." in reference, reference
    return {
        "title": item["title"],
        "language": item["language"],
        "year": str(year),
        "isbn": item.get("ISBN", ""),
        "issn": item.get("ISSN", ""),
        "series": item["collection-title"],
        "number": str(item["collection-number"]),
        "place": item.get("publisher-place", ""),
    }


CITATIONS = {"bib": from_bibtex, "ris": from_ris, "json": from_csl}


# Tests -----------------------------------------------------------------------------------------------


def test_every_citation_and_the_page_metadata_give_the_same_facts(client, catalogue):
    disagreements = []
    for publication in catalogue:
        for language in LANGUAGES:
            expected = facts(publication, language)
            hyphenated = {**expected, "isbn": format_isbn(expected["isbn"])}
            for extension, parse in CITATIONS.items():
                text = get(client, f"/{language}/publications/{publication.slug}/cite.{extension}").decode()
                wanted = hyphenated
                if extension == "ris" and expected["isbn"]:  # RIS has one SN tag: the book's ISBN wins
                    wanted = {**hyphenated, "issn": ""}
                if (got := parse(text)) != wanted:
                    disagreements.append((publication.slug, language, extension, got, wanted))
            meta, json_ld = from_page(client, publication.slug, language)
            expected_meta = {
                "title": expected["title"],
                "title_language": expected["language"],
                "language": expected["language"],
                "year": expected["year"],
                "isbn": expected["isbn"] or min(isbns(publication), default=""),
                "isbns": isbns(publication),
                "issn": expected["issn"],
                "series": expected["series"],
                "dc_date": expected["year"],
                "report": (True, publication.reference_number) if publication.reference_number else (False, None),
            }
            if isbns(publication) and not expected["isbn"]:  # none in the citation's language: the others
                expected_meta["isbn"] = meta["isbn"] if meta["isbn"] in isbns(publication) else "one of them"
            if meta != expected_meta:
                disagreements.append((publication.slug, language, "citation_*", meta, expected_meta))
            title, title_language = translated(publication, "title", language)
            expected_json_ld = {
                "title": title,
                "language": title_language,
                "year": expected["year"],
                "isbns": isbns(publication),
                "series": expected["series"],
                "number": expected["number"],
                "place": expected["place"],
            }
            if json_ld != expected_json_ld:
                disagreements.append((publication.slug, language, "JSON-LD", json_ld, expected_json_ld))
    assert disagreements == [], "\n".join(map(str, disagreements))


def test_nos_29_and_30_give_their_publication_year_everywhere(client, catalogue):
    for slug, year in (("idm-29", 2019), ("idm-30", 2020)):
        bibtex = from_bibtex(get(client, f"/en/publications/{slug}/cite.bib").decode())
        ris = rispy.loads(get(client, f"/en/publications/{slug}/cite.ris").decode())[0]
        (csl,) = json.loads(get(client, f"/en/publications/{slug}/cite.json"))
        meta, json_ld = from_page(client, slug, "en")
        api = json.loads(get(client, f"/api/publications/{slug}/"))

        assert (bibtex["year"], ris["year"], csl["issued"], meta["year"], json_ld["year"], api["year"]) == (
            str(year),
            str(year),
            {"date-parts": [[year]]},
            str(year),
            str(year),
            year,
        )
        # No second date a reference manager would read as the publication date.
        assert "date" not in get(client, f"/en/publications/{slug}/cite.bib").decode()
        assert "date" not in ris
        publication = Publication.objects.get(slug=slug)
        online = timezone.localdate(publication.publish_date)
        assert api["publish_date"].startswith(online.isoformat())


def test_every_edition_is_cited_in_its_own_language_with_its_own_isbn(client, catalogue):
    disagreements = []
    for publication in catalogue:
        for edition in publication.editions.all():
            title, title_language = translated(publication, "title", edition.language)
            subtitle = getattr(publication, f"subtitle_{title_language}", "") or ""
            full = f"{title}{' : ' if title_language == 'fr' else ': '}{subtitle}" if subtitle else title
            key = f"{edition.language}-{edition.format}"
            for page_language in LANGUAGES:
                url = f"/{page_language}/publications/{publication.slug}/editions/{key}/cite"
                for extension, parse in CITATIONS.items():
                    got = parse(get(client, f"{url}.{extension}").decode())
                    got = {name: got[name] for name in ("title", "language", "isbn", "year", "place")}
                    expected = {
                        "title": full,
                        "language": edition.language,
                        "isbn": format_isbn(edition.isbn),
                        "year": str(publication.year),
                        "place": translated(publication, "place", edition.language).value,
                    }
                    if got != expected:
                        disagreements.append((publication.slug, key, page_language, extension, got, expected))
    assert disagreements == []


def test_the_spanish_edition_with_a_spanish_title_is_cited_in_spanish(client, catalogue):
    Publication.objects.filter(slug="idm-28").update(title_es="Asociaciones inclusivas e innovadoras")

    ris = from_ris(get(client, "/en/publications/idm-28/editions/es-pdf/cite.ris").decode())

    assert (ris["title"], ris["language"], ris["place"]) == ("Asociaciones inclusivas e innovadoras", "es", "Ginebra")


def test_oai_dc_gives_every_title_the_year_the_isbns_the_series_and_the_languages(client, catalogue):
    for publication in catalogue:
        url = f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={record_identifier(publication)}"
        dc = lxml.etree.fromstring(get(client, url)).find(".//{http://www.openarchives.org/OAI/2.0/oai_dc/}dc")

        def elements(name, dc=dc):
            return [(element.get(XML_LANG), element.text) for element in dc.findall(f"dc:{name}", NS)]

        titles = {code: full_title(publication, code)[0] for code in translations(publication, "title")}
        relations = elements("relation")
        issns = {publication.issn_for(code) for code in languages(publication)} - {""}
        series_names = translations(publication.series, "name")
        assert (dict(elements("title")), elements("date"), elements("language")) == (
            titles,
            [(None, str(publication.year))],
            [(None, code) for code in languages(publication)],
        ), publication.slug
        assert {text for _lang, text in elements("identifier") if text.startswith("urn:isbn:")} == {
            f"urn:isbn:{isbn}" for isbn in isbns(publication)
        }
        assert {text for lang, text in relations if lang is None} == {f"urn:issn:{issn}" for issn in issns}
        assert {(lang, text) for lang, text in relations if lang} == {
            (code, f"{name} {number_label(publication.number, code)}") for code, name in series_names.items()
        }
        assert elements("creator"), publication.slug


def test_feed_entries_are_tagged_with_the_language_of_their_whole_title(client, catalogue):
    for language in LANGUAGES:
        feed = feedparser.parse(get(client, f"/{language}/feed/"))
        assert feed.bozo == 0, feed.get("bozo_exception")
        by_link = {entry.link: entry for entry in feed.entries}
        for publication in catalogue:
            entry = by_link[f"http://testserver/{language}/publications/{publication.slug}/"]
            title, title_language = translated(publication, "title", language)
            series, series_language = translated(publication.series, "name", title_language)
            with translation.override(title_language):  # the title's language punctuates it ("n° 28 : titre")
                template = pgettext("feed entry title: series and number, then the title", "%(series)s: %(title)s")
            label = f"{series} {number_label(publication.number, title_language)}"
            assert entry.title == template % {"series": label, "title": title}
            assert (entry.title_detail.language or language) == title_language
            # The series name is in the title's language whenever the series has a name in it.
            assert series_language == title_language or title_language not in translations(publication.series, "name")
            published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
            assert published == publication.publish_date.replace(microsecond=0)


def test_the_api_gives_the_same_year_isbns_place_and_online_date(client, catalogue):
    for publication in catalogue:
        data = json.loads(get(client, f"/api/publications/{publication.slug}/"))

        assert data["year"] == publication.year
        assert {edition["isbn"] for edition in data["editions"] if edition["isbn"]} == isbns(publication)
        assert {code: place for code, place in data["place"].items() if place} == translations(publication, "place")
        assert data["publish_date"].startswith(timezone.localdate(publication.publish_date).isoformat())
        for edition in data["editions"]:
            assert edition["issn"] == (publication.issn_for(edition["language"]) or None)


def test_the_page_shows_the_place_and_qualified_isbns(client, catalogue):
    tree = lxml.html.document_fromstring(get(client, "/en/publications/idm-29/"))
    dl = tree.xpath("//dl[@class='facts']")[0]
    terms, descriptions = dl.findall("dt"), dl.findall("dd")
    shown = {dt.text_content().strip(): dd.text_content().strip() for dt, dd in zip(terms, descriptions, strict=True)}

    assert (shown["ISBN (print)"], shown["ISBN (PDF)"]) == ("978-92-9068-820-4", "978-92-9068-821-1")
    assert (shown["Place of publication"], shown["Year"]) == ("Geneva", "2019")
