import datetime

import pytest
from django.test import Client
from lxml import etree

from catalogue.interop.oai.protocol import DC_NS, OAI_DC_NS, OAI_NS
from catalogue.models import Edition, Publication, Status
from catalogue.tests.factories import (
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    SeriesIssnFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

NS = {"oai": OAI_NS, "oai_dc": OAI_DC_NS, "dc": DC_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
REPOSITORY = "oai:idm-catalogue.example:publication/"


def oai_id(record) -> str:
    """A record's OAI identifier: the repository's prefix and the publication's uuid (`record`: it or its slug)."""
    publication = Publication.objects.get(slug=record) if isinstance(record, str) else record
    return f"{REPOSITORY}{publication.uuid}"


UTC = datetime.UTC


def harvest(client, arguments, *, method="get"):
    response = getattr(client, method)("/oai", arguments)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return etree.fromstring(response.content)


def assert_valid(schema, root):
    assert schema.validate(root), "\n".join(str(error) for error in schema.error_log)


def error_codes(root):
    return [error.get("code") for error in root.findall("oai:error", NS)]


def identifiers(root):
    return [element.text for element in root.iterfind(".//oai:header/oai:identifier", NS)]


def dc_values(root, name):
    return [(element.get(XML_LANG), element.text) for element in root.iterfind(f".//dc:{name}", NS)]


def resumption_token(root):
    element = root.find(".//oai:resumptionToken", NS)
    return None if element is None else (element.text, element.get("completeListSize"), element.get("cursor"))


def set_datestamp(publication, changed_at, publish_date=datetime.datetime(2023, 1, 1, tzinfo=UTC)):
    # Any save would move content_changed_at, so it is set with an UPDATE.
    Publication.objects.filter(pk=publication.pk).update(content_changed_at=changed_at, publish_date=publish_date)


@pytest.fixture
def idm28():
    """IDM No. 28 with its English, French and Spanish editions."""
    SeriesIssnFactory(language="en", issn="1726-2224")
    SeriesIssnFactory(language="fr", issn="1726-4030")
    topic = TopicFactory(
        slug="migration-governance",
        name_en="Migration governance",
        name_fr="Gouvernance des migrations",
        name_es="Gobernanza de la migración",
    )
    publication = PublicationFactory(
        number=28,
        slug="idm-28",
        title_en="Inclusive and Innovative Partnerships for Effective Global Governance of Migration",
        title_fr="Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations",
        title_es="Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración a escala mundial",
        summary_en="Report of the 2018 workshops.",
        summary_fr="Compte rendu des ateliers de 2018.",
        summary_es="Informe de los talleres de 2018.",
        publisher_en="International Organization for Migration",
        publisher_fr="Organisation internationale pour les migrations",
        publisher_es="Organización Internacional para las Migraciones",
        topics=[topic],
    )
    EditionFactory(publication=publication, language="en", isbn="978-92-9068-774-0", pages=130, position=0)
    EditionFactory(publication=publication, language="fr", isbn="978-92-9068-780-1", pages=144, position=1)
    EditionFactory(publication=publication, language="es", position=2)
    EditionFactory(publication=publication, language="en", format=Edition.Format.PRINT, position=3)
    return publication


ALL_VERBS = [
    {"verb": "Identify"},
    {"verb": "ListMetadataFormats"},
    {"verb": "ListMetadataFormats", "identifier": REPOSITORY + "idm-28"},
    {"verb": "ListSets"},
    {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"},
    {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "topic:migration-governance"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2000-01-01", "until": "2100-01-01"},
    {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "idm-28"},
    {"verb": "ListIdentifiers", "metadataPrefix": "marc21"},
    {"verb": "ListRecords", "metadataPrefix": "marc21"},
    {"verb": "GetRecord", "metadataPrefix": "marc21", "identifier": REPOSITORY + "idm-28"},
]


@pytest.mark.parametrize("arguments", ALL_VERBS, ids=lambda arguments: "-".join(arguments.values()))
def test_oai_verb_response_is_schema_valid(client, oai_schema, idm28, arguments):
    PublicationFactory(slug="markup", number=900, title_en='<&> "</dc:title>" \x0b', summary_en="]]><script>")

    assert_valid(oai_schema, harvest(client, arguments))


@pytest.mark.parametrize("arguments", ALL_VERBS, ids=lambda arguments: "-".join(arguments.values()))
def test_oai_verb_answers_and_echoes_its_request(client, idm28, arguments):
    root = harvest(client, arguments)

    assert error_codes(root) == []
    request = root.find("oai:request", NS)
    assert request.text == "http://testserver/oai"
    assert dict(request.attrib) == arguments
    assert root[2].tag == f"{{{OAI_NS}}}{arguments['verb']}"


@pytest.mark.parametrize("arguments", ALL_VERBS, ids=lambda arguments: "-".join(arguments.values()))
def test_oai_post_answers_as_get_even_with_csrf_checks(idm28, arguments):
    client = Client(enforce_csrf_checks=True)
    got, posted = harvest(client, arguments), harvest(client, arguments, method="post")

    for root in (got, posted):
        root.remove(root.find("oai:responseDate", NS))
    assert etree.tostring(posted) == etree.tostring(got)


def test_oai_identify_declares_the_repository(client, idm28):
    set_datestamp(idm28, datetime.datetime(2024, 1, 10, 12, 0, 0, 250000, tzinfo=UTC))
    later = PublicationFactory()
    set_datestamp(later, datetime.datetime(2025, 1, 1, tzinfo=UTC))

    identify = harvest(client, {"verb": "Identify"}).find("oai:Identify", NS)

    assert [(child.tag.split("}")[1], child.text) for child in identify] == [
        ("repositoryName", "IDM publications catalogue"),
        ("baseURL", "http://testserver/oai"),
        ("protocolVersion", "2.0"),
        ("adminEmail", "oai@idm-catalogue.example"),
        ("earliestDatestamp", "2024-01-10T12:00:00Z"),
        ("deletedRecord", "transient"),
        ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
    ]


def test_oai_identify_uses_configured_repository_settings(client, settings, idm28):
    settings.OAI_REPOSITORY_IDENTIFIER = "catalogue.test"
    settings.OAI_REPOSITORY_NAME = "Test repository"
    settings.OAI_ADMIN_EMAILS = ["a@catalogue.test", "b@catalogue.test"]

    identify_root = harvest(client, {"verb": "Identify"})
    listed = harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})

    assert identify_root.findtext(".//oai:repositoryName", namespaces=NS) == "Test repository"
    assert [e.text for e in identify_root.iterfind(".//oai:adminEmail", NS)] == ["a@catalogue.test", "b@catalogue.test"]
    assert identifiers(listed) == [f"oai:catalogue.test:publication/{idm28.uuid}"]


def test_oai_get_record_describes_the_publication_in_dublin_core(client, idm28):
    set_datestamp(idm28, datetime.datetime(2024, 3, 5, 9, 15, 30, tzinfo=UTC))

    root = harvest(client, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "idm-28"})

    header = root.find(".//oai:header", NS)
    assert [child.text for child in header] == [
        oai_id(idm28),
        "2024-03-05T09:15:30Z",
        "series:idm",
        "topic:migration-governance",
    ]
    dc = root.find(".//oai_dc:dc", NS)
    assert [(element.tag.split("}")[1], element.get(XML_LANG), element.text) for element in dc] == [
        ("title", "en", "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"),
        (
            "title",
            "fr",
            "Des partenariats novateurs et ouverts à tous pour une bonne gouvernance mondiale des migrations",
        ),
        (
            "title",
            "es",
            "Asociaciones inclusivas e innovadoras para una gobernanza eficaz de la migración a escala mundial",
        ),
        # The publisher is the body responsible for it (no corporate author stated): its creator.
        ("creator", "en", "International Organization for Migration"),
        ("creator", "fr", "Organisation internationale pour les migrations"),
        ("creator", "es", "Organización Internacional para las Migraciones"),
        ("subject", "en", "Migration governance"),
        ("subject", "fr", "Gouvernance des migrations"),
        ("subject", "es", "Gobernanza de la migración"),
        ("description", "en", "Report of the 2018 workshops."),
        ("description", "fr", "Compte rendu des ateliers de 2018."),
        ("description", "es", "Informe de los talleres de 2018."),
        ("publisher", "en", "International Organization for Migration"),
        ("publisher", "fr", "Organisation internationale pour les migrations"),
        ("publisher", "es", "Organización Internacional para las Migraciones"),
        ("date", None, "2018"),
        ("type", None, "Text"),
        ("format", None, "application/pdf"),
        ("identifier", None, "urn:isbn:9789290687740"),
        ("identifier", None, "urn:isbn:9789290687801"),
        ("identifier", None, "http://testserver/en/publications/idm-28/"),
        ("identifier", None, "http://testserver/fr/publications/idm-28/"),
        ("identifier", None, "http://testserver/es/publications/idm-28/"),
        ("language", None, "en"),
        ("language", None, "fr"),
        ("language", None, "es"),
        # The series it is part of, by its label and its ISSNs (which identify the series, not the book).
        ("relation", "en", "International Dialogue on Migration No. 28"),
        ("relation", "fr", "Dialogue international sur la migration n° 28"),
        ("relation", "es", "Diálogo Internacional sobre la Migración n.º 28"),
        ("relation", None, "urn:issn:1726-2224"),
        ("relation", None, "urn:issn:1726-4030"),
    ]


def test_oai_titles_carry_xml_lang_for_each_translation_only(client):
    PublicationFactory(slug="en-fr", title_en="Borders", title_fr="Frontières", title_es="")
    PublicationFactory(
        slug="subtitled",
        title_en="Youth",
        subtitle_en="Key partners",
        title_fr="Jeunes",
        subtitle_fr="Partenaires",
        title_es="Jóvenes",
    )

    root = harvest(client, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})

    records = dict(zip(identifiers(root), root.iterfind(".//oai:record", NS), strict=True))
    assert dc_values(records[oai_id("en-fr")], "title") == [("en", "Borders"), ("fr", "Frontières")]
    assert dc_values(records[oai_id("subtitled")], "title") == [
        ("en", "Youth: Key partners"),
        ("fr", "Jeunes : Partenaires"),
        ("es", "Jóvenes"),
    ]


def test_oai_markup_in_content_stays_well_formed(client):
    title = 'Migration <&> "borders" </dc:title>]]> &amp;\x0b\x1f\ufffe end'
    PublicationFactory(slug="markup", title_en=title, summary_en="<script>alert(1)</script>")

    root = harvest(client, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "markup"})

    assert dc_values(root, "title")[0] == ("en", 'Migration <&> "borders" </dc:title>]]> &amp; end')
    assert dc_values(root, "description") == [("en", "<script>alert(1)</script>")]


def test_oai_drafts_and_future_publications_never_appear(client):
    public = PublicationFactory(slug="public")
    draft_series = SeriesFactory(slug="drafts-only", name_en="Drafts only")
    draft_topic = TopicFactory(slug="draft-topic")
    PublicationFactory(slug="draft", status=Publication.Status.DRAFT, series=draft_series, topics=[draft_topic])
    PublicationFactory(slug="future", publish_date=datetime.datetime(2999, 1, 1, tzinfo=UTC), topics=[draft_topic])

    listed = harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    records = harvest(client, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    sets = harvest(client, {"verb": "ListSets"})

    assert identifiers(listed) == [oai_id(public)]
    assert identifiers(records) == [oai_id(public)]
    assert [spec.text for spec in sets.iterfind(".//oai:setSpec", NS)] == ["series", "series:idm", "topic"]
    for slug in ("draft", "future"):
        for arguments in (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + slug},
            {"verb": "ListMetadataFormats", "identifier": REPOSITORY + slug},
        ):
            assert error_codes(harvest(client, arguments)) == ["idDoesNotExist"]
    assert error_codes(
        harvest(client, {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "series:drafts-only"})
    ) == ["noRecordsMatch"]


def test_oai_publication_made_draft_after_harvest_disappears(client, idm28):
    Publication.objects.filter(pk=idm28.pk).update(status=Publication.Status.DRAFT)

    root = harvest(client, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "idm-28"})

    assert error_codes(root) == ["idDoesNotExist"]


ERRORS = [
    ({}, "badVerb", {}),
    ({"verb": "Frobnicate"}, "badVerb", {}),
    ({"verb": ["Identify", "Identify"]}, "badVerb", {}),
    ({"verb": "Identify", "metadataPrefix": "oai_dc"}, "badArgument", {}),
    ({"verb": "ListRecords"}, "badArgument", {}),
    ({"verb": "ListRecords", "metadataPrefix": ""}, "badArgument", {}),
    ({"verb": "ListRecords", "metadataPrefix": ["oai_dc", "oai_dc"]}, "badArgument", {}),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2024-13-01"}, "badArgument", {}),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2024-02-30"}, "badArgument", {}),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "2024-01-01T10:00:00"}, "badArgument", {}),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "until": "yesterday"}, "badArgument", {}),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-02-01", "until": "2024-01-01"},
        "badArgument",
        {},
    ),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2024-01-01", "until": "2024-02-01T00:00:00Z"},
        "badArgument",
        {},
    ),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "abc"}, "badArgument", {}),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "not a set"}, "badArgument", {}),
    ({"verb": "ListRecords", "metadataPrefix": "oai dc"}, "badArgument", {}),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument", {}),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "no scheme"}, "badArgument", {}),
    (
        {"verb": "ListRecords", "metadataPrefix": "mods"},
        "cannotDisseminateFormat",
        {"verb": "ListRecords", "metadataPrefix": "mods"},
    ),
    (
        {"verb": "GetRecord", "metadataPrefix": "mods", "identifier": REPOSITORY + "idm-28"},
        "cannotDisseminateFormat",
        {"verb": "GetRecord", "metadataPrefix": "mods", "identifier": REPOSITORY + "idm-28"},
    ),
    (
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "idm-99"},
        "idDoesNotExist",
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "idm-99"},
    ),
    (
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.example:publication/idm-28"},
        "idDoesNotExist",
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.example:publication/idm-28"},
    ),
    (
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "<&>"},
        "idDoesNotExist",
        {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "<&>"},
    ),
    (
        {"verb": "ListMetadataFormats", "identifier": REPOSITORY + "idm-99"},
        "idDoesNotExist",
        {"verb": "ListMetadataFormats", "identifier": REPOSITORY + "idm-99"},
    ),
    (
        {"verb": "ListRecords", "resumptionToken": "not-a-token"},
        "badResumptionToken",
        {"verb": "ListRecords", "resumptionToken": "not-a-token"},
    ),
    (
        {"verb": "ListSets", "resumptionToken": "not-a-token"},
        "badResumptionToken",
        {"verb": "ListSets", "resumptionToken": "not-a-token"},
    ),
    (
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2100-01-01"},
        "noRecordsMatch",
        {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2100-01-01"},
    ),
    (
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "topic:no-such-topic"},
        "noRecordsMatch",
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "topic:no-such-topic"},
    ),
    (
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "shelf:idm"},
        "noRecordsMatch",
        {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "shelf:idm"},
    ),
]


@pytest.mark.parametrize(("arguments", "code", "echoed"), ERRORS, ids=lambda value: str(value))
def test_oai_error_response_is_schema_valid(client, oai_schema, idm28, arguments, code, echoed):
    assert_valid(oai_schema, harvest(client, arguments))


@pytest.mark.parametrize(("arguments", "code", "echoed"), ERRORS, ids=lambda value: str(value))
def test_oai_error_has_its_code_and_echoes_only_a_sound_request(client, idm28, arguments, code, echoed):
    root = harvest(client, arguments)

    assert error_codes(root) == [code]
    assert dict(root.find("oai:request", NS).attrib) == echoed


@pytest.mark.parametrize("verb", ["ListSets", "ListIdentifiers", "ListRecords"])
def test_oai_every_page_of_a_list_is_schema_valid(client, settings, oai_schema, idm28, verb):
    settings.OAI_PAGE_SIZE = 1
    PublicationFactory(slug="second", topics=[TopicFactory()])
    arguments = {"verb": verb} if verb == "ListSets" else {"verb": verb, "metadataPrefix": "oai_dc"}

    pages = [harvest(client, arguments)]
    while (token := resumption_token(pages[-1])[0]) is not None:
        pages.append(harvest(client, {"verb": verb, "resumptionToken": token}))

    assert len(pages) == (5 if verb == "ListSets" else 2)
    for page in pages:
        assert_valid(oai_schema, page)


@pytest.mark.parametrize("verb", ["ListIdentifiers", "ListRecords"])
def test_oai_resumption_over_three_pages_returns_every_record_once(client, settings, verb):
    settings.OAI_PAGE_SIZE = 2
    publications = PublicationFactory.create_batch(6)
    PublicationFactory(status=Publication.Status.DRAFT)

    pages = [harvest(client, {"verb": verb, "metadataPrefix": "oai_dc"})]
    while (token := resumption_token(pages[-1])[0]) is not None:
        pages.append(harvest(client, {"verb": verb, "resumptionToken": token}))

    assert [identifiers(page) for page in pages] == [
        [oai_id(publication) for publication in publications[start : start + 2]] for start in (0, 2, 4)
    ]
    assert [resumption_token(page)[1:] for page in pages] == [("6", "0"), ("6", "2"), ("6", "4")]
    assert pages[0].find("oai:request", NS).attrib == {"verb": verb, "metadataPrefix": "oai_dc"}


def test_oai_resumption_keeps_set_and_dates_and_sees_new_records_once(client, settings):
    settings.OAI_PAGE_SIZE = 2
    topic = TopicFactory(slug="labour")
    tagged = PublicationFactory.create_batch(3, topics=[topic])
    PublicationFactory()  # outside the set

    first = harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "topic:labour"})
    added = PublicationFactory(topics=[topic])  # published while harvesting
    second = harvest(client, {"verb": "ListIdentifiers", "resumptionToken": resumption_token(first)[0]})

    assert identifiers(first) + identifiers(second) == [oai_id(p) for p in [*tagged, added]]
    # completeListSize is the list's size when the harvest began (counted once, for its first page).
    assert resumption_token(second) == (None, "3", "2")


def test_oai_resumption_token_is_bound_to_its_verb_and_tamper_proof(client, settings):
    settings.OAI_PAGE_SIZE = 1
    PublicationFactory.create_batch(2)
    token = resumption_token(harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}))[0]

    other_verb = harvest(client, {"verb": "ListRecords", "resumptionToken": token})
    tampered = harvest(client, {"verb": "ListIdentifiers", "resumptionToken": token[:-2] + "xx"})

    assert error_codes(other_verb) == ["badResumptionToken"]
    assert error_codes(tampered) == ["badResumptionToken"]


def test_oai_list_sets_names_series_and_topics_and_pages(client, settings, idm28):
    settings.OAI_PAGE_SIZE = 3
    TopicFactory(slug="unused")

    first = harvest(client, {"verb": "ListSets"}, method="get")
    second = harvest(client, {"verb": "ListSets", "resumptionToken": resumption_token(first)[0]})

    sets = [*first.iterfind(".//oai:set", NS), *second.iterfind(".//oai:set", NS)]
    assert [(s.findtext("oai:setSpec", namespaces=NS), s.findtext("oai:setName", namespaces=NS)) for s in sets] == [
        ("series", "Series"),
        ("series:idm", "International Dialogue on Migration"),
        ("topic", "Topics"),
        ("topic:migration-governance", "Migration governance"),
    ]
    assert dc_values(sets[1], "title") == [
        ("en", "International Dialogue on Migration"),
        ("fr", "Dialogue international sur la migration"),
        ("es", "Diálogo Internacional sobre la Migración"),
    ]
    assert resumption_token(first)[1:] == ("4", "0")
    assert resumption_token(second) == (None, "4", "3")


def test_oai_list_sets_reads_the_same_in_any_interface_language(client, idm28):
    english = harvest(client, {"verb": "ListSets"})
    french = etree.fromstring(client.get("/oai", {"verb": "ListSets"}, HTTP_ACCEPT_LANGUAGE="fr").content)

    assert [e.text for e in french.iterfind(".//oai:setName", NS)] == [
        e.text for e in english.iterfind(".//oai:setName", NS)
    ]


def test_oai_sets_select_records(client):
    other = SeriesFactory(slug="other", name_en="Other series")
    labour = TopicFactory(slug="labour")
    first = PublicationFactory(slug="first", topics=[labour])
    second = PublicationFactory(slug="second")
    third = PublicationFactory(slug="third", series=other, topics=[labour])

    def listed(set_spec):
        return identifiers(harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": set_spec}))

    assert listed("series:idm") == [oai_id(p) for p in (first, second)]
    assert listed("series:other") == [oai_id(third)]
    assert listed("series") == [oai_id(p) for p in (first, second, third)]
    assert listed("topic:labour") == [oai_id(p) for p in (first, third)]
    assert listed("topic") == [oai_id(p) for p in (first, third)]


@pytest.fixture
def dated():
    """Three publications last changed at known times (the middle one within a second)."""
    january, february, march = PublicationFactory.create_batch(3)
    set_datestamp(january, datetime.datetime(2024, 1, 10, 12, 0, tzinfo=UTC))
    set_datestamp(february, datetime.datetime(2024, 2, 10, 8, 30, 15, 500000, tzinfo=UTC))
    set_datestamp(march, datetime.datetime(2024, 3, 10, 23, 59, 59, tzinfo=UTC))
    return january, february, march


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ({}, [0, 1, 2]),
        ({"from": "2024-02-01"}, [1, 2]),
        ({"from": "2024-03-10"}, [2]),
        ({"until": "2024-02-10"}, [0, 1]),
        ({"until": "2024-02-09"}, [0]),
        ({"from": "2024-02-10", "until": "2024-02-10"}, [1]),
        ({"from": "2024-02-10T08:30:15Z", "until": "2024-02-10T08:30:15Z"}, [1]),
        ({"from": "2024-02-10T08:30:16Z"}, [2]),
        ({"until": "2024-02-10T08:30:14Z"}, [0]),
        ({"until": "2024-03-10T23:59:59Z"}, [0, 1, 2]),
        ({"until": "9999-12-31"}, [0, 1, 2]),
    ],
)
def test_oai_from_until_select_by_datestamp(client, dated, bounds, expected):
    root = harvest(client, {"verb": "ListRecords", "metadataPrefix": "oai_dc", **bounds})

    assert identifiers(root) == [oai_id(dated[index]) for index in expected]


def test_oai_datestamps_are_utc_seconds(client, dated):
    root = harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})

    assert [e.text for e in root.iterfind(".//oai:datestamp", NS)] == [
        "2024-01-10T12:00:00Z",
        "2024-02-10T08:30:15Z",
        "2024-03-10T23:59:59Z",
    ]


def test_oai_datestamp_is_the_publish_date_when_it_came_after_the_last_change(client):
    publication = PublicationFactory()
    set_datestamp(
        publication,
        datetime.datetime(2024, 1, 1, tzinfo=UTC),
        publish_date=datetime.datetime(2024, 6, 1, 7, 0, tzinfo=UTC),
    )

    root = harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "from": "2024-05-01"})

    assert [e.text for e in root.iterfind(".//oai:datestamp", NS)] == ["2024-06-01T07:00:00Z"]


def _catalogue_of(size):
    topic = TopicFactory()
    for publication in PublicationFactory.create_batch(size, topics=[topic]):
        EditionFactory(publication=publication, language="en", isbn="")
        EditionFactory(publication=publication, language="fr", isbn="")


@pytest.mark.parametrize("size", [1, 6])
def test_oai_list_records_query_count(client, django_assert_num_queries, size):
    SeriesIssnFactory()
    _catalogue_of(size)

    # publications, then editions, topics and series ISSNs prefetched
    with django_assert_num_queries(4 + 1):  # + 1: the HTTP validators (idm/caching.py)
        root = harvest(client, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    assert len(identifiers(root)) == size


@pytest.mark.parametrize("size", [3, 8])
def test_oai_list_records_page_query_count(client, settings, django_assert_num_queries, size):
    settings.OAI_PAGE_SIZE = 2
    _catalogue_of(size)

    # the page's rows, their topics, ISSNs and editions; the first page that needs a token also counts the whole
    # list (the content version, then the count, kept for that version); the following pages carry that size
    with django_assert_num_queries(6 + 1):  # + 1: the HTTP validators
        root = harvest(client, {"verb": "ListRecords", "metadataPrefix": "oai_dc"})
    assert resumption_token(root)[1:] == (str(size), "0")
    with django_assert_num_queries(4 + 1):  # + 1: the HTTP validators
        root = harvest(client, {"verb": "ListRecords", "resumptionToken": resumption_token(root)[0]})
    assert resumption_token(root)[1:] == (str(size), "2")


def test_oai_list_size_is_counted_once_per_content_version(client, settings, django_assert_num_queries):
    settings.OAI_PAGE_SIZE = 2
    _catalogue_of(5)
    first = resumption_token(harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}))
    drafts = Publication.objects.filter(pk__in=Publication.objects.order_by("pk").values("pk")[:2])
    drafts.update(status=Status.DRAFT)  # behind the models' back: the content version stays

    with django_assert_num_queries(3 + 1):  # the page's rows, their topics, the content version; the validators
        again = resumption_token(harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}))
    PublicationFactory(title_en="A new record")  # a public change: the content version moves
    grown = resumption_token(harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}))

    assert (first[1], again[1], grown[1]) == ("5", "5", "4")  # kept for its version; counted again for the next


@pytest.mark.parametrize("size", [1, 6])
def test_oai_list_identifiers_query_count(client, django_assert_num_queries, size):
    _catalogue_of(size)

    with django_assert_num_queries(2 + 1):  # + 1: the HTTP validators
        root = harvest(client, {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert len(identifiers(root)) == size


def test_oai_get_record_and_list_sets_query_counts(client, django_assert_num_queries, idm28):
    with django_assert_num_queries(4 + 1):  # + 1: the HTTP validators
        harvest(client, {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": REPOSITORY + "idm-28"})
    with django_assert_num_queries(2 + 1):  # + 1: the HTTP validators
        harvest(client, {"verb": "ListSets"})
    with django_assert_num_queries(1 + 1):  # + 1: the HTTP validators
        harvest(client, {"verb": "Identify"})
