"""One call per batch, whatever its size, and each call as Odoo's JSON-2 API expects it."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.models import OrderPageRequest
from connectors.odoo.api import USER_AGENT
from connectors.odoo.sandbox import OdooSandbox
from connectors.sandbox import Samples

from .support import called, calls_to


@pytest.mark.anyio
async def test_every_call_carries_the_key_the_database_and_a_json_body(
    connector: Any, sandbox: OdooSandbox, samples: Samples
) -> None:
    await connector.levels(list(samples.skus[:2]))

    [call] = sandbox.api_calls()
    assert (call.method, call.path) == ("POST", "/json/2/stock.quant/web_search_read")
    assert call.headers["authorization"] == f"bearer {sandbox.api_key}"
    assert call.headers["x-odoo-database"] == "nordlicht"
    assert call.headers["content-type"] == "application/json; charset=utf-8"
    assert call.headers["user-agent"] == USER_AGENT
    assert call.json() == {
        "domain": [
            ["product_id.default_code", "in", list(samples.skus[:2])],
            ["location_id.usage", "=", "internal"],
        ],
        "specification": {
            "product_id": {"fields": {"default_code": {}}},
            "location_id": {},
            "quantity": {},
            "reserved_quantity": {},
            "write_date": {},
        },
    }


@pytest.mark.anyio
async def test_the_language_rides_in_the_context(
    make_connector: Any, sandbox: OdooSandbox, samples: Samples
) -> None:
    async with make_connector(language="de_DE", database=None) as connector:
        await connector.customers(list(samples.customer_ids[:1]))
    [call] = sandbox.api_calls()
    assert call.json()["context"] == {"lang": "de_DE"}
    assert "x-odoo-database" not in call.headers  # a one-database server needs none


@pytest.mark.anyio
async def test_a_page_of_50_products_costs_one_call_for_its_variants_and_one_for_stock(
    connector: Any, sandbox: OdooSandbox
) -> None:
    # Given a page of 50 products, read with their variants in one call
    page = await connector.list_products(first=50)
    skus = [variant.sku for product in page.items for variant in product.variants]
    assert len(page.items) == 50
    assert len(skus) > 150
    assert called(sandbox) == ["product.template/web_search_read"]
    sandbox.requests.clear()

    # When their stock, everywhere and at the outlet, and their ERP prices are read
    everywhere = await connector.levels(skus)
    at_outlet = await connector.levels(skus, ["11"])
    prices = await connector.variants(skus)

    # Then each is one call
    assert called(sandbox) == [
        "stock.quant/web_search_read",
        "stock.quant/web_search_read",
        "product.product/web_search_read",
    ]
    assert sum(len(levels) for levels in everywhere) > 2 * len(skus)
    assert {lvl.location.external_id for levels in at_outlet for lvl in levels} == {"11"}
    assert all(variant is not None for variant in prices)


@pytest.mark.anyio
async def test_stock_for_one_sku_and_for_many_costs_the_same(
    connector: Any, sandbox: OdooSandbox
) -> None:
    skus = [
        variant["default_code"]
        for variant in sandbox.registry.models["product.product"].records.values()
    ]
    await connector.levels(skus[:1])
    await connector.levels(skus)
    assert len(calls_to(sandbox, "stock.quant", "web_search_read")) == 2
    assert len(sandbox.api_calls()) == 2


@pytest.mark.anyio
async def test_a_batch_of_customers_orders_is_two_calls(
    connector: Any, sandbox: OdooSandbox, samples: Samples
) -> None:
    requests = [OrderPageRequest(customer, 2) for customer in samples.customer_ids]
    pages = await connector.orders_for_customers(requests)

    index, details = sandbox.api_calls()
    assert index.path == "/json/2/sale.order/search_read"
    assert index.json() == {
        "domain": [["partner_id", "in", [int(c) for c in samples.customer_ids]]],
        "fields": ["partner_id"],
        "order": "date_order desc, id desc",
    }
    assert details.path == "/json/2/sale.order/web_search_read"
    asked = details.json()["domain"][0][2]
    assert sorted(asked) == sorted(int(o.external_id) for p in pages for o in p.items)
    for request, page in zip(requests, pages, strict=True):
        assert all(o.customer_external_id == request.customer_external_id for o in page.items)
        assert len(page.items) <= 2


@pytest.mark.anyio
async def test_keys_that_cannot_be_odoo_ids_cost_no_call(
    connector: Any, sandbox: OdooSandbox
) -> None:
    assert await connector.products(["abc", "-1", "0", "99999999999"]) == [None] * 4
    assert await connector.customers(["x"]) == [None]
    assert await connector.orders([""]) == [None]
    assert await connector.levels(["NL-1001-NVY-S"], ["WH/Stock"]) == [[]]
    assert await connector.customers_by_email(["  "]) == [[]]
    assert await connector.products_by_handle(["alpine-tee"]) == [None]
    [page] = await connector.orders_for_customers([OrderPageRequest("nobody", 5)])
    assert list(page.items) == []
    assert sandbox.api_calls() == []
