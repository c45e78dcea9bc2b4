"""OCC and Integration API bodies (recorded shapes in ``payloads/``) -> records."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors.models import (
    Address,
    Channel,
    Image,
    LocationKind,
    LocationRef,
    Money,
    OrderStatus,
    SelectedOption,
)
from connectors.sap_commerce import mapping

from .support import payload

ROOT = "https://shop.example.com"


def test_a_base_product_maps_with_its_variants_as_skus() -> None:
    # Given a search result for an apparel base product
    data = payload("product_search")["products"][0]

    # When it is mapped
    product = mapping.product(data, source="b2b", root=ROOT)

    # Then the code is both ID and handle, and every variant option is a SKU
    assert (product.external_id, product.handle, product.title) == (
        "300441142",
        "300441142",
        "Blue Tomato Snow Tee",
    )
    assert product.vendor == "Blue Tomato"
    assert product.categories == ("T-Shirts", "collections")
    assert product.description == "<p>Loose fit tee in <b>organic</b> cotton.</p>"
    assert [(v.sku, v.title, v.product_external_id) for v in product.variants] == [
        ("300441142-S", "Black / S", "300441142"),
        ("300441142-M", "Black / M", "300441142"),
    ]
    small = product.variants[0]
    assert small.options == (SelectedOption("Colour", "Black"), SelectedOption("Size", "S"))
    assert small.price == Money(Decimal("24.90"), "EUR")


def test_a_variant_without_its_own_price_takes_the_base_price_and_qualifier_codes() -> None:
    data = payload("product_search")["products"][0]
    medium = mapping.product(data, source="b2b", root=ROOT).variants[1]
    assert medium.price == Money(Decimal("24.90"), "EUR")
    assert medium.options == (SelectedOption("style", "Black"), SelectedOption("size", "M"))


def test_one_image_per_picture_largest_format_and_absolute_urls() -> None:
    data = payload("product_search")["products"][0]
    product = mapping.product(data, source="b2b", root=ROOT)
    assert product.images == (
        Image(f"{ROOT}/medias/515x515/300441142.jpg?context=bWFzdGVy", "Snow Tee"),
        Image("https://media.example.com/300441142-back.jpg", None),
    )


def test_a_product_without_variant_options_is_its_own_sku() -> None:
    gift_card = payload("product_search")["products"][1]
    product = mapping.product(gift_card, source="b2b", root=ROOT)
    [variant] = product.variants
    assert (variant.sku, variant.price) == ("300608207", Money(Decimal("50.00"), "EUR"))
    assert product.description == ""


def test_a_variant_priced_nowhere_is_left_out() -> None:
    data = {
        "code": "X",
        "name": "X",
        "variantOptions": [
            {"code": "X-1"},
            {"code": "X-2", "priceData": {"value": 3, "currencyIso": "EUR"}},
        ],
    }
    product = mapping.product(data, source="b2b", root=ROOT)
    assert [v.sku for v in product.variants] == ["X-2"]


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        ({"value": 24.9, "currencyIso": "EUR"}, Money(Decimal("24.90"), "EUR")),
        ({"value": 1.2345, "currencyIso": "EUR"}, Money(Decimal("1.2345"), "EUR")),
        ({"value": 1500, "currencyIso": "JPY"}, Money(Decimal("1500"), "JPY")),
        ({"value": 3.5, "currencyIso": "KWD"}, Money(Decimal("3.500"), "KWD")),
        ({"currencyIso": "EUR"}, None),
        (None, None),
    ],
    ids=[
        "padded",
        "never-rounded",
        "zero-decimal-currency",
        "three-decimal-currency",
        "no-value",
        "absent",
    ],
)
def test_money_keeps_the_currencys_minor_units(
    price: dict[str, object] | None, expected: Money | None
) -> None:
    assert mapping.money(price) == expected


def test_a_point_of_service_maps_to_a_location_of_the_configured_kind() -> None:
    store = payload("stores")["stores"][0]
    location = mapping.location(store, source="b2b", kind=LocationKind.DISTRIBUTION_CENTER)
    assert (location.external_id, location.name, location.kind) == (
        "wh-hamburg",
        "Lager Hamburg",
        LocationKind.DISTRIBUTION_CENTER,
    )
    assert (location.pickup_enabled, location.ships_from) == (False, True)
    assert location.address == Address(
        line1="Am Sandtorkai 1",
        line2="Halle 4",
        city="Hamburg",
        postal_code="20457",
        region="HH",
        country_code="DE",
        phone="+49 40 123456",
    )
    assert mapping.store_warehouses(store) == ("wh-hamburg-a", "wh-hamburg-b")


def test_a_store_takes_pickups_and_does_not_ship() -> None:
    store = payload("stores")["stores"][1]
    location = mapping.location(store, source="b2b", kind=LocationKind.STORE)
    assert (location.pickup_enabled, location.ships_from) == (True, False)


def test_stock_is_summed_per_point_of_service_over_its_warehouses() -> None:
    # Given two warehouses behind one store, a forced-out-of-stock row and an unlisted warehouse
    rows = payload("stock_levels")["d"]["results"]
    stores = {"wh-hamburg": ("wh-hamburg-a", "wh-hamburg-b"), "berlin-store": ("berlin-store",)}

    levels = mapping.inventory_levels(rows, stores, source="b2b")

    # Then the store's level is the sum, available never counts reserved or negative stock
    [hamburg] = levels["300441142-S"]
    assert hamburg.location == LocationRef("b2b", "wh-hamburg")
    assert (hamburg.on_hand, hamburg.reserved, hamburg.available) == (125, 11, 118)
    # And forced-out-of-stock means nothing to sell, though the shelf is not empty
    [berlin] = levels["300441142-M"]
    assert (berlin.location.external_id, berlin.available, berlin.on_hand) == (
        "berlin-store",
        0,
        40,
    )


def test_stores_come_from_the_warehouses_points_of_service() -> None:
    def row(warehouse: str, *stores: str) -> dict[str, object]:
        return {
            "productCode": "A",
            "warehouse": {
                "code": warehouse,
                "pointsOfService": {"results": [{"name": s} for s in stores]},
            },
        }

    rows = [row("wh-a", "north", "south"), row("wh-b", "north"), row("wh-a", "north")]
    assert mapping.stores_in_stock(rows) == {"north": ("wh-a", "wh-b"), "south": ("wh-a",)}
    deferred = {
        "productCode": "A",
        "warehouse": {"code": "wh-a", "pointsOfService": {"__deferred": {}}},
    }
    with pytest.raises(ValueError, match="pointsOfService"):
        mapping.stores_in_stock([deferred])


def test_stock_rows_without_the_warehouse_expanded_are_refused() -> None:
    row = {
        "productCode": "A",
        "available": 1,
        "reserved": 0,
        "warehouse": {"__deferred": {"uri": "x"}},
    }
    with pytest.raises(ValueError, match="expanded"):
        mapping.inventory_levels([row], {"s": ("w",)}, source="b2b")


def test_a_user_maps_to_a_customer_with_the_email_as_typed() -> None:
    customer = mapping.customer(payload("user"), source="b2b", email_verified=True)
    assert customer.external_id == "jurgen.krueger@example.com"
    assert customer.email == "Jurgen.Krueger@example.com"
    assert customer.email_verified is True
    assert (customer.first_name, customer.last_name) == ("Jürgen", "Krüger")
    assert customer.phones == ("+49 171 5550101",)
    assert customer.default_address is not None
    assert customer.default_address.company == "Krüger Bergsport GmbH"
    assert customer.addresses == (customer.default_address,)


def test_a_user_with_only_a_name_is_split_and_unverified_by_default() -> None:
    customer = mapping.customer({"uid": "a@b.example", "name": "Ada Lovelace"}, source="b2b")
    assert (customer.first_name, customer.last_name, customer.email_verified) == (
        "Ada",
        "Lovelace",
        False,
    )
    assert customer.phones == ()


def test_an_order_maps_with_lines_totals_and_a_findable_id() -> None:
    order = mapping.order(payload("order"), source="b2b", user_id="jurgen.krueger@example.com")
    assert order.external_id == "jurgen.krueger@example.com|00004711"
    assert mapping.split_order_id(order.external_id) == ("jurgen.krueger@example.com", "00004711")
    assert order.number == "00004711"
    assert order.channel is Channel.B2B
    assert order.status is OrderStatus.PARTIALLY_FULFILLED
    assert order.created_at == datetime(2026, 3, 1, 9, 15, tzinfo=UTC)
    # A net-priced order: what the customer pays is the total with tax
    assert order.totals.total == Money(Decimal("317.96"), "EUR")
    assert order.totals.subtotal == Money(Decimal("251.22"), "EUR")
    assert order.totals.shipping == Money(Decimal("15.97"), "EUR")
    assert order.totals.tax == Money(Decimal("50.77"), "EUR")
    assert order.totals.discounts is None
    assert [
        (line.sku, line.quantity, line.unit_price.amount, line.total.amount) for line in order.lines
    ] == [
        ("300441142-S", 10, Decimal("20.92"), Decimal("209.20")),
        ("300608207", 1, Decimal("42.02"), Decimal("42.02")),
    ]
    assert (order.customer_external_id, order.customer_email) == (
        "jurgen.krueger@example.com",
        "jurgen.krueger@example.com",
    )


@pytest.mark.parametrize(
    ("status", "delivery", "expected"),
    [
        ("CREATED", None, OrderStatus.OPEN),
        ("READY", "NOTSHIPPED", OrderStatus.OPEN),
        ("PENDING_APPROVAL", None, OrderStatus.PENDING),
        ("ON_VALIDATION", None, OrderStatus.PENDING),
        ("PAYMENT_CAPTURED", "PARTSHIPPED", OrderStatus.PARTIALLY_FULFILLED),
        ("READY", "SHIPPED", OrderStatus.FULFILLED),
        ("COMPLETED", None, OrderStatus.FULFILLED),
        ("CANCELLED", "NOTSHIPPED", OrderStatus.CANCELLED),
        ("REJECTED", None, OrderStatus.CANCELLED),
        ("SOMETHING_NEW", None, OrderStatus.OPEN),
    ],
    ids=lambda value: str(value),
)
def test_order_status(status: str, delivery: str | None, expected: OrderStatus) -> None:
    assert mapping.order_status(status, delivery) is expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"salesApplication": "CallCenter", "purchaseOrderNumber": "PO-1"}, Channel.CALL_CENTER),
        ({"salesApplication": "WebMobile"}, Channel.APP),
        ({"salesApplication": "Web", "costCenter": {"code": "cc"}}, Channel.B2B),
        ({"purchaseOrderNumber": "PO-1"}, Channel.B2B),
        ({"salesApplication": "Web"}, Channel.WEB),
        ({}, Channel.WEB),
    ],
    ids=["call-center", "mobile", "cost-center", "po-number", "web", "nothing-said"],
)
def test_order_channel(fields: dict[str, object], expected: Channel) -> None:
    assert mapping.channel(fields) is expected


@pytest.mark.parametrize("external_id", ["00004711", "|00004711", "someone@example.com|", ""])
def test_order_ids_this_connector_did_not_make_are_refused(external_id: str) -> None:
    assert mapping.split_order_id(external_id) is None


def test_an_order_without_totals_is_refused() -> None:
    data = payload("order")
    del data["totalPrice"], data["totalPriceWithTax"]
    with pytest.raises(ValueError, match="totalPrice"):
        mapping.order(data, source="b2b", user_id="u")


# -- Integration API customers and orders ------------------------------------------------


def test_an_integration_api_customer_maps_like_an_occ_user_and_more() -> None:
    data = payload("integration_customers")["d"]["results"][0]
    customer = mapping.integration_customer(data, source="b2b", email_verified=True)
    # The same as OCC gives: the uid as ID, the uid as typed as e-mail, the name split
    assert customer.external_id == "jurgen.krueger@example.com"
    assert customer.email == "Jurgen.Krueger@example.com"
    assert customer.email_verified is True
    assert (customer.first_name, customer.last_name) == ("Jürgen", "Krüger")
    # Street name and number as OCC shows them; the region's short code
    assert customer.default_address == Address(
        line1="Leopoldstraße",
        line2="12",
        city="München",
        postal_code="80802",
        region="BY",
        country_code="DE",
        company="Krüger Bergsport GmbH",
        first_name="Jürgen",
        last_name="Krüger",
        phone="+49 171 5550101",
    )
    # Beyond OCC: every address once, default first, their phones, and the creation time
    assert [a.city for a in customer.addresses] == ["München", "Garmisch-Partenkirchen"]
    assert customer.phones == ("+49 171 5550101", "+49 8821 5550")
    assert customer.created_at == datetime(2025, 1, 1, 10, 0, tzinfo=UTC)


def test_a_guest_checkouts_email_is_the_part_after_the_bar() -> None:
    data = payload("integration_customers")["d"]["results"][1]
    customer = mapping.integration_customer(data, source="b2b")
    assert customer.external_id.endswith("|Guest.Shopper@example.com")
    assert customer.email == "Guest.Shopper@example.com"
    assert (customer.first_name, customer.last_name, customer.addresses) == ("Guest", None, ())


def test_an_integration_api_order_maps_to_what_occ_gives_for_it() -> None:
    # Given the order OCC shows in payloads/order.json, as the Integration API has it
    data = payload("integration_orders")["d"]["results"][0]
    order = mapping.integration_order(data, source="b2b")
    occ = mapping.order(payload("order"), source="b2b", user_id="jurgen.krueger@example.com")
    # Then the ID, totals (net: tax added), lines in entry order, status and channel agree
    assert order.external_id == "jurgen.krueger@example.com|00004711"
    assert order.totals == occ.totals
    assert order.totals.total == Money(Decimal("317.96"), "EUR")
    assert [(line.sku, line.quantity, line.total) for line in order.lines] == [
        (line.sku, line.quantity, line.total) for line in occ.lines
    ]
    assert (order.status, order.channel) == (OrderStatus.PARTIALLY_FULFILLED, Channel.B2B)
    assert order.created_at == datetime(2026, 3, 1, 9, 15, tzinfo=UTC) == occ.created_at
    assert order.customer_email == "jurgen.krueger@example.com"


def test_doubles_as_strings_dates_with_offsets_and_a_gross_order() -> None:
    data = payload("integration_orders")["d"]["results"][1]
    order = mapping.integration_order(data, source="b2b")
    # Java writes 10,000,000.0 as "1.0E7"; a DateTimeOffset's offset moves nothing
    assert order.totals.total == Money(Decimal("10000000.00"), "EUR")
    assert order.totals.discounts == Money(Decimal("12.50"), "EUR")
    assert order.created_at == datetime(2025, 1, 1, 10, 0, tzinfo=UTC)
    assert (order.status, order.channel, order.lines) == (
        OrderStatus.FULFILLED,
        Channel.CALL_CENTER,
        (),
    )


@pytest.mark.parametrize(
    "field", ["user", "currency", "status", "entries"], ids=lambda name: f"deferred-{name}"
)
def test_a_navigation_property_left_unexpanded_is_refused(field: str) -> None:
    data = payload("integration_orders")["d"]["results"][0]
    data[field] = {"__deferred": {"uri": f"https://host/Orders('00004711')/{field}"}}
    with pytest.raises(ValueError, match="not expanded"):
        mapping.integration_order(data, source="b2b")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/Date(1772356500000)/", datetime(2026, 3, 1, 9, 15, tzinfo=UTC)),
        ("/Date(1772356500000-0300)/", datetime(2026, 3, 1, 9, 15, tzinfo=UTC)),
        ("2026-03-01T10:15:00+0100", datetime(2026, 3, 1, 9, 15, tzinfo=UTC)),
        (None, None),
    ],
    ids=["date", "date-with-offset", "iso", "null"],
)
def test_odata_dates(value: str | None, expected: datetime | None) -> None:
    assert mapping.odata_time(value) == expected


@pytest.mark.parametrize(
    ("uid", "shopper"),
    [("a@b.example", True), ("anonymous", False), ("admin", False)],
    ids=["customer", "anonymous", "employee"],
)
def test_only_uids_with_an_at_sign_are_shoppers(uid: str, shopper: bool) -> None:
    assert mapping.is_customer_uid(uid) is shopper
