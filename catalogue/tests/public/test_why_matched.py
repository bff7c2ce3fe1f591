"""Why a search result matched (search/passages.py, presenters.result_passage): each result names the field its
passage comes from and marks the query words in it, never a stop word, in the page's language."""

import re

import lxml.html
import pytest

from catalogue.models import Edition, Workshop
from catalogue.search import publication_passages, workshop_passages
from catalogue.tests.factories import (
    AgendaItemFactory,
    AgendaParticipationFactory,
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    SpeakerFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
    create_idm28,
)
from catalogue.tests.upload_files import text_pdf_bytes, upload

pytestmark = pytest.mark.django_db


def passages(client, url: str) -> list[tuple[str, str, list[str]]]:
    """(field label, passage text, marked words) of each result on the page."""
    response = client.get(url)
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content)
    return [
        (
            "".join(snippet.xpath("span[@class='card__snippet-field']/text()")),
            re.sub(r"[ \t\n]+", " ", snippet.text_content().strip()),  # no-break spaces kept
            snippet.xpath(".//mark/text()"),
        )
        for snippet in tree.xpath("//ol[contains(@class, 'results__list')]//p[@class='card__snippet']")
    ]


@pytest.fixture
def report():
    """A publication whose summary and title hold none of the words the tests search for."""
    return PublicationFactory(
        series=SeriesFactory(),
        title_en="Dialogue report",
        title_fr="Rapport du Dialogue",
        title_es="Informe del Diálogo",
        summary_en="What the Dialogue discussed.",
        summary_fr="Ce dont le Dialogue a débattu.",
        summary_es="Lo que el Diálogo debatió.",
    )


def test_a_result_found_through_a_topic_shows_the_topic_marked(client, report):
    report.topics.set([TopicFactory(name_en="Diaspora remittances", name_fr="Transferts de fonds")])

    assert passages(client, "/en/publications/?q=remittances") == [
        ("Topic:", "Topic: Diaspora remittances", ["remittances"])
    ]


def test_a_result_found_through_a_contents_heading_shows_the_heading(client, report):
    TocEntryFactory(publication=report, position=1, title_en="Introduction")
    TocEntryFactory(publication=report, position=2, title_en="Seasonal agricultural workers")

    assert passages(client, "/en/publications/?q=seasonal+workers") == [
        (
            "In the table of contents:",
            "In the table of contents: Seasonal agricultural workers",
            ["Seasonal", "workers"],
        )
    ]


def test_a_result_found_through_a_speaker_shows_the_speaker(client, report):
    item = AgendaItemFactory(workshop=WorkshopFactory(publication=report), title_en="Opening")
    AgendaParticipationFactory(agenda_item=item, speaker=SpeakerFactory(name="Amina Okonkwo"))

    assert passages(client, "/en/publications/?q=okonkwo") == [("Speaker:", "Speaker: Amina Okonkwo", ["Okonkwo"])]


def test_a_speaker_of_a_workshop_that_is_not_public_is_never_shown(client, report):
    AgendaItemFactory(workshop=WorkshopFactory(publication=report), title_en="Opening of the Dialogue")
    draft = WorkshopFactory(publication=report, status=Workshop.Status.DRAFT)
    AgendaParticipationFactory(agenda_item=AgendaItemFactory(workshop=draft), speaker=SpeakerFactory(name="Opening"))

    assert passages(client, "/en/publications/?q=opening") == [
        ("In a workshop agenda:", "In a workshop agenda: Opening of the Dialogue", ["Opening"])
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/en/publications/?q=IDM+{number}",
            ("Series:", "Series: International Dialogue on Migration (IDM {number}, {year})", ["IDM", "{number}"]),
        ),
        (
            "/fr/publications/?q=dialogue+{year}",
            (
                "Série\xa0:",
                "Série\xa0: Dialogue international sur la migration (IDM {number}, {year})",
                ["Dialogue", "{year}"],
            ),
        ),
    ],
)
def test_a_result_found_by_its_series_and_number_or_year_shows_them(client, report, url, expected):
    values = {"number": report.number, "year": report.year}
    label, text, marked = expected

    assert passages(client, url.format(**values)) == [
        (label, text.format(**values), [word.format(**values) for word in marked])
    ]


def test_a_result_found_by_its_reference_number_shows_it(client, report):
    report.reference_number = "PUB2019/046/L"
    report.save()

    assert passages(client, "/es/publications/?q=PUB2019/046/L") == [
        ("Número de referencia:", "Número de referencia: PUB2019/046/L", ["PUB2019", "046", "L"])
    ]


def test_a_workshop_found_by_its_place_and_year_shows_them(client):
    create_idm28()

    shown = workshop_passages_shown(client, "/fr/publications/?q=palais+nations+2018")

    assert shown[:1] == [
        (
            "Lieu et date\xa0:",
            "Lieu et date\xa0: Salle de conférence XVIII, Palais des Nations, Genève, Suisse (2018)",
            ["Palais", "Nations", "2018"],
        )
    ]


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("en", "978-92-9068-780-1", ("ISBN", "ISBN 978-92-9068-780-1 (French, PDF)", ["978-92-9068-780-1"])),
        ("fr", "9789290687740", ("ISBN", "ISBN 978-92-9068-774-0 (anglais, PDF)", ["978-92-9068-774-0"])),
        ("es", "978 92 9068 780 1", ("ISBN", "ISBN 978-92-9068-780-1 (francés, PDF)", ["978-92-9068-780-1"])),
    ],
)
def test_a_result_found_by_isbn_shows_the_isbn_with_its_edition(client, language, query, expected):
    create_idm28()

    assert passages(client, f"/{language}/publications/?q={query}") == [expected]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # French: "le" and "des" are stop words, typed and never marked.
        (
            "/fr/publications/?q=le+rapport+des+ateliers",
            (
                "Dans la table des matières\xa0:",
                "Dans la table des matières\xa0: Rapport des ateliers",
                ["Rapport", "ateliers"],
            ),
        ),
        (
            "/fr/publications/?q=vitorino",
            ("Intervenant ou intervenante\xa0:", "Intervenant ou intervenante\xa0: António Vitorino", ["Vitorino"]),
        ),
        ("/es/publications/?q=la+gobernanza", ("Tema:", "Tema: Gobernanza de la migración", ["Gobernanza"])),
        ("/es/publications/?q=vitorino", ("Orador u oradora:", "Orador u oradora: António Vitorino", ["Vitorino"])),
        (
            "/en/publications/?q=the+acronyms",
            ("In the table of contents:", "In the table of contents: Abbreviations and acronyms", ["acronyms"]),
        ),
    ],
)
def test_passages_are_labelled_in_the_page_language_and_never_mark_stop_words(client, url, expected):
    create_idm28()

    assert passages(client, url) == [expected]


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("fr", "migration", ("Dans le résumé\xa0:", "Dans le résumé\xa0: Migration et santé.", ["Migration"])),
        ("en", "migration", ("In the summary:", "In the summary: Migration and health.", ["Migration"])),
        # Each summary holds one of the words (the Spanish stem of "migration" is not "migracion"'s).
        ("es", "migration+salud", ("En el resumen:", "En el resumen: Migración y salud.", ["salud"])),
    ],
)
def test_the_page_language_s_text_is_preferred(client, report, language, query, expected):
    report.summary_en, report.summary_fr, report.summary_es = (
        "Migration and health.",
        "Migration et santé.",
        ("Migración y salud."),
    )
    report.save()

    assert passages(client, f"/{language}/publications/?q={query}") == [expected]


def test_a_passage_in_another_language_carries_its_language_and_says_so(client, report):
    report.summary_en = "Migration corridors in Asia."
    report.summary_fr = report.summary_es = ""
    report.save()

    response = client.get("/es/publications/?q=corridors")
    snippet = lxml.html.fromstring(response.content).xpath("//p[@class='card__snippet']")[0]

    assert snippet.xpath("span[@lang]/@lang") == ["en"]
    assert passages(client, "/es/publications/?q=corridors") == [
        ("En el resumen:", "En el resumen: Migration corridors in Asia. (en inglés)", ["corridors"])
    ]


def test_a_result_found_inside_its_pdf_names_the_page_and_its_language(client, settings, tmp_path, report):
    settings.MEDIA_ROOT = tmp_path
    EditionFactory(
        publication=report,
        language="en",
        file=upload("x.pdf", text_pdf_bytes(["Contents", "Seafarers stranded in quarantine"])),
    )

    assert passages(client, "/fr/publications/?q=seafarers+quarantine") == [
        (
            "Page 2 du PDF (anglais)\xa0:",
            "Page 2 du PDF (anglais)\xa0: Seafarers stranded in quarantine (en anglais)",
            ["Seafarers", "quarantine"],
        )
    ]


def test_the_best_passage_holds_the_most_query_words(client, report):
    report.topics.set([TopicFactory(name_en="Labour mobility")])
    TocEntryFactory(publication=report, title_en="Labour mobility in the Gulf states")

    assert passages(client, "/en/publications/?q=labour+mobility+gulf") == [
        (
            "In the table of contents:",
            "In the table of contents: Labour mobility in the Gulf states",
            ["Labour", "mobility", "Gulf"],
        )
    ]


def test_without_a_query_no_passage_is_shown(client, report):
    assert passages(client, "/en/publications/") == []


@pytest.mark.parametrize("size", [1, 6])
def test_passages_of_a_whole_page_come_in_one_query(django_assert_num_queries, size):
    for index in range(size):
        publication = PublicationFactory(summary_en="Nothing to see")
        publication.topics.set([TopicFactory()])
        TocEntryFactory(publication=publication, title_en=f"Remittance corridors {index}")
        EditionFactory(publication=publication, language="fr", format=Edition.Format.PRINT)
        item = AgendaItemFactory(workshop=WorkshopFactory(publication=publication))
        AgendaParticipationFactory(agenda_item=item)
    page = list(type(publication).objects.for_listing())

    with django_assert_num_queries(1):
        found = publication_passages(page, "remittance", language="en", using="default")

    assert sorted((passage.field, str(passage.snippet)) for passage in found.values()) == [
        ("toc", f"<mark>Remittance</mark> corridors {index}") for index in range(size)
    ]


def workshop_passages_shown(client, url: str) -> list[tuple[str, str, list[str]]]:
    tree = lxml.html.fromstring(client.get(url).content)
    return [
        (
            "".join(snippet.xpath("span[@class='card__snippet-field']/text()")),
            re.sub(r"[ \t\n]+", " ", snippet.text_content().strip()),
            snippet.xpath(".//mark/text()"),
        )
        for snippet in tree.xpath("//section[@class='matching-workshops']//p[@class='card__snippet']")
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/en/publications/?q=eguiguren", ("Speaker:", "Speaker: Juan Eduardo Eguiguren", ["Eguiguren"])),
        (
            "/fr/publications/?q=contexte",
            ("Au programme d’un atelier\xa0:", "Au programme d’un atelier\xa0: Mise en contexte", ["contexte"]),
        ),
        (
            "/es/publications/?q=escala+mundial",
            (
                "En el título:",
                "En el título: Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración a "
                "escala mundial",
                ["escala", "mundial"],
            ),
        ),
    ],
)
def test_matching_workshops_show_why_they_matched(client, url, expected):
    create_idm28()

    shown = workshop_passages_shown(client, url)

    assert shown[:1] == [expected]


@pytest.mark.parametrize("size", [1, 5])
def test_workshop_passages_come_in_one_query(django_assert_num_queries, size):
    for index in range(size):
        item = AgendaItemFactory(workshop=WorkshopFactory(description_en="Nothing to see"), title_en="Panel")
        AgendaParticipationFactory(agenda_item=item, speaker=SpeakerFactory(name=f"Ngozi Adeyemi {index}"))
    workshops = list(Workshop.objects.all())

    with django_assert_num_queries(1):
        found = workshop_passages(workshops, "adeyemi", language="fr", using="default")

    assert sorted((passage.field, str(passage.snippet)) for passage in found.values()) == [
        ("speaker", f"Ngozi <mark>Adeyemi</mark> {index}") for index in range(size)
    ]
