"""The vocabulary of the index (public publications' words, kept in step by the index writer) and "did you mean"."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from catalogue.models import Publication, SearchDocument, SearchWord, Status
from catalogue.search import rebuild_index, rebuild_vocabulary, suggest_query
from catalogue.search.vocabulary import Changes
from catalogue.tests.factories import PublicationFactory, SeriesFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    # A series whose names hold none of the words counted below (documents hold their series' names).
    series = SeriesFactory(
        slug="papers",
        name_en="Policy papers",
        name_fr="Notes de politique",
        name_es="Notas de política",
        short_name_en="PP",
        short_name_fr="NP",
        short_name_es="NP",
    )
    PublicationFactory(
        series=series,
        slug="climate",
        title_en="Migration and climate change",
        title_fr="Migration et changement climatique",
        title_es="Migración y desarrollo sostenible",
        summary_en="How environmental crisis moves people.",
        summary_fr="Les crises et les réfugiés climatiques.",
    )
    PublicationFactory(
        series=series,
        slug="partnerships",
        title_en="Partnerships for migration governance",
        title_fr="Partenariat pour la gouvernance des migrations",
        summary_en="Every crisis calls for partners.",
    )
    PublicationFactory(
        series=series,
        slug="draft",
        title_en="Confidential zanzibarian memorandum",
        status=Status.DRAFT,
        publish_date=None,
    )


def vocabulary(language: str) -> dict[str, int]:
    return dict(SearchWord.objects.filter(language=language).values_list("word", "document_count"))


def suggest(query: str, language: str = "en", queryset=None) -> str | None:
    return suggest_query(Publication.objects.published() if queryset is None else queryset, query, language=language)


# The vocabulary --------------------------------------------------------------------------------


def test_vocabulary_counts_the_public_documents_holding_each_folded_word(catalogue):
    assert vocabulary("en")["migration"] == 2
    assert vocabulary("en")["climate"] == 1
    assert vocabulary("es")["migracion"] == 1  # folded as the index compares words
    assert SearchWord.objects.get(language="fr", word="refugies").spelling == "réfugiés"
    assert "and" in vocabulary("en")
    assert "la" not in vocabulary("fr")  # words of fewer than 3 letters are left out


def document(title_fr: str, body_fr: str = "", public: bool = True) -> SearchDocument:
    return SearchDocument(kind=SearchDocument.Kind.PUBLICATION, public=public, title_fr=title_fr, body_fr=body_fr)


def test_vocabulary_changes_count_documents_not_spellings():
    changes = Changes()
    changes.add(
        [
            document("Refugies et réfugiés", "Réfugiés climatiques"),  # three spellings of one word, one document
            document("Les réfugiés", "refugies"),
            document("Climatiques", "Confidentiel", public=False),  # a draft counts for nothing
            document("Migrations", "climatiques migrations"),
        ]
    )
    assert changes.counts["fr"]["refugies"] == 2
    assert changes.counts["fr"]["climatiques"] == 2
    assert changes.counts["fr"]["migrations"] == 1
    assert "confidentiel" not in changes.counts["fr"]
    assert "les" in changes.counts["fr"]
    assert "et" not in changes.counts["fr"]  # under 3 letters: left out
    # Spelled as the first document holding the word spells it, by its greatest spelling there (accents last).
    assert changes.spellings["fr"]["refugies"] == "réfugiés"
    assert changes.spellings["fr"]["climatiques"] == "climatiques"

    changes.add([document("Les réfugiés", "refugies")], sign=-1)
    changes.add([document("Réfugiés")], sign=-1)
    assert changes.counts["fr"]["refugies"] == 0
    assert changes.counts["fr"]["les"] == 0
    assert changes.counts["fr"]["climatiques"] == 2


def test_vocabulary_words_are_the_folded_words_spelled_by_their_greatest_spelling_in_the_first_batch():
    changes = Changes()
    changes.add(
        [
            document("Coeur İstanbul", "Politique"),
            document("Le cœur", "Politiques publiques"),  # "cœur" folds to "coeur", and comes after it
            document("Etudes", "études ÉTUDES 2018 12345"),
        ]
    )
    assert changes.counts["fr"]["coeur"] == 2
    assert changes.spellings["fr"]["coeur"] == "cœur"  # its greatest spelling in the batch, whichever document
    assert changes.counts["fr"]["istanbul"] == 1  # "İ" lower-cased is "i" and a combining dot, which folding drops
    assert changes.spellings["fr"]["istanbul"] == "i̇stanbul"
    assert (changes.counts["fr"]["etudes"], changes.spellings["fr"]["etudes"]) == (1, "études")
    assert "2018" not in changes.counts["fr"]  # numbers are not words
    assert "12345" not in changes.counts["fr"]
    assert changes.spellings["fr"]["politique"] == "politique"

    changes.add([document("Cœurs", "coeur")])  # a word already spelled keeps its spelling
    assert (changes.counts["fr"]["coeur"], changes.spellings["fr"]["coeur"]) == (3, "cœur")
    assert changes.spellings["fr"]["coeurs"] == "cœurs"


def test_vocabulary_changes_of_later_documents_merge_keeping_the_first_spelling():
    first, later = Changes(), Changes()
    first.add([document("Réfugiés", "crise")])
    later.add([document("refugies", "Crise migrations")])

    first.merge(later)

    assert (first.counts["fr"]["refugies"], first.counts["fr"]["crise"], first.counts["fr"]["migrations"]) == (2, 2, 1)
    assert first.spellings["fr"]["refugies"] == "réfugiés"  # as the first document spells it
    assert first.spellings["fr"]["migrations"] == "migrations"


def test_vocabulary_never_holds_the_words_of_a_draft(catalogue):
    assert not SearchWord.objects.filter(word__in=["zanzibarian", "confidential", "memorandum"]).exists()


def test_vocabulary_follows_publishing_editing_and_unpublishing(catalogue):
    draft = Publication.objects.get(slug="draft")
    draft.status, draft.publish_date = Status.PUBLISHED, timezone.now() - datetime.timedelta(hours=1)
    draft.save()
    assert vocabulary("en")["zanzibarian"] == 1

    climate = Publication.objects.get(slug="climate")
    climate.title_en = "Migration and weather"
    climate.save()
    assert "climate" not in vocabulary("en")
    assert vocabulary("en")["weather"] == 1
    assert vocabulary("en")["migration"] == 2

    climate.status = Status.DRAFT
    climate.save()
    assert "weather" not in vocabulary("en")
    assert vocabulary("en")["migration"] == 1

    climate.delete()
    draft.delete()
    assert "zanzibarian" not in vocabulary("en")
    assert vocabulary("en")["migration"] == 1


def test_vocabulary_follows_related_rows(catalogue):
    topic = TopicFactory(name_en="Remittances")
    Publication.objects.get(slug="climate").topics.add(topic)
    assert vocabulary("en")["remittances"] == 1
    topic.name_en = "Diaspora"
    topic.save()
    assert "remittances" not in vocabulary("en")
    assert vocabulary("en")["diaspora"] == 1


def test_rebuilds_give_the_vocabulary_the_writer_kept(catalogue):
    kept = sorted(SearchWord.objects.values_list("word", "language", "spelling", "document_count"))
    assert rebuild_vocabulary() == len(kept)
    assert sorted(SearchWord.objects.values_list("word", "language", "spelling", "document_count")) == kept
    SearchWord.objects.all().delete()
    rebuild_index()
    assert sorted(SearchWord.objects.values_list("word", "language", "spelling", "document_count")) == kept


def test_rebuild_search_vocabulary_command_reports_the_count(catalogue):
    SearchWord.objects.all().delete()
    output = StringIO()
    call_command("rebuild_search_vocabulary", stdout=output)
    assert output.getvalue() == f"The vocabulary holds {SearchWord.objects.count()} words.\n"
    assert vocabulary("en")["migration"] == 2


# Did you mean ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("migartion", "en", "migration"),  # two letters swapped: one edit
        ("clmate change", "en", "climate change"),  # the known word is kept as typed
        ("Clmate", "en", "climate"),
        ("partenarait", "fr", "partenariat"),
        ("réfujiés", "fr", "réfugiés"),  # the spelling the documents use
        ("refugeis climatiques", "fr", "réfugiés climatiques"),
        ("desarollo", "es", "desarrollo"),
        ("migracón sostenible", "es", "migración sostenible"),
        ("migartion, clmate!", "en", "migration, climate!"),  # what is not a word stays as typed
    ],
)
def test_a_misspelt_query_is_corrected(catalogue, query, language, expected):
    assert suggest(query, language) == expected


def test_a_word_the_vocabulary_holds_in_the_page_language_is_preferred(catalogue):
    # "crisus" is one edit from the English "crisis" (2 documents) and the French "crises" (1 document).
    assert suggest("crisus", "fr") == "crises"
    assert suggest("crisus", "en") == "crisis"
    assert suggest("crisus", "es") == "crisis"  # neither in the page language: the more frequent


@pytest.mark.parametrize(
    "query",
    [
        "migration",  # every word known
        "zanzibarain",  # close only to a draft's word
        "qwertyuiop",  # close to nothing
        "mig",  # too short to correct
        "2019",
        "",
        "migartion zzzzzzzz",  # a correction that still finds nothing is not offered
    ],
)
def test_no_correction_is_offered(catalogue, query):
    assert suggest(query) is None


def test_a_correction_is_offered_only_if_it_finds_something_under_the_same_filters(catalogue):
    in_2018 = Publication.objects.published().filter(year=2018)
    assert suggest("clmate", queryset=in_2018) == "climate"
    assert suggest("clmate", queryset=in_2018.filter(slug="partnerships")) is None


def test_suggesting_runs_a_bounded_number_of_queries(catalogue, django_assert_num_queries):
    # The known words, the candidates of every misspelt word (one statement), one search of the correction.
    with django_assert_num_queries(3):
        assert suggest("migartion clmate changment") == "migration climate changement"


def test_a_typo_in_the_first_letter_is_corrected_only_by_trigrams_on_postgresql(catalogue):
    # SQLite reads candidates of the same first letter only; PostgreSQL finds similar words of any first letter.
    assert suggest("nigration") == ("migration" if connection.vendor == "postgresql" else None)
