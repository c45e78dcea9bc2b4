"""Vendor error bodies mapped once, at the boundary. The sandbox where it can say it; respx
for answers it never gives (403, 500 with a body, an HTTP-date Retry-After, odd shapes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

from connectors.errors import (
    AuthFailed,
    RateLimited,
    RejectedByVendor,
    UnexpectedResponse,
    UpstreamUnavailable,
)
from connectors.sandbox import Samples
from connectors.sap_commerce import SapCommerceConnector, SapCommerceSettings
from connectors.secrets import Secret

from .support import Connect, payload

BASE = "https://occ.example.com"
OCC = f"{BASE}/occ/v2/nordlicht"
TOKEN = {"access_token": "t-1", "token_type": "bearer", "expires_in": 3600, "scope": "basic"}


@pytest.fixture
async def mocked(anyio_backend: str) -> AsyncIterator[tuple[respx.MockRouter, Any]]:
    """A connector against respx: a token route, everything else 404 unless a test routes it."""
    settings = SapCommerceSettings(
        base_url=BASE,
        base_site="nordlicht",
        client_id="gateway",
        client_secret=Secret("s3cret-value"),
    )
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{BASE}/authorizationserver/oauth/token").respond(json=TOKEN)
        async with httpx.AsyncClient() as client:
            yield router, SapCommerceConnector(settings, client, instance="b2b")


@pytest.mark.anyio
async def test_an_unknown_base_site_is_rejected_with_occs_error_type(
    make_connector: Connect, samples: Samples
) -> None:
    async with make_connector(base_site="nordlicht-at") as connector:
        with pytest.raises(RejectedByVendor) as caught:
            await connector.products(list(samples.product_ids[:2]))
    assert caught.value.code == "InvalidResourceError"
    assert "nordlicht-at" in caught.value.message


@pytest.mark.anyio
async def test_a_currency_the_store_does_not_sell_in_is_rejected(
    make_connector: Connect, samples: Samples
) -> None:
    async with make_connector(currency="USD") as connector:
        with pytest.raises(RejectedByVendor) as caught:
            await connector.variants(list(samples.skus[:2]))
    assert caught.value.code == "UnsupportedCurrencyError"
    assert "USD" in caught.value.message


@pytest.mark.anyio
async def test_a_wrong_stock_api_path_says_what_to_check(
    make_connector: Connect, samples: Samples
) -> None:
    async with make_connector(stock_api_path="/odata2webservices/StockLevels") as connector:
        with pytest.raises(UnexpectedResponse) as caught:
            await connector.levels(list(samples.skus[:1]))
    assert "HTTP 404" in caught.value.message
    assert "stock_api_path" in caught.value.message


@pytest.mark.anyio
async def test_a_wrong_customer_api_path_says_which_setting_to_check(
    make_connector: Connect, samples: Samples
) -> None:
    async with make_connector(customer_api_path="/odata2webservices/Customer") as connector:
        with pytest.raises(UnexpectedResponse) as caught:
            await connector.customers(list(samples.customer_ids[:2]))
    assert "HTTP 404" in caught.value.message
    assert "customer_api_path" in caught.value.message


@pytest.fixture
async def integration(anyio_backend: str) -> AsyncIterator[tuple[respx.MockRouter, Any]]:
    """Like ``mocked``, with the customer and order integration objects configured."""
    settings = SapCommerceSettings(
        base_url=BASE,
        base_site="nordlicht",
        client_id="gateway",
        client_secret=Secret("s3cret-value"),
        customer_api_path="/odata2webservices/InboundCustomer",
        order_api_path="/odata2webservices/InboundOrder",
    )
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{BASE}/authorizationserver/oauth/token").respond(json=TOKEN)
        async with httpx.AsyncClient() as client:
            yield router, SapCommerceConnector(settings, client, instance="b2b")


@pytest.mark.anyio
async def test_a_service_that_cannot_search_text_rejects_the_listing_with_its_code(
    integration: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = integration
    refusal = {"error": {"code": "not_supported", "message": {"value": "substringof"}}}
    router.get(url__startswith=f"{BASE}/odata2webservices/InboundCustomer/Customers").respond(
        400, json=refusal
    )
    with pytest.raises(RejectedByVendor) as caught:
        await connector.list_customers(first=10, query="pohl")
    assert caught.value.code == "not_supported"


@pytest.mark.anyio
@pytest.mark.parametrize(
    "body",
    [
        {"d": {"results": [{"code": "1", "user": {"__deferred": {"uri": "x"}}}]}},
        {"d": {"results": "not a list"}},
        {"value": []},
    ],
    ids=["user-not-expanded", "results-not-a-list", "odata-v4-shape"],
)
async def test_an_integration_api_body_of_the_wrong_shape_is_unexpected(
    integration: tuple[respx.MockRouter, Any], body: Any
) -> None:
    router, connector = integration
    router.get(url__startswith=f"{BASE}/odata2webservices/InboundOrder/Orders").respond(json=body)
    with pytest.raises(UnexpectedResponse):
        await connector.orders(["a@example.com|1"])


@pytest.mark.anyio
async def test_a_forbidden_call_fails_auth(mocked: tuple[respx.MockRouter, Any]) -> None:
    router, connector = mocked
    router.get(url__startswith=f"{OCC}/users/").respond(403, json=payload("errors")["forbidden"])
    with pytest.raises(AuthFailed) as caught:
        await connector.customers(["a@example.com"])
    assert "ForbiddenError" in caught.value.message
    assert caught.value.connector == "b2b"


@pytest.mark.anyio
async def test_an_oauth_style_invalid_token_is_renewed_too(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    router.get(url__startswith=f"{BASE}/odata2webservices/").mock(
        side_effect=[
            httpx.Response(401, json={"error": "invalid_token", "error_description": "expired"}),
            httpx.Response(200, json={"d": {"results": [], "__count": "0"}}),
        ]
    )
    router.get(url__startswith=f"{OCC}/stores").respond(json=payload("stores"))
    assert await connector.levels(["300441142-S"], ["wh-hamburg"]) == [[]]
    assert router.routes[0].call_count == 2  # the token, fetched again


@pytest.mark.anyio
async def test_an_invalid_token_error_never_echoes_the_token(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    router.get(url__startswith=f"{OCC}/products/search").respond(
        401, json=payload("errors")["invalid_token"]
    )
    with pytest.raises(AuthFailed) as caught:
        await connector.products(["300441142"])
    assert "6bb3b2b5" not in str(caught.value)
    assert "t-1" not in str(caught.value)


@pytest.mark.anyio
async def test_an_http_date_retry_after_becomes_seconds(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    router.get(url__startswith=f"{OCC}/products/search").respond(
        429, headers={"Retry-After": later}, text="Too Many Requests"
    )
    with pytest.raises(RateLimited) as caught:
        await connector.products(["300441142"])
    assert caught.value.retry_after is not None
    assert 25 <= caught.value.retry_after <= 30


@pytest.mark.anyio
async def test_a_server_error_with_an_occ_body_is_unavailable(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    router.get(url__startswith=f"{OCC}/users/").respond(
        500, json={"errors": [{"type": "SolrServerError", "message": "boom"}]}
    )
    with pytest.raises(UpstreamUnavailable) as caught:
        await connector.customers(["a@example.com"])
    assert not isinstance(caught.value, UnexpectedResponse)
    assert "HTTP 500" in caught.value.message


@pytest.mark.anyio
async def test_an_odata_error_is_rejected_with_its_code(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    router.get(url__startswith=f"{OCC}/stores").respond(json=payload("stores"))
    router.get(url__startswith=f"{BASE}/odata2webservices/").respond(
        400, json=payload("errors")["odata_bad_filter"]
    )
    with pytest.raises(RejectedByVendor) as caught:
        await connector.levels(["300441142-S"])
    assert caught.value.code == "invalid_query"
    assert "cannot be used in $filter" in caught.value.message


@pytest.mark.anyio
@pytest.mark.parametrize(
    "body",
    [{"products": "not a list"}, {"products": [{"name": "no code"}]}, ["a", "list"]],
    ids=["products-not-a-list", "product-without-code", "not-an-object"],
)
async def test_json_of_the_wrong_shape_is_an_unexpected_response(
    mocked: tuple[respx.MockRouter, Any], body: Any
) -> None:
    router, connector = mocked
    router.get(url__startswith=f"{OCC}/products/search").respond(json=body)
    with pytest.raises(UnexpectedResponse):
        await connector.products(["300441142"])


@pytest.mark.anyio
async def test_a_token_response_without_a_token_is_unexpected(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    router.post(f"{BASE}/authorizationserver/oauth/token").respond(json={"token_type": "bearer"})
    with pytest.raises(UnexpectedResponse):
        await connector.ping()


@pytest.mark.anyio
async def test_an_unknown_user_is_none_but_a_bad_request_is_not(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    router.get(url__startswith=f"{OCC}/users/ghost").respond(
        400, json={"errors": [{"type": "UnknownIdentifierError", "message": "Cannot find user"}]}
    )
    router.get(url__startswith=f"{OCC}/users/").respond(400, json=payload("errors")["bad_currency"])
    assert await connector.customers(["ghost@example.com"]) == [None]
    with pytest.raises(RejectedByVendor) as caught:
        await connector.customers(["real@example.com"])
    assert caught.value.code == "UnsupportedCurrencyError"
