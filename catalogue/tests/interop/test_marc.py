"""MARC 21 records: the cite.marcxml download and the OAI-PMH marc21 format, validated against MARC21slim.xsd
and OAI-PMH.xsd and read back with pymarc."""

import datetime
import io
import os
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings
from django.utils import timezone
from lxml import etree
from pymarc.marcxml import parse_xml_to_array

from catalogue.dataio.demo import load_demo
from catalogue.i18n import bibliographic_language_code, number_label, translated, translations
from catalogue.interop.marc import nonfiling_characters
from catalogue.interop.oai.protocol import OAI_NS
from catalogue.interop.record import join_title
from catalogue.models import Publication, Status
from catalogue.tests.factories import (
    IDM28_TITLE_EN,
    IDM28_TITLE_FR,
    EditionFactory,
    PublicationFactory,
    create_idm28,
)
from catalogue.tests.interop.test_one_record import catalogue, full_title, isbns, languages  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

NS = {"oai": OAI_NS}
REPOSITORY = "oai:idm-catalogue.example:publication/"
MARC_FILE_TYPE = "application/marcxml+xml; charset=utf-8"


@pytest.fixture(scope="session")
def marc_schema():
    """MARC21slim.xsd, read from ../shared/schemas."""
    path = Path(settings.BASE_DIR).parent / "shared" / "schemas" / "MARC21slim.xsd"
    if not path.is_file():
        message = f"MARCXML schema tests need {path}, which is absent"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{message}; CI must provide it.")
        pytest.skip(message)
    return etree.XMLSchema(etree.parse(str(path), etree.XMLParser(no_network=True)))


def assert_valid(schema, root):
    assert schema.validate(root), "\n".join(str(error) for error in schema.error_log)


def harvest(client, arguments):
    response = client.get("/oai", arguments)
    assert response.status_code == 200
    return response.content


def harvest_all(client, oai_schema, verb: str) -> list[bytes]:
    """Every page of a marc21 list, following the resumption tokens, each checked against the schemas."""
    pages = [harvest(client, {"verb": verb, "metadataPrefix": "marc21"})]
    while True:
        root = etree.fromstring(pages[-1])
        assert_valid(oai_schema, root)
        assert root.find("oai:error", NS) is None
        token = root.findtext(".//oai:resumptionToken", namespaces=NS)
        if not token:
            return pages
        pages.append(harvest(client, {"verb": verb, "resumptionToken": token}))


def read_marc(content: bytes):
    """The MARC records in a MARCXML file or an OAI-PMH response, read by pymarc (MARC elements only)."""
    return parse_xml_to_array(io.BytesIO(content), strict=True)


def fields(record, tag: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(indicators, [(code, value), …]) of each `tag` field."""
    return [
        (field.indicator1 + field.indicator2, [(subfield.code, subfield.value) for subfield in field.subfields])
        for field in record.get_fields(tag)
    ]


@pytest.fixture
def idm28():
    publication = create_idm28()
    publication.place_en, publication.place_fr, publication.place_es = "Geneva", "Genève", "Ginebra"
    publication.corporate_author_en = "International Organization for Migration"
    publication.corporate_author_fr = "Organisation internationale pour les migrations"
    publication.save()
    return publication


def test_idm28_harvested_as_marc21_with_resumption_reads_back_with_pymarc(client, settings, oai_schema, idm28):
    settings.OAI_PAGE_SIZE = 1
    for number in (29, 30):
        EditionFactory(publication=PublicationFactory(number=number, slug=f"idm-{number}"), language="en")
    PublicationFactory(number=31, slug="draft", status=Status.DRAFT, publish_date=None)

    pages = harvest_all(client, oai_schema, "ListRecords")
    records = [record for page in pages for record in read_marc(page)]

    assert len(pages) == 3
    assert [record["001"].data for record in records] == [
        str(publication.uuid) for publication in Publication.objects.published().order_by("pk")
    ]
    (record,) = [record for record in records if record["001"].data == str(idm28.uuid)]
    assert str(record.leader) == "00000nam a2200000 c 4500"
    assert record["008"].data[6:18] == "s2018    xx "
    assert record["008"].data[23] == "o"  # online: every edition is a PDF
    assert record["008"].data[29] == "1"  # a conference publication: it reports on workshops
    assert record["008"].data[35:38] == "eng"
    assert fields(record, "020") == [
        ("  ", [("a", "9789290687740"), ("q", "PDF"), ("q", "English")]),
        ("  ", [("a", "9789290687801"), ("q", "PDF"), ("q", "French")]),
    ]
    assert fields(record, "022") == [("  ", [("a", "1726-2224")]), ("  ", [("a", "1726-4030")])]
    assert fields(record, "024") == [("7 ", [("a", str(idm28.uuid)), ("2", "uuid")])]
    assert fields(record, "041") == [("0 ", [("a", "eng"), ("a", "fre"), ("a", "spa")])]
    assert fields(record, "110") == [("2 ", [("a", "International Organization for Migration"), ("e", "author")])]
    assert fields(record, "245") == [("10", [("a", IDM28_TITLE_EN), ("c", "International Organization for Migration")])]
    assert fields(record, "246") == [("31", [("a", IDM28_TITLE_FR)])]
    assert fields(record, "264") == [
        (" 1", [("a", "Geneva"), ("b", "International Organization for Migration"), ("c", "2018")])
    ]
    assert fields(record, "300") == [
        ("  ", [("3", "English, PDF"), ("a", "130 pages")]),
        ("  ", [("3", "French, PDF"), ("a", "144 pages")]),
    ]
    series = [("a", "International Dialogue on Migration"), ("x", "1726-2224"), ("v", "No. 28")]
    assert fields(record, "490") == [("1 ", series)]
    assert fields(record, "830") == [(" 0", series)]
    assert fields(record, "505") == [
        (
            "0 ",
            [
                (
                    "a",
                    "Abbreviations and acronyms -- Report of the workshops -- Introduction -- "
                    "1. Partnerships are essential to global migration governance",
                )
            ],
        )
    ]
    assert fields(record, "520") == [
        ("  ", [("a", "A record of the 2018 Dialogue on partnerships for migration governance.")])
    ]
    assert fields(record, "650") == [(" 4", [("a", "Migration governance")])]
    assert fields(record, "711") == [
        (
            "2 ",
            [
                ("a", "Inclusive and innovative partnerships for effective global governance of migration"),
                ("d", "2018-03-26/2018-03-27"),
                ("c", "New York, United States of America"),
            ],
        ),
        (
            "2 ",
            [
                ("a", "Towards effective migration governance: partnerships for capacity development"),
                ("d", "2018-10-08/2018-10-09"),
                ("c", "Geneva, Switzerland"),
            ],
        ),
    ]
    assert fields(record, "856") == [
        (
            "40",
            [
                ("3", "English, PDF"),
                ("u", "https://publications.example.org/idm-28-en.pdf"),
                ("q", "application/pdf"),
            ],
        ),
        (
            "40",
            [("3", "French, PDF"), ("u", "https://publications.example.org/idm-28-fr.pdf"), ("q", "application/pdf")],
        ),
        ("42", [("3", "Catalogue page"), ("u", "http://testserver/en/publications/idm-28/")]),
    ]


def test_marc21_identifiers_and_get_record_name_the_same_records(client, settings, oai_schema, idm28):
    settings.OAI_PAGE_SIZE = 1
    idm29 = PublicationFactory(number=29, slug="idm-29")
    EditionFactory(publication=idm29, language="en")

    pages = harvest_all(client, oai_schema, "ListIdentifiers")
    listed = [element.text for page in pages for element in etree.fromstring(page).iterfind(".//oai:identifier", NS)]
    got = etree.fromstring(
        harvest(client, {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": f"{REPOSITORY}{idm28.uuid}"})
    )

    assert listed == [f"{REPOSITORY}{idm28.uuid}", f"{REPOSITORY}{idm29.uuid}"]
    assert_valid(oai_schema, got)
    (record,) = read_marc(etree.tostring(got))
    assert record["001"].data == str(idm28.uuid)


def test_list_metadata_formats_offers_marc21(client, oai_schema, idm28):
    for arguments in (
        {"verb": "ListMetadataFormats"},
        {"verb": "ListMetadataFormats", "identifier": REPOSITORY + "idm-28"},
    ):
        root = etree.fromstring(harvest(client, arguments))
        assert_valid(oai_schema, root)
        formats = [
            tuple(
                element.findtext(f"oai:{name}", namespaces=NS)
                for name in ("metadataPrefix", "schema", "metadataNamespace")
            )
            for element in root.iterfind(".//oai:metadataFormat", NS)
        ]
        assert formats == [
            (
                "oai_dc",
                "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
                "http://www.openarchives.org/OAI/2.0/oai_dc/",
            ),
            ("marc21", "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd", "http://www.loc.gov/MARC21/slim"),
        ]


def test_marc21_never_shows_drafts_or_future_publications_and_a_withdrawn_one_is_deleted(client, oai_schema):
    public = PublicationFactory(slug="public", number=1)
    PublicationFactory(slug="draft", number=2, status=Status.DRAFT, publish_date=None)
    PublicationFactory(slug="future", number=3, publish_date=timezone.now() + datetime.timedelta(days=1))
    withdrawn = PublicationFactory(slug="withdrawn", number=4, status=Status.WITHDRAWN)

    root = etree.fromstring(harvest(client, {"verb": "ListRecords", "metadataPrefix": "marc21"}))

    assert_valid(oai_schema, root)
    headers = [
        (header.findtext("oai:identifier", namespaces=NS), header.get("status"))
        for header in root.iterfind(".//oai:header", NS)
    ]
    assert headers == [(f"{REPOSITORY}{public.uuid}", None), (f"{REPOSITORY}{withdrawn.uuid}", "deleted")]
    assert [record["001"].data for record in read_marc(etree.tostring(root))] == [str(public.uuid)]
    for slug in ("draft", "future"):
        identifier = f"{REPOSITORY}{Publication.objects.get(slug=slug).uuid}"
        got = etree.fromstring(
            harvest(client, {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": identifier})
        )
        assert [error.get("code") for error in got.iterfind("oai:error", NS)] == ["idDoesNotExist"]
    statuses = [client.get(f"/en/publications/{slug}/cite.marcxml").status_code for slug in ("draft", "future")]
    assert statuses == [404, 404]
    assert client.get("/en/publications/withdrawn/cite.marcxml").status_code == 404


def test_every_demo_publication_record_is_valid_marcxml_in_every_language(client, marc_schema):
    assert load_demo().loaded
    publications = list(Publication.objects.published().order_by("pk"))
    assert publications

    for publication in publications:
        for language in ("en", "fr", "es"):
            response = client.get(f"/{language}/publications/{publication.slug}/cite.marcxml")
            assert response.status_code == 200
            assert_valid(marc_schema, etree.fromstring(response.content))
            (record,) = read_marc(response.content)
            assert record["001"].data == str(publication.uuid)
            assert record["040"]["b"] == bibliographic_language_code(language)
            assert len(record["008"].data) == 40


def test_marc_download_headers_and_link_on_the_page(client, idm28):
    response = client.get("/fr/publications/idm-28/cite.marcxml")
    page = lxml.html.fromstring(client.get("/fr/publications/idm-28/").content)

    assert (response.status_code, response["Content-Type"], response["Content-Disposition"]) == (
        200,
        MARC_FILE_TYPE,
        'attachment; filename="idm-28.marcxml"',
    )
    assert [
        (a.get("type"), a.get("download")) for a in page.xpath('//a[@href="/fr/publications/idm-28/cite.marcxml"]')
    ] == [("application/marcxml+xml", "idm-28.marcxml")]


def test_marc_download_is_catalogued_in_the_page_language(client, idm28):
    (record,) = read_marc(client.get("/fr/publications/idm-28/cite.marcxml").content)

    assert fields(record, "040") == [("  ", [("b", "fre"), ("e", "rda")])]
    assert fields(record, "245")[0][1][0] == ("a", IDM28_TITLE_EN)  # the title proper is the original's
    assert fields(record, "650") == [(" 4", [("a", "Gouvernance des migrations")])]
    assert fields(record, "300")[1] == ("  ", [("3", "Français, PDF"), ("a", "144 pages")])


@pytest.mark.parametrize(
    ("title", "language", "expected"),
    [
        ("The Future of Migration", "en", 4),
        ("Theory of change", "en", 0),
        ("Les partenariats", "fr", 4),
        ("L’État et les migrations", "fr", 2),
        ("El futuro", "es", 3),
        ("Migration", "en", 0),
    ],
)
def test_nonfiling_characters_skip_a_leading_article(title, language, expected):
    assert nonfiling_characters(title, language) == expected


@pytest.mark.parametrize("size", [1, 5])
def test_marc21_list_records_query_count(client, django_assert_num_queries, size):
    for number in range(1, size + 1):
        EditionFactory(publication=PublicationFactory(number=number, slug=f"p-{number}"), language="en")

    # publications with their series, then ISSNs, editions, topics, contents and workshops prefetched;
    # + 1: the HTTP validators (idm/caching.py)
    with django_assert_num_queries(6 + 1):
        content = harvest(client, {"verb": "ListRecords", "metadataPrefix": "marc21"})
    assert len(read_marc(content)) == size


def test_marc_record_of_a_sparse_print_publication_states_only_what_is_known(client, marc_schema):
    """No corporate author, place, contents, topics or workshops; a publisher of its own; the original (French)
    has no title of its own, so the title proper falls back to the English one."""
    publication = PublicationFactory(
        slug="sparse",
        number=7,
        year=2003,
        original_language="fr",
        title_en="The Bare Minimum",
        title_fr=None,
        title_es=None,
        subtitle_en="A test",
        publisher_en="Some Press",
    )
    EditionFactory(publication=publication, language="fr", format="print", isbn="9789290687801", pages=1)

    response = client.get("/en/publications/sparse/cite.marcxml")
    assert_valid(marc_schema, etree.fromstring(response.content))
    (record,) = read_marc(response.content)

    assert record["008"].data[6:18] == "s2003    xx "
    assert record["008"].data[23] == " "  # regular print
    assert record["008"].data[29] == "0"  # reports on no workshop
    assert record["008"].data[35:38] == "fre"
    assert record.get("007") is None
    datafields = [
        (field.tag, field.indicator1 + field.indicator2, [(sub.code, sub.value) for sub in field.subfields])
        for field in record.get_fields()
        if not field.control_field
    ]
    assert datafields == [
        ("020", "  ", [("a", "9789290687801"), ("q", "print"), ("q", "French")]),
        ("024", "7 ", [("a", str(publication.uuid)), ("2", "uuid")]),
        ("040", "  ", [("b", "eng"), ("e", "rda")]),
        ("041", "0 ", [("a", "fre")]),
        ("245", "04", [("a", "The Bare Minimum"), ("b", "A test")]),
        ("264", " 1", [("b", "Some Press"), ("c", "2003")]),
        ("300", "  ", [("3", "French, print"), ("a", "1 page")]),
        ("336", "  ", [("b", "txt"), ("2", "rdacontent")]),
        ("337", "  ", [("b", "n"), ("2", "rdamedia")]),
        ("338", "  ", [("b", "nc"), ("2", "rdacarrier")]),
        ("490", "1 ", [("a", "International Dialogue on Migration"), ("v", "No. 7")]),
        ("710", "2 ", [("a", "Some Press"), ("e", "publisher")]),
        ("830", " 0", [("a", "International Dialogue on Migration"), ("v", "No. 7")]),
        ("856", "42", [("3", "Catalogue page"), ("u", "http://testserver/en/publications/sparse/")]),
    ]


def test_marc_gives_the_titles_year_isbns_issns_series_languages_and_place_every_output_gives(
    client,
    catalogue,  # noqa: F811 (the fixture)
):
    """The cross-output consistency check (test_one_record.py) for MARC, over the demo data and the publications
    with gaps: the title proper and the other titles, the year, every ISBN, the ISSNs, series and number, the
    languages (ISO 639-2/B) and the place, as the models and every other output give them."""
    for publication in catalogue:
        (record,) = read_marc(client.get(f"/en/publications/{publication.slug}/cite.marcxml").content)
        title, title_language = full_title(publication, publication.original_language)
        series_name, series_language = translated(publication.series, "name", title_language)
        issns = {publication.issn_for(code) for code in languages(publication)} - {""}
        other_titles = {
            (other, getattr(publication, f"subtitle_{code}") or None)
            for code, other in translations(publication, "title").items()
            if code != title_language
        }

        assert join_title(record["245"]["a"], record["245"].get("b", ""), title_language) == title, publication.slug
        assert {(field["a"], field.get("b")) for field in record.get_fields("246")} == other_titles, publication.slug
        assert (record["264"]["c"], record["008"].data[7:11]) == (str(publication.year),) * 2
        assert record["264"].get("a") == (translated(publication, "place", title_language).value or None)
        assert {field["a"] for field in record.get_fields("020")} == isbns(publication)
        assert {field["a"] for field in record.get_fields("022")} == issns
        assert (record["490"]["a"], record["490"]["v"], record["490"].get("x")) == (
            series_name,
            number_label(publication.number, series_language),
            publication.issn_for(series_language) or None,
        ), publication.slug
        assert record["041"].get_subfields("a") == [
            bibliographic_language_code(code) for code in languages(publication)
        ]
