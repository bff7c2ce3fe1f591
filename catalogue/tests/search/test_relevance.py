"""Relevance: what people type, in English, French and Spanish, and the result that must come first.

Over the demo catalogue (IDM Nos. 25–30 and their workshops, `load_demo`) plus a publication of another
series, so that a series' name or short name with a number or year has to pick the right one. The tables
hold queries whose first result is clear on both databases; ties of equal relevance (a word in every record)
are left out, since the two databases may break them differently before the views' tie-break.
"""

import pytest

from catalogue.dataio.demo import load_demo
from catalogue.models import Publication, Series, Workshop
from catalogue.search import search_publications, search_workshops
from catalogue.tests.factories import PublicationFactory, SeriesFactory

pytestmark = pytest.mark.django_db

# (query, page language) -> the publication that must come first.
PUBLICATIONS = {
    # Series short names, numbers and years, in every language's spelling.
    ("IDM 28", "en"): "idm-28",
    ("IDM", "en"): "idm-30",  # every IDM report: the newest first
    ("IDM 2018", "en"): "idm-28",
    ("IDM28", "en"): "idm-28",
    ("idm 28", "fr"): "idm-28",
    ("IDM n.º 28", "es"): "idm-28",
    ("IDM nº 28", "es"): "idm-28",
    ("IDM n° 28", "fr"): "idm-28",
    ("IDM no 28", "en"): "idm-28",
    ("No. 28", "en"): "idm-28",
    ("núm. 28", "es"): "idm-28",
    ("IDM 2015", "en"): "idm-25",
    ("IDM 30", "en"): "idm-30",
    ("MRS 61", "en"): "mrs-61",
    # Series names with a number or year: the known item first, before text relevance.
    ("Dialogue 2018", "en"): "idm-28",  # not No. 27, whose title and summary say "in 2018"
    ("Dialogue 2017", "en"): "idm-27",
    ("International Dialogue on Migration 28", "en"): "idm-28",
    ("Dialogue international sur la migration 2016", "fr"): "idm-26",
    ("Diálogo 2019", "es"): "idm-29",
    ("dialogo 2019", "es"): "idm-29",
    ("Migration Research Series 2018", "en"): "mrs-61",  # "migration" is in both series' names
    # Reference numbers, as printed and compact.
    ("PUB2019/046/L", "en"): "idm-29",
    ("pub2019046l", "fr"): "idm-29",
    # Singular and plural, accents or not, in the three languages.
    ("joven", "es"): "idm-29",
    ("jóvenes", "es"): "idm-29",
    ("jovenes", "es"): "idm-29",
    ("ciudad", "es"): "idm-25",
    ("ciudades", "es"): "idm-25",
    ("jeune", "fr"): "idm-29",
    ("ville", "fr"): "idm-25",
    ("villes", "fr"): "idm-25",
    ("migrant", "en"): "idm-25",
    ("migrants", "en"): "idm-25",
    ("migrantes", "es"): "idm-25",
    ("migration cities", "en"): "idm-25",
    ("youth", "en"): "idm-29",
    ("jeunesse", "fr"): "idm-29",
    ("juventud", "es"): "idm-29",
    # Topics, titles and phrases.
    ("partnerships", "en"): "idm-28",
    ("partenariat", "fr"): "idm-28",
    ("gouvernance", "fr"): "idm-28",
    ("global compact", "en"): "idm-27",
    ("sustainable development", "en"): "idm-30",
    ("développement durable", "fr"): "idm-30",
    ("developpement durable", "fr"): "idm-30",
    ("COVID-19", "es"): "idm-30",
    ("Youth and Migration", "en"): "idm-29",
    ("reintegración", "es"): "mrs-61",
    # ISBNs in any form.
    ("978-92-9068-780-1", "en"): "idm-28",
    ("9789290687801", "fr"): "idm-28",
}

# (query, page language) -> the workshop that must come first.
WORKSHOPS = {
    ("Genève", "fr"): "idm-2019-geneva",  # every Geneva workshop: the latest first
    ("Geneva", "en"): "idm-2019-geneva",
    ("Ginebra", "es"): "idm-2019-geneva",
    ("New York 2018", "en"): "idm-2018-new-york",
    ("Nueva York 2018", "es"): "idm-2018-new-york",
    ("Geneva workshop 2018", "en"): "idm-2018-geneva",
    ("atelier Genève 2018", "fr"): "idm-2018-geneva",
    ("taller Ginebra 2018", "es"): "idm-2018-geneva",
    ("Palais des Nations", "fr"): "idm-2018-geneva",
    ("Suisse 2018", "fr"): "idm-2018-geneva",
    ("Estados Unidos 2017", "es"): "idm-2017-new-york",
}


@pytest.fixture
def catalogue():
    load_demo()
    PublicationFactory(
        series=SeriesFactory(
            slug="mrs",
            name_en="Migration Research Series",
            name_fr="Série de recherche sur la migration",
            name_es="Serie de investigación sobre migración",
            short_name_en="MRS",
            short_name_fr="MRS",
            short_name_es="MRS",
        ),
        number=61,
        year=2018,
        slug="mrs-61",
        title_en="Return migration and reintegration",
        title_fr="Migration de retour et réintégration",
        title_es="Migración de retorno y reintegración",
    )


def first_publications(language_queries):
    found = {}
    for query, language in language_queries:
        results = search_publications(Publication.objects.published(), query, language=language)
        found[query, language] = results.order_by("-search_rank", "-year", "-number").values_list("slug", flat=True)[0]
    return found


def first_workshops(language_queries):
    found = {}
    for query, language in language_queries:
        results = search_workshops(Workshop.objects.published(), query, language=language)
        found[query, language] = results.order_by("-search_rank", "-start_date", "pk").values_list("slug", flat=True)[0]
    return found


def test_relevance_table_of_publications_first_results(catalogue):
    assert first_publications(PUBLICATIONS) == PUBLICATIONS


def test_relevance_table_of_workshops_first_results(catalogue):
    assert first_workshops(WORKSHOPS) == WORKSHOPS


def slugs(query, language):
    return sorted(
        search_publications(Publication.objects.published(), query, language=language).values_list("slug", flat=True)
    )


def workshop_slugs(query, language):
    return sorted(
        search_workshops(Workshop.objects.published(), query, language=language).values_list("slug", flat=True)
    )


def test_known_item_boost_ranks_the_named_publication_above_other_matches(catalogue):
    ranks = dict(
        search_publications(Publication.objects.published(), "Dialogue 2018", language="en").values_list(
            "slug", "search_rank"
        )
    )
    assert sorted(ranks) == ["idm-27", "idm-28"]  # No. 27 still found: "2018" is in its text
    assert ranks["idm-28"] > ranks["idm-27"] + 100
    assert slugs("IDM 2018", "en") == ["idm-27", "idm-28"]  # the other series' 2018 publication is not IDM


def test_workshop_place_and_year_find_exactly_their_workshops(catalogue):
    geneva = ["idm-2015-geneva", "idm-2016-geneva", "idm-2017-geneva", "idm-2018-geneva", "idm-2019-geneva"]
    assert workshop_slugs("Genève", "fr") == geneva
    assert workshop_slugs("geneve", "en") == geneva
    assert workshop_slugs("New York 2018", "en") == ["idm-2018-new-york"]
    assert workshop_slugs("Geneva workshop 2018", "en") == ["idm-2018-geneva"]
    assert workshop_slugs("workshop 2018", "en") == ["idm-2018-geneva", "idm-2018-new-york"]


@pytest.mark.parametrize(
    ("text", "queries"),
    [
        ("Una joven migrante", ["joven", "jóvenes", "jovenes"]),
        ("Los jóvenes migrantes", ["joven", "jóvenes"]),
        ("Una ciudad abierta", ["ciudad", "ciudades"]),
        ("Las ciudades abiertas", ["ciudad", "ciudades"]),
        ("Una sola voz", ["voz", "voces"]),
        ("Muchas voces", ["voz", "voces"]),
    ],
)
def test_spanish_singular_and_plural_find_each_other(text, queries):
    PublicationFactory(slug="spanish", title_es=text)
    PublicationFactory(slug="other", title_es="Otra cosa")
    for query in queries:
        for language in ["es", "en"]:
            assert slugs(query, language) == ["spanish"], (query, language)


@pytest.mark.parametrize(
    ("text", "query"),
    [("Jeunes et villes", "jeune ville"), ("Jeune et ville", "jeunes villes"), ("Migrants", "migrant")],
)
def test_french_and_english_singular_and_plural_still_find_each_other(text, query):
    PublicationFactory(slug="found", title_fr=text, title_en=text)
    PublicationFactory(slug="other", title_fr="Autre chose", title_en="Something else")
    assert slugs(query, "fr") == ["found"]


def test_saving_a_series_reindexes_its_publications(catalogue):
    series = Series.objects.get(slug="idm")
    series.short_name_en = "DIM"
    series.save()
    assert slugs("DIM 28", "en") == ["idm-28"]
    assert slugs("IDM 28", "en") == []
