"""Citation downloads (BibTeX, RIS, CSL-JSON) read back by independent parsers, and the formatted reference."""

import datetime
import json

import bibtexparser
import lxml.html
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from django.utils import timezone

from catalogue.models import Publication
from catalogue.tests.factories import IDM28_TITLE_EN as TITLE_EN
from catalogue.tests.factories import IDM28_TITLE_FR as TITLE_FR
from catalogue.tests.factories import IOM, EditionFactory, PublicationFactory, create_idm28

pytestmark = pytest.mark.django_db


def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return [
        (entry.entry_type, entry.key, {name: field.value for name, field in entry.fields_dict.items()})
        for entry in library.entries
    ]


def csl_bibliography(items: list[dict]) -> list[str]:
    """Format CSL-JSON with citeproc-py (which warns, so fails here, on any field CSL does not define)."""
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=True)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


def test_bibtex_for_idm28_in_french(client, idm28_by_iom):
    response = client.get("/fr/publications/idm-28/cite.bib")

    assert parse_bibtex(response.content.decode()) == [
        (
            "book",
            "idm-28",
            {
                "author": "Organisation internationale pour les migrations",
                "title": TITLE_FR,
                "series": "Dialogue international sur la migration",
                "number": "28",
                "publisher": "Organisation internationale pour les migrations",
                "year": "2018",
                "isbn": "978-92-9068-780-1",
                "issn": "1726-4030",
                "pagetotal": "144",
                "language": "fr",
                "url": "http://testserver/fr/publications/idm-28/",
            },
        )
    ]


def test_bibtex_corporate_author_is_one_name_in_braces(client, idm28_by_iom):
    text = client.get("/en/publications/idm-28/cite.bib").content.decode()

    assert "  author = {{International Organization for Migration}},\n" in text


def test_bibtex_escapes_tex_special_characters(client):
    title = r"Migrants & cities: 100% {braces} ~ a_b #1 $2 back\slash"
    PublicationFactory(slug="special", title_en=title, year=2020)

    (entry,) = parse_bibtex(client.get("/en/publications/special/cite.bib").content.decode())

    assert entry[2]["title"] == title


def test_bibtex_writes_a_caret_as_the_latex_command(client):
    PublicationFactory(slug="caret", title_en="x^2")

    text = client.get("/en/publications/caret/cite.bib").content.decode()

    # (pylatexenc decodes this command to U+02C6, so the raw text is what is checked.)
    assert "  title = {x\\textasciicircum{}2},\n" in text


def test_bibtex_for_the_english_edition_from_the_french_page(client, idm28_by_iom):
    response = client.get("/fr/publications/idm-28/editions/en-pdf/cite.bib")

    assert parse_bibtex(response.content.decode()) == [
        (
            "book",
            "idm-28-en-pdf",
            {
                "author": "International Organization for Migration",
                "title": TITLE_EN,
                "series": "International Dialogue on Migration",
                "number": "28",
                "publisher": "International Organization for Migration",
                "year": "2018",
                "isbn": "978-92-9068-774-0",
                "issn": "1726-2224",
                "pagetotal": "130",
                "language": "en",
                "url": "http://testserver/en/publications/idm-28/",
            },
        )
    ]


def test_bibtex_and_ris_for_the_spanish_edition_use_spanish_fields_where_they_exist(client, idm28_by_iom):
    idm28_by_iom.summary_es = "Informe del Diálogo de 2018."
    idm28_by_iom.save()

    bib = client.get("/es/publications/idm-28/editions/es-pdf/cite.bib").content.decode()
    ris = client.get("/es/publications/idm-28/editions/es-pdf/cite.ris").content.decode()

    # No Spanish title: the English one; series, author, publisher and abstract are Spanish.
    assert parse_bibtex(bib) == [
        (
            "book",
            "idm-28-es-pdf",
            {
                "author": IOM["es"],
                "title": TITLE_EN,
                "series": "Diálogo Internacional sobre la Migración",
                "number": "28",
                "publisher": IOM["es"],
                "year": "2018",
                "language": "es",
                "url": "http://testserver/es/publications/idm-28/",
            },
        )
    ]
    assert "  author = {{Organización Internacional para las Migraciones}},\n" in bib
    assert rispy.loads(ris) == [
        {
            "type_of_reference": "BOOK",
            "authors": [IOM["es"]],
            "title": TITLE_EN,
            "secondary_title": "Diálogo Internacional sobre la Migración",
            "number": "28",
            "publisher": IOM["es"],
            "year": "2018",
            "language": "es",
            "abstract": "Informe del Diálogo de 2018.",
            "urls": ["http://testserver/es/publications/idm-28/"],
        }
    ]


def test_ris_for_the_french_edition(client, idm28_by_iom):
    response = client.get("/en/publications/idm-28/editions/fr-pdf/cite.ris")
    text = response.content.decode()

    assert text.startswith("TY  - BOOK\r\n")
    assert text.endswith("ER  - \r\n")
    assert rispy.loads(text) == [
        {
            "type_of_reference": "BOOK",
            "authors": ["Organisation internationale pour les migrations"],
            "title": TITLE_FR,
            "secondary_title": "Dialogue international sur la migration",
            "number": "28",
            "publisher": "Organisation internationale pour les migrations",
            "year": "2018",
            "issn": "978-92-9068-780-1",
            "start_page": "144",
            "language": "fr",
            "abstract": "Compte rendu du Dialogue de 2018 sur les partenariats pour la gouvernance des migrations.",
            "urls": ["http://testserver/fr/publications/idm-28/"],
            "file_attachments1": "https://publications.example.org/idm-28-fr.pdf",
        }
    ]


def test_ris_keeps_multi_line_summaries_on_one_line(client):
    PublicationFactory(slug="lines", title_en="Lines", summary_en="First paragraph.\n\nSecond paragraph.")

    (record,) = rispy.loads(client.get("/en/publications/lines/cite.ris").content.decode())

    assert record["abstract"] == "First paragraph. Second paragraph."


def test_csl_json_for_idm28_in_english(client, idm28_by_iom):
    response = client.get("/en/publications/idm-28/cite.json")
    items = json.loads(response.content)

    assert items == [
        {
            "id": "idm-28",
            "type": "book",
            "title": TITLE_EN,
            "collection-title": "International Dialogue on Migration",
            "collection-number": 28,
            "issued": {"date-parts": [[2018]]},
            "language": "en",
            "URL": "http://testserver/en/publications/idm-28/",
            "author": [{"literal": "International Organization for Migration"}],
            "publisher": "International Organization for Migration",
            "ISBN": "978-92-9068-774-0",
            "ISSN": "1726-2224",
            "number-of-pages": 130,
            "abstract": "A record of the 2018 Dialogue on partnerships for migration governance.",
        }
    ]
    assert csl_bibliography(items) == [
        "International Organization for Migration (2018) Inclusive and Innovative Partnerships for Effective "
        "Global Governance of Migration. International Organization for Migration (International Dialogue on "
        "Migration, 28). Available at: http://testserver/en/publications/idm-28/."
    ]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_csl_json_of_every_edition_formats_with_citeproc(client, idm28_by_iom, language):
    items = [
        json.loads(client.get(f"/{language}/publications/idm-28/editions/{code}-pdf/cite.json").content)[0]
        for code in ("en", "fr", "es")
    ]

    assert [item["language"] for item in items] == ["en", "fr", "es"]
    assert len(csl_bibliography(items)) == 3


@pytest.mark.parametrize(
    ("url", "content_type", "filename"),
    [
        ("/en/publications/idm-28/cite.bib", "application/x-bibtex; charset=utf-8", "idm-28.bib"),
        ("/fr/publications/idm-28/cite.ris", "application/x-research-info-systems; charset=utf-8", "idm-28.ris"),
        ("/es/publications/idm-28/cite.json", "application/vnd.citationstyles.csl+json; charset=utf-8", "idm-28.json"),
        (
            "/en/publications/idm-28/editions/fr-pdf/cite.ris",
            "application/x-research-info-systems; charset=utf-8",
            "idm-28-fr-pdf.ris",
        ),
    ],
)
def test_citation_download_headers(client, idm28_by_iom, url, content_type, filename):
    response = client.get(url)

    assert (response.status_code, response["Content-Type"], response["Content-Disposition"]) == (
        200,
        content_type,
        f'attachment; filename="{filename}"',
    )


@pytest.mark.parametrize(
    "url",
    [
        "/en/publications/idm-28/editions/ar-pdf/cite.bib",
        "/en/publications/idm-28/editions/en-print/cite.bib",
        "/en/publications/idm-28/cite.txt",
        "/en/publications/missing/cite.bib",
    ],
)
def test_citation_download_of_unknown_things_is_404(client, idm28_by_iom, url):
    assert client.get(url).status_code == 404


def test_citation_downloads_never_show_drafts_or_future_publications(client):
    draft = PublicationFactory(slug="draft", status=Publication.Status.DRAFT, publish_date=None)
    EditionFactory(publication=draft, language="en")
    PublicationFactory(slug="future", publish_date=timezone.now() + datetime.timedelta(days=1))

    statuses = [
        client.get(url).status_code
        for url in (
            "/en/publications/draft/cite.bib",
            "/en/publications/draft/editions/en-pdf/cite.ris",
            "/en/publications/future/cite.json",
        )
    ]

    assert statuses == [404, 404, 404]


def citation_on_page(client, url: str) -> tuple[str, list[tuple[str, str | None, str]]]:
    """The citation's text, and (element, lang, text) of each of its elements but the link."""
    tree = lxml.html.document_fromstring(client.get(url).content)
    (paragraph,) = tree.xpath('//p[@class="citation"]')
    elements = [
        (element.tag, element.get("lang"), element.text_content()) for element in paragraph if element.tag != "a"
    ]
    return paragraph.text_content(), elements


def test_formatted_citation_on_the_page_in_english_and_french(client, idm28_by_iom):
    assert citation_on_page(client, "/en/publications/idm-28/") == (
        f"International Organization for Migration (2018). {TITLE_EN} "
        "(International Dialogue on Migration, No. 28). http://testserver/en/publications/idm-28/",
        [("cite", None, TITLE_EN)],
    )
    assert citation_on_page(client, "/fr/publications/idm-28/") == (
        f"Organisation internationale pour les migrations (2018). {TITLE_FR} "
        "(Dialogue international sur la migration, n° 28). http://testserver/fr/publications/idm-28/",
        [("cite", None, TITLE_FR)],
    )


def test_formatted_citation_in_spanish_falls_back_field_by_field_and_says_so(client, idm28_by_iom):
    # Only the title is missing in Spanish: it alone is English, and marked so.
    assert citation_on_page(client, "/es/publications/idm-28/") == (
        f"Organización Internacional para las Migraciones (2018). {TITLE_EN} "
        "(Diálogo Internacional sobre la Migración, n.º 28). http://testserver/es/publications/idm-28/",
        [("cite", "en", TITLE_EN)],
    )


def test_formatted_citation_marks_each_fallback_field_with_its_language(client, idm28_by_iom):
    idm28_by_iom.series.name_es = ""
    idm28_by_iom.series.save()
    idm28_by_iom.corporate_author_es = ""
    idm28_by_iom.publisher_es = ""
    idm28_by_iom.publisher_fr = "OIM"
    idm28_by_iom.save()

    assert citation_on_page(client, "/es/publications/idm-28/") == (
        f"International Organization for Migration (2018). {TITLE_EN} "
        "(International Dialogue on Migration, n.º 28). http://testserver/es/publications/idm-28/",
        [
            ("span", "en", "International Organization for Migration"),
            ("cite", "en", TITLE_EN),
            ("span", "en", "International Dialogue on Migration"),
        ],
    )


def test_formatted_citation_in_spanish_with_a_spanish_title(client, idm28_by_iom):
    idm28_by_iom.title_es = "Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración"
    idm28_by_iom.publisher_es = "OIM"
    idm28_by_iom.save()

    assert citation_on_page(client, "/es/publications/idm-28/") == (
        "Organización Internacional para las Migraciones (2018). Asociaciones inclusivas e innovadoras para una "
        "gobernanza eficaz de la migración (Diálogo Internacional sobre la Migración, n.º 28). OIM. "
        "http://testserver/es/publications/idm-28/",
        [("cite", None, "Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración")],
    )


def test_formatted_citation_without_a_corporate_author_names_the_publisher_once(client):
    series = create_idm28().series
    PublicationFactory(
        series=series,
        number=29,
        slug="idm-29",
        year=2019,
        title_en="Youth and Migration",
        title_es="Jóvenes y migración",
        publisher_en="International Organization for Migration (IOM)",
        publisher_es="Organización Internacional para las Migraciones (OIM)",
    )

    assert citation_on_page(client, "/es/publications/idm-29/")[0] == (
        # The publisher is the body responsible: the author, not repeated as the publisher.
        "Organización Internacional para las Migraciones (OIM) (2019). Jóvenes y migración "
        "(Diálogo Internacional sobre la Migración, n.º 29). http://testserver/es/publications/idm-29/"
    )
    (entry,) = parse_bibtex(client.get("/en/publications/idm-29/cite.bib").content.decode())
    assert entry[2]["author"] == "International Organization for Migration (IOM)"
    assert entry[2]["publisher"] == "International Organization for Migration (IOM)"
    assert "  author = {{International Organization for Migration (IOM)}},\n" in (
        client.get("/en/publications/idm-29/cite.bib").content.decode()
    )
    # The publisher as stated (in its one language) is the author in French too.
    (record,) = rispy.loads(client.get("/fr/publications/idm-29/cite.ris").content.decode())
    assert (record["authors"], record["language"]) == (["International Organization for Migration (IOM)"], "fr")
    # Neither corporate author nor publisher: the catalogue's organisation, in the citation's language.
    PublicationFactory(series=series, number=30, slug="idm-30", title_fr="Crise")
    (record,) = rispy.loads(client.get("/fr/publications/idm-30/cite.ris").content.decode())
    assert record["authors"] == ["Organisation internationale pour les migrations"]


def test_formatted_citation_escapes_its_fields(client):
    PublicationFactory(slug="markup", title_en="<b>Bold</b> & co", corporate_author_en="A <i>body</i>")

    text, elements = citation_on_page(client, "/en/publications/markup/")

    assert text.startswith("A <i>body</i> (2018). <b>Bold</b> & co (International Dialogue on Migration, No. ")
    assert elements == [("cite", None, "<b>Bold</b> & co")]


def test_publication_page_links_every_citation_download(client, idm28_by_iom):
    tree = lxml.html.document_fromstring(client.get("/fr/publications/idm-28/").content)

    links = [(a.get("href"), a.get("download")) for a in tree.xpath('//section[@class="exports"]//a[@download]')]
    assert links == [
        ("/fr/publications/idm-28/cite.bib", "idm-28.bib"),
        ("/fr/publications/idm-28/cite.ris", "idm-28.ris"),
        ("/fr/publications/idm-28/cite.json", "idm-28.json"),
        ("/fr/publications/idm-28/cite.marcxml", "idm-28.marcxml"),
    ] + [
        (f"/fr/publications/idm-28/editions/{code}-pdf/cite.{extension}", f"idm-28-{code}-pdf.{extension}")
        for code in ("en", "fr", "es")
        for extension in ("bib", "ris", "json")
    ]
