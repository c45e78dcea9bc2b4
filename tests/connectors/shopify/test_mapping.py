"""Shopify JSON -> records, on payloads shaped like the connector's documents select them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

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
from connectors.shopify import mapping


def _bag(amount: str, currency: str = "EUR") -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": currency}}


PRODUCT = {
    "__typename": "Product",
    "id": "gid://shopify/Product/8712300000003",
    "title": "Alpine Rain Jacket",
    "handle": "alpine-rain-jacket",
    "description": "Keeps the rain out.",
    "vendor": "Fjellstorm",
    "productType": "Jackets",
    "updatedAt": "2026-02-06T11:00:00Z",
    "featuredMedia": {"image": {"url": "https://cdn.example/jacket.jpg", "altText": ""}},
    "variants": {
        "nodes": [
            {
                "id": "gid://shopify/ProductVariant/2",
                "sku": "NL-1003-OLV-M",
                "title": "Olive / M",
                "position": 2,
                "price": "149.00",
                "compareAtPrice": "178.80",
                "barcode": "4000003000112",
                "selectedOptions": [
                    {"name": "Colour", "value": "Olive"},
                    {"name": "Size", "value": "M"},
                ],
            },
            {
                "id": "gid://shopify/ProductVariant/1",
                "sku": "NL-1003-OLV-S",
                "title": "Olive / S",
                "position": 1,
                "price": "149.00",
                "compareAtPrice": None,
                "barcode": None,
                "selectedOptions": [
                    {"name": "Colour", "value": "Olive"},
                    {"name": "Size", "value": "S"},
                ],
            },
        ],
        "pageInfo": {"hasNextPage": False, "endCursor": "eyJsYXN0X2lkIjoyfQ=="},
    },
}


def test_product_with_variants_in_position_order_and_exact_money() -> None:
    product = mapping.product(PRODUCT, source="shop", currency="EUR")

    assert (product.source, product.external_id, product.handle) == (
        "shop",
        "gid://shopify/Product/8712300000003",
        "alpine-rain-jacket",
    )
    assert product.vendor == "Fjellstorm"
    assert product.categories == ("Jackets",)
    assert product.images == (Image("https://cdn.example/jacket.jpg", None),)
    assert product.updated_at == datetime(2026, 2, 6, 11, 0, tzinfo=UTC)
    assert [v.sku for v in product.variants] == ["NL-1003-OLV-S", "NL-1003-OLV-M"]
    small, medium = product.variants
    assert small.price == Money(Decimal("149.00"), "EUR")
    assert small.compare_at_price is None
    assert small.barcode is None
    assert medium.compare_at_price == Money(Decimal("178.80"), "EUR")
    assert medium.options == (SelectedOption("Colour", "Olive"), SelectedOption("Size", "M"))
    assert medium.product_external_id == product.external_id


def test_all_variants_replace_the_first_page_when_given() -> None:
    extra = {
        **PRODUCT["variants"]["nodes"][0],
        "id": "gid://shopify/ProductVariant/3",
        "position": 3,
        "sku": "NL-1003-OLV-L",
    }  # type: ignore[index]
    every = [*PRODUCT["variants"]["nodes"], extra]  # type: ignore[index]
    product = mapping.product(PRODUCT, source="shop", currency="EUR", variants=every)
    assert [v.sku for v in product.variants] == ["NL-1003-OLV-S", "NL-1003-OLV-M", "NL-1003-OLV-L"]


def test_a_product_without_media_type_or_vendor() -> None:
    bare = {**PRODUCT, "featuredMedia": None, "productType": "", "vendor": "", "description": ""}
    product = mapping.product(bare, source="shop", currency="EUR")
    assert (product.images, product.categories, product.vendor, product.description) == (
        (),
        (),
        None,
        "",
    )


def test_money_never_passes_through_float() -> None:
    assert mapping.money(_bag("0.1")) == Money(Decimal("0.1"), "EUR")
    assert mapping.money(_bag("19.99", "CHF")) == Money(Decimal("19.99"), "CHF")
    assert mapping.money(None) is None


LEVEL = {
    "location": {"id": "gid://shopify/Location/71430000002"},
    "quantities": [
        {"name": "available", "quantity": 3},
        {"name": "on_hand", "quantity": 5},
        {"name": "reserved", "quantity": 2},
        {"name": "incoming", "quantity": 0},
    ],
    "updatedAt": "2026-11-02T08:30:00Z",
}


def test_inventory_level_reads_named_quantities() -> None:
    level = mapping.inventory_level("NL-1003-OLV-M", LEVEL, source="shop")
    assert level.location == LocationRef("shop", "gid://shopify/Location/71430000002")
    assert (level.available, level.on_hand, level.reserved, level.incoming) == (3, 5, 2, 0)
    assert level.updated_at == datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


def test_an_oversold_store_has_nothing_available() -> None:
    oversold = {
        **LEVEL,
        "quantities": [{"name": "available", "quantity": -2}, {"name": "on_hand", "quantity": 0}],
    }
    level = mapping.inventory_level("NL-1003-OLV-M", oversold, source="shop")
    assert (level.available, level.on_hand, level.reserved) == (0, 0, None)


LOCATION = {
    "id": "gid://shopify/Location/71430000001",
    "name": "Nordlicht Berlin Mitte",
    "isActive": True,
    "fulfillsOnlineOrders": False,
    "address": {
        "address1": "Rosenthaler Straße 40",
        "address2": None,
        "city": "Berlin",
        "zip": "10178",
        "provinceCode": None,
        "countryCode": "DE",
        "phone": None,
    },
    "localPickupSettingsV2": {"pickupTime": "ONE_HOUR"},
}


def test_location_is_a_store_with_pickup() -> None:
    location = mapping.location(LOCATION, source="shop", kind=LocationKind.STORE)
    assert location.kind is LocationKind.STORE
    assert location.address == Address(
        line1="Rosenthaler Straße 40", city="Berlin", postal_code="10178", country_code="DE"
    )
    assert (location.pickup_enabled, location.ships_from) == (True, False)
    no_pickup = {**LOCATION, "localPickupSettingsV2": None, "fulfillsOnlineOrders": True}
    warehouse = mapping.location(no_pickup, source="shop", kind=LocationKind.WAREHOUSE)
    assert (warehouse.pickup_enabled, warehouse.ships_from) == (False, True)


ADDRESS = {
    "address1": "Lindenallee 7",
    "address2": None,
    "city": "Wien",
    "zip": "1010",
    "provinceCode": None,
    "countryCodeV2": "AT",
    "company": None,
    "firstName": "Olga",
    "lastName": "Pohl",
    "phone": "+4915120110853",
}

CUSTOMER = {
    "__typename": "Customer",
    "id": "gid://shopify/Customer/7610200000015",
    "email": "olga.pohl@example.com",
    "verifiedEmail": True,
    "firstName": "Olga",
    "lastName": "Pohl",
    "phone": "+4915120110853",
    "createdAt": "2024-03-01T10:00:00Z",
    "emailMarketingConsent": {"marketingState": "SUBSCRIBED"},
    "defaultAddress": ADDRESS,
    "addresses": [ADDRESS],
}


def test_customer_with_consent_and_addresses() -> None:
    customer = mapping.customer(CUSTOMER, source="shop")
    assert (customer.email, customer.email_verified) == ("olga.pohl@example.com", True)
    assert customer.phones == ("+4915120110853",)
    assert customer.accepts_marketing is True
    assert customer.default_address is not None
    assert customer.default_address.country_code == "AT"
    assert customer.addresses == (customer.default_address,)
    assert customer.created_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("consent", "expected"),
    [
        ({"marketingState": "NOT_SUBSCRIBED"}, False),
        ({"marketingState": "UNSUBSCRIBED"}, False),
        (None, None),
    ],
    ids=["not-subscribed", "unsubscribed", "no-email-state"],
)
def test_marketing_consent(consent: Any, expected: bool | None) -> None:
    customer = mapping.customer({**CUSTOMER, "emailMarketingConsent": consent}, source="shop")
    assert customer.accepts_marketing is expected


def test_a_customer_without_email_is_not_verified() -> None:
    customer = mapping.customer({**CUSTOMER, "email": None, "phone": None}, source="shop")
    assert (customer.email, customer.email_verified, customer.phones) == (None, False, ())


ORDER = {
    "__typename": "Order",
    "id": "gid://shopify/Order/5983100000007",
    "name": "#1007",
    "createdAt": "2026-03-14T16:20:00Z",
    "cancelledAt": None,
    "displayFinancialStatus": "PAID",
    "displayFulfillmentStatus": "FULFILLED",
    "returnStatus": "NO_RETURN",
    "sourceName": "pos",
    "email": "olga.pohl@example.com",
    "customer": {"id": "gid://shopify/Customer/7610200000015"},
    "retailLocation": {"id": "gid://shopify/Location/71430000006"},
    "subtotalPriceSet": _bag("173.9"),
    "totalPriceSet": _bag("173.9"),
    "totalShippingPriceSet": _bag("0.0"),
    "totalTaxSet": _bag("27.77"),
    "totalDiscountsSet": _bag("0.0"),
    "lineItems": {
        "nodes": [
            {
                "id": "gid://shopify/LineItem/1",
                "sku": "NL-1008-BLK",
                "name": "Alpine Beanie - Black",
                "quantity": 2,
                "variant": {"id": "gid://shopify/ProductVariant/45871200000040"},
                "originalUnitPriceSet": _bag("19.9"),
                "discountedTotalSet": _bag("39.8"),
            },
            {
                "id": "gid://shopify/LineItem/2",
                "sku": "",
                "name": "Gift wrap",
                "quantity": 1,
                "variant": None,
                "originalUnitPriceSet": _bag("134.1"),
                "discountedTotalSet": _bag("134.1"),
            },
        ],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    },
}


def test_order_totals_lines_and_customer() -> None:
    order = mapping.order(ORDER, source="shop")
    assert (order.number, order.channel, order.status) == (
        "#1007",
        Channel.POS,
        OrderStatus.FULFILLED,
    )
    assert order.created_at == datetime(2026, 3, 14, 16, 20, tzinfo=UTC)
    assert order.totals.total == Money(Decimal("173.9"), "EUR")
    assert order.totals.tax == Money(Decimal("27.77"), "EUR")
    assert order.totals.shipping == Money(Decimal("0.0"), "EUR")
    beanie, wrap = order.lines
    assert (beanie.sku, beanie.quantity, beanie.unit_price.amount, beanie.total.amount) == (
        "NL-1008-BLK",
        2,
        Decimal("19.9"),
        Decimal("39.8"),
    )
    assert beanie.variant_external_id == "gid://shopify/ProductVariant/45871200000040"
    assert (wrap.sku, wrap.variant_external_id) == (None, None)
    assert order.customer_external_id == "gid://shopify/Customer/7610200000015"
    assert order.customer_email == "olga.pohl@example.com"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"cancelledAt": "2026-03-14T18:00:00Z", "displayFinancialStatus": "REFUNDED"},
            OrderStatus.CANCELLED,
        ),
        ({"returnStatus": "RETURNED"}, OrderStatus.RETURNED),
        ({"displayFulfillmentStatus": "RESTOCKED"}, OrderStatus.RETURNED),
        ({"displayFulfillmentStatus": "PARTIALLY_FULFILLED"}, OrderStatus.PARTIALLY_FULFILLED),
        (
            {"displayFulfillmentStatus": "UNFULFILLED", "displayFinancialStatus": "PENDING"},
            OrderStatus.PENDING,
        ),
        (
            {"displayFulfillmentStatus": "UNFULFILLED", "displayFinancialStatus": "AUTHORIZED"},
            OrderStatus.OPEN,
        ),
        ({"displayFulfillmentStatus": "IN_PROGRESS"}, OrderStatus.OPEN),
    ],
    ids=[
        "cancelled",
        "returned",
        "restocked",
        "partly-fulfilled",
        "awaiting-payment",
        "authorized",
        "in-progress",
    ],
)
def test_order_status(changes: dict[str, Any], expected: OrderStatus) -> None:
    assert mapping.order_status({**ORDER, **changes}) is expected


@pytest.mark.parametrize(
    ("source_name", "retail_location", "expected"),
    [
        ("web", None, Channel.WEB),
        ("pos", None, Channel.POS),
        ("iphone", None, Channel.APP),
        ("shopify_draft_order", None, Channel.CALL_CENTER),
        ("1354745", {"id": "gid://shopify/Location/1"}, Channel.POS),
        ("1354745", None, Channel.WEB),
        (None, None, Channel.WEB),
    ],
    ids=["web", "pos", "app", "draft", "app-at-a-till", "sales-channel-app", "unknown"],
)
def test_order_channel(source_name: str | None, retail_location: Any, expected: Channel) -> None:
    node = {**ORDER, "sourceName": source_name, "retailLocation": retail_location}
    assert mapping.order_channel(node) is expected


def test_all_lines_replace_the_first_page_when_given() -> None:
    lines = ORDER["lineItems"]["nodes"] * 3  # type: ignore[index]
    assert len(mapping.order(ORDER, source="shop", lines=lines).lines) == 6


@pytest.mark.parametrize(
    ("value", "type_name", "expected"),
    [
        ("gid://shopify/Product/1", "Product", True),
        ("gid://shopify/Product/1", "Order", False),
        ("gid://shopify/Product/abc", "Product", False),
        ("8712300000001", "Product", False),
        ("gid://shopify/Product/1?x=1", "Product", False),
    ],
    ids=["product", "wrong-type", "not-numeric", "bare-number", "with-query"],
)
def test_is_gid(value: str, type_name: str, expected: bool) -> None:
    assert mapping.is_gid(value, type_name) is expected


def test_times_are_aware_utc() -> None:
    assert mapping.parse_time("2026-03-14T17:20:00+01:00") == datetime(
        2026, 3, 14, 16, 20, tzinfo=UTC
    )
    assert mapping.parse_time(None) is None
