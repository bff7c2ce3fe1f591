"""The search package's pure functions, without a database: folding, words, stems, queries, snippets."""

import pytest

from catalogue.identifiers import Identifier, parse_identifier
from catalogue.search.highlight import _window, highlight, mark_all, matched_terms, matches
from catalogue.search.query import MAX_TERM_LENGTH, MAX_TERMS, ParsedQuery, parse_query
from catalogue.search.stopwords import is_stop_word
from catalogue.search.text import WORD, fold, folded_pieces, pieces_of, stem, stemmed, stemmed_pieces, words


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Migración", "migracion"),
        ("ŒUVRE Straße Łódź", "oeuvre strasse lodz"),  # letters Unicode does not decompose, as unaccent folds them
        ("ﬁn ½", "fin 1⁄2"),  # compatibility forms
        ("", ""),
        ("Plain ASCII, 2018!", "plain ascii, 2018!"),
        ("Développement des capacités", "developpement des capacites"),
        ("Ελλάδα και Κύπρος", "ελλαδα και κυπρος"),  # other scripts keep their letters, lose their accents
        ("Ꭰ İstanbul Đakovo ı", "ꭰ istanbul dakovo i"),
        ("Москва́ 北京 नमस्ते", "москва 北京 नमसते"),  # the Devanagari virama is a combining mark, its vowel sign is not
        ("e\u0301te\u0301 E\u0301TE\u0301 ete", "ete ete ete"),  # accents already decomposed
    ],
)
def test_fold_lowercases_and_strips_accents(text, folded):
    assert fold(text) == folded


def test_words_are_folded_runs_of_letters_and_digits():
    assert words("L'être humain, 978-92_x ½ ﬁn") == ["l", "etre", "humain", "978", "92", "x", "1", "2", "fin"]


@pytest.mark.parametrize(
    ("word", "language", "expected"),
    [
        ("partnerships", "en", "partnership"),
        ("governance", "en", "govern"),
        ("partenariats", "fr", "partenariat"),
        ("gouvernance", "fr", "gouvern"),
        ("migraciones", "es", "migracion"),
    ],
)
def test_stem_uses_the_language_stemmer(word, language, expected):
    assert stem(word, language) == expected


def test_stemmed_folds_and_stems_every_word():
    assert stemmed("Les migrations internationales", "fr") == "le migrat international"


@pytest.mark.parametrize(
    "text",
    [
        "Les migrations internationales",
        "ŒUVRE Straße ﬁn ½ Ꭰ İstanbul",  # folding makes a piece longer, or two words ("1⁄2")
        "\ufdfa x",  # a ligature whose compatibility decomposition holds spaces: one piece, several words
        "e\u0301te\u0301\nÉTÉ  été",
        "",
    ],
)
def test_folding_the_whole_text_gives_the_words_of_folding_each_piece(text):
    # An index write folds a document's text once (folded_pieces): the words, and so the stems, are those of folding
    # each piece between white space on its own.
    per_piece = [word for piece in text.split() for word in WORD.findall(fold(piece))]
    assert [word for piece in folded_pieces(text) for word in WORD.findall(piece)] == per_piece
    assert stemmed(text, "fr") == " ".join(stem(word, "fr") for word in per_piece)


def test_stemmed_pieces_stems_each_list_of_pieces_and_drops_pieces_without_a_word():
    class Record:
        title = "Développement DURABLE"
        body = "½ · migrations"

    pieces = pieces_of([Record()], ["title", "body"])
    assert pieces == {"title": [["developpement", "durable"]], "body": [["1⁄2", "·", "migrations"]]}
    assert stemmed_pieces([pieces["title"][0], pieces["body"][0]], "fr") == ["developp durabl", "1 2 migrat"]


@pytest.mark.parametrize(
    ("query", "parsed"),
    [
        ("migration AND governance and NOT near", ParsedQuery(("migration", "governance", "and", "near"))),
        ("Migración migracion MIGRACION", ParsedQuery(("migracion",))),
        (
            "ISBN 978-92-9068-780-1",
            ParsedQuery(("isbn", "978", "92", "9068", "780", "1"), isbns=("9789290687801",)),
        ),
        ("issn 1726 4030", ParsedQuery(("issn", "1726", "4030"), issns=("1726-4030",))),
        (
            "9789290687801 1726-4030",
            ParsedQuery(("9789290687801", "1726", "4030"), isbns=("9789290687801",), issns=("1726-4030",)),
        ),
        (
            "92-9068-780-0 santé",  # an ISBN-10, read as the ISBN-13 editions store
            ParsedQuery(("92", "9068", "780", "0", "sante"), isbns=("9789290687801",)),
        ),
        ("978-92-9068-780-2", ParsedQuery(("978", "92", "9068", "780", "2"))),  # wrong check digit
        ('"; DROP TABLE x; --', ParsedQuery(("drop", "table", "x"))),
        (None, ParsedQuery(())),
    ],
)
def test_parse_query_splits_words_and_identifiers(query, parsed):
    assert parse_query(query) == parsed


@pytest.mark.parametrize(
    ("query", "identifiers"),
    [
        ("ISBN 978-92-9068-780-1", ("9789290687801",)),
        ("92-9068-780-0 santé", ("9789290687801",)),
        ("issn 1726 4030", ("17264030",)),
        ("9789290687801 1726-4030", ("9789290687801", "17264030")),
        ("978-92-9068-780-2", ()),
    ],
)
def test_parsed_identifiers_are_compact_as_search_documents_hold_them(query, identifiers):
    assert parse_query(query).identifiers == identifiers


def test_a_query_of_an_identifier_alone_is_something_to_search():
    assert bool(ParsedQuery((), issns=("1726-4030",))) is True
    assert bool(ParsedQuery(())) is False


def test_parse_query_caps_the_number_and_length_of_terms():
    parsed = parse_query(" ".join(f"w{number}" for number in range(MAX_TERMS + 4)) + " " + "x" * 100)

    assert parsed.terms == tuple(f"w{number}" for number in range(MAX_TERMS))
    assert parse_query("x" * 100).terms == ("x" * MAX_TERM_LENGTH,)


@pytest.mark.parametrize("query", ["", "   ", "!!", "AND OR", "\x00"])
def test_parse_query_of_nothing_to_search_is_false(query):
    assert not parse_query(query)


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("978-92-9068-780-1", Identifier("isbn", "9789290687801")),
        ("ISBN 92-9068-780-0", Identifier("isbn", "9789290687801")),
        ("issn 1726 4030", Identifier("issn", "1726-4030")),
        ("978-92-9068-780-2", None),
        ("migration", None),
        ("", None),
    ],
)
def test_parse_identifier_reads_typed_isbns_and_issns(text, identifier):
    assert parse_identifier(text) == identifier


@pytest.mark.parametrize(
    ("text", "query", "snippet"),
    [
        ("La gouvernance des migrations", "migration", "La gouvernance des <mark>migrations</mark>"),
        ("<b>Migración</b> & salud", "migracion", "&lt;b&gt;<mark>Migración</mark>&lt;/b&gt; &amp; salud"),
        ("Partnerships with a partner", "partnership", "<mark>Partnerships</mark> with a partner"),  # stems
        ("nothing here", "migration", "nothing here"),
        ("  spaces\n collapsed  ", "", "spaces collapsed"),
    ],
)
def test_highlight_marks_matching_words_in_escaped_text(text, query, snippet):
    assert highlight(text, query, language="en") == snippet


def test_highlight_cuts_a_long_text_around_the_first_match_between_words():
    text = "word " * 100 + "migration " + "tail " * 100

    assert (
        highlight(text, "migration", language="en", max_length=40)
        == "…word <mark>migration</mark> tail tail tail tail…"
    )


@pytest.mark.parametrize(
    ("text", "focus", "max_length", "bounds"),
    [
        ("a" * 10, 3, 20, (0, 10)),
        ("one two three four five six seven", 20, 12, (19, 27)),
        ("one two three four five six seven", 0, 12, (0, 7)),
    ],
)
def test_window_bounds_fit_the_length_and_cut_between_words(text, focus, max_length, bounds):
    assert _window(text, focus, max_length) == bounds


# Stop words and what a snippet marks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "language", "stop"),
    [
        ("le", "fr", True),
        ("Sur", "fr", True),
        ("très", "fr", True),  # folded before the list is read
        ("gouvernance", "fr", False),
        ("the", "en", True),
        ("migration", "en", False),
        ("según", "es", True),
        ("le", "en", False),  # a stop word of one language only
        ("le", "ar", False),  # a language without a list has none
    ],
)
def test_is_stop_word_reads_the_language_s_list(word, language, stop):
    assert is_stop_word(word, language) is stop


@pytest.mark.parametrize(
    ("text", "query", "language", "snippet"),
    [
        # The example: "le", "sur" and "et" are typed, never marked.
        (
            "Le dialogue sur la migration et le développement",
            "le dialogue sur et développement",
            "fr",
            "Le <mark>dialogue</mark> sur la migration et le <mark>développement</mark>",
        ),
        ("The state of the migration", "the migration", "en", "The state of the <mark>migration</mark>"),
        ("La salud de los migrantes", "la salud de los", "es", "La <mark>salud</mark> de los migrantes"),
        # By stem in the text's language, as the index compares them: "migrant" and "migrantes" share the Spanish
        # stem; "migrants" and "migration" share none, in no language.
        ("Los migrantes y la migración", "migrant", "es", "Los <mark>migrantes</mark> y la migración"),
        ("Migrants and migration", "migrants", "en", "<mark>Migrants</mark> and migration"),
        # By the folded word itself: digits and words no stemmer changes.
        ("IDM 28 (2018)", "2018", "en", "IDM 28 (<mark>2018</mark>)"),
    ],
)
def test_highlight_marks_query_words_but_never_stop_words(text, query, language, snippet):
    assert highlight(text, query, language=language) == snippet


def test_a_query_of_stop_words_only_marks_nothing():
    assert highlight("Le dialogue sur la migration", "le sur la", language="fr") == "Le dialogue sur la migration"


def test_matched_terms_counts_each_query_word_once_stop_words_aside():
    text = "Migration, migrants and the governance of migration"

    assert matched_terms(text, "the migration governance health", language="en") == {"migration", "governance"}


def test_matches_gives_each_marked_word_with_the_query_word_it_matched():
    assert matches("Partnerships and a partnership", "partnership and", language="en") == [
        (0, 12, "partnership"),
        (19, 30, "partnership"),
    ]


def test_mark_all_escapes_and_marks_an_identifier():
    assert mark_all("978-92-9068-780-1 <b>") == "<mark>978-92-9068-780-1 &lt;b&gt;</mark>"
