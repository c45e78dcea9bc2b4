"""What the Shopify connector returns and how few calls it takes, against the sandbox."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import orjson
import pytest

from connectors.errors import SettingsError
from connectors.models import Channel, LocationKind, Money, OrderPageRequest, OrderStatus
from connectors.sandbox.retailer import (
    Retailer,
    RetailerOrder,
    RetailerOrderLine,
    RetailerProduct,
    RetailerVariant,
    StockRecord,
    demo_retailer,
)
from connectors.settings import build_settings
from connectors.shopify import ShopifyConnector, ShopifySettings, queries
from connectors.shopify.sandbox import ShopifySandbox
from connectors.testing import SandboxTransport, connect

from .support import FakeClock, routed, shopify_router

PARKA_SKUS = [f"NL-9001-{size:02d}" for size in range(1, 24)]
LIMITED_SKU = 'NL-9002 "LIMITED" (black)'


def _big_retailer() -> Retailer:
    """The demo retailer plus what one page never holds: a product with 23 variants, a SKU
    full of search syntax, 8 pop-up stores (14 in all), a duplicate customer, a 7-line order."""
    base = demo_retailer()
    template = base.products[0]
    parka = dataclasses.replace(
        template,
        code="NL-9001",
        handle="expedition-parka",
        title="Expedition Parka",
        variants=tuple(
            RetailerVariant(
                sku, f"Size {n}", (("Size", str(n)),), Decimal("399.00"), None, f"40900100{n:02d}"
            )
            for n, sku in enumerate(PARKA_SKUS, start=1)
        ),
    )
    limited = dataclasses.replace(
        template,
        code="NL-9002",
        handle="limited-edition-tee",
        title="Limited Edition Tee",
        variants=(
            RetailerVariant(
                LIMITED_SKU, "Black", (("Colour", "Black"),), Decimal("39.00"), None, "4090020001"
            ),
        ),
    )
    store = base.locations_in("shopify")[0]
    popups = tuple(
        dataclasses.replace(store, code=f"popup-{n}", name=f"Nordlicht Pop-up {n}")
        for n in range(1, 9)
    )
    stores = [*base.locations_in("shopify"), *popups]
    stamp = template.updated_at
    stock = tuple(
        StockRecord(PARKA_SKUS[0], location.code, n + 1, 0, 0, stamp)
        for n, location in enumerate(stores)
    )
    first = base.customers_in("shopify")[0]
    duplicate = dataclasses.replace(first, key="c999")
    products: tuple[RetailerProduct, ...] = (*base.products, parka, limited)
    long_order = RetailerOrder(
        number="#9001",
        system="shopify",
        channel="WEB",
        status="OPEN",
        customer_key=first.key,
        created_at=max(order.created_at for order in base.orders) + timedelta(days=1),
        lines=tuple(
            RetailerOrderLine(sku, f"Expedition Parka - Size {n}", 1, Decimal("399.00"))
            for n, sku in enumerate(PARKA_SKUS[:7], start=1)
        ),
        shipping=Decimal("4.95"),
    )
    return dataclasses.replace(
        base,
        products=products,
        locations=(*base.locations, *popups),
        stock=(*base.stock, *stock),
        customers=(*base.customers, duplicate),
        orders=(*base.orders, long_order),
    )


@pytest.fixture
def big() -> ShopifySandbox:
    return ShopifySandbox(retailer=_big_retailer())


@pytest.fixture
async def big_connector(big: ShopifySandbox, anyio_backend: str) -> AsyncIterator[Any]:
    async with connect(ShopifyConnector, big) as connector:
        yield connector


def _calls(sandbox: ShopifySandbox) -> int:
    return len(sandbox.api_calls())


# -- catalog ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_products_carry_the_shops_values(connector: Any, sandbox: ShopifySandbox) -> None:
    retailer = demo_retailer()
    [product] = await connector.products([sandbox.samples().product_ids[0]])
    expected = retailer.products[0]
    assert (product.title, product.handle, product.vendor) == (
        expected.title,
        expected.handle,
        expected.brand,
    )
    assert product.categories == (expected.category,)
    assert product.images[0].url == expected.image_urls[0]
    assert [(v.sku, v.price) for v in product.variants] == [
        (v.sku, Money(v.price, "EUR")) for v in expected.variants
    ]
    assert product.source == "shopify"


@pytest.mark.anyio
async def test_a_product_with_more_variants_than_one_page(
    big_connector: Any, big: ShopifySandbox
) -> None:
    parka_id = big.state.products[-2]["id"]
    before = _calls(big)
    [parka] = await big_connector.products([parka_id])
    assert [v.sku for v in parka.variants] == PARKA_SKUS
    # One call for the product, one for the variants beyond the first page.
    assert _calls(big) - before == 2
    [by_handle] = await big_connector.products_by_handle(["expedition-parka"])
    assert [v.sku for v in by_handle.variants] == PARKA_SKUS


@pytest.mark.anyio
async def test_a_50_product_page_takes_two_documents(
    connector: Any, sandbox: ShopifySandbox
) -> None:
    first = await connector.list_products(first=50)
    rest = await connector.list_products(first=50, after=first.next_cursor)
    ids = [p.external_id for p in [*first.items, *rest.items]]
    assert (len(first.items), len(rest.items), rest.next_cursor) == (50, 10, None)
    assert len(set(ids)) == 60
    # 39 + 11 products for the first page (the cost limit), one call for the last 10.
    assert _calls(sandbox) == 3


@pytest.mark.anyio
async def test_free_text_search_needs_every_word(connector: Any) -> None:
    page = await connector.list_products(first=10, query="alpine   jacket")
    assert [p.title for p in page.items] == ["Alpine Rain Jacket", "Alpine Down Jacket"]
    assert page.next_cursor is None
    nothing = await connector.list_products(first=10, query='title:"Alpine Tee" OR x')
    assert list(nothing.items) == []


@pytest.mark.anyio
async def test_search_syntax_in_a_sku_is_only_a_value(big_connector: Any) -> None:
    found, missing = await big_connector.variants([LIMITED_SKU, 'NL-9002 "LIMITED"'])
    assert found is not None
    assert (found.sku, found.price) == (LIMITED_SKU, Money(Decimal("39.00"), "EUR"))
    assert missing is None


@pytest.mark.anyio
async def test_malformed_and_duplicate_ids(
    connector: Any, sandbox: ShopifySandbox, samples: Any
) -> None:
    a = samples.product_ids[0]
    before = _calls(sandbox)
    assert await connector.products(["8712300000001", samples.customer_ids[0]]) == [None, None]
    assert _calls(sandbox) == before, "ids that cannot be products are not sent"
    results = await connector.products([a, a])
    assert [p.external_id for p in results] == [a, a]
    assert sandbox.api_calls()[-1].json()["variables"]["ids"] == [a]


# -- inventory -----------------------------------------------------------------------------------


def _stock(sandbox: ShopifySandbox, sku: str) -> dict[str, tuple[int, int, int, int]]:
    """The retailer's stock records for ``sku``, by Shopify location GID."""
    gids = {location["_code"]: location["id"] for location in sandbox.state.locations}
    return {
        gids[record.location_code]: (
            record.available,
            record.on_hand,
            record.reserved,
            record.incoming,
        )
        for record in sandbox.retailer.stock_in("shopify")
        if record.sku == sku
    }


@pytest.mark.anyio
async def test_stock_in_three_stores_is_one_call(
    connector: Any, sandbox: ShopifySandbox, samples: Any
) -> None:
    skus = list(samples.skus[:3])
    stores = list(samples.location_ids[:3])
    before = _calls(sandbox)
    results = await connector.levels(skus, stores)
    assert _calls(sandbox) - before == 1
    for sku, levels in zip(skus, results, strict=True):
        expected = {gid: numbers for gid, numbers in _stock(sandbox, sku).items() if gid in stores}
        assert {
            level.location.external_id: (
                level.available,
                level.on_hand,
                level.reserved,
                level.incoming,
            )
            for level in levels
        } == expected


@pytest.mark.anyio
async def test_stock_everywhere_pages_past_ten_locations(
    big_connector: Any, big: ShopifySandbox
) -> None:
    before = _calls(big)
    [levels] = await big_connector.levels([PARKA_SKUS[0]])
    assert _calls(big) - before == 2
    assert len(levels) == 14
    assert {level.location.external_id: level.on_hand for level in levels} == {
        gid: numbers[1] for gid, numbers in _stock(big, PARKA_SKUS[0]).items()
    }


@pytest.mark.anyio
async def test_stock_at_many_locations_is_filtered(big_connector: Any, big: ShopifySandbox) -> None:
    wanted = [location["id"] for location in big.state.locations[:12]]
    [levels] = await big_connector.levels([PARKA_SKUS[0]], wanted)
    assert sorted(level.location.external_id for level in levels) == sorted(wanted)


@pytest.mark.anyio
async def test_no_locations_means_no_stock_and_no_call(
    connector: Any, sandbox: ShopifySandbox, samples: Any
) -> None:
    before = _calls(sandbox)
    assert await connector.levels(list(samples.skus[:2]), []) == [[], []]
    assert await connector.levels(list(samples.skus[:2]), ["berlin-mitte"]) == [[], []]
    assert _calls(sandbox) == before


@pytest.mark.anyio
async def test_locations_are_stores_unless_configured(
    sandbox: ShopifySandbox, anyio_backend: str
) -> None:
    warehouse = sandbox.state.locations[4]["id"]
    overrides = {"location_kinds": {warehouse: "WAREHOUSE"}}
    async with connect(ShopifyConnector, sandbox, overrides=overrides) as connector:
        locations = await connector.locations()
    kinds = {location.external_id: location.kind for location in locations}
    assert kinds.pop(warehouse) is LocationKind.WAREHOUSE
    assert set(kinds.values()) == {LocationKind.STORE}
    pickup = {location.name: location.pickup_enabled for location in locations}
    assert pickup["Nordlicht Berlin Mitte"] is True
    assert pickup["Nordlicht Frankfurt Sachsenhausen"] is False


# -- customers ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_customers_as_shopify_holds_them(
    connector: Any, sandbox: ShopifySandbox, samples: Any
) -> None:
    [customer] = await connector.customers([samples.customer_ids[0]])
    person = demo_retailer().customers_in("shopify")[0]
    assert (customer.email, customer.first_name, customer.last_name) == (
        person.email,
        person.first_name,
        person.last_name,
    )
    assert customer.phones == (person.phone.replace(" ", ""),)
    assert customer.accepts_marketing is person.accepts_marketing
    assert customer.default_address is not None
    assert customer.default_address.city == person.city


@pytest.mark.anyio
async def test_duplicate_customers_by_email_are_all_returned(
    big_connector: Any, big: ShopifySandbox
) -> None:
    email = big.state.customers[0]["email"]
    [both, nobody] = await big_connector.customers_by_email([f"  {email.upper()} ", "x@y.invalid"])
    assert len(both) == 2
    assert len({c.external_id for c in both}) == 2
    assert nobody == []


# -- orders ---------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_an_order_with_more_lines_than_one_page(
    big_connector: Any, big: ShopifySandbox
) -> None:
    long_order = big.state.orders[-1]["id"]
    before = _calls(big)
    [order] = await big_connector.orders([long_order])
    assert _calls(big) - before == 2
    assert [line.sku for line in order.lines] == PARKA_SKUS[:7]
    assert order.totals.total == Money(Decimal("7") * Decimal("399.00") + Decimal("4.95"), "EUR")


@pytest.mark.anyio
async def test_orders_keep_the_retailers_channel_and_status(
    connector: Any, sandbox: ShopifySandbox
) -> None:
    retailer_orders = demo_retailer().orders_in("shopify")
    ids = [order["id"] for order in sandbox.state.orders[:20]]
    orders = await connector.orders(ids)
    assert [(o.number, o.channel, o.status) for o in orders] == [
        (r.number, Channel[r.channel], OrderStatus[r.status]) for r in retailer_orders[:20]
    ]


@pytest.mark.anyio
async def test_customer_order_pages_pack_into_few_documents(
    connector: Any, sandbox: ShopifySandbox
) -> None:
    customers = [c for c in sandbox.state.customers if len(c["_orders"]) >= 3][:4]
    requests = [OrderPageRequest(c["id"], 10) for c in customers]
    before = _calls(sandbox)
    pages = await connector.orders_for_customers(requests)
    # 3 + 10 * 45 = 453 points each: two customers to a document.
    assert _calls(sandbox) - before == 2
    for customer, page in zip(customers, pages, strict=True):
        assert {o.customer_external_id for o in page.items} == {customer["id"]}
        stamps = [o.created_at for o in page.items]
        assert stamps == sorted(stamps, reverse=True)
        assert len(page.items) == len(customer["_orders"])


@pytest.mark.anyio
async def test_a_page_bigger_than_the_cost_limit_is_cut_with_a_cursor(
    sandbox: ShopifySandbox, anyio_backend: str
) -> None:
    many = dataclasses.replace(
        demo_retailer(),
        orders=tuple(
            dataclasses.replace(order, customer_key="c001")
            for order in demo_retailer().orders
            if order.system == "shopify"
        ),
    )
    shop = ShopifySandbox(retailer=many)
    customer = shop.state.customers[0]["id"]
    async with connect(ShopifyConnector, shop) as connector:
        [page] = await connector.orders_for_customers([OrderPageRequest(customer, 100)])
        assert len(page.items) == queries.max_orders_per_customer() == 22
        assert page.next_cursor is not None
        [rest] = await connector.orders_for_customers(
            [OrderPageRequest(customer, 100, page.next_cursor)]
        )
    assert not {o.external_id for o in page.items} & {o.external_id for o in rest.items}


# -- settings ---------------------------------------------------------------------------------------


def test_settings_from_a_config_table() -> None:
    settings = build_settings(
        ShopifySettings,
        {"shop": "nordlicht", "access_token": "shpat_x", "default_location_kind": "WAREHOUSE"},
        where="connectors.shop",
    )
    assert settings.endpoint == "https://nordlicht.myshopify.com/admin/api/2025-01/graphql.json"
    assert settings.default_location_kind is LocationKind.WAREHOUSE
    assert "shpat_x" not in repr(settings)
    local = dataclasses.replace(settings, base_url="http://127.0.0.1:9001/")
    assert local.endpoint == "http://127.0.0.1:9001/admin/api/2025-01/graphql.json"


@pytest.mark.parametrize(
    ("key", "value", "complaint"),
    [
        ("shop", "https://nordlicht.myshopify.com", "myshopify subdomain"),
        ("api_version", "2025-02", "Shopify release"),
        ("base_url", "nordlicht.example", "https://"),
        ("default_location_kind", "SHOP", "one of"),
    ],
    ids=["shop-url", "version", "base-url", "kind"],
)
def test_wrong_settings_say_how_to_fix_them(key: str, value: str, complaint: str) -> None:
    raw = {"shop": "nordlicht", "access_token": "shpat_x", key: value}
    with pytest.raises(SettingsError) as caught:
        build_settings(ShopifySettings, raw, where="connectors.shop")
    assert complaint in str(caught.value)


@pytest.mark.anyio
async def test_records_and_errors_carry_the_instance_name(
    sandbox: ShopifySandbox, samples: Any, anyio_backend: str
) -> None:
    settings = build_settings(
        ShopifySettings, sandbox.connector_settings(sandbox.base_url), where="connectors.eu_shop"
    )
    async with httpx.AsyncClient(transport=SandboxTransport(sandbox.app)) as client:
        connector = ShopifyConnector(settings, client, instance="eu_shop")
        [product] = await connector.products([samples.product_ids[0]])
        [levels] = await connector.levels([samples.skus[0]])
    assert product.source == product.variants[0].source == "eu_shop"
    assert {level.location.source for level in levels} == {"eu_shop"}


# -- Shopify's bucket ------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("bucket", "most_at_once"),
    [(20_000, 3), (2_000, 1)],
    ids=["room-for-all-at-once", "room-for-one-at-a-time"],
)
async def test_documents_go_out_together_only_when_the_bucket_holds_them(
    bucket: int, most_at_once: int, anyio_backend: str
) -> None:
    sandbox = ShopifySandbox(maximum_available=bucket, clock=FakeClock())
    in_flight = most = 0

    async def shopify(request: httpx.Request) -> httpx.Response:
        # Shopify over a network: requests that overlap take from the bucket together.
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        body = orjson.loads(request.content)
        answer = sandbox.execute(body["query"], body["variables"])
        return httpx.Response(answer.status_code, content=answer.body)

    router = shopify_router()
    router["graphql"].mock(side_effect=shopify)
    skus = [variant["sku"] for variant in sandbox.state.variants[:70]]
    async with routed(router) as connector:
        await connector.ping()
        # 70 SKUs: three documents asking 988 + 988 + 410 points.
        levels = await connector.levels(skus)
    assert most == most_at_once
    assert len(levels) == 70
    assert sum(len(found) for found in levels) > 200
