"""The API's error matrix: every error is JSON, every invalid parameter value a 400 naming the parameter.

The operations, their parameters and what each accepts are read from the API's own OpenAPI schema, so a
parameter added to the schema is tested here without a change to this file. Each parameter gets the candidate
values below; those its schema refuses must be refused (a 400 naming it, or a JSON 404 for a path parameter),
those it accepts must be accepted.
"""

import itertools
import re
from urllib.parse import quote, urlencode

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
OPERATIONS = [
    (path, method, operation)
    for path, item in SCHEMA["paths"].items()
    for method, operation in item.items()
    if method in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
]
PARAMETERS = [
    pytest.param(path, parameter, id=f"{operation['operationId']}-{parameter['name']}")
    for path, _method, operation in OPERATIONS
    for parameter in operation.get("parameters", [])
]

# Wrong types and forms, out-of-range numbers, other scripts, lengths, cases — and well-formed values.
CANDIDATES = [
    "",
    " ",
    "abc",
    "null",
    "true",
    "-5",
    "0",
    "1.5",
    "2018.0",
    "+2018",
    " 2018",
    "１２",
    "٢٠١٨",
    "1e3",
    "é",
    "a b",
    "a/b",
    "a.exe",
    "x" * 201,
    "NEWEST",
    "PDF",
    "EN",
    "0999",
    "99999",
    "1000000000",
    "1",
    "101",
    "2018",
    "idm",
    "en",
    "pdf",
    "newest",
]


def accepts(schema: dict, raw: str) -> bool:
    """Whether a query-string value `raw` is valid for the (scalar or array) parameter `schema`."""
    if schema.get("type") == "array":
        return accepts(schema["items"], raw)
    if "enum" in schema and raw not in schema["enum"]:
        return False
    if schema.get("type") == "integer":
        if not re.fullmatch("-?[0-9]+", raw):
            return False
        number = int(raw)
        return schema.get("minimum", number) <= number <= schema.get("maximum", number)
    if "pattern" in schema and not re.search(schema["pattern"], raw):
        return False
    return len(raw) <= schema.get("maxLength", len(raw))


# Parameters some candidate is invalid for (all but the free-text search query).
CONSTRAINED = [
    parameter
    for parameter in PARAMETERS
    if not all(accepts(parameter.values[1]["schema"], value) for value in CANDIDATES)
]


def url(path: str, parameter: dict, values: list[str]) -> str:
    if parameter["in"] == "path":
        (value,) = values
        return path.replace("{" + parameter["name"] + "}", quote(value, safe=""))
    return f"{path}?{urlencode([(parameter['name'], value) for value in values])}"


def too_many(schema: dict) -> list[str] | None:
    """More distinct valid values than an array parameter allows, if its items can be that many."""
    if schema.get("type") != "array" or "maxItems" not in schema:
        return None
    pool = [str(year) for year in range(1900, 2000)] + [
        "".join(pair) for pair in itertools.product("abcdefgh", repeat=2)
    ]
    valid = [value for value in pool if accepts(schema, value)]
    return valid[: schema["maxItems"] + 1] if len(valid) > schema["maxItems"] else None


def assert_json_error(response, status: int) -> dict:
    assert (response.status_code, response["Content-Type"]) == (status, "application/json"), response.content[:200]
    return response.json()


@pytest.mark.parametrize(("path", "parameter"), CONSTRAINED)
def test_each_invalid_value_of_each_parameter_is_a_json_error_naming_it(client, path, parameter):
    refused = [value for value in CANDIDATES if not accepts(parameter["schema"], value)]
    for value in refused:
        response = client.get(url(path, parameter, [value]))
        if parameter["in"] == "path":
            assert assert_json_error(response, 404) == {"detail": "Not found."}, value
        else:
            errors = assert_json_error(response, 400)
            assert list(errors) == [parameter["name"]], value
            assert errors[parameter["name"]]
            assert all(isinstance(message, str) for message in errors[parameter["name"]])
    excess = too_many(parameter["schema"])
    if excess:
        errors = assert_json_error(client.get(url(path, parameter, excess)), 400)
        assert errors == {parameter["name"]: ["At most 30 values."]}


@pytest.mark.parametrize(("path", "parameter"), PARAMETERS)
def test_each_valid_value_of_each_parameter_is_accepted(client, path, parameter):
    for value in [value for value in CANDIDATES if accepts(parameter["schema"], value)]:
        response = client.get(url(path, parameter, [value]))
        # An empty catalogue: a detail or a page past the first is a JSON 404, never a 400.
        assert response.status_code in {200, 404}, (value, response.content[:200])
        assert response["Content-Type"] == "application/json"


def test_the_only_parameter_accepting_any_value_is_the_search_query():
    assert [parameter.id for parameter in PARAMETERS if parameter not in CONSTRAINED] == ["publications_list-q"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/series/.exe/",
        "/api/series/.exe",
        "/api/nope",
        "/api/nope/",
        "/api/publications/idm-28/extra/",
        "/api/publications/idm-28/extra",
        "/api/publications/idm-28.json",
        "/api/publications/idm-28/.json",
        "/api/publications/idm-28/%00/",
        "/api/publications//",
        "/api/topics/a/b/c/",
        "/api/schema/nope/",
        "/api/%E2%80%8B/",
        "/api/.env",
    ],
)
def test_unknown_paths_under_the_api_are_json_404s(client, path):
    assert assert_json_error(client.get(path), 404) == {"detail": "Not found."}


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=[op["operationId"] for *_, op in OPERATIONS])
@pytest.mark.parametrize("verb", ["post", "put", "patch", "delete"])
def test_methods_the_api_does_not_serve_are_json_405s(client, path, method, operation, verb):
    response = getattr(client, verb)(path.replace("{slug}", "idm-28"))

    assert assert_json_error(response, 405) == {"detail": f'Method "{verb.upper()}" not allowed.'}


def test_search_query_accepts_anything(client):
    for value in [*CANDIDATES, "\x00", "<script>", "'; DROP TABLE x; --"]:
        response = client.get(url("/api/publications/", {"in": "query", "name": "q"}, [value]))
        assert (response.status_code, response["Content-Type"]) == (200, "application/json"), value
