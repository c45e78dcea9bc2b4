"""Stock: the Integration API batch, its escaping and URL budget, and points of service."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pytest

from connectors.models import LocationKind
from connectors.sandbox import Samples
from connectors.sandbox.retailer import (
    Retailer,
    RetailerProduct,
    RetailerVariant,
    StockRecord,
    demo_retailer,
)
from connectors.sap_commerce import SapCommerceConnector
from connectors.sap_commerce.sandbox import SapCommerceSandbox
from connectors.testing import connect

from .support import STORES_PATH, Connect, stock_calls

ODD_SKUS = ("NL-2001-O'NEIL", "NL-2001-A&B #1+2")


def _retailer_with_odd_skus() -> Retailer:
    base = demo_retailer()
    moment = datetime(2026, 1, 5, tzinfo=UTC)
    variants = tuple(
        RetailerVariant(
            sku, sku[-6:], (("Size", sku[-6:]),), Decimal("9.90"), None, "4000000000000"
        )
        for sku in ODD_SKUS
    )
    product = RetailerProduct(
        "NL-2001",
        "odd-one",
        "Odd One",
        "Odd.",
        "Nordlicht",
        "Accessories",
        (),
        variants,
        moment,
        moment,
    )
    stock = (
        StockRecord(ODD_SKUS[0], "wh-leipzig", 30, 4, 0, moment),
        StockRecord(ODD_SKUS[1], "dc-kassel", 7, 0, 0, moment),
    )
    return dataclasses.replace(
        base, products=(*base.products, product), stock=(*base.stock, *stock)
    )


@pytest.mark.anyio
async def test_a_page_of_50_products_costs_one_stock_call(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    # Given the SKUs of a 50-product page (about 150)
    page = await connector.list_products(first=50)
    skus = [variant.sku for product in page.items for variant in product.variants]
    assert len(page.items) == 50
    assert len(skus) > 140
    sandbox.requests.clear()

    # When their stock is read everywhere
    levels = await connector.levels(skus)

    # Then it took one Integration API call and nothing else, within the URL budget
    calls = stock_calls(sandbox)
    assert len(calls) == 1
    assert sandbox.api_calls() == calls
    budget = connector.settings.max_url_bytes
    assert all(len(sandbox.base_url + r.path + "?" + r.query) <= budget for r in calls)
    # And every SKU has a level at each of the three SAP locations
    assert all(len(per_sku) == 3 for per_sku in levels)


@pytest.mark.anyio
async def test_levels_match_the_warehouse_stock(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    sku = samples.skus[0]
    [levels] = await connector.levels([sku])
    truth = {
        record.location_code: record
        for record in sandbox.retailer.stock_in("sap_commerce")
        if record.sku == sku
    }
    assert {level.location.external_id for level in levels} == set(truth)
    for level in levels:
        record = truth[level.location.external_id]
        assert (level.on_hand, level.reserved, level.available) == (
            record.on_hand,
            record.reserved,
            record.available,
        )


@pytest.mark.anyio
async def test_a_quote_in_a_sku_is_escaped_and_still_matches(anyio_backend: str) -> None:
    sandbox = SapCommerceSandbox(retailer=_retailer_with_odd_skus())
    async with connect(SapCommerceConnector, sandbox) as connector:
        sap: Any = connector
        quoted, ampersand = await sap.levels(list(ODD_SKUS))
    [request] = stock_calls(sandbox)
    assert "productCode eq 'NL-2001-O''NEIL'" in unquote(request.query)
    assert [(lv.location.external_id, lv.available) for lv in quoted] == [("wh-leipzig", 26)]
    assert [(lv.location.external_id, lv.available) for lv in ampersand] == [("dc-kassel", 7)]


@pytest.mark.anyio
async def test_only_the_locations_asked_for_are_read(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    [levels] = await connector.levels([samples.skus[0]], ["dc-kassel", "no-such-store"])
    assert [level.location.external_id for level in levels] == ["dc-kassel"]
    # The stores first, for their warehouse codes; then stock at those warehouses only
    stores, stock = sandbox.api_calls()
    assert stores.path == STORES_PATH
    query = unquote(stock.query)
    assert "warehouse/code eq 'dc-kassel'" in query
    assert "wh-leipzig" not in query


@pytest.mark.anyio
async def test_a_store_with_two_warehouses_gets_their_sum(anyio_backend: str) -> None:
    # Given Leipzig's point of service also drawing on the Dortmund warehouse
    sandbox = SapCommerceSandbox()
    sandbox.link_warehouse("wh-leipzig", "wh-dortmund")
    sku = sandbox.samples().skus[0]
    stock = {r.location_code: r for r in sandbox.retailer.stock_in("sap_commerce") if r.sku == sku}
    async with connect(SapCommerceConnector, sandbox) as connector:
        sap: Any = connector
        [everywhere] = await sap.levels([sku])
        [named] = await sap.levels([sku], ["wh-leipzig"])

    # Then with or without naming it, its stock is both warehouses' stock
    expected = stock["wh-leipzig"].on_hand + stock["wh-dortmund"].on_hand
    by_store = {level.location.external_id: level.on_hand for level in everywhere}
    assert by_store["wh-leipzig"] == expected
    assert by_store["wh-dortmund"] == stock["wh-dortmund"].on_hand
    assert [level.on_hand for level in named] == [expected]


@pytest.mark.anyio
async def test_unknown_or_no_locations_cost_no_stock_call(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    assert await connector.levels([samples.skus[0]], ["no-such-store"]) == [[]]
    assert await connector.levels([samples.skus[0]], []) == [[]]
    assert await connector.levels([]) == []
    assert stock_calls(sandbox) == []


@pytest.mark.anyio
async def test_stock_pages_on_when_the_service_serves_small_pages(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    sandbox.odata_max_top = 4
    skus = list(samples.skus[:3])
    levels = await connector.levels(skus)
    assert [len(per_sku) for per_sku in levels] == [3, 3, 3]
    skips = [dict(p.split("=") for p in r.query.split("&"))["$skip"] for r in stock_calls(sandbox)]
    assert skips == ["0", "4", "8"]


@pytest.mark.anyio
async def test_duplicate_skus_get_the_same_levels_each_time(
    connector: Any, samples: Samples
) -> None:
    first, again = await connector.levels([samples.skus[0], samples.skus[0]])
    assert first == again
    assert first


@pytest.mark.anyio
async def test_locations_walk_every_page_and_take_kinds_from_settings(
    make_connector: Connect, sandbox: SapCommerceSandbox
) -> None:
    sandbox.occ_max_page_size = 2
    async with make_connector(location_kinds={"wh-dortmund": "STORE"}) as connector:
        locations = await connector.locations()
    assert [(loc.external_id, loc.kind) for loc in locations] == [
        ("wh-leipzig", LocationKind.WAREHOUSE),
        ("wh-dortmund", LocationKind.STORE),
        ("dc-kassel", LocationKind.WAREHOUSE),
    ]
    assert [loc.pickup_enabled for loc in locations] == [False, True, False]
    assert len([r for r in sandbox.api_calls() if r.path == STORES_PATH]) == 2
