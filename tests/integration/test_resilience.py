"""One back end failing, slow or throttled never takes the graph down (over the sandboxes)."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.responses import Response

from connectors.sandbox import Sandbox
from connectors.shopify.sandbox import ShopifySandbox
from gateway.app import create_app
from gateway.cache import CachePolicy
from gateway.config import CACHE_KINDS, GatewayConfig
from gateway.sandboxes import create_sandboxes, sandbox_config
from gateway.testing import GatewayClient
from gateway.testing.plugin import sandbox_transports

PRODUCT_PAGE = """
{ product(handle: "alpine-tee") { title priceRange { minVariantPrice { amount } }
    variants { sku inventory { available location { name kind } } } } }
"""
SECRET = "hunter2-planted-SECRET"
HOST = "db-7.internal.nordlicht.example"


NO_CACHE = {kind: CachePolicy(fresh=0, stale=0, stale_if_error=0) for kind in CACHE_KINDS}


def configure(
    sandboxes: dict[str, Sandbox],
    *,
    deadline: float = 5.0,
    cache: dict[str, CachePolicy] | None = None,
    **resilience: object,
) -> GatewayConfig:
    """The demo's config over ``sandboxes``; the cache off unless given, so every query
    reaches the back ends these tests break."""
    config = sandbox_config(sandboxes, {n: s.base_url for n, s in sandboxes.items()})
    connectors = {
        name: dataclasses.replace(
            spec, resilience=dataclasses.replace(spec.resilience, **resilience)
        )
        for name, spec in config.connectors.items()
    }
    server = dataclasses.replace(config.server, deadline=deadline)
    caching = dataclasses.replace(config.cache, policies=cache or NO_CACHE)
    return dataclasses.replace(config, connectors=connectors, server=server, cache=caching)


@pytest.fixture
def sandboxes() -> dict[str, Sandbox]:
    return create_sandboxes(["shopify", "sap_commerce"])


def client_for(sandboxes: dict[str, Sandbox], config: GatewayConfig) -> GatewayClient:
    return GatewayClient(create_app(config, transport_factory=sandbox_transports(sandboxes)))


@pytest.fixture
def client(sandboxes: dict[str, Sandbox]) -> Iterator[GatewayClient]:
    with client_for(sandboxes, configure(sandboxes)) as client:
        yield client


def test_a_back_end_down_nulls_nothing_else_and_leaks_nothing(
    client: GatewayClient, sandboxes: dict[str, Sandbox], caplog: pytest.LogCaptureFixture
) -> None:
    sap = sandboxes["sap_commerce"]
    sap.faults.down = True
    sap.unavailable_response = lambda: Response(  # type: ignore[method-assign]
        f'{{"errors":[{{"type":"ServerError","message":"pool exhausted on {HOST} '
        f'password={SECRET}"}}]}}'.encode(),
        503,
        media_type="application/json",
    )

    with caplog.at_level(logging.INFO):
        result = client.query(PRODUCT_PAGE)

    assert result.status_code == 200
    product = result.data["product"]
    assert product["title"] == "Alpine Tee"
    assert product["priceRange"]["minVariantPrice"]["amount"] == "24.90"
    for variant in product["variants"]:
        kinds = {level["location"]["kind"] for level in variant["inventory"]}
        assert kinds == {"STORE"}, "Shopify's store stock still arrives"
    assert result.errors, "the missing warehouse stock is reported"
    for error in result.errors:
        assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
        assert error["extensions"]["connector"] == "sap_commerce"
        assert error["path"][:2] == ["product", "variants"]
    body = str(result.errors) + str(result.data)
    assert SECRET not in body
    assert HOST not in body
    assert SECRET not in caplog.text, "the log gets the vendor's text, secrets redacted"


def test_a_hanging_back_end_costs_no_more_than_the_deadline_then_the_breaker_opens(
    sandboxes: dict[str, Sandbox],
) -> None:
    sap = sandboxes["sap_commerce"]
    config = configure(sandboxes, deadline=0.4, failure_threshold=3, open_for=0.6, max_attempts=1)
    with client_for(sandboxes, config) as client:
        client.query(PRODUCT_PAGE)  # warm: token and locations cached by nobody, stock read
        sap.faults.latency_ms = 10_000

        started = time.monotonic()
        result = client.query(PRODUCT_PAGE)
        elapsed = time.monotonic() - started

        assert elapsed < 0.4 + 0.1
        assert result.data["product"]["title"] == "Alpine Tee"
        assert {e["extensions"]["code"] for e in result.errors} == {"UPSTREAM_TIMEOUT"}

        # Enough timeouts open the breaker; from then on SAP gets no calls at all.
        for _ in range(3):
            client.query(PRODUCT_PAGE)
        calls = len(sap.requests)
        for _ in range(5):
            result = client.query(PRODUCT_PAGE)
            assert {e["extensions"]["code"] for e in result.errors} == {"CIRCUIT_OPEN"}
        assert len(sap.requests) == calls

        # After open_for, exactly one probe goes through.
        sap.faults.latency_ms = 0
        time.sleep(0.65)
        result = client.query(PRODUCT_PAGE)
        assert len(sap.requests) > calls
        assert result.errors == []


def test_a_flaky_back_end_is_retried_within_budget(sandboxes: dict[str, Sandbox]) -> None:
    query = '{ variant(sku: "NL-1001-NVY-M") { sku inventory { available location { kind } } } }'

    def run(error_rate: float) -> tuple[int, int]:
        boxes = create_sandboxes(["shopify", "sap_commerce"])
        boxes["sap_commerce"].faults.error_rate = error_rate
        config = configure(boxes, backoff_base=0.001, backoff_max=0.002, failure_threshold=10_000)
        failed = 0
        with client_for(boxes, config) as client:
            for _ in range(60):
                result = client.query(query)
                failed += bool(result.errors)
        return len(boxes["sap_commerce"].api_calls()), failed

    healthy_calls, _ = run(0.0)
    flaky_calls, failed = run(0.3)

    assert flaky_calls <= 1.2 * healthy_calls
    assert failed < 0.3 * 60, "retries recovered some of the failures"


def test_a_burst_of_expensive_queries_is_paced_under_shopifys_bucket() -> None:
    shopify = ShopifySandbox(maximum_available=2_000, restore_rate=4_000)
    boxes = {"shopify": shopify, **create_sandboxes(["sap_commerce"])}
    plp = "{ products(first: 10) { nodes { variants { inventory { available } } } } }"
    with client_for(boxes, configure(boxes)) as client, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: client.query(plp), range(8)))

    assert all(r.errors == [] for r in results)
    assert shopify.throttled_answers == 0


def test_a_throttled_answer_is_retried_after_the_bucket_refills() -> None:
    shopify = ShopifySandbox(maximum_available=1_000, restore_rate=500)
    boxes = {"shopify": shopify, **create_sandboxes(["sap_commerce"])}
    query = '{ product(handle: "alpine-tee") { title } }'
    with client_for(boxes, configure(boxes)) as client:
        for _ in range(6):  # healthy calls earn the retry budget a retry needs
            client.query(query)
        # Another app on the same shop drains the bucket behind the gateway's back.
        shopify.bucket.take(shopify.bucket.available())

        started = time.monotonic()
        result = client.query(query)

    assert result.errors == []
    assert result.data["product"]["title"] == "Alpine Tee"
    assert shopify.throttled_answers == 1
    assert time.monotonic() - started >= 0.02, "it waited for the bucket to refill"


def test_metrics_are_served(client: GatewayClient, sandboxes: dict[str, Sandbox]) -> None:
    client.query(PRODUCT_PAGE)
    sandboxes["sap_commerce"].faults.down = True
    client.query(PRODUCT_PAGE)

    text = client.get("/metrics").text

    assert 'commerce_gateway_backend_calls_total{connector="shopify",outcome="ok"}' in text
    assert (
        'commerce_gateway_backend_calls_total{connector="sap_commerce",outcome="http_5xx"}' in text
    )
    assert 'commerce_gateway_graphql_errors_total{code="UPSTREAM_UNAVAILABLE"}' in text
    assert 'commerce_gateway_breaker_state{connector="sap_commerce"}' in text
    assert "commerce_gateway_graphql_request_seconds_bucket" in text
