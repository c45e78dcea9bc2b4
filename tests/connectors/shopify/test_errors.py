"""Shopify's failures leave the connector as connectors.errors, with what the caller needs
to react: when to retry, which code Shopify gave, never the token."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from connectors.errors import (
    AuthFailed,
    RateLimited,
    RejectedByVendor,
    UnexpectedResponse,
    UpstreamUnavailable,
)
from connectors.shopify import ShopifyConnector, ThrottleStatus, queries
from connectors.shopify.sandbox import ShopifySandbox
from connectors.testing import connect

from .support import FakeClock, routed, shopify_router


def _throttled_body(requested: int, available: int, rate: float) -> dict[str, Any]:
    return {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": available,
                    "restoreRate": rate,
                },
            }
        },
    }


# -- throttling ---------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_throttled_says_how_long_until_the_query_fits(anyio_backend: str) -> None:
    clock = FakeClock()
    sandbox = ShopifySandbox(maximum_available=100, restore_rate=10, clock=clock)
    ids = list(sandbox.samples().product_ids[:3])
    async with connect(ShopifyConnector, sandbox) as connector:
        await connector.products(ids)
        left = connector.throttle_status.currently_available
        with pytest.raises(RateLimited) as caught:
            await connector.products(ids)
        # 1 + 3 * 25 = 76 points asked for, ``left`` in the bucket, 10 back per second.
        assert caught.value.retry_after == pytest.approx((76 - left) / 10)
        assert caught.value.retry_after > 0
        clock.advance(caught.value.retry_after)
        assert len(await connector.products(ids)) == 3


@pytest.mark.anyio
async def test_every_answer_updates_the_throttle_status(anyio_backend: str) -> None:
    sandbox = ShopifySandbox(clock=FakeClock())
    async with connect(ShopifyConnector, sandbox) as connector:
        assert connector.throttle_status is None
        await connector.ping()
        first = connector.throttle_status
        await connector.products(list(sandbox.samples().product_ids))
        second = connector.throttle_status
    assert isinstance(first, ThrottleStatus)
    assert (first.maximum_available, first.currently_available, first.restore_rate) == (
        20000.0,
        19999.0,
        1000.0,
    )
    assert second is not None
    assert second.currently_available < first.currently_available
    assert second.observed_at >= first.observed_at


def test_throttle_status_predicts_the_refill() -> None:
    status = ThrottleStatus(1000.0, 100.0, 50.0, observed_at=10.0)
    assert status.available_at(12.0) == 200.0
    assert status.available_at(100.0) == 1000.0
    assert status.seconds_until(300, now=12.0) == 2.0
    assert status.seconds_until(150, now=12.0) == 0.0


@pytest.mark.anyio
async def test_throttled_with_http_429_honours_retry_after(anyio_backend: str) -> None:
    sandbox = ShopifySandbox(throttle_status=429)
    sandbox.faults.throttle = True
    async with connect(ShopifyConnector, sandbox) as connector:
        with pytest.raises(RateLimited) as caught:
            await connector.ping()
    assert caught.value.retry_after == 1.0


@pytest.mark.anyio
async def test_429_without_retry_after_falls_back_to_the_cost(anyio_backend: str) -> None:
    router = shopify_router()
    router["graphql"].respond(429, json=_throttled_body(752, 572, 200.0))
    async with routed(router) as connector:
        with pytest.raises(RateLimited) as caught:
            await connector.ping()
        assert connector.throttle_status is not None
        assert connector.throttle_status.currently_available == 572
    assert caught.value.retry_after == pytest.approx((752 - 572) / 200)


@pytest.mark.anyio
async def test_a_429_with_an_http_date_retry_after(anyio_backend: str) -> None:
    router = shopify_router()
    router["graphql"].respond(
        429,
        headers={"Retry-After": "4.0"},
        json={"errors": "Exceeded 4 calls per second for api client."},
    )
    async with routed(router) as connector:
        with pytest.raises(RateLimited) as caught:
            await connector.ping()
    assert caught.value.retry_after == 4.0


@pytest.mark.anyio
async def test_throttled_without_cost_waits_a_second(anyio_backend: str) -> None:
    router = shopify_router()
    router["graphql"].respond(
        200, json={"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]}
    )
    async with routed(router) as connector:
        with pytest.raises(RateLimited) as caught:
            await connector.ping()
    assert caught.value.retry_after == 1.0


# -- outages -------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_503_is_unavailable_and_passes_on_retry_after(
    connector: Any, sandbox: ShopifySandbox
) -> None:
    sandbox.faults.down = True
    with pytest.raises(UpstreamUnavailable) as caught:
        await connector.ping()
    assert str(caught.value) == "shopify: Shopify answered HTTP 503; it asks to retry in 1.0s"


@pytest.mark.anyio
@pytest.mark.parametrize("status", [500, 502, 504])
async def test_other_5xx_are_unavailable(status: int, anyio_backend: str) -> None:
    router = shopify_router()
    router["graphql"].respond(status, text="<html>oops</html>")
    async with routed(router) as connector:
        with pytest.raises(UpstreamUnavailable) as caught:
            await connector.ping()
    assert not isinstance(caught.value, UnexpectedResponse)
    assert f"HTTP {status}" in str(caught.value)


# -- refusals ----------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_wrong_token_fails_auth_without_leaking_it(
    sandbox: ShopifySandbox, anyio_backend: str
) -> None:
    async with connect(
        ShopifyConnector, sandbox, overrides={"access_token": "shpat_leak_me"}
    ) as connector:
        with pytest.raises(AuthFailed) as caught:
            await connector.ping()
    assert "shpat_leak_me" not in str(caught.value)
    assert "HTTP 401" in str(caught.value)
    assert sandbox.requests[-1].headers["x-shopify-access-token"] == "shpat_leak_me"


@pytest.mark.anyio
async def test_missing_scopes_fail_auth(anyio_backend: str) -> None:
    router = shopify_router()
    router["graphql"].respond(
        200,
        json={
            "data": None,
            "errors": [
                {
                    "message": "Access denied for customers field. Required access: `read_customers` access scope.",
                    "path": ["customers"],
                    "extensions": {"code": "ACCESS_DENIED"},
                }
            ],
        },
    )
    async with routed(router) as connector:
        with pytest.raises(AuthFailed) as caught:
            await connector.customers_by_email(["a@b.example"])
    assert "read_customers" in str(caught.value)


@pytest.mark.anyio
async def test_a_version_shopify_does_not_serve(
    sandbox: ShopifySandbox, anyio_backend: str
) -> None:
    async with connect(
        ShopifyConnector, sandbox, overrides={"api_version": "2024-07"}
    ) as connector:
        with pytest.raises(RejectedByVendor) as caught:
            await connector.ping()
    assert caught.value.code == "NOT_FOUND"
    assert "/admin/api/2024-07/graphql.json" in str(caught.value)


@pytest.mark.anyio
async def test_cost_over_the_limit_is_rejected_with_shopifys_code(
    sandbox: ShopifySandbox, anyio_backend: str
) -> None:
    # The connector never sends such a document; replay the sandbox's answer to one.
    answer = sandbox.execute(queries.PRODUCTS_QUERY, {"first": 100})
    router = shopify_router()
    router["graphql"].respond(
        200, content=answer.body, headers={"Content-Type": "application/json"}
    )
    async with routed(router) as connector:
        with pytest.raises(RejectedByVendor) as caught:
            await connector.list_products(first=5)
    assert caught.value.code == "MAX_COST_EXCEEDED"
    assert str(caught.value) == (
        "shopify: Shopify refused the query: Query cost is 2503, which exceeds the single "
        "query max cost limit (1000)."
    )


@pytest.mark.anyio
async def test_an_invalid_document_is_rejected_with_shopifys_code(
    sandbox: ShopifySandbox, anyio_backend: str
) -> None:
    answer = sandbox.execute("{ shop { id sizeChart } }", {})
    router = shopify_router()
    router["graphql"].respond(
        200, content=answer.body, headers={"Content-Type": "application/json"}
    )
    async with routed(router) as connector:
        with pytest.raises(RejectedByVendor) as caught:
            await connector.ping()
    assert caught.value.code == "undefinedField"
    assert "Cannot query field 'sizeChart' on type 'Shop'." in str(caught.value)


@pytest.mark.anyio
async def test_an_answer_that_does_not_match_the_document(anyio_backend: str) -> None:
    router = shopify_router()
    router["graphql"].respond(
        200,
        content=orjson.dumps(
            {
                "data": {
                    "shop": {"currencyCode": "EUR"},
                    "nodes": [{"__typename": "Product", "id": "gid://shopify/Product/1"}],
                }
            }
        ),
    )
    async with routed(router) as connector:
        with pytest.raises(UnexpectedResponse) as caught:
            await connector.products(["gid://shopify/Product/1"])
    assert "KeyError" in str(caught.value)


@pytest.mark.anyio
async def test_requests_are_what_shopify_expects(anyio_backend: str) -> None:
    router = shopify_router()
    router["graphql"].respond(200, json={"data": {"shop": {"id": "gid://shopify/Shop/1"}}})
    async with routed(router) as connector:
        await connector.ping()
    request: httpx.Request = router["graphql"].calls.last.request
    assert str(request.url) == "https://nordlicht.myshopify.com/admin/api/2025-01/graphql.json"
    assert request.headers["x-shopify-access-token"] == "shpat_test_token"
    assert request.headers["content-type"] == "application/json"
    assert orjson.loads(request.content) == {"query": queries.PING_QUERY, "variables": {}}


@pytest.mark.anyio
async def test_a_stock_answer_without_page_info_is_an_unexpected_response(
    anyio_backend: str,
) -> None:
    level = {
        "location": {"id": "gid://shopify/Location/1"},
        "quantities": [{"name": "available", "quantity": 3}],
        "updatedAt": "2026-11-23T08:00:00Z",
    }
    item = {"id": "gid://shopify/InventoryItem/1", "inventoryLevels": {"nodes": [level]}}
    router = shopify_router()
    router["graphql"].respond(
        200,
        content=orjson.dumps(
            {
                "data": {
                    "productVariants": {
                        "nodes": [{"sku": "SKU-1", "inventoryItem": item}],
                        "pageInfo": {"hasNextPage": False, "endCursor": None},
                    }
                }
            }
        ),
    )
    async with routed(router) as connector:
        with pytest.raises(UnexpectedResponse) as caught:
            await connector.levels(["SKU-1"])
    assert "KeyError" in str(caught.value)
