"""The demo retailer as Shopify holds it: Admin API objects, keyed by stable GIDs.

Objects are plain dicts shaped like the Admin API's JSON (camelCase fields, ``Money`` as
strings, ``DateTime`` as ISO 8601 UTC). Keys starting with ``_`` hold what the resolvers
page or filter (``_variants``, ``_levels``, ``_orders``); everything else is served as is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from connectors.sandbox.retailer import (
    Retailer,
    RetailerCustomer,
    RetailerLocation,
    RetailerOrder,
    RetailerProduct,
)

__all__ = ["SHOP_ID", "ShopState", "gid", "gid_number", "seed"]

SYSTEM = "shopify"
SHOP_ID = "gid://shopify/Shop/68817420523"

Node = dict[str, Any]

# Real Shopify IDs are large integers, unique per resource type; these ranges keep the
# sandbox's recognisably Shopify-like and stable across runs.
_BASE = {
    "Product": 8_712_300_000_000,
    "ProductVariant": 45_871_200_000_000,
    "InventoryItem": 47_930_100_000_000,
    "MediaImage": 31_204_500_000_000,
    "ImageSource": 40_102_300_000_000,
    "Location": 71_430_000_000,
    "Customer": 7_610_200_000_000,
    "MailingAddress": 9_120_400_000_000,
    "Order": 5_983_100_000_000,
    "LineItem": 14_765_300_000_000,
}
_COUNTRIES = {"DE": "Germany", "AT": "Austria"}
_POS_APP = {"id": "gid://shopify/App/129785", "name": "Point of Sale"}
_WEB_APP = {"id": "gid://shopify/App/580111", "name": "Online Store"}


def gid(kind: str, n: int) -> str:
    """The ``n``-th (1-based) sandbox object of ``kind``: ``gid://shopify/Product/8712300000001``."""
    return f"gid://shopify/{kind}/{_BASE[kind] + n}"


def gid_number(value: str) -> int | None:
    """The numeric ID in a GID (``None`` when it has none)."""
    tail = value.rpartition("/")[2].partition("?")[0]
    return int(tail) if tail.isdigit() else None


def _time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _money_scalar(amount: Decimal) -> str:
    """``Money`` scalars (variant prices) carry two decimals: ``"24.90"``."""
    return f"{amount:.2f}"


def _decimal_scalar(amount: Decimal) -> str:
    """``Decimal`` scalars (``MoneyV2.amount``) drop trailing zeros, keeping one: ``"24.9"``."""
    text = format(amount.normalize(), "f")
    return text if "." in text else f"{text}.0"


def _money_bag(amount: Decimal, currency: str) -> Node:
    money = {"amount": _decimal_scalar(amount), "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": dict(money)}


def _phone(value: str) -> str:
    """Shopify stores phone numbers in E.164."""
    return "".join(char for char in value if char == "+" or char.isdigit())


@dataclass
class ShopState:
    shop: Node
    products: list[Node] = field(default_factory=list)
    variants: list[Node] = field(default_factory=list)
    locations: list[Node] = field(default_factory=list)
    customers: list[Node] = field(default_factory=list)
    orders: list[Node] = field(default_factory=list)
    by_id: dict[str, Node] = field(default_factory=dict)

    def index(self, nodes: Iterable[Node]) -> None:
        for node in nodes:
            self.by_id[node["id"]] = node


def _location(n: int, spec: RetailerLocation) -> Node:
    pickup = (
        {"pickupTime": "ONE_HOUR", "instructions": "Ask at the till for your order."}
        if spec.pickup
        else None
    )
    return {
        "__typename": "Location",
        "id": gid("Location", n),
        "legacyResourceId": str(_BASE["Location"] + n),
        "name": spec.name,
        "isActive": True,
        "activatable": True,
        "deactivatable": True,
        "deletable": False,
        "hasActiveInventory": True,
        "isFulfillmentService": False,
        "fulfillsOnlineOrders": spec.ships,
        "shipsInventory": spec.ships,
        "address": {
            "address1": spec.line1,
            "address2": None,
            "city": spec.city,
            "zip": spec.postal_code,
            "province": None,
            "provinceCode": None,
            "country": _COUNTRIES.get(spec.country_code, spec.country_code),
            "countryCode": spec.country_code,
            "phone": None,
            "latitude": spec.latitude,
            "longitude": spec.longitude,
            "formatted": [
                spec.line1,
                f"{spec.postal_code} {spec.city}",
                _COUNTRIES.get(spec.country_code, spec.country_code),
            ],
        },
        "localPickupSettingsV2": pickup,
        "_code": spec.code,
        "_levels": [],
    }


def _product(n: int, spec: RetailerProduct, variant_start: int) -> Node:
    media = {
        "__typename": "MediaImage",
        "id": gid("MediaImage", n),
        "alt": spec.title,
        "mediaContentType": "IMAGE",
        "status": "READY",
        "image": {
            "id": gid("ImageSource", n),
            "url": spec.image_urls[0],
            "altText": spec.title,
            "width": 2048,
            "height": 2048,
        },
    }
    product: Node = {
        "__typename": "Product",
        "id": gid("Product", n),
        "legacyResourceId": str(_BASE["Product"] + n),
        "title": spec.title,
        "handle": spec.handle,
        "description": spec.description,
        "descriptionHtml": f"<p>{spec.description}</p>",
        "vendor": spec.brand,
        "productType": spec.category,
        "tags": [spec.category, spec.brand],
        "status": "ACTIVE",
        "createdAt": _time(spec.created_at),
        "updatedAt": _time(spec.updated_at),
        "publishedAt": _time(spec.created_at),
        "onlineStoreUrl": None,
        "tracksInventory": True,
        "hasOnlyDefaultVariant": False,
        "featuredMedia": media,
        "category": None,
        "variantsCount": {"count": len(spec.variants), "precision": "EXACT"},
        "_media": [media],
        "_variants": [],
    }
    option_names: dict[str, list[str]] = {}
    for spec_variant in spec.variants:
        for name, value in spec_variant.options:
            values = option_names.setdefault(name, [])
            if value not in values:
                values.append(value)
    product["options"] = [
        {
            "id": f"gid://shopify/ProductOption/{_BASE['Product'] + n}{position}",
            "name": name,
            "position": position,
            "values": values,
        }
        for position, (name, values) in enumerate(option_names.items(), start=1)
    ]
    for position, spec_variant in enumerate(spec.variants, start=1):
        number = variant_start + position
        variant: Node = {
            "__typename": "ProductVariant",
            "id": gid("ProductVariant", number),
            "legacyResourceId": str(_BASE["ProductVariant"] + number),
            "sku": spec_variant.sku,
            "title": spec_variant.title,
            "displayName": f"{spec.title} - {spec_variant.title}",
            "position": position,
            "price": _money_scalar(spec_variant.price),
            "compareAtPrice": (
                _money_scalar(spec_variant.compare_at_price)
                if spec_variant.compare_at_price is not None
                else None
            ),
            "barcode": spec_variant.barcode,
            "selectedOptions": [{"name": k, "value": v} for k, v in spec_variant.options],
            "availableForSale": True,
            "taxable": True,
            "createdAt": _time(spec.created_at),
            "updatedAt": _time(spec.updated_at),
            "product": product,
            "inventoryQuantity": 0,
        }
        variant["inventoryItem"] = {
            "__typename": "InventoryItem",
            "id": gid("InventoryItem", number),
            "legacyResourceId": str(_BASE["InventoryItem"] + number),
            "sku": spec_variant.sku,
            "tracked": True,
            "requiresShipping": True,
            "createdAt": _time(spec.created_at),
            "updatedAt": _time(spec.updated_at),
            "variant": variant,
            "_levels": [],
        }
        product["_variants"].append(variant)
    product["totalInventory"] = 0
    return product


def _address(n: int, spec: RetailerCustomer, seen: dict[str, str]) -> Node:
    return {
        "__typename": "MailingAddress",
        "id": f"{gid('MailingAddress', n)}?model_name=CustomerAddress",
        "address1": spec.line1,
        "address2": None,
        "city": spec.city,
        "zip": spec.postal_code,
        "province": None,
        "provinceCode": None,
        "country": _COUNTRIES.get(spec.country_code, spec.country_code),
        "countryCodeV2": spec.country_code,
        "company": None,
        "firstName": seen["first_name"],
        "lastName": seen["last_name"],
        "name": f"{seen['first_name']} {seen['last_name']}",
        "phone": _phone(seen["phone"]),
    }


def _customer(n: int, spec: RetailerCustomer) -> Node:
    seen = spec.seen_by(SYSTEM)
    address = _address(n, spec, seen)
    created = _time(spec.created_at)
    return {
        "__typename": "Customer",
        "id": gid("Customer", n),
        "legacyResourceId": str(_BASE["Customer"] + n),
        "email": seen["email"],
        "verifiedEmail": spec.email_verified_in(SYSTEM),
        "validEmailAddress": True,
        "firstName": seen["first_name"],
        "lastName": seen["last_name"],
        "displayName": f"{seen['first_name']} {seen['last_name']}",
        "phone": _phone(seen["phone"]),
        "state": "ENABLED",
        "tags": [],
        "note": None,
        "locale": "de",
        "createdAt": created,
        "updatedAt": created,
        "emailMarketingConsent": {
            "marketingState": "SUBSCRIBED" if spec.accepts_marketing else "NOT_SUBSCRIBED",
            "marketingOptInLevel": "SINGLE_OPT_IN" if spec.accepts_marketing else None,
            "consentUpdatedAt": created if spec.accepts_marketing else None,
        },
        "defaultAddress": address,
        "_addresses": [address],
        "_orders": [],
        "_key": spec.key,
    }


def _order(
    n: int,
    spec: RetailerOrder,
    customer: Node,
    store: Node | None,
    variants_by_sku: dict[str, Node],
    line_start: int,
    currency: str,
) -> Node:
    created = spec.created_at
    cancelled = spec.status == "CANCELLED"
    fulfilled = spec.status == "FULFILLED"
    lines = []
    for index, spec_line in enumerate(spec.lines, start=1):
        variant = variants_by_sku.get(spec_line.sku)
        unit = _money_bag(spec_line.unit_price, currency)
        total = _money_bag(spec_line.total, currency)
        product = variant["product"] if variant else None
        lines.append(
            {
                "__typename": "LineItem",
                "id": gid("LineItem", line_start + index),
                "sku": spec_line.sku,
                "name": spec_line.title,
                "title": product["title"] if product else spec_line.title,
                "variantTitle": variant["title"] if variant else None,
                "vendor": product["vendor"] if product else None,
                "quantity": spec_line.quantity,
                "currentQuantity": 0 if cancelled else spec_line.quantity,
                "requiresShipping": spec.channel != "POS",
                "taxable": True,
                "variant": variant,
                "product": product,
                "originalUnitPriceSet": unit,
                "discountedUnitPriceSet": unit,
                "originalTotalSet": total,
                "discountedTotalSet": total,
            }
        )
    pos = spec.channel == "POS"
    return {
        "__typename": "Order",
        "id": gid("Order", n),
        "legacyResourceId": str(_BASE["Order"] + n),
        "name": spec.number,
        "email": customer["email"],
        "phone": None,
        "createdAt": _time(created),
        "processedAt": _time(created),
        "updatedAt": _time(created + timedelta(days=2)),
        "cancelledAt": _time(created + timedelta(hours=2)) if cancelled else None,
        "cancelReason": "CUSTOMER" if cancelled else None,
        "closed": fulfilled,
        "closedAt": _time(created + timedelta(days=2)) if fulfilled else None,
        "confirmed": True,
        "test": False,
        "currencyCode": currency,
        "presentmentCurrencyCode": currency,
        "displayFinancialStatus": "REFUNDED" if cancelled else "PAID",
        "displayFulfillmentStatus": "FULFILLED" if fulfilled else "UNFULFILLED",
        "returnStatus": "NO_RETURN",
        "fullyPaid": not cancelled,
        "unpaid": False,
        "sourceName": "pos" if pos else "web",
        "sourceIdentifier": f"{spec.number.lstrip('#')}-1-1001" if pos else None,
        "app": _POS_APP if pos else _WEB_APP,
        "retailLocation": store if pos else None,
        "customer": customer,
        "tags": [],
        "note": None,
        "subtotalPriceSet": _money_bag(spec.subtotal, currency),
        "totalPriceSet": _money_bag(spec.total, currency),
        "currentTotalPriceSet": _money_bag(Decimal(0) if cancelled else spec.total, currency),
        "totalShippingPriceSet": _money_bag(spec.shipping, currency),
        "totalTaxSet": _money_bag(spec.tax, currency),
        "totalDiscountsSet": _money_bag(Decimal(0), currency),
        "totalRefundedSet": _money_bag(spec.total if cancelled else Decimal(0), currency),
        "_lines": lines,
    }


def _store_for(order: RetailerOrder, customer: RetailerCustomer, stores: list[Node]) -> Node:
    """The till a POS order was rung up at: the customer's home-town store if there is
    one, otherwise a stable pick."""
    for store in stores:
        if store["address"]["city"] == customer.city:
            return store
    digest = hashlib.sha256(order.number.encode()).digest()
    return stores[digest[0] % len(stores)]


def seed(retailer: Retailer) -> ShopState:
    """Shopify's view of ``retailer``: its products, stores, store stock, customers, orders."""
    currency = retailer.currency
    state = ShopState(
        shop={
            "__typename": "Shop",
            "id": SHOP_ID,
            "name": retailer.name,
            "email": "shop@nordlicht.example",
            "myshopifyDomain": "nordlicht.myshopify.com",
            "currencyCode": currency,
            "ianaTimezone": "Europe/Berlin",
            "timezoneAbbreviation": "CET",
            "enabledPresentmentCurrencies": [currency],
        }
    )
    state.locations = [
        _location(n, spec) for n, spec in enumerate(retailer.locations_in(SYSTEM), start=1)
    ]
    locations_by_code = {location["_code"]: location for location in state.locations}

    variant_count = 0
    for n, spec_product in enumerate(retailer.products, start=1):
        product = _product(n, spec_product, variant_count)
        variant_count += len(spec_product.variants)
        state.products.append(product)
        state.variants.extend(product["_variants"])
    variants_by_sku = {variant["sku"]: variant for variant in state.variants}

    for record in retailer.stock_in(SYSTEM):
        variant = variants_by_sku.get(record.sku)
        location = locations_by_code.get(record.location_code)
        if variant is None or location is None:
            continue
        item = variant["inventoryItem"]
        item_number = gid_number(item["id"])
        location_number = gid_number(location["id"])
        level = {
            "__typename": "InventoryLevel",
            "id": f"gid://shopify/InventoryLevel/{location_number}?inventory_item_id={item_number}",
            "item": item,
            "location": location,
            "canDeactivate": False,
            "deactivationAlert": None,
            "createdAt": item["createdAt"],
            "updatedAt": _time(record.updated_at),
            "_quantities": {
                "available": record.available,
                "on_hand": record.on_hand,
                "reserved": record.reserved,
                "incoming": record.incoming,
                "committed": 0,
                "damaged": 0,
                "quality_control": 0,
                "safety_stock": 0,
            },
        }
        item["_levels"].append(level)
        location["_levels"].append(level)
        variant["inventoryQuantity"] += record.available
        variant["product"]["totalInventory"] += record.available

    customers_by_key: dict[str, Node] = {}
    specs_by_key: dict[str, RetailerCustomer] = {}
    for n, spec_customer in enumerate(retailer.customers_in(SYSTEM), start=1):
        customer = _customer(n, spec_customer)
        state.customers.append(customer)
        customers_by_key[spec_customer.key] = customer
        specs_by_key[spec_customer.key] = spec_customer

    stores = [
        location for location in state.locations if location["localPickupSettingsV2"] is not None
    ] or state.locations
    line_count = 0
    for n, spec_order in enumerate(retailer.orders_in(SYSTEM), start=1):
        customer = customers_by_key[spec_order.customer_key]
        store = (
            _store_for(spec_order, specs_by_key[spec_order.customer_key], stores)
            if spec_order.channel == "POS"
            else None
        )
        order = _order(n, spec_order, customer, store, variants_by_sku, line_count, currency)
        line_count += len(spec_order.lines)
        state.orders.append(order)
        customer["_orders"].append(order)

    for customer in state.customers:
        orders = customer["_orders"]
        customer["numberOfOrders"] = str(len(orders))
        spent = sum(
            (
                Decimal(o["totalPriceSet"]["shopMoney"]["amount"])
                for o in orders
                if not o["cancelledAt"]
            ),
            Decimal(0),
        )
        customer["amountSpent"] = {"amount": _decimal_scalar(spent), "currencyCode": currency}
        customer["lastOrder"] = orders[-1] if orders else None

    state.index([state.shop])
    state.index(state.products)
    state.index(state.variants)
    state.index(variant["inventoryItem"] for variant in state.variants)
    state.index(state.locations)
    state.index(level for location in state.locations for level in location["_levels"])
    state.index(state.customers)
    state.index(state.orders)
    state.index(line for order in state.orders for line in order["_lines"])
    return state
