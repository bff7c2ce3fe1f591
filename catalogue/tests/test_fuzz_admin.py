"""Fuzzing the admin behind its login: no request of a signed-in superuser or translator may get a server error.

The admin's routes come from the resolver (changelists, add, change, delete, history, diff and revert pages of
every registered model, the translation dashboard, autocomplete, view-on-site…), so a new admin page is fuzzed
without being listed here. The query parameters are those the changelists themselves link to (filters, date
hierarchy, ordering, read from their pages) plus the admin's own (q, o, p, e, all, _changelist_filters, _to_field,
_popup…) and unknown lookups, with sound values or junk: NUL, huge numbers, invalid percent-escapes, wrong types.
Path ids are real primary keys or junk; the methods include POST (with action and selection fields, never the
confirmation that deletes), PUT, DELETE and the like. Deterministic (derandomize); IDM_ADMIN_FUZZ_EXAMPLES raises
the number of cases for a longer run (1,000 by default).
"""

import os
import re
from urllib.parse import parse_qsl, urlsplit

import lxml.html
import pytest
import reversion
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue import models
from catalogue.editorial.roles import TRANSLATOR
from catalogue.tests.factories import PublicationFactory, create_idm28, create_staff

EXAMPLES = int(os.environ.get("IDM_ADMIN_FUZZ_EXAMPLES", "1000"))
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
REGEX_NOISE = re.compile(r"\^|\$|\\")


def admin_templates() -> list[str]:
    """Every admin route as a template such as "/admin/catalogue/publication/{object_id}/history/{version_id}/"."""
    templates = []

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            text = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + text)
            elif (prefix + text).startswith("/admin/"):
                templates.append(prefix + text)

    walk(get_resolver(), "/")
    result = set()
    for template in templates:
        template = PARAMETER.sub(lambda m: "{" + (m.group(1) or m.group(2)) + "}", template)
        result.add(REGEX_NOISE.sub("", template).replace("(?P<url>.*)", "{url}"))
    return sorted(result)


TEMPLATES = admin_templates()
# Most cases go to the change lists and the add and change pages, where the parameters are read.
CHANGELISTS = [template for template in TEMPLATES if re.fullmatch(r"/admin/\w+/\w+/", template)]
FORMS = [template for template in TEMPLATES if template.endswith(("/add/", "/change/"))]

JUNK_PIECES = ["\x00", "%00", "\r\n", "%zz", "%", "%ff", "%c3%28", "..", "/", "é", "'", '"', "<>", " ", "-1", "1e9"]
junk_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=20),
    st.lists(st.sampled_from(JUNK_PIECES), min_size=1, max_size=4).map("".join),
    st.sampled_from(["99999999999999999999", "-1", "0", "1.5", "abc", "1 ", "True", "[]", "null", "__"]),
    st.just("x" * 10_000),
)
ADMIN_KEYS = [
    "q", "o", "p", "e", "all", "_changelist_filters", "_to_field", "_popup", "t", "with", "app_label", "model_name",
    "field_name", "term", "page", "kind", "language", "incomplete", "id__gte", "pk__in", "title__regex",
    "series__name__icontains", "publication__series__id__exact", "unknown__lookup", "status", "status__exact",
]  # fmt: skip
ADMIN_VALUES = ["1", "0", "-1", "2", "1.2", "-3.x", "", "catalogue", "publication", "series", "en", "fr", "current"]
# What a POST may carry: admin actions on a selection, save buttons, formset counts. Never "post" (the
# confirmation of a deletion) nor passwords, and nothing at all to a delete page.
POST_KEYS = [
    "action", "_selected_action", "select_across", "index", "_save", "_continue", "_addanother", "_saveasnew",
    "title_en", "name_en", "slug", "status", "editions-TOTAL_FORMS", "editions-INITIAL_FORMS", "_concurrency",
]  # fmt: skip
POST_VALUES = ["publish_now", "withdraw", "delete_selected", "submit_for_review", "return_to_draft", "1", "0", "2"]


@pytest.fixture
def signed_in(db):
    """The IDM No. 28 catalogue, a draft, a version to diff, and a signed-in client for a superuser and for a
    translator (French)."""
    publication = create_idm28()
    PublicationFactory(slug="draft", status=models.Publication.Status.DRAFT, publish_date=None)
    with reversion.create_revision():
        publication.save()
    users = [create_staff("fuzz-admin", superuser=True), create_staff("fuzz-translator", TRANSLATOR, languages=["fr"])]
    clients = {}
    for user in users:
        clients[user.username] = Client(raise_request_exception=False)
        clients[user.username].force_login(user)
    return users, clients


@pytest.fixture
def catalogue(signed_in):
    """`signed_in`, with the query parameters the changelists link to and the ids to put in paths."""
    users, clients = signed_in
    client = clients["fuzz-admin"]
    keys, values = set(ADMIN_KEYS), set(ADMIN_VALUES)
    for template in TEMPLATES:
        if template in CHANGELISTS:
            response = client.get(template)
            assert response.status_code == 200, template
            for href in lxml.html.document_fromstring(response.content).xpath("//a/@href"):
                for key, value in parse_qsl(urlsplit(href).query, keep_blank_values=True):
                    keys.add(key)
                    values.add(value)
    ids = {
        str(pk)
        for model in (models.Publication, models.Workshop, models.Topic)
        for pk in model.objects.values_list("pk", flat=True)
    }
    known = {
        "object_id": sorted(ids),
        "id": sorted(ids),
        "version_id": [str(pk) for pk in reversion.models.Version.objects.values_list("pk", flat=True)],
        "content_type_id": [str(pk) for pk in range(1, 12)],
        "app_label": ["catalogue", "auth"],
    }
    return {"users": users, "clients": clients, "keys": sorted(keys), "values": sorted(values), "known": known}


@st.composite
def admin_requests(draw, catalogue):
    template = draw(st.one_of(st.sampled_from(CHANGELISTS), st.sampled_from(FORMS), st.sampled_from(TEMPLATES)))
    values = {}
    for name in re.findall(r"{(\w+)}", template):
        known = catalogue["known"].get(name, [])
        values[name] = draw(st.one_of(st.sampled_from(known), junk_text) if known else junk_text)
    key = st.one_of(st.sampled_from(catalogue["keys"]), junk_text)
    value = st.one_of(st.sampled_from(catalogue["values"]), junk_text)
    pairs = draw(st.lists(st.tuples(key, value), max_size=5))
    query = "&".join(f"{k}={v}" for k, v in pairs)
    method = draw(st.sampled_from(["GET", "GET", "GET", "POST", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]))
    body = {}
    if method == "POST":
        ids = catalogue["known"]["object_id"]
        body_key = st.one_of(st.sampled_from(POST_KEYS), junk_text.filter(lambda k: k != "post"))
        body_value = st.one_of(st.sampled_from(POST_VALUES + ADMIN_VALUES + ids), junk_text)
        body = dict(draw(st.lists(st.tuples(body_key, body_value), max_size=3)))
        action = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "action": st.one_of(st.sampled_from(POST_VALUES[:5]), junk_text),
                    "_selected_action": st.lists(st.one_of(st.sampled_from(ids), junk_text), max_size=3),
                    "select_across": st.sampled_from(["0", "1", "x"]),
                    "index": st.sampled_from(["0", "1", "-1", "x"]),
                },
            )
        )
        body.update(action)
        if template.endswith("/delete/"):
            body = {}  # any non-empty POST confirms a deletion: the records and users the next cases need
    user = draw(st.sampled_from(catalogue["users"]))
    return user, method, template.format(**values) + ("?" + query if query else ""), body


@given(data=st.data())
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_no_admin_request_of_a_signed_in_user_answers_a_server_error(catalogue, data):
    user, method, url, body = data.draw(admin_requests(catalogue))
    client = catalogue["clients"][user.username]
    response = client.post(url, body) if method == "POST" else client.generic(method, url)
    if "/logout/" in url:
        client.force_login(user)  # the next case is signed in again
    shown = f"{user.username}: {method} {url[:300]!r} (of {len(url)} characters) {str(body)[:300]}"
    assert response.status_code < 500, f"{shown} -> {response.status_code}"


# What the fuzz found, pinned (each was a 500, or a 503 passing for an outage).
@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        # A word or a number past 64 bits as an action's selection: filter(pk__in=…) raised.
        ("post", "/admin/catalogue/publication/", {"action": "publish_now", "_selected_action": "abc"}, 400),
        ("post", "/admin/catalogue/topic/", {"action": "delete_selected", "_selected_action": "x"}, 400),
        ("post", "/admin/auth/user/", {"action": "delete_selected", "_selected_action": "1 "}, 400),
        ("post", "/admin/auth/group/", {"action": "delete_selected", "_selected_action": "9" * 20}, 400),
        # An empty _to_field: Django skips its check, then looks the field "" up (FieldDoesNotExist).
        ("get", "/admin/auth/group/1/change/?_to_field=", None, 400),
        ("get", "/admin/catalogue/topic/?_to_field=", None, 400),
        ("post", "/admin/catalogue/topic/1/delete/", {"_to_field": ""}, 400),
        # A search longer than SQLite's LIKE pattern limit (an OperationalError: a 503 "outage" on SQLite).
        ("get", "/admin/catalogue/publication/?q=" + "x" * 60_000, None, 400),
        # Dates out of Python's range in the date hierarchy (OverflowError, or the ValueError of year 10000).
        ("get", "/admin/catalogue/publication/?publish_date__year=99999999999", None, 302),
        ("get", "/admin/catalogue/publication/?publish_date__year=9999", None, 302),
        ("get", "/admin/catalogue/workshop/?start_date__year=9999&start_date__month=12&start_date__day=31", None, 302),
    ],
)
def test_admin_requests_no_admin_page_makes_are_refused_not_failed(signed_in, method, url, body, status):
    client = signed_in[1]["fuzz-admin"]
    response = client.post(url, body) if method == "post" else client.get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].endswith("?e=1")  # the admin's "incorrect parameters" page


def test_admin_actions_on_a_sound_selection_and_dates_in_range_still_work(signed_in):
    client = signed_in[1]["fuzz-admin"]
    draft = models.Publication.objects.get(slug="draft")
    response = client.post("/admin/catalogue/publication/", {"action": "delete_selected", "_selected_action": draft.pk})
    assert response.status_code == 200  # the confirmation page
    assert b"Are you sure" in response.content
    assert client.get("/admin/catalogue/publication/?publish_date__year=2018").status_code == 200
    assert client.get("/admin/catalogue/workshop/?start_date__year=2018&start_date__month=10").status_code == 200
    assert client.get("/admin/catalogue/publication/?q=" + "x" * 10_000).status_code == 200
