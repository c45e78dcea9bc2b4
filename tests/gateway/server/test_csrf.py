"""CSRF prevention: what a browser can send without a preflight is refused, with the fix."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.server import CsrfSettings, EndpointSettings, is_preflighted
from tests.gateway.server.conftest import Harness, codes

pytestmark = pytest.mark.anyio

REQUIRED = CsrfSettings().required_headers
QUERY = b'{"query": "{ hello }"}'


@pytest.mark.parametrize(
    ("content_types", "headers", "preflighted"),
    [
        ([], set(), False),
        (["text/plain"], set(), False),
        (["text/plain; charset=utf-8"], set(), False),
        (["TEXT/PLAIN"], set(), False),
        (["application/x-www-form-urlencoded"], set(), False),
        (["multipart/form-data; boundary=x"], set(), False),
        (["application/json"], set(), True),
        (["application/json; charset=utf-8"], set(), True),
        (["application/graphql"], set(), True),
        (["not a media type"], set(), False),
        (["application/json", "text/plain"], set(), False),
        (["text/plain"], {"apollo-require-preflight"}, True),
        ([], {"x-apollo-operation-name"}, True),
        ([], {"x-commerce-gateway-client"}, True),
        ([], {"x-requested-with"}, False),
    ],
    ids=[
        "no-content-type",
        "text-plain",
        "text-plain-charset",
        "text-plain-upper-case",
        "form",
        "multipart",
        "json",
        "json-charset",
        "graphql",
        "unparsable",
        "two-content-types",
        "text-plain-with-apollo-require-preflight",
        "x-apollo-operation-name",
        "x-commerce-gateway-client",
        "a-header-not-configured",
    ],
)
def test_the_preflight_rule(content_types: list[str], headers: set[str], preflighted: bool) -> None:
    assert is_preflighted(content_types, headers, REQUIRED) is preflighted


async def test_a_get_without_a_preflight_header_is_blocked_and_told_what_to_add(
    harness: Harness,
) -> None:
    response = await harness.http.get("/graphql", params={"query": "{ hello }"})

    assert response.status_code == 400
    assert codes(response) == ["CSRF_BLOCKED"]
    error = response.json()["errors"][0]
    assert "Apollo-Require-Preflight" in error["message"]
    assert "X-Commerce-Gateway-Client" in error["message"]
    assert error["extensions"]["requiredHeaders"] == [
        "X-Apollo-Operation-Name",
        "Apollo-Require-Preflight",
        "X-Commerce-Gateway-Client",
    ]
    assert harness.calls == []


@pytest.mark.parametrize(
    "header", ["Apollo-Require-Preflight", "X-Apollo-Operation-Name", "X-Commerce-Gateway-Client"]
)
async def test_a_get_with_a_preflight_header_runs(harness: Harness, header: str) -> None:
    response = await harness.http.get(
        "/graphql", params={"query": "{ hello }"}, headers={header: "1"}
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "Hello, world"}}


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=b",
    ],
)
async def test_a_simple_post_is_blocked(harness: Harness, content_type: str) -> None:
    response = await harness.http.post(
        "/graphql", content=QUERY, headers={"content-type": content_type}
    )

    assert response.status_code == 400
    assert codes(response) == ["CSRF_BLOCKED"]
    assert harness.calls == []


async def test_a_simple_post_with_a_preflight_header_passes_csrf_and_meets_the_media_check(
    harness: Harness,
) -> None:
    response = await harness.http.post(
        "/graphql",
        content=QUERY,
        headers={"content-type": "text/plain", "apollo-require-preflight": "true"},
    )

    assert response.status_code == 415
    assert codes(response) == ["UNSUPPORTED_MEDIA_TYPE"]


async def test_a_json_post_needs_no_extra_header(harness: Harness) -> None:
    response = await harness.http.post(
        "/graphql", content=QUERY, headers={"content-type": "application/json"}
    )

    assert response.status_code == 200
    assert harness.calls == ["hello"]


async def test_headers_can_be_configured_and_the_check_switched_off(
    make_harness: Callable[..., Harness],
) -> None:
    custom = make_harness(
        settings=EndpointSettings(csrf=CsrfSettings(required_headers=("x-storefront",)))
    )
    off = make_harness(settings=EndpointSettings(csrf=CsrfSettings(enabled=False)))
    query = {"query": "{ hello }"}

    with_default = await custom.http.get(
        "/graphql", params=query, headers={"apollo-require-preflight": "1"}
    )
    with_custom = await custom.http.get("/graphql", params=query, headers={"X-Storefront": "web"})
    unchecked = await off.http.get("/graphql", params=query)

    assert (with_default.status_code, codes(with_default)) == (400, ["CSRF_BLOCKED"])
    assert "X-Storefront" in with_default.json()["errors"][0]["message"]
    assert with_custom.status_code == 200
    assert unchecked.status_code == 200
