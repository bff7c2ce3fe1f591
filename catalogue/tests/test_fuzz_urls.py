"""Fuzzing every URL pattern of the project: no request, however malformed, may get a server error.

The URL patterns come from the resolver itself (public pages under /en/, /fr/, /es/, feeds, sitemaps, citations,
calendars, OAI-PMH, the API, the admin's login), so a new route is fuzzed without being listed here. Each pattern's
parameters get the slugs of a small catalogue (published, draft and withdrawn records) or junk; the query string,
the method and some conditional/negotiation headers are junk too. Deterministic (derandomize) so CI is
reproducible; IDM_FUZZ_EXAMPLES raises the number of cases for a longer run.
"""

import os
import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.models import Publication
from catalogue.tests.factories import PublicationFactory, create_idm28

EXAMPLES = int(os.environ.get("IDM_FUZZ_EXAMPLES", "2000"))
LANGUAGES = ["en", "fr", "es"]
# Parts of URL patterns that are not parameters: regex anchors and escapes.
REGEX_NOISE = re.compile(r"\^|\$|\\")
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def url_templates() -> list[str]:
    """Every route of the resolver as a template such as "/{lang}/workshops/{slug}/agenda/{position}.ics"."""
    templates = ["/admin/login/", "/admin/"]  # the admin's own routes need a session: its entry points only

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            text = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if text == "admin/":
                    continue
                walk(pattern, prefix + text)
            else:
                templates.append(prefix + text)

    walk(get_resolver(), "/")
    result = []
    for template in templates:
        template = PARAMETER.sub(lambda m: "{" + (m.group(1) or m.group(2)) + "}", template)
        template = REGEX_NOISE.sub("", template)
        for code in LANGUAGES:
            template = template.replace(f"/{code}/", "/{lang}/", 1) if template.startswith(f"/{code}/") else template
        result.append(template)
    return sorted(set(result))


TEMPLATES = url_templates()

KNOWN = {
    "slug": ["idm-28", "idm", "migration-governance", "idm-2018-geneva", "idm-2018-new-york", "draft", "withdrawn"],
    "position": ["1", "2", "0", "99999999999999999999"],
    "citation_format": ["bib", "ris", "json"],
    "language": ["en", "fr", "es", "de"],
    "edition_format": ["pdf", "print", "epub"],
}
JUNK_PIECES = ["\x00", "\r\n", "%zz", "%", "%00", "%ff", "%c3%28", "..", "/", "é", "\u202e", "'", '"', "<>", " ", "?"]
junk_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.lists(st.sampled_from(JUNK_PIECES), min_size=1, max_size=4).map("".join),
    st.just("x" * 10_000),
)


def parameter_value(name):
    known = KNOWN.get(name, [])
    return st.one_of(st.sampled_from(known), junk_text) if known else junk_text


query_key = st.sampled_from(["q", "page", "topic", "year", "language", "format", "sort", "verb", "metadataPrefix"])
query_key = st.one_of(query_key, junk_text)
query_pair = st.tuples(query_key, st.one_of(st.sampled_from(["1", "-1", "0", "2018", "oai_dc", "Identify"]), junk_text))
query_string = st.lists(query_pair, max_size=6).map(lambda pairs: "&".join(f"{k}={v}" for k, v in pairs))
query_string = st.one_of(query_string, junk_text, st.just("page=1&" * 2000))

HEADERS = {
    "HTTP_IF_MODIFIED_SINCE": st.one_of(st.just("Sat, 01 Jan 2000 00:00:00 GMT"), junk_text),
    "HTTP_IF_NONE_MATCH": st.one_of(st.just("*"), st.just('"abc", W/"x"'), junk_text),
    "HTTP_ACCEPT_LANGUAGE": st.one_of(st.just("fr-CH, fr;q=0.9, en;q=0.8"), junk_text),
    "HTTP_RANGE": st.one_of(st.just("bytes=0-10"), junk_text),
    "HTTP_ACCEPT": st.one_of(st.just("application/json"), junk_text),
}


@st.composite
def requests(draw):
    template = draw(st.sampled_from(TEMPLATES))
    values = {"lang": draw(st.one_of(st.sampled_from(LANGUAGES), st.sampled_from(LANGUAGES), junk_text))}
    for name in re.findall(r"{(\w+)}", template):
        if name != "lang":
            values[name] = draw(parameter_value(name))
    path = template.format(**values)
    query = draw(st.one_of(st.just(""), query_string))
    method = draw(st.sampled_from(["GET", "GET", "GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH", "TRACE"]))
    headers = {name: draw(value) for name, value in HEADERS.items() if draw(st.booleans())}
    return method, path + ("?" + query if query else ""), headers


@pytest.fixture
def catalogue(db):
    create_idm28()
    PublicationFactory(slug="draft", status=Publication.Status.DRAFT, publish_date=None)
    PublicationFactory(slug="withdrawn", status=Publication.Status.WITHDRAWN)


@given(case=requests())
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_no_url_answers_a_server_error(catalogue, case):
    method, url, headers = case
    client = Client(raise_request_exception=False)
    response = client.generic(method, url, **headers)
    shown = f"{method} {url[:300]!r} (of {len(url)} characters) {headers!r}"[:1000]
    assert response.status_code < 500, f"{shown} -> {response.status_code}"
