"""The connector against the sandbox: what the ERP sells, stocks, knows and sold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from connectors.models import Channel, Identity, LocationKind, Money, OrderPageRequest, OrderStatus
from connectors.odoo.sandbox import OdooSandbox
from connectors.sandbox import Samples
from connectors.sandbox.retailer import demo_retailer

from .support import Connect

RETAILER = demo_retailer()
#: A SKU the ERP knows but does not price (the newest products): it does not sell it.
UNPRICED = next(
    v.sku for p in RETAILER.products for v in p.variants if v.sku not in RETAILER.erp_prices
)
#: A SKU whose ERP price differs from the catalog's.
REPRICED = next(
    v.sku
    for p in RETAILER.products
    for v in p.variants
    if v.sku in RETAILER.erp_prices and RETAILER.erp_prices[v.sku] != v.price
)
BEN = next(c for c in RETAILER.customers if c.first_name == "Ben" and c.last_name == "Brandt")


# -- catalog --------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_variant_the_erp_does_not_sell_is_none_so_the_catalog_price_stands(
    connector: Any, sandbox: OdooSandbox
) -> None:
    record = sandbox.registry.models["product.product"].records[
        sandbox.seeded.variant_ids[UNPRICED]
    ]
    assert (record["sale_ok"], record["lst_price"]) == (False, 0.0)  # the ERP knows it

    unpriced, repriced = await connector.variants([UNPRICED, REPRICED])

    assert unpriced is None
    assert repriced is not None
    assert repriced.price == Money(RETAILER.erp_prices[REPRICED].quantize(Decimal("0.01")), "EUR")


@pytest.mark.anyio
async def test_products_the_erp_does_not_sell_are_not_in_its_catalog(
    connector: Any, sandbox: OdooSandbox, samples: Samples
) -> None:
    code = next(p.code for p in RETAILER.products if p.variants[0].sku == UNPRICED)
    unsold = str(sandbox.seeded.template_ids[code])

    results = await connector.products([unsold, samples.product_ids[0]])

    assert results[0] is None
    assert results[1] is not None
    listed = []
    after = None
    while True:
        page = await connector.list_products(first=20, after=after)
        listed.extend(product.external_id for product in page.items)
        if not page.has_next_page:
            break
        after = page.next_cursor
    assert unsold not in listed
    assert page.total_count == samples.extra["product_count"] == 54


@pytest.mark.anyio
async def test_a_handle_must_match_the_products_current_slug(
    connector: Any, samples: Samples
) -> None:
    handle = samples.product_handles[0]
    _, _, number = handle.rpartition("-")
    renamed = f"old-name-{number}"

    found, stale = await connector.products_by_handle([handle, renamed])

    assert found is not None
    assert found.handle == handle
    assert found.external_id == number
    assert stale is None


@pytest.mark.anyio
async def test_free_text_finds_products_by_name_or_sku(connector: Any) -> None:
    by_name = await connector.list_products(first=50, query="  rain   JACKET ")
    by_sku = await connector.list_products(first=50, query="NL-1003-")

    assert {p.title for p in by_name.items} == {
        f"{adjective} Rain Jacket"
        for adjective in ("Alpine", "Coastal", "Harbour", "Forest", "Glacier")
    }
    assert by_name.total_count == 5
    assert [p.title for p in by_sku.items] == ["Alpine Rain Jacket"]
    assert by_sku.next_cursor is None


@pytest.mark.anyio
async def test_pages_follow_each_other_with_any_page_size(connector: Any) -> None:
    first = await connector.list_products(first=3)
    second = await connector.list_products(first=5, after=first.next_cursor)
    both = await connector.list_products(first=8)

    assert [p.external_id for p in [*first.items, *second.items]] == [
        p.external_id for p in both.items
    ]
    assert first.total_count == 54


# -- inventory ------------------------------------------------------------------------


@pytest.mark.anyio
async def test_locations_are_the_internal_ones_with_the_outlet_a_store(
    connector: Any, sandbox: OdooSandbox
) -> None:
    locations = {location.external_id: location for location in await connector.locations()}

    assert set(locations) == {"9", "11", "13"}  # not the view, partner, transit locations
    outlet = locations[str(sandbox.seeded.location_ids["odoo-outlet-nuernberg"])]
    assert (outlet.name, outlet.kind, outlet.pickup_enabled) == (
        "Nordlicht Outlet Nürnberg",
        LocationKind.STORE,
        True,
    )
    dortmund = locations[str(sandbox.seeded.location_ids["odoo-wh-dortmund"])]
    assert dortmund.kind is LocationKind.WAREHOUSE
    assert dortmund.address is not None
    assert dortmund.address.city == "Dortmund"


@pytest.mark.anyio
async def test_stock_matches_the_retailer_and_ignores_goods_in_transit(
    connector: Any, sandbox: OdooSandbox
) -> None:
    sku = RETAILER.products[0].variants[0].sku  # the seeded SKU with goods in transit
    expected = {
        str(sandbox.seeded.location_ids[r.location_code]): (r.on_hand, r.reserved, r.available)
        for r in RETAILER.stock_in("odoo")
        if r.sku == sku and (r.on_hand or r.reserved)
    }

    [levels] = await connector.levels([sku])

    assert {
        level.location.external_id: (level.on_hand, level.reserved, level.available)
        for level in levels
    } == expected


# -- customers ------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    "asked",
    ["ben.brandt@example.com", "BEN.BRANDT@EXAMPLE.COM", "  Ben.Brandt@example.com  "],
    ids=["lower", "upper", "spaced"],
)
async def test_an_email_typed_at_a_till_is_found_whatever_its_case_and_spaces(
    connector: Any, sandbox: OdooSandbox, asked: str
) -> None:
    stored = sandbox.registry.models["res.partner"].records[sandbox.seeded.partner_ids[BEN.key]]
    assert stored["email"] == "  Ben.Brandt@Example.Com "

    [found] = await connector.customers_by_email([asked])

    assert [c.external_id for c in found] == [str(stored["id"])]
    assert found[0].email == "  Ben.Brandt@Example.Com "


@pytest.mark.anyio
async def test_an_email_lookup_matches_whole_addresses_only(
    connector: Any, sandbox: OdooSandbox
) -> None:
    # "en.brandt@example.co" is inside Ben's address: ilike finds it, the filter drops it.
    # Two partners holding one address are both answered.
    twin = sandbox.registry.create(
        "res.partner", {"name": "Ben Brandt", "email": "ben.brandt@example.com", "active": True}
    )
    part, both = await connector.customers_by_email(
        ["en.brandt@example.co", "ben.brandt@example.com"]
    )
    assert part == []
    assert sorted(c.external_id for c in both) == sorted(
        [str(sandbox.seeded.partner_ids[BEN.key]), str(twin)]
    )


@pytest.mark.anyio
async def test_an_email_with_like_wildcards_and_a_backslash_is_found(
    connector: Any, sandbox: OdooSandbox
) -> None:
    # RFC 5322 allows a quoted "\\" in the local part; to ilike it is the escape character.
    odd = sandbox.registry.create(
        "res.partner", {"name": "Odd", "email": "50%_back\\slash@example.com", "active": True}
    )
    decoy = sandbox.registry.create(
        "res.partner", {"name": "Decoy", "email": "50x-backslash@example.com", "active": True}
    )

    [found] = await connector.customers_by_email(["50%_back\\slash@example.com"])

    assert [c.external_id for c in found] == [str(odd)]
    assert str(decoy) not in [c.external_id for c in found]


@pytest.mark.anyio
async def test_customers_carry_the_retailers_customer_number(
    connector: Any, sandbox: OdooSandbox
) -> None:
    [ben] = await connector.customers([str(sandbox.seeded.partner_ids[BEN.key])])
    assert ben is not None
    assert ben.identities == (Identity("customer_number", BEN.number),)
    assert (ben.first_name, ben.last_name) == ("Ben", "Brandt")
    assert ben.email_verified is False


@pytest.mark.anyio
async def test_a_customer_typed_differently_in_the_erp_comes_as_the_erp_has_it(
    connector: Any, sandbox: OdooSandbox
) -> None:
    four = next(c for c in RETAILER.customers if "first_name" in c.overrides.get("odoo", {}))
    [customer] = await connector.customers([str(sandbox.seeded.partner_ids[four.key])])
    assert customer is not None
    assert customer.first_name == four.seen_by("odoo")["first_name"]  # "Yusuf K."
    assert customer.phones == ("+49 911 4711",)
    assert customer.identities == (Identity("customer_number", four.number),)


@pytest.mark.anyio
async def test_operator_settings_verify_emails_and_read_more_phones(
    make_connector: Connect, sandbox: OdooSandbox
) -> None:
    sandbox.install_partner_mobile()
    partner = sandbox.seeded.partner_ids[BEN.key]
    sandbox.registry.write("res.partner", partner, {"mobile": "+49 170 5550101"})

    async with make_connector(
        emails_verified=True, phone_fields=["phone", "mobile"], customer_number_field=""
    ) as connector:
        [ben] = await connector.customers([str(partner)])

    assert ben is not None
    assert ben.email_verified is True
    assert ben.phones == (BEN.phone, "+49 170 5550101")
    assert ben.identities == ()


# -- orders ---------------------------------------------------------------------------


@pytest.mark.anyio
async def test_orders_come_as_the_retailer_took_them(connector: Any, sandbox: OdooSandbox) -> None:
    statuses = {
        "OPEN": OrderStatus.OPEN,
        "FULFILLED": OrderStatus.FULFILLED,
        "CANCELLED": OrderStatus.CANCELLED,
    }
    mine = RETAILER.orders_in("odoo")
    ids = [str(sandbox.seeded.order_ids[o.number]) for o in mine]

    orders = await connector.orders(ids)

    for expected, order in zip(mine, orders, strict=True):
        assert order is not None
        assert order.number == expected.number
        assert order.channel is Channel[expected.channel]
        assert order.status is statuses[expected.status]
        assert order.created_at == expected.created_at
        assert order.totals.total == Money(expected.total, "EUR")
        assert order.totals.subtotal == Money(expected.subtotal, "EUR")
        shipping = Money(expected.shipping, "EUR") if expected.shipping else None
        assert order.totals.shipping == shipping
        assert [(line.sku, line.quantity, line.unit_price.amount) for line in order.lines] == [
            (line.sku, line.quantity, line.unit_price) for line in expected.lines
        ]
        assert order.customer_external_id == str(sandbox.seeded.partner_ids[expected.customer_key])


@pytest.mark.anyio
async def test_a_customers_orders_page_newest_first_across_calls(
    connector: Any, sandbox: OdooSandbox
) -> None:
    busiest = max(
        sandbox.seeded.partner_ids,
        key=lambda key: sum(o.customer_key == key for o in RETAILER.orders_in("odoo")),
    )
    expected = sorted(
        (o for o in RETAILER.orders_in("odoo") if o.customer_key == busiest),
        key=lambda o: o.created_at,
        reverse=True,
    )
    customer = str(sandbox.seeded.partner_ids[busiest])

    first, other = await connector.orders_for_customers(
        [OrderPageRequest(customer, 2), OrderPageRequest(customer, 1)]
    )
    [rest] = await connector.orders_for_customers(
        [OrderPageRequest(customer, 5, first.next_cursor)]
    )

    assert len(expected) == 3
    assert [o.number for o in [*first.items, *rest.items]] == [o.number for o in expected]
    assert (first.total_count, rest.next_cursor) == (3, None)
    assert [o.number for o in other.items] == [expected[0].number]
