"""Shopify Admin API JSON -> records: pure functions, no I/O.

Each takes one node as the connector's documents select it (see ``queries.py``) and
returns a record. Money arrives as strings (``Money`` scalars, ``MoneyV2.amount``) and
becomes ``Decimal`` without passing through float::

    >>> money({"shopMoney": {"amount": "24.9", "currencyCode": "EUR"}})
    Money(amount=Decimal('24.9'), currency='EUR')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from connectors.models import (
    Address,
    Channel,
    Customer,
    Image,
    InventoryLevel,
    Location,
    LocationKind,
    LocationRef,
    Money,
    Order,
    OrderLine,
    OrderStatus,
    OrderTotals,
    Product,
    SelectedOption,
    Variant,
)
from connectors.times import utc_time as parse_time

__all__ = [
    "customer",
    "gid_number",
    "inventory_level",
    "is_gid",
    "location",
    "mailing_address",
    "money",
    "order",
    "order_channel",
    "order_line",
    "order_status",
    "parse_time",
    "product",
    "variant",
]

Node = Mapping[str, Any]

_GID = re.compile(r"^gid://shopify/(?P<type>[A-Za-z]+)/(?P<number>\d+)$")

#: ``Order.sourceName`` values Shopify documents for its own channels. Anything else
#: is an app's ID (a sales channel app), which we read as the web shop.
_SOURCE_CHANNELS = {
    "web": Channel.WEB,
    "pos": Channel.POS,
    "iphone": Channel.APP,
    "android": Channel.APP,
    "shopify_draft_order": Channel.CALL_CENTER,
}


def is_gid(value: str, type_name: str) -> bool:
    """Whether ``value`` is a GID of ``type_name`` (``gid://shopify/Product/123``)."""
    found = _GID.match(value)
    return found is not None and found["type"] == type_name


def gid_number(value: str) -> str:
    """The numeric part of a GID, as Shopify's search filters (``product_id:123``) want it."""
    found = _GID.match(value)
    if found is None:
        raise ValueError(f"not a Shopify GID: {value!r}")
    return found["number"]


def money(bag: Node | None) -> Money | None:
    """A ``MoneyBag``'s shop-currency amount (``None`` for a missing bag)."""
    if bag is None:
        return None
    shop_money = bag["shopMoney"]
    return Money.of(shop_money["amount"], shop_money["currencyCode"])


def _required_money(bag: Node | None, what: str) -> Money:
    found = money(bag)
    if found is None:
        raise ValueError(f"Shopify sent no {what}")
    return found


def variant(node: Node, *, source: str, currency: str, product_id: str) -> Variant:
    """A ``ProductVariant``; its ``Money`` scalars are in the shop's ``currency``."""
    compare_at = node.get("compareAtPrice")
    return Variant(
        source=source,
        external_id=node["id"],
        sku=node.get("sku") or "",
        title=node["title"],
        price=Money.of(node["price"], currency),
        product_external_id=product_id,
        compare_at_price=Money.of(compare_at, currency) if compare_at is not None else None,
        options=tuple(
            SelectedOption(option["name"], option["value"])
            for option in node.get("selectedOptions") or ()
        ),
        barcode=node.get("barcode") or None,
    )


def product(
    node: Node, *, source: str, currency: str, variants: Sequence[Node] | None = None
) -> Product:
    """A ``Product``; ``variants`` replaces the node's first page when all were fetched."""
    variant_nodes = variants if variants is not None else node["variants"]["nodes"]
    ordered = sorted(variant_nodes, key=lambda v: v.get("position") or 0)
    images: tuple[Image, ...] = ()
    image = (node.get("featuredMedia") or {}).get("image")
    if image:
        images = (Image(image["url"], image.get("altText") or None),)
    product_type = node.get("productType") or ""
    return Product(
        source=source,
        external_id=node["id"],
        title=node["title"],
        handle=node["handle"],
        description=node.get("description") or "",
        vendor=node.get("vendor") or None,
        categories=(product_type,) if product_type else (),
        images=images,
        variants=tuple(
            variant(v, source=source, currency=currency, product_id=node["id"]) for v in ordered
        ),
        updated_at=parse_time(node.get("updatedAt")),
    )


def location(node: Node, *, source: str, kind: LocationKind) -> Location:
    """A ``Location``: pickup when local pickup is set up, ships when it fulfils online orders."""
    address = node.get("address") or {}
    return Location(
        source=source,
        external_id=node["id"],
        name=node["name"],
        kind=kind,
        address=Address(
            line1=address.get("address1"),
            line2=address.get("address2"),
            city=address.get("city"),
            postal_code=address.get("zip"),
            region=address.get("provinceCode"),
            country_code=address.get("countryCode"),
            phone=address.get("phone"),
        ),
        pickup_enabled=node.get("localPickupSettingsV2") is not None,
        ships_from=bool(node.get("fulfillsOnlineOrders")),
    )


def inventory_level(
    sku: str, node: Node, *, source: str, location_id: str | None = None
) -> InventoryLevel:
    """An ``InventoryLevel`` with its ``quantities(names: [...])``; ``location_id`` when the
    query asked for the level at a known location instead of selecting ``location``."""
    quantities = {q["name"]: q["quantity"] for q in node.get("quantities") or ()}
    return InventoryLevel(
        sku=sku,
        location=LocationRef(source, location_id or node["location"]["id"]),
        # Shopify lets "available" go negative when a store oversells; nothing is
        # available to a shopper then.
        available=max(0, int(quantities.get("available", 0))),
        on_hand=quantities.get("on_hand"),
        reserved=quantities.get("reserved"),
        incoming=quantities.get("incoming"),
        updated_at=parse_time(node.get("updatedAt")),
    )


def mailing_address(node: Node | None) -> Address | None:
    if node is None:
        return None
    return Address(
        line1=node.get("address1"),
        line2=node.get("address2"),
        city=node.get("city"),
        postal_code=node.get("zip"),
        region=node.get("provinceCode"),
        country_code=node.get("countryCodeV2"),
        company=node.get("company"),
        first_name=node.get("firstName"),
        last_name=node.get("lastName"),
        phone=node.get("phone"),
    )


def customer(node: Node, *, source: str) -> Customer:
    """A ``Customer``. Marketing consent is ``None`` when Shopify has no email state."""
    consent = node.get("emailMarketingConsent")
    email = node.get("email")
    return Customer(
        source=source,
        external_id=node["id"],
        email=email,
        email_verified=bool(email) and bool(node.get("verifiedEmail")),
        first_name=node.get("firstName"),
        last_name=node.get("lastName"),
        phones=(node["phone"],) if node.get("phone") else (),
        addresses=tuple(
            address
            for address in (mailing_address(a) for a in node.get("addresses") or ())
            if address is not None
        ),
        default_address=mailing_address(node.get("defaultAddress")),
        accepts_marketing=(consent["marketingState"] == "SUBSCRIBED") if consent else None,
        created_at=parse_time(node.get("createdAt")),
    )


def order_status(node: Node) -> OrderStatus:
    """Cancelled, returned, fulfilled (fully or partly), awaiting payment, or open."""
    if node.get("cancelledAt"):
        return OrderStatus.CANCELLED
    fulfillment = node.get("displayFulfillmentStatus")
    if node.get("returnStatus") == "RETURNED" or fulfillment == "RESTOCKED":
        return OrderStatus.RETURNED
    if fulfillment == "FULFILLED":
        return OrderStatus.FULFILLED
    if fulfillment == "PARTIALLY_FULFILLED":
        return OrderStatus.PARTIALLY_FULFILLED
    if node.get("displayFinancialStatus") in ("PENDING", "EXPIRED"):
        return OrderStatus.PENDING
    return OrderStatus.OPEN


def order_channel(node: Node) -> Channel:
    """Where the order was placed: ``sourceName`` first, a retail location means a till."""
    source_name = (node.get("sourceName") or "").lower()
    if source_name in _SOURCE_CHANNELS:
        return _SOURCE_CHANNELS[source_name]
    if node.get("retailLocation"):
        return Channel.POS
    return Channel.WEB


def order_line(node: Node) -> OrderLine:
    return OrderLine(
        sku=node.get("sku") or None,
        title=node["name"],
        quantity=int(node["quantity"]),
        unit_price=_required_money(node.get("originalUnitPriceSet"), "unit price"),
        total=_required_money(node.get("discountedTotalSet"), "line total"),
        variant_external_id=(node.get("variant") or {}).get("id"),
    )


def order(node: Node, *, source: str, lines: Sequence[Node] | None = None) -> Order:
    """An ``Order``; ``lines`` replaces the node's first page when all were fetched."""
    total = _required_money(node.get("totalPriceSet"), "order total")
    line_nodes = lines if lines is not None else node["lineItems"]["nodes"]
    created_at = parse_time(node["createdAt"])
    if created_at is None:
        raise ValueError("Shopify sent an order without createdAt")
    return Order(
        source=source,
        external_id=node["id"],
        number=node["name"],
        channel=order_channel(node),
        status=order_status(node),
        created_at=created_at,
        totals=OrderTotals(
            subtotal=money(node.get("subtotalPriceSet")) or total,
            total=total,
            shipping=money(node.get("totalShippingPriceSet")),
            tax=money(node.get("totalTaxSet")),
            discounts=money(node.get("totalDiscountsSet")),
        ),
        lines=tuple(order_line(line) for line in line_nodes),
        customer_external_id=(node.get("customer") or {}).get("id"),
        customer_email=node.get("email"),
    )
