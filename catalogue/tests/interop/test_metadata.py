"""schema.org JSON-LD, citation_*, Dublin Core and OpenGraph on publication and workshop pages."""

import json

import lxml.html
import pytest
from django.test import RequestFactory
from django.utils import timezone

from catalogue.interop.citation_record import citation_record
from catalogue.interop.meta_tags import publication_metadata
from catalogue.public.views import PublicationDetailView
from catalogue.tests.factories import IDM28_TITLE_EN as TITLE_EN
from catalogue.tests.factories import IDM28_TITLE_FR as TITLE_FR
from catalogue.tests.factories import (
    IOM,
    EditionFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

PAGE = "http://testserver/{}/publications/idm-28/"


def parse(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200
    return lxml.html.document_fromstring(response.content)


def json_ld(tree) -> dict:
    (script,) = tree.xpath('//script[@type="application/ld+json"]')
    return json.loads(script.text)


def meta(tree, prefix: str) -> list[tuple[str, str, str | None]]:
    return [
        (element.get("name"), element.get("content"), element.get("lang"))
        for element in tree.xpath("//head/meta[@name]")
        if element.get("name").startswith(prefix)
    ]


def online_date(publication) -> str:
    """The day the publication went online (the factories publish it a day ago), as citation_online_date."""
    return timezone.localdate(publication.publish_date).strftime("%Y/%m/%d")


def open_graph(tree) -> list[tuple[str, str]]:
    return [(element.get("property"), element.get("content")) for element in tree.xpath("//head/meta[@property]")]


def test_publication_json_ld_describes_idm28_book_series_and_editions_in_french(client, idm28_by_iom):
    data = json_ld(parse(client.get("/fr/publications/idm-28/")))

    page = PAGE.format("fr")
    assert data == {
        "@context": "https://schema.org",
        "@type": "Book",
        "@id": f"{page}#work",
        "url": page,
        "name": TITLE_FR,
        "inLanguage": "fr",
        "datePublished": "2018",
        "position": 28,
        "isPartOf": {
            "@type": "BookSeries",
            "name": "Dialogue international sur la migration",
            "issn": ["1726-2224", "1726-4030"],
        },
        "description": "Compte rendu du Dialogue de 2018 sur les partenariats pour la gouvernance des migrations.",
        "author": {"@type": "Organization", "name": IOM["fr"]},
        "publisher": {"@type": "Organization", "name": IOM["fr"]},
        "keywords": ["Gouvernance des migrations"],
        "workExample": [
            {
                "@type": "Book",
                "@id": f"{page}#edition-en-pdf",
                "name": TITLE_EN,
                "inLanguage": "en",
                "bookFormat": "https://schema.org/EBook",
                "isbn": "9789290687740",
                "numberOfPages": 130,
                "datePublished": "2018-11-16",
                "url": "https://publications.example.org/idm-28-en.pdf",
                "encodingFormat": "application/pdf",
                "workTranslation": [{"@id": f"{page}#edition-fr-pdf"}, {"@id": f"{page}#edition-es-pdf"}],
            },
            {
                "@type": "Book",
                "@id": f"{page}#edition-fr-pdf",
                "name": TITLE_FR,
                "inLanguage": "fr",
                "bookFormat": "https://schema.org/EBook",
                "isbn": "9789290687801",
                "numberOfPages": 144,
                "url": "https://publications.example.org/idm-28-fr.pdf",
                "encodingFormat": "application/pdf",
                "translationOfWork": {"@id": f"{page}#edition-en-pdf"},
            },
            # No Spanish title: the Spanish edition is not named by the English one.
            {
                "@type": "Book",
                "@id": f"{page}#edition-es-pdf",
                "inLanguage": "es",
                "bookFormat": "https://schema.org/EBook",
                "translationOfWork": {"@id": f"{page}#edition-en-pdf"},
            },
        ],
    }


@pytest.mark.parametrize(
    ("language", "name", "in_language", "series"),
    [
        ("en", TITLE_EN, "en", "International Dialogue on Migration"),
        ("fr", TITLE_FR, "fr", "Dialogue international sur la migration"),
        # No Spanish title: the English one, said to be English, and the Book all in English (its series too).
        ("es", TITLE_EN, "en", "International Dialogue on Migration"),
    ],
)
def test_publication_json_ld_name_and_series_follow_page_language(
    client, idm28_by_iom, language, name, in_language, series
):
    data = json_ld(parse(client.get(f"/{language}/publications/idm-28/")))

    assert (data["name"], data["inLanguage"], data["isPartOf"]["name"], data["url"]) == (
        name,
        in_language,
        series,
        PAGE.format(language),
    )


def test_publication_print_edition_is_paperback_with_offer(client, idm28_by_iom):
    EditionFactory(
        publication=idm28_by_iom,
        language="en",
        format="print",
        isbn="9789290687757",
        price="20.00",
        currency="USD",
        availability="available",
    )

    data = json_ld(parse(client.get("/en/publications/idm-28/")))

    examples = {example["@id"]: example for example in data["workExample"]}
    assert examples[f"{PAGE.format('en')}#edition-en-print"] == {
        "@type": "Book",
        "@id": f"{PAGE.format('en')}#edition-en-print",
        "name": TITLE_EN,
        "inLanguage": "en",
        "bookFormat": "https://schema.org/Paperback",
        "isbn": "9789290687757",
        "offers": {
            "@type": "Offer",
            "price": "20.00",
            "priceCurrency": "USD",
            "availability": "https://schema.org/InStock",
        },
        "workTranslation": [
            {"@id": f"{PAGE.format('en')}#edition-fr-pdf"},
            {"@id": f"{PAGE.format('en')}#edition-es-pdf"},
        ],
    }


def test_json_ld_script_content_cannot_close_the_script_element(client):
    title = "</script><script>alert(1)</script> & <!-- \u2028"
    PublicationFactory(slug="hostile", title_en=title)

    response = client.get("/en/publications/hostile/")
    tree = parse(response)

    assert b"</script><script>alert(1)" not in response.content
    assert [script.get("type") for script in tree.xpath("//script[not(@src)]")] == ["application/ld+json"]
    assert json_ld(tree)["name"] == title


def test_citation_meta_tags_for_idm28_in_french(client, idm28_by_iom):
    tree = parse(client.get("/fr/publications/idm-28/"))

    assert meta(tree, "citation_") == [
        ("citation_title", TITLE_FR, "fr"),
        ("citation_author", IOM["fr"], "fr"),
        ("citation_isbn", "9789290687801", None),
        ("citation_isbn", "9789290687740", None),
        ("citation_issn", "1726-4030", None),
        ("citation_series_title", "Dialogue international sur la migration", "fr"),
        ("citation_publication_date", "2018", None),
        ("citation_online_date", online_date(idm28_by_iom), None),
        ("citation_language", "fr", None),
        ("citation_publisher", IOM["fr"], "fr"),
        ("citation_pdf_url", "https://publications.example.org/idm-28-fr.pdf", None),
        ("citation_abstract_html_url", PAGE.format("fr"), None),
    ]


def test_citation_meta_tags_for_idm28_in_english_carry_the_year_and_the_online_date(client, idm28_by_iom):
    tree = parse(client.get("/en/publications/idm-28/"))

    tags = {}
    for name, content, _lang in meta(tree, "citation_"):
        tags.setdefault(name, content)  # the first of each: the cited edition's ISBN comes first
    assert (tags["citation_isbn"], tags["citation_issn"], tags["citation_publication_date"]) == (
        "9789290687740",
        "1726-2224",
        "2018",
    )
    assert tags["citation_online_date"] == online_date(idm28_by_iom)
    assert tags["citation_pdf_url"] == "https://publications.example.org/idm-28-en.pdf"


def test_citation_meta_without_pdf_url_leaves_the_tag_out(client):
    publication = PublicationFactory(slug="no-pdf", title_en="No PDF")
    EditionFactory(publication=publication, language="en", format="print")

    tree = parse(client.get("/en/publications/no-pdf/"))

    assert [name for name, _content, _lang in meta(tree, "citation_pdf_url")] == []


def test_dublin_core_meta_for_idm28_in_french(client, idm28_by_iom):
    tree = parse(client.get("/fr/publications/idm-28/"))

    assert meta(tree, "DC.") == [
        ("DC.title", TITLE_FR, "fr"),
        ("DC.title.alternative", TITLE_EN, "en"),
        ("DC.identifier", PAGE.format("fr"), None),
        ("DC.identifier", "urn:isbn:9789290687740", None),
        ("DC.identifier", "urn:isbn:9789290687801", None),
        ("DC.relation.ispartof", "urn:issn:1726-4030", None),
        ("DC.language", "en", None),
        ("DC.language", "fr", None),
        ("DC.language", "es", None),
        ("DC.date", "2018", None),
        ("DC.publisher", IOM["fr"], "fr"),
        ("DC.creator", IOM["fr"], "fr"),
        ("DC.type", "Text", None),
    ]
    assert tree.xpath('//head/link[@rel="schema.DC"]/@href') == ["http://purl.org/dc/elements/1.1/"]


def test_open_graph_for_idm28_in_spanish(client, idm28_by_iom):
    tree = parse(client.get("/es/publications/idm-28/"))

    # No Spanish title or summary: both fall back to English, and the page cites the English edition.
    assert open_graph(tree) == [
        ("og:title", TITLE_EN),
        ("og:type", "book"),
        ("og:url", PAGE.format("es")),
        ("og:locale", "es_ES"),
        ("og:locale:alternate", "en_US"),
        ("og:locale:alternate", "fr_FR"),
        ("og:site_name", "Catálogo de publicaciones IDM"),
        ("og:description", "A record of the 2018 Dialogue on partnerships for migration governance."),
        ("book:isbn", "9789290687740"),
        ("book:release_date", "2018"),
    ]


def test_open_graph_description_is_the_page_languages_summary_even_when_the_title_falls_back(client, idm28_by_iom):
    idm28_by_iom.summary_es = "Informe del Diálogo de 2018.\n\nSegundo párrafo."
    idm28_by_iom.save()

    tree = parse(client.get("/es/publications/idm-28/"))

    assert dict(open_graph(tree))["og:description"] == "Informe del Diálogo de 2018."
    assert dict(open_graph(tree))["og:title"] == TITLE_EN


def test_edition_json_ld_is_named_in_the_editions_language(client, idm28_by_iom):
    idm28_by_iom.title_es = "Asociaciones inclusivas e innovadoras"
    idm28_by_iom.save()
    EditionFactory(publication=idm28_by_iom, language="ar", format="pdf", position=4)

    data = json_ld(parse(client.get("/es/publications/idm-28/")))

    assert [(example.get("name"), example["inLanguage"]) for example in data["workExample"]] == [
        (TITLE_EN, "en"),
        (TITLE_FR, "fr"),
        ("Asociaciones inclusivas e innovadoras", "es"),
        # No Arabic title: no name rather than another language's title said to be Arabic.
        (None, "ar"),
    ]


def test_open_graph_image_when_there_is_a_cover(rf, idm28_by_iom):
    idm28_by_iom.cover_image = "covers/idm-28.png"
    idm28_by_iom.cover_alt_en = "Cover of IDM No. 28"
    request = rf.get("/en/publications/idm-28/")

    tags = publication_metadata(idm28_by_iom, request=request, language="en").open_graph_tags

    assert [(tag.name, tag.content) for tag in tags if tag.name.startswith("og:image")] == [
        ("og:image", "http://testserver/media/covers/idm-28.png"),
        ("og:image:alt", "Cover of IDM No. 28"),
    ]


def test_publication_metadata_runs_no_queries_on_the_detail_views_object(django_assert_num_queries, idm28_by_iom):
    publication = PublicationDetailView().get_queryset().get(slug="idm-28")
    request = RequestFactory().get("/fr/publications/idm-28/")

    with django_assert_num_queries(0):
        publication_metadata(publication, request=request, language="fr")
        citation_record(publication, request=request, language="fr")


def test_workshop_page_links_its_calendars(client, idm28_by_iom):
    tree = parse(client.get("/fr/workshops/idm-2018-geneva/"))

    assert tree.xpath('//head/link[@type="text/calendar"]/@href') == ["/fr/workshops/idm-2018-geneva/calendar.ics"]
    assert [(a.get("href"), a.text_content()) for a in tree.xpath('//a[@type="text/calendar"]')] == [
        ("/fr/workshops/idm-2018-geneva/calendar.ics", tree.xpath('//a[@type="text/calendar"]')[0].text_content()),
        ("/fr/workshops/idm-2018-geneva/agenda/1.ics", "Séance d’ouverture"),
        ("/fr/workshops/idm-2018-geneva/agenda/2.ics", "Mise en contexte"),
    ]
