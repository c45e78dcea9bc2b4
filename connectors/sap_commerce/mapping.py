"""OCC and Integration API JSON -> records. Pure functions; no I/O.

A wrong shape raises ``KeyError``, ``TypeError`` or ``ValueError``; the connector turns those
into :class:`~connectors.errors.UnexpectedResponse` at its boundary.

IDs: a product's ``external_id`` and ``handle`` are both its OCC code (SAP has no URL
handle); a variant's ``external_id`` and ``sku`` are the variant product's code; a
location's is the point of service ``name``; a customer's is the ``uid``; an order's is
``"{uid}|{code}"``, because OCC reads orders only under their user
(``/users/{uid}/orders/{code}``). Records read from the Integration API get the same IDs,
so an ID handed out in one mode resolves in the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
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
    "ORDER_ID_SEPARATOR",
    "address",
    "channel",
    "customer",
    "images",
    "integration_address",
    "integration_customer",
    "integration_order",
    "inventory_levels",
    "is_customer_uid",
    "location",
    "money",
    "odata_time",
    "order",
    "order_id",
    "order_status",
    "parse_time",
    "product",
    "split_order_id",
    "store_warehouses",
    "stores_in_stock",
]

JSON = Mapping[str, Any]

ORDER_ID_SEPARATOR = "|"

# OCC order statuses (SAP Commerce's OrderStatus enum codes) that wait on someone:
# approval of a B2B order, a fraud or validation check, a quote.
_WAITING = {
    "ON_VALIDATION",
    "PENDING_APPROVAL",
    "PENDING_APPROVAL_FROM_MERCHANT",
    "PENDING_QUOTE",
    "WAIT_FRAUD_MANUAL_CHECK",
    "SUSPENDED",
    "CHECKED_INVALID",
    "PAYMENT_NOT_AUTHORIZED",
}
_CANCELLED = {"CANCELLED", "CANCELLING", "REJECTED", "APPROVAL_REJECTED"}
_IMAGE_FORMATS = ("zoom", "product", "superZoom", "thumbnail")
# OData v2 JSON dates: milliseconds since the epoch (UTC), an optional offset in minutes.
_ODATA_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")
# ISO 4217 currencies whose minor unit is not 2 digits (the common ones).
_MINOR_UNITS = {
    **dict.fromkeys(("JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}


# -- values ---------------------------------------------------------------------------


def money(price: JSON | None) -> Money | None:
    """OCC ``Price`` (``{"value": 24.9, "currencyIso": "EUR"}``) -> ``Money``; ``None`` if absent.

    OCC sends the value as a JSON number, so ``24.90`` arrives as ``24.9``; it is padded
    back to the currency's minor units (never rounded).
    """
    if not price or price.get("value") is None or not price.get("currencyIso"):
        return None
    amount = Money.of(str(price["value"]), str(price["currencyIso"]))
    places = _MINOR_UNITS.get(amount.currency, 2)
    exponent = amount.amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent < places:
        return Money(amount.amount.quantize(Decimal(1).scaleb(-places)), amount.currency)
    return amount


def odata_time(value: Any) -> datetime | None:
    """An Integration API (OData v2) date, ``/Date(1785117300000)/`` (milliseconds since the
    epoch, UTC; a ``DateTimeOffset`` adds ``+0060``, its offset in minutes, which changes
    nothing about the instant) -> aware UTC datetime. ISO 8601 text is read too."""
    if value is None or value == "":
        return None
    text = str(value)
    found = _ODATA_DATE.match(text)
    if found is None:
        return parse_time(text)
    return datetime.fromtimestamp(int(found.group(1)) / 1000, tz=UTC)


def _absolute(url: str, root: str) -> str:
    # OCC serves media paths relative to the storefront host ("/medias/...").
    return root + url if url.startswith("/") else url


def address(data: JSON | None) -> Address | None:
    """OCC ``Address`` -> ``Address``."""
    if not data:
        return None
    country = data.get("country") or {}
    region = data.get("region") or {}
    return Address(
        line1=data.get("line1"),
        line2=data.get("line2"),
        city=data.get("town"),
        postal_code=data.get("postalCode"),
        region=region.get("isocodeShort") or region.get("isocode"),
        country_code=country.get("isocode"),
        company=data.get("companyName"),
        first_name=data.get("firstName"),
        last_name=data.get("lastName"),
        phone=data.get("phone") or data.get("cellphone"),
    )


# -- catalog --------------------------------------------------------------------------


def images(data: Iterable[JSON], *, root: str) -> tuple[Image, ...]:
    """One image per picture: OCC lists each in several formats (zoom, product, thumbnail,
    cartIcon); keep the largest, primary picture first, then the gallery in order."""
    best: dict[tuple[int, int], tuple[int, JSON]] = {}
    for image in data:
        if not image.get("url"):
            continue
        fmt = image.get("format")
        rank = _IMAGE_FORMATS.index(fmt) if fmt in _IMAGE_FORMATS else len(_IMAGE_FORMATS)
        primary = 0 if image.get("imageType", "PRIMARY") == "PRIMARY" else 1
        key = (primary, int(image.get("galleryIndex") or 0))
        if key not in best or rank < best[key][0]:
            best[key] = (rank, image)
    return tuple(
        Image(_absolute(image["url"], root), image.get("altText"))
        for _, (_, image) in sorted(best.items())
    )


def _variant(option: JSON, *, base: JSON, source: str) -> Variant | None:
    qualifiers = option.get("variantOptionQualifiers") or ()
    options = tuple(
        SelectedOption(str(q.get("name") or q["qualifier"]), str(q["value"]))
        for q in qualifiers
        if q.get("value") is not None
    )
    price = money(option.get("priceData")) or money(base.get("price"))
    if price is None:
        return None  # not priced in this currency, so not purchasable
    code = str(option["code"])
    return Variant(
        source=source,
        external_id=code,
        sku=code,
        title=" / ".join(o.value for o in options) or str(base.get("name") or code),
        price=price,
        product_external_id=str(base["code"]),
        options=options,
    )


def product(data: JSON, *, source: str, root: str) -> Product:
    """OCC ``Product`` (a base product with ``variantOptions``) -> ``Product``.

    A product without variant options is sold as itself: its one variant's SKU is its code.
    Variants with no price in the session currency are left out.
    """
    code = str(data["code"])
    options = data.get("variantOptions") or ()
    if options:
        variants = [_variant(option, base=data, source=source) for option in options]
    else:
        variants = [_variant({"code": code}, base=data, source=source)]
    return Product(
        source=source,
        external_id=code,
        title=str(data.get("name") or code),
        handle=code,
        description=str(data.get("description") or data.get("summary") or ""),
        vendor=data.get("manufacturer"),
        categories=tuple(
            str(category.get("name") or category["code"])
            for category in data.get("categories") or ()
        ),
        images=images(data.get("images") or (), root=root),
        variants=tuple(v for v in variants if v is not None),
    )


# -- inventory ------------------------------------------------------------------------


def store_warehouses(store: JSON) -> tuple[str, ...]:
    """The warehouse codes behind an OCC ``PointOfService``."""
    return tuple(str(code) for code in store.get("warehouseCodes") or ())


def location(store: JSON, *, source: str, kind: LocationKind) -> Location:
    """OCC ``PointOfService`` -> ``Location``.

    OCC does not say what a point of service does, so ``kind`` comes from settings, and
    the flags follow it: stores take pickups, warehouses and DCs ship.
    """
    name = str(store["name"])
    return Location(
        source=source,
        external_id=name,
        name=str(store.get("displayName") or name),
        kind=kind,
        address=address(store.get("address")),
        pickup_enabled=kind is LocationKind.STORE,
        ships_from=kind is not LocationKind.STORE,
    )


def stores_in_stock(rows: Iterable[JSON]) -> dict[str, tuple[str, ...]]:
    """Point-of-service name -> warehouse codes, read from ``StockLevel`` entities expanded
    to ``warehouse/pointsOfService`` (SAP's ``PoS2WarehouseRel``), in order of appearance."""
    stores: dict[str, list[str]] = {}
    for row in rows:
        warehouse = row["warehouse"]
        code = _code(warehouse)
        linked = (
            warehouse.get("pointsOfService")
            if type(warehouse) is dict or isinstance(warehouse, Mapping)
            else None
        )
        if code is None or not isinstance(linked, dict | Mapping) or "results" not in linked:
            raise ValueError("StockLevel.warehouse/pointsOfService was not expanded")
        for store in linked["results"]:
            codes = stores.setdefault(str(store["name"]), [])
            if code not in codes:
                codes.append(code)
    return {name: tuple(codes) for name, codes in stores.items()}


def _code(value: Any) -> str | None:
    # Integration API enums and related items arrive either as a code or as an object.
    # The JSON parser's own types first: an ABC check costs ten times more.
    if type(value) is str:
        return value
    if type(value) is dict or isinstance(value, Mapping):
        code = value.get("code")
        return str(code) if code is not None else None
    return str(value) if value is not None else None


def inventory_levels(
    rows: Iterable[JSON], warehouses_by_store: Mapping[str, Sequence[str]], *, source: str
) -> dict[str, list[InventoryLevel]]:
    """Integration API ``StockLevel`` entities -> levels per SKU, one per point of service.

    A store's stock is the sum over its warehouses: ``on_hand`` is SAP's ``available``
    (what is physically there), ``available`` is that minus ``reserved``, floored at 0, or
    0 when the level is forced out of stock. A store none of whose warehouses holds a
    stock level for the SKU gets no level.
    """
    # (sku, warehouse) -> [on hand, reserved, available] summed over that pair's rows
    by_warehouse: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        warehouse = _code(row["warehouse"])
        if warehouse is None:
            raise ValueError("StockLevel.warehouse was not expanded")
        on_hand = int(row.get("available") or 0)
        reserved = int(row.get("reserved") or 0)
        forced_out = _code(row.get("inStockStatus")) == "forceOutOfStock"
        sellable = 0 if forced_out else max(0, on_hand - reserved)
        key = (str(row["productCode"]), warehouse)
        totals = by_warehouse.get(key)
        if totals is None:
            by_warehouse[key] = [on_hand, reserved, sellable]
        else:
            totals[0] += on_hand
            totals[1] += reserved
            totals[2] += sellable
    skus = list(dict.fromkeys(sku for sku, _ in by_warehouse))
    stores = list(warehouses_by_store.items())
    result: dict[str, list[InventoryLevel]] = {}
    for sku in skus:
        levels = []
        for store, warehouses in stores:
            found = [
                totals
                for code in warehouses
                if (totals := by_warehouse.get((sku, code))) is not None
            ]
            if not found:
                continue
            levels.append(
                InventoryLevel(
                    sku=sku,
                    location=LocationRef(source, store),
                    available=sum(totals[2] for totals in found),
                    on_hand=sum(totals[0] for totals in found),
                    reserved=sum(totals[1] for totals in found),
                )
            )
        if levels:
            result[sku] = levels
    return result


# -- customers ------------------------------------------------------------------------


def customer(user: JSON, *, source: str, email_verified: bool = False) -> Customer:
    """OCC ``User`` -> ``Customer``. The uid of a B2C or B2B customer is their e-mail,
    lower-cased; ``displayUid`` keeps it as typed. OCC keeps phones on addresses only."""
    uid = str(user["uid"])
    shown = str(user.get("displayUid") or uid)
    email = shown if "@" in shown else (uid if "@" in uid else None)
    first, last = user.get("firstName"), user.get("lastName")
    if first is None and last is None and user.get("name"):
        first, _, rest = str(user["name"]).partition(" ")
        last = rest or None
    default = address(user.get("defaultAddress"))
    return Customer(
        source=source,
        external_id=uid,
        email=email,
        email_verified=email_verified and email is not None,
        first_name=first,
        last_name=last,
        phones=(default.phone,) if default and default.phone else (),
        addresses=(default,) if default else (),
        default_address=default,
    )


# -- orders ---------------------------------------------------------------------------


def order_id(user_id: str, code: str) -> str:
    return f"{user_id}{ORDER_ID_SEPARATOR}{code}"


def split_order_id(external_id: str) -> tuple[str, str] | None:
    """``"{uid}|{code}"`` -> ``(uid, code)``; ``None`` for an ID this connector did not make."""
    user_id, separator, code = external_id.rpartition(ORDER_ID_SEPARATOR)
    if not separator or not user_id or not code:
        return None
    return user_id, code


def order_status(status: str | None, delivery_status: str | None = None) -> OrderStatus:
    """SAP Commerce ``OrderStatus`` (+ ``DeliveryStatus``) -> ``OrderStatus``.

    ``COMPLETED`` is fulfilled and the cancel family cancelled; states waiting on approval
    or a check are pending; every other state (``CREATED``, ``READY``, payment and fraud
    steps, ...) is open, unless the consignments say part or all has shipped.
    """
    code = (status or "").upper()
    if code in _CANCELLED:
        return OrderStatus.CANCELLED
    if code == "COMPLETED":
        return OrderStatus.FULFILLED
    if code in _WAITING:
        return OrderStatus.PENDING
    delivery = (delivery_status or "").upper()
    if delivery == "SHIPPED":
        return OrderStatus.FULFILLED
    if delivery == "PARTSHIPPED":
        return OrderStatus.PARTIALLY_FULFILLED
    return OrderStatus.OPEN


def channel(data: JSON) -> Channel:
    """Where the order was taken.

    SAP Commerce records it in the order's ``salesApplication`` (``Web``, ``WebMobile``,
    ``CallCenter``); standard OCC does not expose it, so this reads it when an extension
    does. B2B orders carry a ``costCenter`` or ``purchaseOrderNumber`` (b2bocc).
    """
    application = str(data.get("salesApplication") or "").lower()
    if application == "callcenter":
        return Channel.CALL_CENTER
    if application == "webmobile":
        return Channel.APP
    if data.get("costCenter") or data.get("purchaseOrderNumber"):
        return Channel.B2B
    return Channel.WEB


def _line(entry: JSON) -> OrderLine:
    item = entry.get("product") or {}
    unit = money(entry.get("basePrice"))
    total = money(entry.get("totalPrice"))
    quantity = int(entry["quantity"])
    if unit is None or total is None:
        raise ValueError("order entry without basePrice/totalPrice")
    code = item.get("code")
    return OrderLine(
        sku=str(code) if code else None,
        title=str(item.get("name") or code or ""),
        quantity=quantity,
        unit_price=unit,
        total=total,
        variant_external_id=str(code) if code else None,
    )


def order(data: JSON, *, source: str, user_id: str) -> Order:
    """OCC ``Order`` (``fields=FULL``) -> ``Order``. ``user_id`` is the uid it was read under."""
    total = money(data.get("totalPriceWithTax")) or money(data.get("totalPrice"))
    subtotal = money(data.get("subTotal"))
    created = parse_time(data.get("created"))
    if total is None or subtotal is None or created is None:
        raise ValueError("order without totalPrice/subTotal/created")
    discounts = money(data.get("totalDiscounts"))
    user = data.get("user") or {}
    uid = str(user.get("uid") or user_id)
    return Order(
        source=source,
        external_id=order_id(user_id, str(data["code"])),
        number=str(data["code"]),
        channel=channel(data),
        status=order_status(data.get("status"), data.get("deliveryStatus")),
        created_at=created,
        totals=OrderTotals(
            subtotal=subtotal,
            total=total,
            shipping=money(data.get("deliveryCost")),
            tax=money(data.get("totalTax")),
            discounts=discounts if discounts and discounts.amount else None,
        ),
        lines=tuple(_line(entry) for entry in data.get("entries") or ()),
        customer_external_id=uid,
        customer_email=uid if "@" in uid else None,
    )


# -- Integration API (OData v2) -------------------------------------------------------
#
# Integration objects are modelled per installation; these read the attribute names of
# SAP Commerce's own types (``Customer``, ``Address``, ``Order``, ``OrderEntry``). Related
# items arrive as entities once expanded and as ``{"__deferred": ...}`` otherwise; enums
# as items with a ``code``; ``Edm.Double`` and ``Edm.Int64`` values as strings.


def _entity(value: Any, what: str) -> JSON | None:
    """An expanded to-one navigation property; ``None`` when null, a deferred one refused."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} is not an entity")
    if "__deferred" in value:
        raise ValueError(f"{what} was not expanded")
    return value


def _entities(value: Any, what: str) -> list[JSON]:
    """An expanded to-many navigation property, ``{"results": [...]}``; absent is empty."""
    if value is None:
        return []
    if isinstance(value, Mapping) and "__deferred" in value:
        raise ValueError(f"{what} was not expanded")
    rows = value["results"] if isinstance(value, Mapping) else value
    if not isinstance(rows, list):
        raise TypeError(f"{what} is not a list of entities")
    return rows


def _enum(value: Any, what: str) -> str | None:
    """An enum value: its ``code`` once expanded (a bare code is read too)."""
    if isinstance(value, Mapping):
        entity = _entity(value, what)
        return str(entity["code"]) if entity and entity.get("code") is not None else None
    return str(value) if value is not None else None


def _amount(value: Any, currency: str) -> Money | None:
    """An ``Edm.Double`` amount (sent as a string, ``"221.8"``) in ``currency``, padded to
    its minor units as OCC prices are; ``None`` when absent."""
    if value is None or value == "":
        return None
    return money({"value": value, "currencyIso": currency})


def is_customer_uid(uid: str) -> bool:
    """Whether a ``Customer`` uid names a shopper: B2C and B2B customers sign in with their
    e-mail, while the platform's ``anonymous`` customer (and any employee an object
    modelled on ``User`` would carry: ``admin``, ``csagent``) has no ``@``."""
    return "@" in uid


def _email(uid: str, shown: str | None) -> str | None:
    # A guest checkout's uid is "<guid>|<email>": the address is the part after the bar.
    for candidate in (shown, uid):
        if candidate and "@" in candidate:
            return candidate.rpartition("|")[2]
    return None


def integration_address(data: Any) -> Address | None:
    """Integration API ``Address`` -> ``Address``. SAP keeps the street's name and number
    apart (``streetname``, ``streetnumber``); OCC shows them as ``line1`` and ``line2``, and
    so does this."""
    entity = _entity(data, "Address")
    if not entity:
        return None
    country = _entity(entity.get("country"), "Address.country") or {}
    region = _entity(entity.get("region"), "Address.region") or {}
    return Address(
        line1=entity.get("streetname"),
        line2=entity.get("streetnumber"),
        city=entity.get("town"),
        postal_code=entity.get("postalcode"),
        region=region.get("isocodeShort") or region.get("isocode"),
        country_code=country.get("isocode"),
        company=entity.get("company"),
        first_name=entity.get("firstname"),
        last_name=entity.get("lastname"),
        phone=entity.get("phone1") or entity.get("cellphone"),
    )


def integration_customer(data: JSON, *, source: str, email_verified: bool = False) -> Customer:
    """Integration API ``Customer`` -> ``Customer``, like :func:`customer` reads OCC's
    ``User``: ``originalUid`` is the uid as typed (OCC's ``displayUid``), ``name`` is split
    at its first space (``Customer`` has no first or last name), the default address is the
    default shipment address (OCC's ``defaultAddress``). Beyond OCC: every address in
    ``addresses`` and ``creationtime``."""
    uid = str(data["uid"])
    email = _email(uid, data.get("originalUid"))
    first: str | None = None
    last: str | None = None
    if data.get("name"):
        first, _, rest = str(data["name"]).partition(" ")
        last = rest or None
    default = integration_address(data.get("defaultShipmentAddress"))
    addresses = [default] if default else []
    for item in _entities(data.get("addresses"), "Customer.addresses"):
        found = integration_address(item)
        if found and found not in addresses:
            addresses.append(found)
    return Customer(
        source=source,
        external_id=uid,
        email=email,
        email_verified=email_verified and email is not None,
        first_name=first,
        last_name=last,
        phones=tuple(dict.fromkeys(a.phone for a in addresses if a.phone)),
        addresses=tuple(addresses),
        default_address=default,
        created_at=odata_time(data.get("creationtime")),
    )


def _integration_line(entry: JSON, currency: str) -> OrderLine:
    item = _entity(entry.get("product"), "OrderEntry.product") or {}
    unit = _amount(entry.get("basePrice"), currency)
    total = _amount(entry.get("totalPrice"), currency)
    if unit is None or total is None:
        raise ValueError("order entry without basePrice/totalPrice")
    code = item.get("code")
    return OrderLine(
        sku=str(code) if code else None,
        title=str(item.get("name") or code or ""),
        quantity=int(entry["quantity"]),
        unit_price=unit,
        total=total,
        variant_external_id=str(code) if code else None,
    )


def integration_order(data: JSON, *, source: str) -> Order:
    """Integration API ``Order`` (``entries``, ``entries/product``, ``user``, ``currency``
    and its enums expanded) -> ``Order``, with the ID and values OCC's ``Order`` gives.

    ``totalPrice`` includes tax unless the order is ``net`` (B2B prices), when ``totalTax``
    is added: what the customer pays, OCC's ``totalPriceWithTax``.
    """
    code = str(data["code"])
    user = _entity(data.get("user"), "Order.user")
    currency_item = _entity(data.get("currency"), "Order.currency")
    if not user or not currency_item:
        raise ValueError("order without user/currency")
    uid = str(user["uid"])
    currency = str(currency_item["isocode"])
    total = _amount(data.get("totalPrice"), currency)
    subtotal = _amount(data.get("subtotal"), currency)
    created = odata_time(data.get("date"))
    if total is None or subtotal is None or created is None:
        raise ValueError("order without totalPrice/subtotal/date")
    tax = _amount(data.get("totalTax"), currency)
    if data.get("net") is True and tax is not None:
        total = Money(total.amount + tax.amount, total.currency)
    discounts = _amount(data.get("totalDiscounts"), currency)
    entries = sorted(
        _entities(data.get("entries"), "Order.entries"),
        key=lambda entry: int(entry.get("entryNumber") or 0),
    )
    taken = {
        "salesApplication": _enum(data.get("salesApplication"), "Order.salesApplication"),
        "purchaseOrderNumber": data.get("purchaseOrderNumber"),
    }
    return Order(
        source=source,
        external_id=order_id(uid, code),
        number=code,
        channel=channel(taken),
        status=order_status(
            _enum(data.get("status"), "Order.status"),
            _enum(data.get("deliveryStatus"), "Order.deliveryStatus"),
        ),
        created_at=created,
        totals=OrderTotals(
            subtotal=subtotal,
            total=total,
            shipping=_amount(data.get("deliveryCost"), currency),
            tax=tax,
            discounts=discounts if discounts and discounts.amount else None,
        ),
        lines=tuple(_integration_line(entry, currency) for entry in entries),
        customer_external_id=uid,
        customer_email=uid if "@" in uid else None,
    )
