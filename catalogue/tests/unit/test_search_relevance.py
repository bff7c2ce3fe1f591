"""Pure functions behind relevance: number labels, Spanish number forms, known-item keys."""

import pytest

from catalogue.search.known_items import known_item_queries, publication_keys
from catalogue.search.query import ParsedQuery, parse_query
from catalogue.search.text import forms, stems


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("IDM n.º 28", ("idm", "28")),
        ("IDM nº28", ("idm", "28")),
        ("IDM n° 28", ("idm", "28")),
        ("IDM N.° 28", ("idm", "28")),
        ("No. 28", ("28",)),
        ("no 28", ("28",)),
        ("Nos. 27", ("27",)),
        ("núm. 28", ("28",)),
        ("num 28", ("28",)),
        ("Numéro 28", ("28",)),
        ("número 28", ("28",)),
        ("no28", ("28",)),
        # Not before a number: words like any other.
        ("no migration", ("no", "migration")),
        ("numero uno", ("numero", "uno")),
        ("piano 28", ("piano", "28")),
        ("ano 2018", ("ano", "2018")),
    ],
)
def test_parse_query_drops_number_labels_before_a_number(query, terms):
    assert parse_query(query).terms == terms


@pytest.mark.parametrize(
    ("word", "language", "expected"),
    [
        ("joven", "es", ("joven", "jovenes")),
        ("jovenes", "es", ("jovenes", "joven", "jovene")),
        ("ciudad", "es", ("ciudad", "ciudades")),
        ("ciudades", "es", ("ciudades", "ciudad", "ciudade")),
        ("voz", "es", ("voz", "voces")),
        ("voces", "es", ("voces", "voz", "voce")),
        ("migrante", "es", ("migrante", "migrantes")),
        ("la", "es", ("la", "las")),
        ("es", "es", ("es",)),  # forms shorter than three letters are not tried
        ("2018", "es", ("2018",)),
        ("idm28", "es", ("idm28",)),
        ("joven", "fr", ("joven",)),  # French and English stemmers join singular and plural already
        ("cities", "en", ("cities",)),
    ],
)
def test_forms_adds_the_other_number_in_spanish_only(word, language, expected):
    assert forms(word, language) == expected


@pytest.mark.parametrize(("singular", "plural"), [("joven", "jovenes"), ("ciudad", "ciudades"), ("voz", "voces")])
def test_spanish_singular_and_plural_share_a_stem(singular, plural):
    assert set(stems(singular, "es")) & set(stems(plural, "es"))


def test_publication_keys_join_each_series_word_to_the_number_and_year():
    names = ["International Dialogue on Migration", "Diálogo Internacional sobre la Migración", "IDM", ""]
    assert publication_keys(names, number=28, year=2018) == [
        "international28",
        "dialogue28",
        "on28",
        "migration28",
        "dialogo28",
        "internacional28",
        "sobre28",
        "la28",
        "migracion28",
        "idm28",
        "international2018",
        "dialogue2018",
        "on2018",
        "migration2018",
        "dialogo2018",
        "internacional2018",
        "sobre2018",
        "la2018",
        "migracion2018",
        "idm2018",
    ]


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        ("IDM 28", [("idm28",)]),
        ("IDM28", [("idm28",)]),
        ("IDM n.º 028", [("idm28",)]),
        ("Dialogue 2018", [("dialogue2018",)]),
        ("Diálogo Migración 2019", [("dialogo2019", "migracion2019")]),
        ("IDM 27 28", [("idm27",), ("idm28",)]),
        ("IDM 1 2 3 4", [("idm1",), ("idm2",), ("idm3",)]),  # at most three numbers
        ("28", []),  # a number alone names no series
        ("IDM", []),  # a series alone names no item
        ("978-92-9068-780-1", []),
    ],
)
def test_known_item_queries_join_the_words_to_each_number(query, keys):
    assert known_item_queries(parse_query(query)) == [ParsedQuery(terms) for terms in keys]
