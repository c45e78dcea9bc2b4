"""The endpoint's behaviour beyond media types: methods, the IDE, authentication, the
deadline, metrics, the data layer's notes, and reading bodies without reading too much."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from starlette.requests import Request

from gateway.auth.principal import AuthError, Principal
from gateway.metrics import Metrics
from gateway.server import EndpointSettings, RateLimitSettings
from tests.gateway.server.conftest import Harness, codes

pytestmark = pytest.mark.anyio

MUTATION = 'mutation { redeem(code: "GIFT-1") }'


async def test_a_mutation_over_get_is_405_and_does_not_run(harness: Harness) -> None:
    for accept in ("application/json", "application/graphql-response+json"):
        response = await harness.get({"query": MUTATION}, accept=accept)

        assert response.status_code == 405
        assert response.headers["allow"] == "POST"
        assert codes(response) == ["METHOD_NOT_ALLOWED"]
    named = await harness.get(
        {"query": f"query Q {{ hello }} mutation M {MUTATION[9:]}", "operationName": "M"}
    )
    assert named.status_code == 405
    assert harness.calls == []


async def test_a_mutation_over_post_runs(harness: Harness) -> None:
    response = await harness.post({"query": MUTATION})

    assert response.json() == {"data": {"redeem": True}}
    assert harness.calls == ["redeem:GIFT-1"]


async def test_a_query_over_get_runs_with_variables_and_operation_name(harness: Harness) -> None:
    response = await harness.get(
        {
            "query": "query Hi($n: String) { hello(name: $n) }",
            "variables": '{"n": "Ada"}',
            "operationName": "Hi",
        }
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "Hello, Ada"}}


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
async def test_other_methods_are_405_with_allow(harness: Harness, method: str) -> None:
    response = await harness.http.request(method, "/graphql")

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    if method != "HEAD":
        assert codes(response) == ["METHOD_NOT_ALLOWED"]


async def test_graphiql_is_served_to_browsers_only_when_switched_on(
    make_harness: Callable[..., Harness],
) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    dev = make_harness(settings=EndpointSettings(graphiql=True))
    production = make_harness()

    page = await dev.http.get("/graphql", headers={"accept": browser})
    missing = await production.http.get("/graphql", headers={"accept": browser})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "graphiql" in page.text.lower()
    assert missing.status_code == 404
    assert codes(missing) == ["NOT_FOUND"]


async def test_a_browser_get_with_a_query_is_a_graphql_request(
    make_harness: Callable[..., Harness],
) -> None:
    dev = make_harness(settings=EndpointSettings(graphiql=True))
    browser = "text/html,*/*;q=0.8"

    blocked = await dev.http.get(
        "/graphql", params={"query": "{ hello }"}, headers={"accept": browser}
    )
    allowed = await dev.get({"query": "{ hello }"}, accept=browser)

    assert codes(blocked) == ["CSRF_BLOCKED"]
    assert allowed.json() == {"data": {"hello": "Hello, world"}}


async def test_a_get_without_a_query_is_400(harness: Harness) -> None:
    response = await harness.get({})

    assert response.status_code == 400
    assert codes(response) == ["BAD_REQUEST"]
    assert "no 'query'" in response.json()["errors"][0]["message"]


async def test_each_request_gets_a_fresh_context_and_the_principal(
    make_harness: Callable[..., Harness],
) -> None:
    def authenticate(request: Request) -> Principal:
        key = request.headers.get("x-api-key")
        return (
            Principal("api_key", "pos", key=f"key:{key}")
            if key
            else Principal.anonymous("198.51.100.7")
        )

    harness = make_harness(authenticate=authenticate)

    first = await harness.post({"query": "{ viewer }"}, headers={"x-api-key": "till-7"})
    second = await harness.post({"query": "{ viewer }"})

    assert first.json() == {"data": {"viewer": "key:till-7"}}
    assert second.json() == {"data": {"viewer": "ip:198.51.100.7"}}
    assert len(harness.contexts) == 2
    assert harness.contexts[0] is not harness.contexts[1]
    assert harness.contexts[0].data is not harness.contexts[1].data


async def test_the_default_principal_is_anonymous_by_address(harness: Harness) -> None:
    response = await harness.post({"query": "{ viewer }"})

    assert response.json() == {"data": {"viewer": "ip:127.0.0.1"}}


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (AuthError("the API key is not valid"), 401, "UNAUTHENTICATED"),
        (AuthError("admins only", code="FORBIDDEN", status=403), 403, "FORBIDDEN"),
    ],
    ids=["401", "403"],
)
async def test_an_auth_error_is_refused_with_its_status_and_code(
    make_harness: Callable[..., Harness], error: AuthError, status: int, code: str
) -> None:
    async def authenticate(request: Request) -> Principal:
        raise error

    harness = make_harness(authenticate=authenticate)

    response = await harness.post({"query": "{ hello }"})

    assert response.status_code == status
    assert codes(response) == [code]
    assert response.json()["errors"][0]["message"] == error.message
    assert ("www-authenticate" in response.headers) is (status == 401)
    assert harness.calls == []


async def test_guessing_credentials_is_rate_limited_by_address(
    make_harness: Callable[..., Harness],
) -> None:
    def authenticate(request: Request) -> Principal:
        raise AuthError("the API key is not valid")

    harness = make_harness(
        authenticate=authenticate,
        settings=EndpointSettings(rate_limit=RateLimitSettings(capacity=3, refill_per_second=0.01)),
    )

    statuses = [(await harness.post({"query": "{ hello }"})).status_code for _ in range(5)]

    assert statuses == [401, 401, 401, 429, 429]


async def test_the_request_runs_under_the_deadline(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(deadline=2.5)

    response = await harness.post({"query": "{ deadline }"})

    assert 2.0 < response.json()["data"]["deadline"] <= 2.5


async def test_the_data_layers_notes_reach_the_response(harness: Harness) -> None:
    response = await harness.post({"query": "{ noted }"})

    assert response.json() == {
        "data": {"noted": "partly"},
        "errors": [
            {"message": "erp is unavailable", "path": ["noted"], "extensions": {"code": "X"}}
        ],
        "extensions": {"stale": [{"path": ["noted"], "connector": "erp", "age": 12.0}]},
    }


async def test_metrics_count_requests_by_status_and_errors_by_code(
    make_harness: Callable[..., Harness],
) -> None:
    metrics = Metrics()
    harness = make_harness(metrics=metrics)

    await harness.post({"query": "{ hello }"})
    await harness.post({"query": "{ boom }"})
    await harness.get({"query": MUTATION})
    await harness.http.get("/graphql", params={"query": "{ hello }"})

    def sample(name: str, **labels: str) -> float | None:
        return metrics.registry.get_sample_value(name, labels)

    assert sample("commerce_gateway_graphql_requests_total", status="200") == 2
    assert sample("commerce_gateway_graphql_requests_total", status="405") == 1
    assert sample("commerce_gateway_graphql_requests_total", status="400") == 1
    assert sample("commerce_gateway_graphql_errors_total", code="INTERNAL_SERVER_ERROR") == 1
    assert sample("commerce_gateway_graphql_errors_total", code="METHOD_NOT_ALLOWED") == 1
    assert sample("commerce_gateway_graphql_errors_total", code="CSRF_BLOCKED") == 1
    assert sample("commerce_gateway_graphql_request_seconds_count") == 4


class _Stream:
    """An ASGI ``receive`` sending ``chunk`` forever; counts what was taken."""

    def __init__(self, chunk: bytes) -> None:
        self.chunk = chunk
        self.taken = 0

    async def __call__(self) -> dict[str, Any]:
        self.taken += 1
        await asyncio.sleep(0)
        return {"type": "http.request", "body": self.chunk, "more_body": True}


async def _call(
    harness: Harness, headers: list[tuple[bytes, bytes]], receive: Any
) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), *headers],
        "client": ("203.0.113.9", 5000),
        "server": ("gateway.test", 80),
    }
    await harness.endpoint(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body


async def test_an_endless_body_is_cut_off_at_the_limit_not_read_to_the_end(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(settings=EndpointSettings(max_body_bytes=100_000))
    stream = _Stream(b" " * 16_384)

    status, body = await _call(harness, [], stream)

    assert status == 413
    assert b'"BODY_TOO_LARGE"' in body
    assert stream.taken == 7  # 7 x 16 KiB is the first read past 100,000 bytes
    assert harness.calls == []


async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    harness: Harness,
) -> None:
    stream = _Stream(b" ")

    status, body = await _call(harness, [(b"content-length", b"2097153")], stream)

    assert status == 413
    assert b'"BODY_TOO_LARGE"' in body
    assert stream.taken == 0


async def test_a_body_at_the_limit_is_read(make_harness: Callable[..., Harness]) -> None:
    body = b'{"query": "{ hello }"}'
    harness = make_harness(settings=EndpointSettings(max_body_bytes=len(body)))

    fits = await harness.http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    over = await harness.http.post(
        "/graphql", content=body + b" ", headers={"content-type": "application/json"}
    )

    assert fits.status_code == 200
    assert (over.status_code, codes(over)) == (413, ["BODY_TOO_LARGE"])


async def test_a_client_that_goes_away_gets_no_answer_and_counts_as_499(
    make_harness: Callable[..., Harness],
) -> None:
    metrics = Metrics()
    harness = make_harness(metrics=metrics)

    async def gone() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "client": ("203.0.113.9", 5000),
    }
    await harness.endpoint(scope, gone, send)

    assert sent == []
    assert (
        metrics.registry.get_sample_value(
            "commerce_gateway_graphql_requests_total", {"status": "499"}
        )
        == 1
    )
