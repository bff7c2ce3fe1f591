"""Schema-driven fuzzing of the JSON API: schemathesis generates requests from /api/schema/ and calls the WSGI app.

Every operation gets a bounded, deterministic number of examples, valid and invalid (positive and negative
modes) — every check, including that invalid input is refused with a 4xx: no response may be a server error,
break the schema or accept what the schema says is invalid.
"""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from catalogue.models import AgendaParticipation, Edition, Publication
from catalogue.tests.factories import (
    AgendaItemFactory,
    AgendaParticipationFactory,
    EditionFactory,
    PublicationFactory,
    SeriesFactory,
    SeriesIssnFactory,
    TocEntryFactory,
    TopicFactory,
    WorkshopFactory,
)

KNOWN_SLUGS = {
    "/api/publications/{slug}/": ["idm-28", "idm-27", "idm-29-draft"],
    "/api/series/{slug}/": ["idm"],
    "/api/topics/{slug}/": ["partnerships", "migration"],
    "/api/workshops/{slug}/": ["idm-2018-geneva", "draft-workshop"],
}


def make_catalogue() -> None:
    """A small catalogue with every kind of object, nested translations, a draft and its workshop."""
    series = SeriesFactory()
    SeriesIssnFactory(series=series, language="en", issn="1726-2224")
    SeriesIssnFactory(series=series, language="fr", issn="1726-4030")
    migration = TopicFactory(slug="migration", name_en="Migration", name_fr="Migration", name_es="Migración")
    partnerships = TopicFactory(
        slug="partnerships", name_en="Partnerships", name_fr="Partenariats", name_es="", parent=migration
    )
    idm28 = PublicationFactory(
        series=series, number=28, year=2018, slug="idm-28", title_es="", summary_fr="Résumé", topics=[partnerships]
    )
    EditionFactory(publication=idm28, language="fr", isbn="978-92-9068-780-1", pages=144, url="https://example.org/x")
    EditionFactory(publication=idm28, language="en", format=Edition.Format.PRINT, price="30.00", currency="USD")
    chapter = TocEntryFactory(publication=idm28, position=1)
    TocEntryFactory(publication=idm28, position=2, parent=chapter, page=7)
    idm27 = PublicationFactory(series=series, number=27, year=2017, slug="idm-27", topics=[migration])
    EditionFactory(publication=idm27, language="fr", isbn="978-92-9068-750-4", pages=196)
    EditionFactory(publication=idm27, language="es", format=Edition.Format.EPUB)
    draft = PublicationFactory(
        series=series, number=29, slug="idm-29-draft", status=Publication.Status.DRAFT, publish_date=None
    )
    workshop = WorkshopFactory(slug="idm-2018-geneva", publication=idm28, participants_count=600, panelists_count=83)
    item = AgendaItemFactory(workshop=workshop, position=1, title_fr="Ouverture")
    AgendaParticipationFactory(agenda_item=item, role=AgendaParticipation.Role.CHAIR)
    AgendaItemFactory(workshop=workshop, position=2, date=datetime.date(2018, 10, 9), start_time=None, end_time=None)
    WorkshopFactory(slug="draft-workshop", publication=draft)


def flatmap_path_parameters(context, path_parameters):
    """Besides generated slugs, try the slugs of real objects (and of drafts, which must stay hidden)."""
    known = KNOWN_SLUGS.get(context.operation.path)
    if not known or "slug" not in path_parameters:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, *({**path_parameters, "slug": slug} for slug in known)])


# Loaded at collection from the running app's own /api/schema/ (generating it reads no data).
# (schemathesis.pytest.from_fixture would load it per test, but it does not work with pytest 9's node ids.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.hook(flatmap_path_parameters)


@pytest.fixture
def catalogue(db):
    make_catalogue()
    # Requests go straight to the WSGI app, not through Django's test client: keep the app from closing the
    # test's database connection (and its transaction) at each request, as the test client does.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_fuzz_finds_no_server_error_and_no_response_outside_the_schema(case, catalogue):
    case.call_and_validate()
