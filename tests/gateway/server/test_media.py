"""Media types and status codes, as the GraphQL-over-HTTP spec sets them for each type."""

from __future__ import annotations

import pytest

from gateway.server.media import GRAPHQL_RESPONSE_JSON, JSON, negotiate, parse_media_type
from tests.gateway.server.conftest import Harness, codes

pytestmark = pytest.mark.anyio

GRJ = {"accept": GRAPHQL_RESPONSE_JSON}
LEGACY = {"accept": JSON}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("application/json; charset=utf-8", JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.5, application/json", JSON),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
        ("text/html", None),
        ("application/xml", None),
        ("application/json; charset=iso-8859-1", None),
        ("application/json;q=0", None),
        ("application/json;q=banana", None),
        ("not a media type", None),
    ],
    ids=[
        "absent",
        "empty",
        "any",
        "application-any",
        "json",
        "json-utf8",
        "graphql-response",
        "graphql-response-preferred",
        "tie-goes-to-graphql-response",
        "json-preferred-by-q",
        "browser",
        "html-only",
        "xml-only",
        "json-other-charset",
        "json-q-zero",
        "json-bad-q",
        "garbage",
    ],
)
def test_negotiation(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected


def test_media_types_parse_case_insensitively_with_parameters() -> None:
    assert parse_media_type('Application/JSON ; Charset="UTF-8"') == (
        "application/json",
        {"charset": "utf-8"},
    )
    assert parse_media_type("application/json; charset") is None
    assert parse_media_type("json") is None


async def test_a_query_answers_200_in_the_media_type_asked_for(harness: Harness) -> None:
    for headers, media in ((GRJ, GRAPHQL_RESPONSE_JSON), (LEGACY, JSON), ({}, JSON)):
        response = await harness.post({"query": "{ hello }"}, headers=headers)

        assert response.status_code == 200
        assert response.headers["content-type"] == f"{media}; charset=utf-8"
        assert response.json() == {"data": {"hello": "Hello, world"}}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"query": "{ hello"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ goodbye }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {"query": "query($n: String!) { hello(name: $n) }", "variables": {"n": None}},
            "BAD_USER_INPUT",
        ),
        (
            {"query": "query($n: String!) { hello(name: $n) }", "variables": {"n": 7}},
            "BAD_USER_INPUT",
        ),
        (
            {"query": "query A { hello } query B { hello }", "operationName": "C"},
            "OPERATION_RESOLUTION_FAILURE",
        ),
    ],
    ids=["parse", "validation", "null-variable", "mistyped-variable", "unknown-operation"],
)
async def test_a_request_that_fails_before_execution(
    harness: Harness, body: dict[str, object], code: str
) -> None:
    """application/graphql-response+json: 400; application/json: 200 (the legacy rule).
    Either way the body has no ``data`` entry and nothing ran."""
    strict = await harness.post(body, headers=GRJ)
    legacy = await harness.post(body, headers=LEGACY)

    assert (strict.status_code, legacy.status_code) == (400, 200)
    for response in (strict, legacy):
        assert "data" not in response.json()
        assert codes(response) == [code]
    assert harness.calls == []


async def test_a_field_error_still_answers_200_with_data(harness: Harness) -> None:
    for headers in (GRJ, LEGACY):
        response = await harness.post({"query": "{ hello boom }"}, headers=headers)

        assert response.status_code == 200
        body = response.json()
        assert body["data"] == {"hello": "Hello, world", "boom": None}
        assert body["errors"] == [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 9}],
                "path": ["boom"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            }
        ]
        assert "hunter2" not in response.text


async def test_an_unacceptable_accept_is_406_in_json(harness: Harness) -> None:
    response = await harness.post({"query": "{ hello }"}, headers={"accept": "text/html"})

    assert response.status_code == 406
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert codes(response) == ["NOT_ACCEPTABLE"]
    assert harness.calls == []


async def test_refusals_answer_in_the_negotiated_media_type(harness: Harness) -> None:
    response = await harness.http.post(
        "/graphql", content=b"{", headers={"content-type": "application/json", **GRJ}
    )

    assert response.status_code == 400
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    assert codes(response) == ["BAD_REQUEST"]


async def test_responses_vary_on_accept(harness: Harness) -> None:
    response = await harness.get({"query": "{ hello }"})

    assert response.status_code == 200
    assert response.headers["vary"] == "Accept"


async def test_utf8_travels_both_ways(harness: Harness) -> None:
    response = await harness.http.post(
        "/graphql",
        content='{"query": "{ hello(name: \\"Run🏃Swim🏊 Jürgen\\") }"}'.encode(),
        headers={"content-type": "application/json; charset=utf-8"},
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "Hello, Run🏃Swim🏊 Jürgen"}}
