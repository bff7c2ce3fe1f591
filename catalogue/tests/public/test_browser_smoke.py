"""The browser harness works: Chromium opens a live-server page, axe checks it, a screenshot is saved."""

import pytest

pytestmark = pytest.mark.browser


def test_admin_login_renders_in_chromium_without_other_hosts_or_axe_violations(
    page, live_server, axe_violations, screenshot, external_requests
):
    response = page.goto("/admin/login/")

    assert response.status == 200
    assert page.locator("form#login-form").count() == 1
    assert axe_violations(page) == []
    path = screenshot(page, "smoke-admin-login")
    assert path.stat().st_size > 0
    assert external_requests == []


def test_external_requests_are_blocked_and_recorded(page, live_server, external_requests):
    # From a page without our Content-Security-Policy, which would refuse the request before the guard sees it.
    page.goto("about:blank")

    page.evaluate("url => fetch(url).catch(() => null)", "http://example.invalid/tracker.js")

    assert external_requests == ["http://example.invalid/tracker.js"]
