"""The stored payload in Chromium: no page runs it.

With markup and `javascript:` URLs stored in every text column (test_stored_payload.py's fixture), every public
page type in three languages, then the admin's change lists, change pages, history and translation dashboard
(as a superuser), are opened in Chromium: the payload's script never ran (window.__pwned stays undefined), no
dialog opened, no `<img src=x>` was requested, and the console reports no Content-Security-Policy violation (a
payload that made a script or a handler would be refused by the CSP, and reported there) nor any page error.
"""

import pytest
from django.urls import reverse

from catalogue import models
from catalogue.tests.factories import create_staff
from catalogue.tests.test_stored_payload import WORD, stored_payload  # noqa: F401  (the fixture)

LANGUAGES = ["en", "fr", "es"]
PUBLIC_PAGES = [
    "",
    "publications/",
    f"publications/?q={WORD}",
    "publications/idm-28/",
    "series/idm/",
    "topics/migration-governance/",
    "workshops/",
    f"workshops/?q={WORD}",
    "workshops/idm-2018-geneva/",
    "workshops/idm-2018-new-york/",
]
ADMIN_MODELS = [
    models.Publication,
    models.Edition,
    models.Series,
    models.Topic,
    models.Workshop,
    models.AgendaItem,
    models.Speaker,
]


def admin_pages() -> list[str]:
    pages = ["/admin/", "/admin/translations/"]
    for model in ADMIN_MODELS:
        info = model._meta.app_label, model._meta.model_name
        pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
        pages += [
            reverse("admin:{}_{}_changelist".format(*info)) + f"?q={WORD}",
            reverse("admin:{}_{}_change".format(*info), args=[pk]),
            reverse("admin:{}_{}_history".format(*info), args=[pk]),
        ]
    return pages


@pytest.mark.django_db(transaction=True)
def test_no_page_runs_the_stored_payload(page, live_server, log_in, stored_payload, external_requests):  # noqa: F811
    dialogs, csp_violations, errors, requested_x = [], [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "console",
        lambda message: csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requested_x.append(request.url) if request.url.endswith("/x") else None)

    def visit(url):
        response = page.goto(url)
        assert response.status == 200, url
        assert page.evaluate("typeof window.__pwned") == "undefined", url
        return url

    visited = [visit(f"/{code}/{path}") for code in LANGUAGES for path in PUBLIC_PAGES]
    # The payload is on the page, as text: this test looked at it.
    page.goto("/fr/publications/idm-28/")
    assert "<script>window.__pwned=1</script>" in page.locator("h1").inner_text()

    log_in(create_staff("payload-admin", superuser=True))
    visited += [visit(url) for url in admin_pages()]
    page.goto(reverse("admin:catalogue_publication_changelist") + f"?q={WORD}")
    assert "<script>window.__pwned=1</script>" in page.locator("#result_list").inner_text()

    assert len(visited) == len(LANGUAGES) * len(PUBLIC_PAGES) + 2 + 3 * len(ADMIN_MODELS)
    assert dialogs == []
    assert csp_violations == []
    assert errors == []
    assert requested_x == []
    assert external_requests == []
