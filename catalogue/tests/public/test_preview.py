"""Staff preview of publications and workshops that are not public, and 410 Gone for withdrawn ones
(catalogue/public/preview.py)."""

import datetime
import re

import lxml.html
import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from catalogue.editorial.roles import EDITOR, PUBLISHER, TRANSLATOR
from catalogue.models import Publication, Status, Workshop
from catalogue.tests.factories import (
    AgendaItemFactory,
    EditionFactory,
    PublicationFactory,
    WorkshopFactory,
    create_staff,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
SCHEDULED_DATE = datetime.datetime(2999, 3, 12, 9, 30, tzinfo=UTC)
PAST = datetime.datetime(2024, 5, 1, tzinfo=UTC)

STATES = {  # state: (status, publish date)
    "draft": (Status.DRAFT, None),
    "review": (Status.REVIEW, None),
    "scheduled": (Status.PUBLISHED, SCHEDULED_DATE),
    "withdrawn": (Status.WITHDRAWN, PAST),
}
BANNER_STATE = {
    "en": {
        "draft": "Draft",
        "review": "In review",
        "scheduled": "Scheduled for 12 March 2999, 09:30 UTC",
        "withdrawn": "Withdrawn",
    },
    "fr": {
        "draft": "Brouillon",
        "review": "En relecture",
        "scheduled": "Programmé pour le 12 mars 2999 à 09:30 UTC",
        "withdrawn": "Retiré",
    },
    "es": {
        "draft": "Borrador",
        "review": "En revisión",
        "scheduled": "Programado para el 12 de marzo de 2999, 09:30 UTC",
        "withdrawn": "Retirado",
    },
}
BANNER_TITLE = {"en": "Preview — not public", "fr": "Aperçu — non public", "es": "Vista previa — no pública"}
GONE = {
    ("publication", "en"): "This publication has been withdrawn from the catalogue.",
    ("publication", "fr"): "Cette publication a été retirée du catalogue.",
    ("publication", "es"): "Esta publicación ha sido retirada del catálogo.",
    ("workshop", "en"): "This workshop has been withdrawn from the catalogue.",
    ("workshop", "fr"): "Cet atelier a été retiré du catalogue.",
    ("workshop", "es"): "Este taller ha sido retirado del catálogo.",
}
NOT_FOUND = ["draft", "review", "scheduled"]


def make(kind: str, state: str, slug: str = "record"):
    status, publish_date = STATES[state]
    if kind == "publication":
        publication = PublicationFactory(slug=slug, title_en="Migration governance", status=status)
        Publication.objects.filter(pk=publication.pk).update(publish_date=publish_date)
        EditionFactory(publication=publication, language="en")
        return publication
    workshop = WorkshopFactory(slug=slug, title_en="Workshop on cities", status=status)
    Workshop.objects.filter(pk=workshop.pk).update(publish_date=publish_date)
    AgendaItemFactory(workshop=workshop)
    return workshop


def page_url(kind: str, language: str, slug: str = "record") -> str:
    return f"/{language}/{kind}s/{slug}/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client():
    return client_for(create_staff("editor", EDITOR))


def banner(response) -> list[str]:
    tree = lxml.html.fromstring(response.content)
    return [" ".join(section.text_content().split()) for section in tree.xpath("//section[@class='preview-banner']")]


def robots(response) -> list[str]:
    return lxml.html.fromstring(response.content).xpath("//meta[@name='robots']/@content")


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_preview_shows_staff_the_record_with_banner_noindex_and_no_store(editor_client, kind, state, language):
    make(kind, state)

    response = editor_client.get(page_url(kind, language))

    assert response.status_code == 200
    [text] = banner(response)
    assert text.startswith(f"{BANNER_TITLE[language]} {BANNER_STATE[language][state]}.")
    assert robots(response) == ["noindex"]
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]
    assert [name for name in ("ETag", "Last-Modified", "Expires") if response.has_header(name)] == []


@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_preview_banner_links_to_the_records_admin_page(editor_client, kind):
    record = make(kind, "draft")

    tree = lxml.html.fromstring(editor_client.get(page_url(kind, "en")).content)

    assert tree.xpath("//section[@class='preview-banner']//a/@href") == [f"/admin/catalogue/{kind}/{record.pk}/change/"]


@pytest.mark.parametrize("role", [EDITOR, PUBLISHER, TRANSLATOR])
def test_preview_follows_the_view_permission_of_every_role(role):
    make("publication", "draft")

    response = client_for(create_staff("staff", role)).get(page_url("publication", "en"))

    assert (response.status_code, banner(response)[0].split(".")[0]) == (200, "Preview — not public Draft")


def test_preview_for_a_superuser():
    make("workshop", "review")

    response = client_for(create_staff("root", superuser=True)).get(page_url("workshop", "fr"))

    assert response.status_code == 200
    assert banner(response)[0].startswith("Aperçu — non public En relecture.")


@pytest.mark.parametrize("state", NOT_FOUND)
@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_non_public_record_is_not_found_for_anonymous_visitors(client, kind, state):
    make(kind, state)

    for language in ("en", "fr", "es"):
        response = client.get(page_url(kind, language))
        assert response.status_code == 404
        assert "Cookie" in response["Vary"]  # a shared cache keeps a visitor's 404 apart from a staff preview
        assert "preview-banner" not in response.content.decode()


@pytest.mark.parametrize("state", NOT_FOUND)
@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_non_public_record_is_not_found_for_staff_without_the_view_permission(kind, state):
    make(kind, state)
    staff = create_staff("no-role")  # is_staff, but no permission at all

    assert client_for(staff).get(page_url(kind, "en")).status_code == 404


def test_view_permission_on_one_model_does_not_preview_the_other():
    make("publication", "draft", slug="draft-publication")
    make("workshop", "draft", slug="draft-workshop")
    staff = create_staff("publications-only")
    staff.user_permissions.add(
        *ContentType.objects.get_for_model(Publication).permission_set.filter(codename="view_publication")
    )
    client = client_for(staff)

    assert client.get(page_url("publication", "en", "draft-publication")).status_code == 200
    assert client.get(page_url("workshop", "en", "draft-workshop")).status_code == 404


@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_public_record_has_no_banner_no_noindex_and_no_private_cache_control(editor_client, client, kind):
    PublicationFactory(slug="public-report")
    record = make(kind, "draft")
    type(record).objects.filter(pk=record.pk).update(status=Status.PUBLISHED, publish_date=PAST)

    for response in (client.get(page_url(kind, "en")), editor_client.get(page_url(kind, "en"))):
        assert response.status_code == 200
        assert (banner(response), robots(response)) == ([], [])
    # Public for visitors; never kept by a shared cache for staff, whatever the page (idm/caching.py).
    assert client.get(page_url(kind, "en"))["Cache-Control"] == "public, max-age=0"
    assert editor_client.get(page_url(kind, "en"))["Cache-Control"] == "private, no-store"


def _without_preview(html: str) -> str:
    html = re.sub(r'<section class="preview-banner".*?</section>', "", html, flags=re.DOTALL)
    html = html.replace('<meta name="robots" content="noindex">', "")
    # A page not to be indexed has no hreflang alternates either.
    html = re.sub(r'<link rel="alternate" hreflang="[^"]+" href="[^"]+">', "", html)
    # A draft has not gone online: no online date (the published page has one).
    html = re.sub(r'<meta name="citation_online_date" content="[^"]+">', "", html)
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize("kind", ["publication", "workshop"])
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_preview_is_the_public_page_plus_banner_and_noindex(editor_client, client, kind, language):
    record = make(kind, "draft")
    model = type(record)
    model.objects.filter(pk=record.pk).update(status=Status.PUBLISHED, publish_date=PAST)
    public = client.get(page_url(kind, language)).content.decode()
    model.objects.filter(pk=record.pk).update(status=Status.DRAFT, publish_date=None)

    preview = editor_client.get(page_url(kind, language)).content.decode()

    assert preview != public
    assert _without_preview(preview) == _without_preview(public)


def test_workshop_preview_names_its_report_when_only_the_report_is_not_public(editor_client, client):
    report = PublicationFactory(status=Status.REVIEW, publish_date=None)
    WorkshopFactory(slug="record", publication=report)

    assert client.get(page_url("workshop", "en")).status_code == 404
    response = editor_client.get(page_url("workshop", "es"))
    assert banner(response)[0].startswith(
        "Vista previa — no pública Publicado, pero su informe no es público (En revisión)."
    )


def test_publication_page_lists_only_its_published_workshops(client, editor_client):
    publication = PublicationFactory(slug="record")
    WorkshopFactory(publication=publication, title_en="Public workshop")
    WorkshopFactory(publication=publication, title_en="Draft workshop", status=Status.DRAFT, publish_date=None)
    WorkshopFactory(publication=publication, title_en="Withdrawn workshop", status=Status.WITHDRAWN)
    upcoming = timezone.now() + datetime.timedelta(days=3)
    WorkshopFactory(publication=publication, title_en="Scheduled workshop", publish_date=upcoming)

    def workshops(response):
        tree = lxml.html.fromstring(response.content)
        return [" ".join(a.text_content().split()) for a in tree.xpath("//section[@aria-labelledby]//h3//a")]

    assert workshops(client.get(page_url("publication", "en"))) == ["Public workshop"]
    # A preview of the report shows what the public will see once it is public: the same published workshops.
    Publication.objects.filter(pk=publication.pk).update(status=Status.DRAFT, publish_date=None)
    assert workshops(editor_client.get(page_url("publication", "en"))) == ["Public workshop"]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_withdrawn_record_is_gone_with_an_explanation_in_the_page_language(client, kind, language):
    make(kind, "withdrawn")

    response = client.get(page_url(kind, language))

    assert response.status_code == 410
    tree = lxml.html.fromstring(response.content)
    assert tree.get("lang") == language
    heading = {"en": "No longer available", "fr": "Plus disponible", "es": "Ya no está disponible"}[language]
    assert tree.xpath("//h1")[0].text_content() == heading
    assert " ".join(tree.xpath("//main//p")[0].text_content().split()) == GONE[kind, language]
    assert tree.xpath("//main//p/a/@href")[0] == f"/{language}/{kind}s/"  # the list of its kind
    assert robots(response) == ["noindex"]
    assert "preview-banner" not in response.content.decode()


@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_withdrawn_record_is_gone_for_staff_without_the_view_permission(kind):
    make(kind, "withdrawn")

    assert client_for(create_staff("no-role")).get(page_url(kind, "en")).status_code == 410


def test_public_workshop_of_a_withdrawn_report_is_gone(client):
    report = PublicationFactory(status=Status.WITHDRAWN, publish_date=PAST)
    WorkshopFactory(slug="record", publication=report)

    response = client.get(page_url("workshop", "fr"))

    assert response.status_code == 410
    assert GONE["workshop", "fr"] in response.content.decode()


@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_record_withdrawn_before_its_publish_date_never_was_public_and_is_not_found(client, kind):
    record = make(kind, "withdrawn")
    type(record).objects.filter(pk=record.pk).update(publish_date=SCHEDULED_DATE)

    assert client.get(page_url(kind, "en")).status_code == 404


MACHINE_OUTPUTS = {
    "publication": ["cite.bib", "cite.ris", "cite.json", "editions/en-pdf/cite.bib"],
    "workshop": ["calendar.ics", "agenda/1.ics"],
}


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_machine_outputs_of_a_non_public_record_are_not_found_even_for_staff(editor_client, client, kind, state):
    record = make(kind, "draft")
    if kind == "workshop":
        record.agenda_items.update(position=1)
    model = type(record)
    model.objects.filter(pk=record.pk).update(status=Status.PUBLISHED, publish_date=PAST)
    urls = [page_url(kind, "en") + output for output in MACHINE_OUTPUTS[kind]]
    assert [client.get(url).status_code for url in urls] == [200] * len(urls)  # the addresses are right
    status, publish_date = STATES[state]
    model.objects.filter(pk=record.pk).update(status=status, publish_date=publish_date)

    for visitor in (client, editor_client):
        assert [visitor.get(url).status_code for url in urls] == [404] * len(urls)
    api = f"/api/{kind}s/record/"
    assert editor_client.get(api).status_code == (410 if state == "withdrawn" else 404)


def test_admin_view_on_site_of_a_draft_opens_its_preview(editor_client):
    record = make("publication", "draft")
    content_type = ContentType.objects.get_for_model(Publication)

    response = editor_client.get(f"/admin/r/{content_type.pk}/{record.pk}/", follow=True)

    assert response.redirect_chain[-1][0].endswith("/publications/record/")
    assert response.status_code == 200
    assert banner(response)[0].startswith("Preview — not public Draft.")


@pytest.mark.parametrize("kind", ["publication", "workshop"])
def test_detail_query_count_of_a_public_page_is_unchanged_by_the_preview(client, django_assert_num_queries, kind):
    PublicationFactory(slug="public-report")
    record = make(kind, "draft")
    type(record).objects.filter(pk=record.pk).update(status=Status.PUBLISHED, publish_date=PAST)
    client.get(page_url(kind, "en"))  # warm caches (content types, site)

    # The public page never asks who the visitor is: no session or user query (test_pages pins the counts).
    expected = {"publication": 6, "workshop": 3}[kind] + 1  # + 1: the HTTP validators (idm/caching.py)
    with django_assert_num_queries(expected) as queries:
        assert client.get(page_url(kind, "en")).status_code == 200
    assert [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"] or "auth_" in q["sql"]] == []
