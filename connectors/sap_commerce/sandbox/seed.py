"""The demo retailer as SAP Commerce holds it: OCC DTOs at ``FULL`` and Integration API
``StockLevel`` entities, built once per seed.

Base products carry their SKUs as one level of ``variantOptions`` (qualifiers ``style``
and ``size``); each SAP location is a point of service with one warehouse of the same code.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.sandbox.retailer import Retailer, RetailerOrder

__all__ = ["SYSTEM", "SearchDoc", "State", "build_state", "occ_date", "price"]

SYSTEM = "sap_commerce"
_NAMESPACE = uuid.UUID("8f7c5a3e-2b1d-4c6e-9a0f-51c0ffee5a9c")
_COUNTRIES = {"DE": "Germany", "AT": "Austria"}
_QUALIFIERS = {"Colour": "style", "Size": "size"}
#: SAP Commerce order status and delivery status for the retailer's neutral status.
_STATUS = {
    "OPEN": ("CREATED", "NOTSHIPPED"),
    "FULFILLED": ("COMPLETED", "SHIPPED"),
    "CANCELLED": ("CANCELLED", "NOTSHIPPED"),
}

JSON = dict[str, Any]


def occ_date(moment: datetime) -> str:
    """OCC's date format: ``2026-03-01T10:15:00+0000``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S%z")


def price(amount: Decimal, currency: str = "EUR") -> JSON:
    return {
        "currencyIso": currency,
        "value": float(amount),
        "priceType": "BUY",
        "formattedValue": f"€{amount:,.2f}" if currency == "EUR" else f"{amount:,.2f} {currency}",
    }


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One base product in the search index."""

    code: str
    #: The base code and every variant code: ``code:`` terms match any of them.
    codes: frozenset[str]
    name: str
    category: str
    price: Decimal
    words: tuple[str, ...]


@dataclass
class State:
    products: dict[str, JSON] = field(default_factory=dict)
    variants: dict[str, JSON] = field(default_factory=dict)
    index: list[SearchDoc] = field(default_factory=list)
    stores: list[JSON] = field(default_factory=list)
    stock: list[JSON] = field(default_factory=list)
    users: dict[str, JSON] = field(default_factory=dict)
    #: uid -> that user's orders, newest first.
    orders: dict[str, list[JSON]] = field(default_factory=dict)

    def store(self, name: str) -> JSON | None:
        return next((store for store in self.stores if store["name"] == name), None)


def _words(*texts: str) -> tuple[str, ...]:
    words: list[str] = []
    for text in texts:
        words.extend(
            "".join(ch for ch in word if ch.isalnum()) for word in text.lower().split() if word
        )
    return tuple(word for word in words if word)


def build_state(retailer: Retailer, *, base_site: str) -> State:
    state = State()
    stock = retailer.stock_in(SYSTEM)
    available_by_sku: dict[str, int] = {}
    for record in stock:
        available_by_sku[record.sku] = available_by_sku.get(record.sku, 0) + record.available

    for item in sorted(retailer.products, key=lambda p: p.code):
        category = {
            "code": item.category.lower().replace(" ", "-"),
            "name": item.category,
            "url": f"/c/{item.category.lower().replace(' ', '-')}",
        }
        pictures = [
            {"imageType": "PRIMARY", "format": fmt, "url": url, "altText": item.title}
            for url in item.image_urls[:1]
            for fmt in ("zoom", "product", "thumbnail")
        ]
        options = []
        for variant in item.variants:
            level = available_by_sku.get(variant.sku, 0)
            options.append(
                {
                    "code": variant.sku,
                    "url": f"/{item.handle}/p/{variant.sku}",
                    "priceData": price(variant.price, retailer.currency),
                    "stock": {
                        "stockLevelStatus": "inStock" if level else "outOfStock",
                        "stockLevel": level,
                    },
                    "variantOptionQualifiers": [
                        {
                            "qualifier": _QUALIFIERS.get(name, name.lower()),
                            "name": name,
                            "value": value,
                        }
                        for name, value in variant.options
                    ],
                }
            )
            state.variants[variant.sku] = {
                "code": variant.sku,
                "name": item.title,
                "url": f"/{item.handle}/p/{variant.sku}",
                "purchasable": True,
                "baseProduct": item.code,
                "price": price(variant.price, retailer.currency),
                "stock": options[-1]["stock"],
                "images": pictures,
                "categories": [category],
                "manufacturer": item.brand,
            }
        summary = item.description.split(":")[0] + "."
        state.products[item.code] = {
            "code": item.code,
            "name": item.title,
            "url": f"/{item.handle}/p/{item.code}",
            "purchasable": False,
            "summary": summary,
            "description": item.description,
            "manufacturer": item.brand,
            "price": price(min(v.price for v in item.variants), retailer.currency),
            "images": pictures,
            "categories": [category],
            "stock": {"stockLevelStatus": "inStock"},
            "variantType": "GenericVariantProduct",
            "variantOptions": options,
        }
        state.index.append(
            SearchDoc(
                code=item.code,
                codes=frozenset([item.code, *(v.sku for v in item.variants)]),
                name=item.title,
                category=category["code"],
                price=min(v.price for v in item.variants),
                words=_words(item.title, item.description, item.brand, item.category, item.code),
            )
        )

    for location in retailer.locations_in(SYSTEM):
        state.stores.append(
            {
                "name": location.code,
                "displayName": location.name,
                "url": f"/store/{location.code}",
                "description": f"{location.name}, {location.city}",
                "address": {
                    "id": str(uuid.uuid5(_NAMESPACE, "pos:" + location.code).int)[:13],
                    "line1": location.line1,
                    "town": location.city,
                    "postalCode": location.postal_code,
                    "country": {
                        "isocode": location.country_code,
                        "name": _COUNTRIES.get(location.country_code, location.country_code),
                    },
                    "formattedAddress": f"{location.line1}, {location.postal_code} {location.city}",
                },
                "geoPoint": {"latitude": location.latitude, "longitude": location.longitude},
                "warehouseCodes": [location.code],
                "features": {},
            }
        )

    for record in sorted(stock, key=lambda r: (r.sku, r.location_code)):
        state.stock.append(
            {
                "integrationKey": f"{record.sku}|{record.location_code}",
                "productCode": record.sku,
                "available": record.on_hand,
                "reserved": record.reserved,
                "overSelling": 0,
                "preOrder": 0,
                "maxPreOrder": 0,
                "inStockStatus": "notSpecified",
                "warehouse": {"integrationKey": record.location_code, "code": record.location_code},
            }
        )

    for customer in retailer.customers_in(SYSTEM):
        seen = customer.seen_by(SYSTEM)
        uid = seen["email"].lower()
        address = {
            "id": str(uuid.uuid5(_NAMESPACE, "address:" + customer.key).int)[:13],
            "firstName": seen["first_name"],
            "lastName": seen["last_name"],
            "line1": customer.line1,
            "town": customer.city,
            "postalCode": customer.postal_code,
            "country": {
                "isocode": customer.country_code,
                "name": _COUNTRIES.get(customer.country_code, customer.country_code),
            },
            "phone": seen["phone"],
            "defaultAddress": True,
            "formattedAddress": f"{customer.line1}, {customer.postal_code} {customer.city}",
        }
        state.users[uid] = {
            "uid": uid,
            "name": f"{seen['first_name']} {seen['last_name']}",
            "firstName": seen["first_name"],
            "lastName": seen["last_name"],
            "displayUid": seen["email"],
            "customerId": str(uuid.uuid5(_NAMESPACE, "customer:" + customer.key)),
            "currency": {"isocode": "EUR", "name": "Euro", "symbol": "€", "active": True},
            "language": {
                "isocode": "en",
                "name": "English",
                "nativeName": "English",
                "active": True,
            },
            "defaultAddress": address,
        }
        state.orders[uid] = []

    by_key = {customer.key: customer for customer in retailer.customers_in(SYSTEM)}
    for order in sorted(retailer.orders_in(SYSTEM), key=lambda o: o.created_at, reverse=True):
        customer = by_key[order.customer_key]
        uid = customer.seen_by(SYSTEM)["email"].lower()
        state.orders[uid].append(
            _order(order, state.users[uid], base_site=base_site, currency=retailer.currency)
        )
    return state


def _order(order: RetailerOrder, user: JSON, *, base_site: str, currency: str) -> JSON:
    status, delivery = _STATUS[order.status]
    data: JSON = {
        "code": order.number,
        "guid": str(uuid.uuid5(_NAMESPACE, "order:" + order.number)),
        "status": status,
        "statusDisplay": status.lower(),
        "deliveryStatus": delivery,
        "deliveryStatusDisplay": delivery.lower(),
        "created": occ_date(order.created_at),
        "net": False,
        "site": base_site,
        "store": base_site,
        "user": {"uid": user["uid"], "name": user["name"]},
        "salesApplication": "CallCenter" if order.channel == "CALL_CENTER" else "Web",
        "entries": [
            {
                "entryNumber": number,
                "quantity": line.quantity,
                "basePrice": price(line.unit_price, currency),
                "totalPrice": price(line.total, currency),
                "product": {"code": line.sku, "name": line.title, "url": f"/p/{line.sku}"},
                "updateable": False,
            }
            for number, line in enumerate(order.lines)
        ],
        "totalItems": len(order.lines),
        "subTotal": price(order.subtotal, currency),
        "deliveryCost": price(order.shipping, currency),
        "totalTax": price(order.tax, currency),
        "totalDiscounts": price(Decimal("0.00"), currency),
        "totalPrice": price(order.total, currency),
        "totalPriceWithTax": price(order.total, currency),
        "deliveryAddress": user["defaultAddress"],
    }
    if order.channel == "B2B":
        data["purchaseOrderNumber"] = f"PO-{order.number[-4:]}"
        data["costCenter"] = {"code": f"cc-{user['uid'].split('@')[0]}", "name": "Einkauf"}
    return data
