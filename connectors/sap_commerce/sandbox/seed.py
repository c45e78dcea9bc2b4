"""The demo retailer as SAP Commerce holds it: OCC DTOs at ``FULL`` and Integration API
``StockLevel``, ``Customer`` and ``Order`` entities, built once per seed.

Base products carry their SKUs as one level of ``variantOptions`` (qualifiers ``style``
and ``size``); each SAP location is a point of service with one warehouse of the same code.
Integration API entities are the platform items as Python values (``datetime`` for
``Edm.DateTime``, ``float`` for ``Edm.Double``, :class:`Int64`), related items as nested
dicts with their ``integrationKey``; the app serialises them as OData v2 JSON. Customers and
orders are built from the OCC DTOs, so both APIs show the same records.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from connectors.sandbox.retailer import Retailer, RetailerOrder

__all__ = ["SYSTEM", "Int64", "SearchDoc", "State", "build_state", "occ_date", "price"]

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
#: SAP Commerce's ``anonymous`` customer: an item of type Customer, so the customer
#: integration object serves it; OCC does not (it is nobody's account).
ANONYMOUS = "anonymous"


class Int64(int):
    """An ``Edm.Int64`` value (a ``java.lang.Long`` attribute): OData v2 JSON writes it as a string."""


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
    #: Integration API ``Customer`` items (the shoppers, then ``anonymous``), in PK order.
    customer_items: list[JSON] = field(default_factory=list)
    #: Integration API ``Order`` items, in PK order (oldest first).
    order_items: list[JSON] = field(default_factory=list)

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

    created = {
        customer.seen_by(SYSTEM)["email"].lower(): customer.created_at
        for customer in retailer.customers_in(SYSTEM)
    }
    state.customer_items = [_customer_item(user, created[uid]) for uid, user in state.users.items()]
    state.customer_items.append(
        {
            "integrationKey": ANONYMOUS,
            "uid": ANONYMOUS,
            "originalUid": ANONYMOUS,
            "name": "Anonymous",
            "customerID": None,
            "creationtime": datetime(2024, 1, 1, tzinfo=UTC),
            "type": None,
            "defaultShipmentAddress": None,
            "defaultPaymentAddress": None,
            "addresses": [],
        }
    )
    placed = [order for orders in state.orders.values() for order in orders]
    state.order_items = [
        _order_item(order) for order in sorted(placed, key=lambda o: (o["created"], o["code"]))
    ]
    return state


def _item(key: str, **values: Any) -> JSON:
    return {"integrationKey": key, **values}


def _address_item(uid: str, address: JSON) -> JSON:
    """OCC's ``Address`` as the platform item: ``line1`` is ``streetname`` (OCC's view)."""
    country = address["country"]["isocode"]
    return _item(
        f"{uid}|{address['id']}",
        firstname=address.get("firstName"),
        lastname=address.get("lastName"),
        streetname=address.get("line1"),
        streetnumber=address.get("line2"),
        town=address.get("town"),
        postalcode=address.get("postalCode"),
        phone1=address.get("phone"),
        company=address.get("companyName"),
        email=uid,
        country=_item(country, isocode=country),
        region=None,
    )


def _customer_item(user: JSON, created: datetime) -> JSON:
    address = _address_item(user["uid"], user["defaultAddress"])
    return _item(
        user["uid"],
        uid=user["uid"],
        originalUid=user["displayUid"],
        name=user["name"],
        customerID=user["customerId"],
        creationtime=created,
        type=_item("REGISTERED", code="REGISTERED"),
        defaultShipmentAddress=address,
        defaultPaymentAddress=address,
        addresses=[address],
    )


def _double(price_: JSON | None) -> float | None:
    return None if price_ is None else float(price_["value"])


def _order_item(order: JSON) -> JSON:
    """OCC's ``Order`` (FULL) as the platform item."""
    code = order["code"]
    currency = order["totalPrice"]["currencyIso"]
    return _item(
        code,
        code=code,
        date=datetime.strptime(order["created"], "%Y-%m-%dT%H:%M:%S%z"),
        net=order["net"],
        status=_item(order["status"], code=order["status"]),
        deliveryStatus=_item(order["deliveryStatus"], code=order["deliveryStatus"]),
        salesApplication=_item(order["salesApplication"], code=order["salesApplication"]),
        purchaseOrderNumber=order.get("purchaseOrderNumber"),
        user=_item(order["user"]["uid"], uid=order["user"]["uid"], name=order["user"]["name"]),
        currency=_item(currency, isocode=currency),
        totalPrice=_double(order["totalPrice"]),
        subtotal=_double(order["subTotal"]),
        deliveryCost=_double(order.get("deliveryCost")),
        totalTax=_double(order.get("totalTax")),
        totalDiscounts=_double(order.get("totalDiscounts")),
        entries=[
            _item(
                f"{code}|{entry['entryNumber']}",
                entryNumber=entry["entryNumber"],
                quantity=Int64(entry["quantity"]),
                basePrice=_double(entry["basePrice"]),
                totalPrice=_double(entry["totalPrice"]),
                product=_item(
                    f"{entry['product']['code']}|nordlichtProductCatalog|Online",
                    code=entry["product"]["code"],
                    name=entry["product"]["name"],
                ),
            )
            for entry in order["entries"]
        ],
    )


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
