"""The strict Content-Security-Policy holds: every page type and the admin work without one violation."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalogue.tests.factories import create_idm28

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def directives(header: str) -> dict[str, str]:
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/en/", "/fr/publications/?q=partenariat", "/es/publications/idm-28/", "/admin/login/"]
)
def test_pages_send_the_strict_policy(client, url):
    create_idm28()

    assert directives(client.get(url)["Content-Security-Policy"]) == POLICY


@pytest.fixture
def csp_violations(page) -> list[str]:
    """Console reports of anything the policy refused on the page."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_public_pages_run_under_the_policy_in_chromium(transactional_db, page, csp_violations, external_requests):
    publication = create_idm28()
    workshop = publication.workshops.order_by("start_date").last()
    urls = [
        "/en/",
        "/fr/publications/?q=partenariat&language=fr",
        "/fr/publications/idm-28/",
        f"/es/workshops/{workshop.slug}/",
        f"/en/series/{publication.series.slug}/",
        "/en/topics/migration-governance/",
        "/en/no-such-page/",
    ]
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("networkidle")

    assert csp_violations == []
    assert external_requests == []
    page.goto("about:blank")


def test_admin_translation_tabs_work_under_the_policy_in_chromium(
    transactional_db, page, csp_violations, external_requests
):
    get_user_model().objects.create_superuser("editor", "editor@example.org", "editor-password-1")
    publication = create_idm28()
    workshop = publication.workshops.first()

    page.goto(f"/admin/login/?next={reverse('admin:catalogue_publication_change', args=[publication.pk])}")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "editor-password-1")
    page.click("#login-form [type=submit]")
    page.wait_for_selector(".ui-tabs-nav")
    page.locator("#publication_form .ui-tabs-nav").first.get_by_text("ES").click()
    assert page.locator("#id_title_es").is_visible()
    page.goto(reverse("admin:catalogue_workshop_change", args=[workshop.pk]))
    page.wait_for_selector(".ui-tabs-nav")
    page.goto(reverse("admin:catalogue_publication_changelist") + "?q=978-92-9068-780-1")
    page.wait_for_load_state("networkidle")

    assert csp_violations == []
    assert external_requests == []
    page.goto("about:blank")
