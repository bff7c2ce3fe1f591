import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django.utils.safestring import SafeString

from catalogue.models import AgendaParticipation, Publication, SearchDocument, Series, Topic, Workshop
from catalogue.search import backends, highlight, rebuild_index, search_publications, search_workshops
from catalogue.tests.factories import (
    AgendaItemFactory,
    AgendaParticipationFactory,
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    SeriesIssnFactory,
    SpeakerFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
    create_idm28,
)

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    "x" * 5000,
    "migration " * 500,
    '"unbalanced',
    "'",
    'partenariat "',
    "AND OR NOT",
    "migration AND",
    "NOT migration",
    "NEAR(migration governance, 2)",
    "migr*",
    "^migration",
    "title:migration",
    "{title_en}: migration",
    "- migration",
    "migration -governance",
    "(migration",
    "migration)",
    "a:b:c",
    "\x00",
    "migration\x00governance",
    "\x01\x02\x1b[31m\x7f",
    "\t\n\r",
    "%",
    "%_%",
    "\\",
    "'; DROP TABLE catalogue_publication; --",
    "😀 🇫🇷",
    "ﬁ ﬂ ½ ²",
    "\u0301\u0301",
    "日本語",
    "",
    "   ",
    "978-",
    "ISBN",
]


def ranked(query, language="en"):
    """Slugs of the public publications matching `query`, best first."""
    results = search_publications(Publication.objects.published(), query, language=language)
    return list(results.order_by("-search_rank", "pk").values_list("slug", flat=True))


def search(query, language="en"):
    """Slugs of the public publications matching `query`, sorted: what is found, whatever the ranking."""
    return sorted(ranked(query, language))


def search_events(query, language="en"):
    """Slugs of the public workshops matching `query`, sorted."""
    results = search_workshops(Workshop.objects.published(), query, language=language)
    return sorted(results.values_list("slug", flat=True))


@pytest.fixture
def idm28():
    publication = create_idm28()
    PublicationFactory(
        number=27,
        slug="idm-27",
        title_en="Migrants and cities: new partnerships to manage mobility",
        title_fr="Les migrants et les villes : de nouveaux partenariats pour gérer la mobilité",
        title_es="Los migrantes y las ciudades: nuevas alianzas para gestionar la movilidad",
        series=publication.series,
    )
    # Numbers far from the factory's sequence, which would otherwise reach 27 and 28.
    PublicationFactory(number=1001, slug="labour", title_en="Labour mobility", title_fr="Mobilité de la main-d’œuvre")
    return publication


# What the examples of the issue find ---------------------------------------------------------


def test_search_publications_french_singular_finds_plural_title(idm28):
    assert search("partenariat", "fr") == ["idm-27", "idm-28"]


def test_search_publications_french_words_find_idm28(idm28):
    assert search("gouvernance migrations", "fr") == ["idm-28"]


def test_search_publications_english_singular_finds_partnerships(idm28):
    assert search("partnership", "en") == ["idm-27", "idm-28"]


def test_search_workshops_spanish_without_accent_finds_new_york_workshop(idm28):
    assert search_events("gobernanza migracion", "es") == ["idm-2018-new-york"]


def test_search_workshops_accented_and_plain_queries_agree(idm28):
    assert search_events("GOBERNANZA Migración", "es") == ["idm-2018-new-york"]


def test_search_publications_finds_other_languages_columns_whatever_the_page_language(idm28):
    assert search("gouvernance migrations", "en") == ["idm-28"]
    assert search("gobernanza migracion", "fr") == ["idm-28"]


def test_search_publications_every_word_must_match(idm28):
    assert search("partenariat villes", "fr") == ["idm-27"]
    assert search("partenariat xylophone", "fr") == []


def test_search_publications_folds_accents_in_text_and_query(idm28):
    assert search("abreviations", "fr") == ["idm-28"]  # TOC heading "Abréviations et acronymes"
    assert search("MOBILITE", "fr") == ["idm-27", "labour"]
    assert search("main d'oeuvre", "fr") == ["labour"]


def test_search_publications_covers_toc_topics_workshops_agenda_and_speakers(idm28):
    assert search("acronyms") == ["idm-28"]  # table of contents
    assert search("capacidad", "es") == []
    assert search("capacites", "fr") == ["idm-28"]  # the Geneva workshop's French title
    assert search("apertura", "es") == ["idm-28"]  # agenda item, Spanish title only
    assert search("Antonio Vitorino") == ["idm-28"]  # speaker, typed without the accent
    topic = TopicFactory(name_en="Human trafficking", name_fr="Traite des êtres humains", name_es="Trata de personas")
    idm28.topics.add(topic)
    assert search("etre humain", "fr") == ["idm-28"]


def test_search_publications_covers_workshop_descriptions():
    publication = PublicationFactory(slug="described")
    WorkshopFactory(publication=publication, description_es="Debate sobre las remesas de los trabajadores")
    assert search("remesa", "es") == ["described"]


def test_search_workshops_covers_agenda_items_and_speakers(idm28):
    assert search_events("apertura", "es") == ["idm-2018-geneva"]
    assert search_events("Eguiguren") == ["idm-2018-geneva"]
    assert search_events("partnership") == ["idm-2018-geneva", "idm-2018-new-york"]


# Identifiers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("978-92-9068-780-1", ["idm-28", "citing"]),  # the citing summary also has each group of digits
        ("ISBN 978 92 9068 780 1", ["idm-28", "citing"]),
        ("92-9068-780-0", ["idm-28", "citing"]),
        ("9789290687801", ["idm-28"]),
        ("9290687800", ["idm-28"]),
    ],
)
def test_search_publications_isbn_in_any_form_finds_its_publication_first(idm28, query, expected):
    PublicationFactory(
        number=1002, slug="citing", summary_en="Quotes IDM 28 (ISBN 978-92-9068-780-1, 92-9068-780-0) at length."
    )
    assert ranked(query) == expected


def test_search_publications_isbn_ranks_above_any_text_match(idm28):
    PublicationFactory(
        number=1002, slug="citing", title_en="On 978-92-9068-780-1", summary_en="9789290687801 9789290687801"
    )
    assert ranked("978-92-9068-780-1") == ["idm-28", "citing"]


def test_search_publications_series_issn_finds_the_series_publications(idm28):
    PublicationFactory(slug="other-series", series=SeriesFactory(slug="other", name_en="Other"))
    assert search("1726-4030") == ["idm-27", "idm-28", "labour"]  # all three are in the IDM series
    assert search("17264030") == ["idm-27", "idm-28", "labour"]


def test_search_publications_edition_issn_override_finds_its_publication(idm28):
    EditionFactory(publication=PublicationFactory(number=1003, slug="override"), language="ar", issn="0317-8471")
    assert search("0317-8471") == ["override"]
    assert search("03178471") == ["override"]


# Ranking ---------------------------------------------------------------------------------------


def test_search_publications_title_match_beats_summary_only_match():
    PublicationFactory(slug="summary", title_en="Annual report", summary_en="Remittances, remittances, remittances.")
    PublicationFactory(slug="title", title_en="Remittances", summary_en="Money sent home.")
    assert ranked("remittances") == ["title", "summary"]


def test_search_publications_rank_is_a_float_and_higher_is_better():
    PublicationFactory(slug="summary", summary_en="Diaspora")
    PublicationFactory(slug="title", title_en="Diaspora")
    ranks = dict(
        search_publications(Publication.objects.all(), "diaspora", language="en").values_list("slug", "search_rank")
    )
    assert isinstance(ranks["title"], float)
    assert ranks["title"] > ranks["summary"] > 0


def test_search_publications_with_many_matches_ranks_page_language_title_then_any_title_then_the_rest(monkeypatch):
    # Beyond RANKED_MATCHES matches SQLite ranks in tiers instead of running bm25() over every match; PostgreSQL
    # ranks every match, with the same order here.
    monkeypatch.setattr(backends, "RANKED_MATCHES", 2)
    PublicationFactory(slug="summary-1", year=2019, summary_en="The diaspora and return.")
    PublicationFactory(slug="french-title", year=2010, title_fr="La diaspora")
    PublicationFactory(slug="summary-2", year=2019, summary_es="Diáspora.", summary_en="Diaspora")
    PublicationFactory(slug="english-title", year=2005, title_en="Diaspora")

    found = ranked("diaspora")

    assert found[:2] == ["english-title", "french-title"]
    assert sorted(found[2:]) == ["summary-1", "summary-2"]
    ranks = dict(
        search_publications(Publication.objects.all(), "diaspora", language="en").values_list("slug", "search_rank")
    )
    assert ranks["english-title"] > ranks["french-title"] > ranks["summary-1"] > 0


def test_search_publications_identifier_finds_exactly_its_publications():
    EditionFactory(publication=PublicationFactory(slug="one"), isbn="9789290687801")
    EditionFactory(publication=PublicationFactory(slug="two"), isbn="9789290687818")
    EditionFactory(publication=PublicationFactory(slug="three"), isbn="9789290687825", issn="0317-8471")
    PublicationFactory(slug="none")

    assert search("978-92-9068-781-8") == ["two"]
    assert search("9789290687825") == ["three"]
    assert search("0317-8471") == ["three"]
    assert search("9789290687832") == []  # a valid ISBN no edition has
    assert search("9789290687802") == []  # a wrong check digit: a number, not an ISBN, and no text has it


def test_search_publications_without_searchable_words_returns_the_queryset_unchanged(idm28):
    for query in ["", "   ", "-- ** ^^ :: ()", '"""']:
        results = search_publications(Publication.objects.published(), query, language="en")
        assert sorted(results.values_list("slug", "search_rank")) == [
            ("idm-27", 0.0),
            ("idm-28", 0.0),
            ("labour", 0.0),
        ]


def test_a_publication_and_a_workshop_of_the_same_id_are_each_found_as_their_own_kind():
    # The SQLite index keys its rows by kind and object id (schema.fts_rowid): equal ids must not mix.
    publication = PublicationFactory(slug="report", title_en="Remittances")
    WorkshopFactory(pk=publication.pk, slug="meeting", title_en="Seasonal labour", publication=None)
    WorkshopFactory(slug="other", title_en="Remittances", publication=None)

    assert search("remittances") == ["report"]
    assert search("seasonal") == []
    assert search_events("remittances") == ["other"]
    assert search_events("seasonal") == ["meeting"]

    Workshop.objects.filter(slug="meeting").delete()  # its row goes, the publication's stays
    assert search_events("seasonal") == []
    assert search("remittances") == ["report"]


# Drafts ----------------------------------------------------------------------------------------


def test_search_publications_never_returns_drafts_or_future_publications():
    PublicationFactory(slug="public", title_en="Resettlement")
    PublicationFactory(slug="draft", title_en="Resettlement", status=Publication.Status.DRAFT, publish_date=None)
    PublicationFactory(slug="future", title_en="Resettlement", publish_date=timezone.now() + datetime.timedelta(days=1))
    assert search("resettlement") == ["public"]
    assert search("9789290687801") == []


def test_search_workshops_never_returns_workshops_of_draft_reports():
    draft = PublicationFactory(status=Publication.Status.DRAFT, publish_date=None)
    WorkshopFactory(slug="hidden", title_en="Climate and mobility", publication=draft)
    WorkshopFactory(slug="shown", title_en="Climate and mobility", publication=None)
    assert search_events("climate") == ["shown"]


# Highlight ---------------------------------------------------------------------------------------


def test_highlight_marks_every_matching_word_in_any_form():
    text = "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations"
    assert highlight(text, "partenariat GOUVERNANCE migration", language="fr") == (
        "Des <mark>partenariats</mark> novateurs et ouverts à tous pour une bonne <mark>gouvernance</mark>"
        " mondiale des <mark>migrations</mark>"
    )


def test_highlight_folds_accents():
    text = "Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración a escala mundial"
    assert highlight(text, "gobernanza migracion", language="es") == (
        "Asociaciones inclusivas e innovadoras para una <mark>gobernanza</mark> eficaz de la <mark>migración</mark>"
        " a escala mundial"
    )


def test_highlight_escapes_html():
    assert highlight("<b>Migrants</b> & cities", "migrant", language="en") == (
        "&lt;b&gt;<mark>Migrants</mark>&lt;/b&gt; &amp; cities"
    )


def test_highlight_cuts_long_text_around_the_first_match():
    text = " ".join(f"word{n}" for n in range(100)) + " remittances " + " ".join(f"more{n}" for n in range(100))
    assert highlight(text, "remittance", language="en", max_length=60) == (
        "…word98 word99 <mark>remittances</mark> more0 more1 more2 more3 more4…"
    )


def test_highlight_without_match_gives_the_start_of_the_text():
    text = "Migration and development. " * 20
    assert highlight(text, "xylophone", language="en", max_length=40) == "Migration and development. Migration…"
    assert highlight("Short text", "", language="en") == "Short text"


def test_highlight_hostile_queries_do_not_fail():
    for query in HOSTILE_QUERIES:
        snippet = highlight("A <title> on migration", query, language="fr")
        assert isinstance(snippet, SafeString)
        assert "<title>" not in snippet, query
    assert highlight("A <title> on migration", "title:x", language="fr") == "A &lt;<mark>title</mark>&gt; on migration"


# The index follows the catalogue ---------------------------------------------------------------


def test_index_follows_publication_save_and_delete():
    publication = PublicationFactory(slug="p", title_en="Irregular migration")
    assert search("irregular") == ["p"]
    publication.title_en = "Regular pathways"
    publication.save()
    assert search("irregular") == []
    assert search("pathway") == ["p"]
    publication.delete()
    assert search("pathway") == []
    assert SearchDocument.objects.count() == 0


def test_index_follows_topic_links_both_ways_and_topic_changes():
    publication = PublicationFactory(slug="p")
    topic = TopicFactory(name_fr="Santé et migration")
    publication.topics.add(topic)
    assert search("sante", "fr") == ["p"]
    publication.topics.remove(topic)
    assert search("sante", "fr") == []
    topic.publications.add(publication)
    assert search("sante", "fr") == ["p"]
    topic.name_fr = "Environnement"
    topic.save()
    assert search("sante", "fr") == []
    assert search("environnement", "fr") == ["p"]
    topic.publications.clear()
    assert search("environnement", "fr") == []
    publication.topics.set([topic])
    topic.delete()
    assert search("environnement", "fr") == []


def test_index_follows_table_of_contents_changes():
    publication = PublicationFactory(slug="p")
    entry = TocEntryFactory(publication=publication, title_en="Remittance corridors")
    assert search("corridor") == ["p"]
    entry.title_en = "Diaspora bonds"
    entry.save()
    assert search("corridor") == []
    assert search("bond") == ["p"]
    entry.delete()
    assert search("bond") == []


def test_index_follows_editions_and_series_issns():
    publication = PublicationFactory(slug="p", series=SeriesFactory(slug="s", name_en="S"))
    edition = EditionFactory(publication=publication, isbn="978-92-9068-780-1")
    assert search("9789290687801") == ["p"]
    edition.delete()
    assert search("9789290687801") == []
    issn = SeriesIssnFactory(series=publication.series, language="fr", issn="1726-4030")
    assert search("1726-4030") == ["p"]
    issn.delete()
    assert search("1726-4030") == []


def test_index_follows_workshops_agenda_items_and_people():
    first = PublicationFactory(slug="first")
    second = PublicationFactory(slug="second")
    workshop = WorkshopFactory(slug="w", publication=first, title_fr="Migrations et climat")
    assert search("climat", "fr") == ["first"]
    assert search_events("climat", "fr") == ["w"]
    workshop.publication = second
    workshop.save()
    assert search("climat", "fr") == ["second"]
    item = AgendaItemFactory(workshop=workshop, title_es="Sesión de clausura")
    assert search("clausura", "es") == ["second"]
    assert search_events("clausura", "es") == ["w"]
    speaker = SpeakerFactory(name="Amina Mohammed")
    participation = AgendaParticipationFactory(agenda_item=item, speaker=speaker)
    assert search("amina") == ["second"]
    speaker.name = "Ngozi Okonjo"
    speaker.save()
    assert search("amina") == []
    assert search_events("okonjo") == ["w"]
    participation.delete()
    assert search_events("okonjo") == []
    item.speakers.add(speaker, through_defaults={"role": AgendaParticipation.Role.CHAIR})
    assert search("okonjo") == ["second"]
    speaker.agenda_items.clear()
    assert search("okonjo") == []
    item.delete()
    assert search("clausura", "es") == []
    workshop.delete()
    assert search("climat", "fr") == []
    assert search_events("climat", "fr") == []
    assert sorted(SearchDocument.objects.values_list("kind", flat=True)) == ["publication", "publication"]


def test_index_follows_cascading_deletes(idm28):
    Workshop.objects.filter(slug="idm-2018-geneva").delete()
    assert search("apertura", "es") == []
    assert search_events("apertura", "es") == []
    idm28.delete()
    assert search("partenariat", "fr") == ["idm-27"]
    assert SearchDocument.objects.filter(kind="publication").count() == 2
    assert SearchDocument.objects.filter(kind="workshop").count() == 1  # the New York workshop, now without report


def test_index_follows_loaddata(tmp_path):
    fixture = tmp_path / "catalogue.json"
    fixture.write_text(
        json.dumps(
            [
                {"model": "catalogue.series", "fields": {"name_en": "Migration Research Series", "slug": "mrs"}},
                {"model": "catalogue.topic", "fields": {"name_en": "Return", "name_fr": "Retour", "slug": "return"}},
                {
                    "model": "catalogue.publication",
                    "fields": {
                        "series": ["mrs"],
                        "number": 61,
                        "year": 2020,
                        "title_en": "Reintegration of returnees",
                        "title_fr": "Réintégration des personnes de retour",
                        "slug": "mrs-61",
                        "status": "published",
                        "publish_date": "2020-01-01T00:00:00Z",
                        "topics": [["return"]],
                    },
                },
                {
                    "model": "catalogue.edition",
                    "fields": {"publication": ["mrs-61"], "language": "en", "format": "pdf", "isbn": "92-9068-780-0"},
                },
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert search("reintegration", "fr") == ["mrs-61"]
    assert search("retour", "fr") == ["mrs-61"]
    assert search("978-92-9068-780-1") == ["mrs-61"]


def _documents():
    fields = [f.attname for f in SearchDocument._meta.concrete_fields if f.attname not in ("id",)]
    return sorted(SearchDocument.objects.values_list(*fields))


def test_loaddata_indexes_each_document_once_with_the_same_result_as_a_rebuild(django_assert_max_num_queries):
    fixtures = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
    # Indexing after each record took 1,271 queries for the demo data; deferred to the end, 608 (with the
    # workflow constraints checked on each workshop), and marking the loaded records changed once at the end;
    # plus one query per indexing chunk for the series whose names and numbers the documents hold, and one
    # statement adding the publications' words to the vocabulary (search/vocabulary.py), in the same batch.
    with django_assert_max_num_queries(631):
        call_command("loaddata", *fixtures, verbosity=0)
    loaded = _documents()
    assert len(loaded) == Publication.objects.count() + Workshop.objects.count()
    rebuild_index()
    assert _documents() == loaded
    assert ranked("partenariats novateurs", "fr")[0] == "idm-28"


def test_rebuild_index_remakes_every_document(idm28):
    Publication.objects.filter(slug="labour").update(title_en="Seasonal work")  # no signal: index now stale
    assert search("seasonal") == []
    assert rebuild_index() == 5  # three publications, two workshops
    assert search("seasonal") == ["labour"]
    assert search("partenariat", "fr") == ["idm-27", "idm-28"]


def test_rebuild_search_index_command_reports_the_count(idm28):
    SearchDocument.objects.all().delete()
    output = StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert output.getvalue() == (
        "Indexed 5 search documents.\nIndexed 0 pages of edition PDFs.\nEdition PDFs: nothing to extract.\n"
    )
    assert search("partenariat", "fr") == ["idm-27", "idm-28"]
    assert search_events("gobernanza migracion", "es") == ["idm-2018-new-york"]


# Robustness and cost ---------------------------------------------------------------------------


def test_search_hostile_queries_return_without_error(idm28):
    for query in HOSTILE_QUERIES:
        for language in ["en", "fr", "es", "pt", ""]:
            assert isinstance(search(query, language), list), query
            assert isinstance(search_events(query, language), list), query


def test_search_operators_are_not_words(idm28):
    assert search("AND OR NOT NEAR") == ["idm-27", "idm-28", "labour"]  # no searchable word: everything
    assert search('"partenariat" AND (gouvernance* OR', "fr") == ["idm-28"]
    assert search("partenariat NOT gouvernance", "fr") == ["idm-28"]  # words, not syntax


def test_search_publications_result_works_as_a_subquery(idm28):
    results = search_publications(Publication.objects.published(), "partenariat", language="fr")
    assert list(Series.objects.filter(publications__in=results).distinct().values_list("slug", flat=True)) == ["idm"]
    assert list(Topic.objects.filter(publications__in=results).values_list("slug", flat=True)) == [
        "migration-governance"
    ]


@pytest.mark.parametrize("count", [1, 5])
def test_search_publications_runs_one_query_whatever_the_number_of_results(django_assert_num_queries, count):
    PublicationFactory.create_batch(count, title_en="Labour migration")
    with django_assert_num_queries(1):
        results = list(
            search_publications(Publication.objects.published(), "labour migration", language="en").order_by(
                "-search_rank"
            )
        )
    assert len(results) == count
