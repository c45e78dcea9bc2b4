"""Customers and orders in both modes (the Integration API's customer and order objects, and
OCC one key at a time): IDs that round-trip, the retailer's truth, per-key calls under a cap.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from connectors.models import Channel, OrderPageRequest, OrderStatus
from connectors.sandbox import Samples
from connectors.sap_commerce import SapCommerceConnector, SapCommerceSettings
from connectors.sap_commerce.sandbox import SapCommerceSandbox
from connectors.settings import build_settings
from connectors.testing import SandboxTransport, connect

from .support import OCC_ONLY

_STATUS = {
    "OPEN": OrderStatus.OPEN,
    "FULFILLED": OrderStatus.FULFILLED,
    "CANCELLED": OrderStatus.CANCELLED,
}


@pytest.fixture(params=["integration-api", "occ"])
async def connector(
    request: pytest.FixtureRequest, sandbox: SapCommerceSandbox, anyio_backend: str
) -> AsyncIterator[Any]:
    """Every test here runs against both ways of reading customers and orders."""
    overrides = OCC_ONLY if request.param == "occ" else {}
    async with connect(SapCommerceConnector, sandbox, overrides=overrides) as connector:
        yield connector


class _Counting(httpx.AsyncBaseTransport):
    """Counts requests in flight at once."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.now = 0
        self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.now += 1
        self.most = max(self.most, self.now)
        try:
            return await self.inner.handle_async_request(request)
        finally:
            self.now -= 1


@pytest.mark.anyio
async def test_per_key_lookups_run_concurrently_under_the_cap(
    sandbox: SapCommerceSandbox, anyio_backend: str
) -> None:
    # Given a connector reading users over OCC, allowed two calls at a time, and a vendor
    # that takes a while
    raw = {**sandbox.connector_settings(sandbox.base_url), **OCC_ONLY, "max_concurrency": 2}
    settings = build_settings(SapCommerceSettings, raw, where="connectors.sap")
    transport = _Counting(SandboxTransport(sandbox.app))
    ids = list(sandbox.state.users)[:8]
    async with httpx.AsyncClient(transport=transport) as client:
        connector = SapCommerceConnector(settings, client)
        await connector.ping()  # token first, so only user calls overlap
        sandbox.faults.latency_ms = 15

        # When eight customers are read
        customers = await connector.customers(ids)

    # Then all came back, two calls at a time
    assert [c.external_id for c in customers if c] == ids
    assert transport.most == 2


@pytest.mark.anyio
async def test_customers_carry_what_sap_holds_not_what_shopify_holds(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    retyped = next(
        c
        for c in sandbox.retailer.customers_in("sap_commerce")
        if "first_name" in c.overrides.get("sap_commerce", {})
    )
    [customer] = await connector.customers_by_email([retyped.email.upper()])
    assert [c.first_name for c in customer] == [retyped.first_name.upper()]
    assert customer[0].email == retyped.email


@pytest.mark.anyio
async def test_a_customer_only_in_shopify_is_unknown_here(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    shopify_only = next(c for c in sandbox.retailer.customers if c.systems == ("shopify",))
    assert await connector.customers_by_email([shopify_only.email]) == [[]]
    assert await connector.customers([shopify_only.email]) == [None]


@pytest.mark.anyio
async def test_every_order_has_the_retailers_channel_status_and_total(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    truth = {order.number: order for order in sandbox.retailer.orders_in("sap_commerce")}
    requests = [OrderPageRequest(uid, 50) for uid in sandbox.state.users]
    pages = await connector.orders_for_customers(requests)
    orders = [order for page in pages for order in page.items]
    assert sorted(order.number for order in orders) == sorted(truth)
    for order in orders:
        expected = truth[order.number]
        assert order.channel is Channel(expected.channel)
        assert order.status is _STATUS[expected.status]
        assert order.totals.total.amount == expected.total
        assert order.created_at == expected.created_at
        assert [line.sku for line in order.lines] == [line.sku for line in expected.lines]
    assert {order.channel for order in orders} == {Channel.B2B, Channel.CALL_CENTER}


@pytest.mark.anyio
async def test_order_ids_from_a_history_page_find_the_same_orders(
    connector: Any, samples: Samples
) -> None:
    assert samples.customer_with_orders
    [page] = await connector.orders_for_customers(
        [OrderPageRequest(samples.customer_with_orders, 10)]
    )
    again = await connector.orders([order.external_id for order in page.items])
    assert again == list(page.items)


@pytest.mark.anyio
async def test_history_pages_straddle_occ_pages_without_gaps(
    connector: Any, samples: Samples
) -> None:
    customer = samples.customer_with_orders
    assert customer
    [everything] = await connector.orders_for_customers([OrderPageRequest(customer, 10)])
    [one] = await connector.orders_for_customers([OrderPageRequest(customer, 1)])
    [rest] = await connector.orders_for_customers([OrderPageRequest(customer, 2, one.next_cursor)])
    assert [o.number for o in [*one.items, *rest.items]] == [o.number for o in everything.items[:3]]
    assert everything.total_count == len(everything.items)


@pytest.mark.anyio
async def test_malformed_order_ids_are_missing_without_a_call(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    assert await connector.orders(["00004711", ""]) == [None, None]
    assert sandbox.api_calls() == []


@pytest.mark.anyio
async def test_many_customers_with_orders_at_once(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    uids = list(sandbox.state.users)
    pages = await asyncio.gather(
        *(connector.orders_for_customers([OrderPageRequest(uid, 2)]) for uid in uids)
    )
    assert all(page.items for [page] in pages)
