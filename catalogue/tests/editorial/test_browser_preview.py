"""Staff journeys in Chromium: preview a draft from the admin's "View on site", and withdraw a publication
(410 for visitors, a deleted record in OAI-PMH)."""

import pytest
from lxml import etree

from catalogue.interop.oai.protocol import OAI_NS
from catalogue.models import Publication, Status
from catalogue.tests.factories import create_idm28, create_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NS = {"oai": OAI_NS}
IDM28_EN = "Inclusive and Innovative Partnerships for Effective Global Governance of Migration"


@pytest.fixture
def idm28():
    return create_idm28()


@pytest.fixture
def anonymous_page(new_context, live_server):
    """A page in a second browser context, with no session: what any visitor sees."""
    return new_context().new_page()


def test_superuser_previews_a_draft_from_view_on_site_and_visitors_get_404(
    page, log_in, idm28, anonymous_page, screenshot, axe_violations, external_requests
):
    Publication.objects.filter(pk=idm28.pk).update(status=Status.DRAFT, publish_date=None)
    log_in(create_staff("root", superuser=True))
    page.goto(f"/admin/catalogue/publication/{idm28.pk}/change/")

    with page.expect_navigation():
        page.get_by_role("link", name="View on site").click()

    assert page.url.endswith("/en/publications/idm-28/")
    banner = page.locator(".preview-banner")
    assert page.get_by_role("region", name="Preview — not public").count() == 1
    assert banner.locator(".preview-banner__title").inner_text() == "Preview — not public"
    assert banner.locator(".preview-banner__state").inner_text() == "Draft"
    assert page.get_by_role("heading", level=1).inner_text() == IDM28_EN
    assert page.locator("meta[name=robots]").get_attribute("content") == "noindex"
    screenshot(page, "preview-draft-publication")
    assert axe_violations(page) == []
    assert external_requests == []

    response = anonymous_page.goto("/en/publications/idm-28/")
    assert response.status == 404
    assert anonymous_page.locator(".preview-banner").count() == 0


def test_superuser_previews_a_scheduled_workshop_in_french(page, log_in, idm28, screenshot, axe_violations):
    workshop = idm28.workshops.order_by("start_date").first()
    workshop.status = Status.REVIEW
    workshop.save()
    log_in(create_staff("root", superuser=True))

    response = page.goto(f"/fr/workshops/{workshop.slug}/")

    assert response.status == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert page.locator(".preview-banner__state").inner_text() == "En relecture"
    screenshot(page, "preview-review-workshop-fr")
    assert axe_violations(page) == []


def test_superuser_withdraws_a_publication_then_it_is_gone_and_deleted_in_oai(
    page, log_in, idm28, anonymous_page, screenshot, axe_violations, oai_schema
):
    assert anonymous_page.goto("/fr/publications/idm-28/").status == 200
    log_in(create_staff("root", superuser=True))
    page.goto(f"/admin/catalogue/publication/{idm28.pk}/change/")

    page.locator("#id_status").select_option(label="Withdrawn")
    with page.expect_navigation():
        page.locator("input[name=_save]").click()

    assert page.locator(".messagelist .success").count() == 1
    assert Publication.objects.get(pk=idm28.pk).status == Status.WITHDRAWN
    response = anonymous_page.goto("/fr/publications/idm-28/")
    assert response.status == 410
    assert anonymous_page.locator("main p").first.inner_text() == "Cette publication a été retirée du catalogue."
    assert anonymous_page.locator("meta[name=robots]").get_attribute("content") == "noindex"
    screenshot(anonymous_page, "withdrawn-publication-fr")
    assert axe_violations(anonymous_page) == []

    response = anonymous_page.request.get(
        "/oai",
        params={
            "verb": "GetRecord",
            "metadataPrefix": "oai_dc",
            "identifier": "oai:idm-catalogue.example:publication/idm-28",
        },
    )
    root = etree.fromstring(response.body())
    assert oai_schema.validate(root), oai_schema.error_log
    assert [header.get("status") for header in root.iterfind(".//oai:header", NS)] == ["deleted"]
    assert root.find(".//oai:metadata", NS) is None
