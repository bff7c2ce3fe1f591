"""OAI-PMH identity and datestamps: identifiers are built on the configured domain and the publication's uuid, so a
slug change keeps them; the datestamp moves when any part of the record changes, and a selective harvest (from=)
returns the record."""

import datetime

import pytest
from lxml import etree

from catalogue.interop.oai.protocol import OAI_NS
from catalogue.models import Publication
from catalogue.tests.factories import EditionFactory, PublicationFactory, TocEntryFactory

pytestmark = pytest.mark.django_db

NS = {"oai": OAI_NS}
LONG_AGO = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


def harvest(client, **arguments):
    response = client.get("/oai", arguments)
    assert response.status_code == 200
    return etree.fromstring(response.content)


def headers(root) -> list[tuple[str, str]]:
    return [
        (header.findtext("oai:identifier", namespaces=NS), header.findtext("oai:datestamp", namespaces=NS))
        for header in root.iterfind(".//oai:header", NS)
    ]


def test_identifier_is_the_configured_domain_and_the_uuid_and_survives_a_slug_change(client, settings):
    settings.SITE_DOMAIN = "catalogue.example.org"
    publication = PublicationFactory(slug="before")
    identifier = f"oai:catalogue.example.org:publication/{publication.uuid}"
    assert [i for i, _d in headers(harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc"))] == [identifier]

    publication.slug = "after"
    publication.save()

    listed = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    record = harvest(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier)
    assert [i for i, _d in headers(listed)] == [identifier]
    assert [i for i, _d in headers(record)] == [identifier]


def test_an_identifier_naming_the_slug_still_resolves_to_the_record_by_its_current_slug(client):
    publication = PublicationFactory(slug="idm-28")

    record = harvest(
        client, verb="GetRecord", metadataPrefix="oai_dc", identifier="oai:idm-catalogue.example:publication/idm-28"
    )

    assert [i for i, _d in headers(record)] == [f"oai:idm-catalogue.example:publication/{publication.uuid}"]


@pytest.mark.parametrize("change", ["edit edition", "add contents entry", "edit contents entry"])
def test_editing_a_part_of_the_record_moves_its_datestamp_and_a_harvest_from_then_returns_it(client, change):
    publication, other = PublicationFactory(), PublicationFactory()
    edition = EditionFactory(publication=publication, language="fr", pages=100)
    entry = TocEntryFactory(publication=publication, title_en="Opening")
    Publication.objects.update(content_changed_at=LONG_AGO, publish_date=LONG_AGO)
    assert headers(harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2002-01-01"})) == []

    before = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)
    match change:
        case "edit edition":
            edition.pages = 120
            edition.save()
        case "add contents entry":
            TocEntryFactory(publication=publication, title_en="Closing")
        case "edit contents entry":
            entry.title_en = "Opening remarks"
            entry.save()

    since = before.strftime("%Y-%m-%dT%H:%M:%SZ")
    harvested = headers(harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": since}))
    ((identifier, datestamp),) = harvested
    assert identifier == f"oai:idm-catalogue.example:publication/{publication.uuid}"
    assert datestamp >= since
    assert headers(harvest(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=identifier))[0][1] == datestamp
    untouched = f"oai:idm-catalogue.example:publication/{other.uuid}"
    assert headers(harvest(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=untouched)) == [
        (untouched, "2001-01-01T00:00:00Z")
    ]
