"""Schema-driven fuzzing of the JSON API: schemathesis generates requests from /api/schema/ and calls the WSGI app.

Every phase runs: per operation the examples, coverage and fuzzing phases (a bounded, deterministic number of
valid and invalid requests, positive and negative modes), then the stateful phase, which follows the schema's
OpenAPI links from list results to the detail operations of what they name (and from a detail to its series,
topics, workshops, report, parent topic). Every registered check runs on every response
(test_every_check_and_phase_is_enabled lists them): no server error, status codes, content types, headers and
bodies as the schema documents them, invalid input refused with a 4xx, valid input accepted, and so on.
"""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks

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
    if not known or not path_parameters or "slug" not in path_parameters:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, *({**path_parameters, "slug": slug} for slug in known)])


# Loaded at collection from the running app's own /api/schema/ (generating it reads no data).
# (schemathesis.pytest.from_fixture would load it per test, but it does not work with pytest 9's node ids.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
schema.hook(flatmap_path_parameters)
PHASES = ["examples", "coverage", "fuzzing", "stateful"]
load_all_checks()


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


def test_every_check_and_phase_is_enabled():
    checks = schema.config.checks_config_for(phase=None)
    assert [name for name in CHECKS.get_all_names() if checks.get_by_name(name=name).enabled] == [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "allow_header_conformance",
        "use_after_free",
        "ensure_resource_availability",
        "ignored_auth",
        "object_level_authorization",
    ]
    phases = schema.config.phases_for(operation=None)
    assert [name for name in PHASES if phases.get_by_name(name=name).enabled] == PHASES


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_fuzz_finds_no_server_error_and_no_response_outside_the_schema(case, catalogue):
    case.call_and_validate()


APIWorkflow = schema.as_state_machine()


def test_api_stateful_links_lead_to_answers_within_the_schema(catalogue):
    """Sequences of calls: a list, then the details its results link to, and their links in turn."""
    APIWorkflow.run(
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
