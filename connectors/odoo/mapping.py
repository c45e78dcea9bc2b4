"""Odoo JSON -> records. Pure functions; no I/O.

Odoo's JSON says ``false`` for every empty value (a char, a date, a many2one), never
``null``; a many2one read by ``web_search_read`` is ``false``, an id, or the related
record as a dict, and by ``search_read`` ``[id, "display name"]``. A wrong shape raises
``KeyError``, ``TypeError`` or ``ValueError``; the connector turns those into
:class:`~connectors.errors.UnexpectedResponse` at its boundary.

IDs: every ``external_id`` is the Odoo record id as a string (``"42"``): a product's is
its ``product.template``, a variant's its ``product.product``, a location's its
``stock.location``, a customer's its ``res.partner``, an order's its ``sale.order``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from connectors.models import (
    Address,
    Channel,
    Customer,
    Identity,
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
from connectors.odoo.query import slug

__all__ = [
    "CUSTOMER_NUMBER",
    "address",
    "channel",
    "customer",
    "inventory_levels",
    "location",
    "many2one_id",
    "money",
    "order",
    "order_status",
    "parse_time",
    "product",
    "split_name",
    "text",
    "variant",
]

JSON = Mapping[str, Any]

#: ``Identity.system`` of the retailer's own customer number, as the gateway links on it.
CUSTOMER_NUMBER = "customer_number"

_DATETIME = "%Y-%m-%d %H:%M:%S"


# -- values ---------------------------------------------------------------------------


def text(value: Any) -> str | None:
    """A char field: ``false`` (empty) -> ``None``; strings as stored."""
    if value is False or value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected a string or false, got {type(value).__name__}")
    return value or None


def many2one_id(value: Any) -> int | None:
    """A many2one in any of Odoo's shapes (``false``, ``7``, ``[7, "name"]``,
    ``{"id": 7, ...}``) -> its id; ``None`` when empty."""
    if value is False or value is None:
        return None
    if isinstance(value, Mapping):
        value = value["id"]
    elif isinstance(value, list):
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"not a many2one: {value!r}")
    return value


def _record(value: Any) -> JSON | None:
    """A many2one read with ``{"fields": ...}``: the related record, ``None`` when empty."""
    if value is False or value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"expected a related record, got {type(value).__name__}")
    return value


def money(amount: Any, currency: Any) -> Money:
    """An Odoo monetary (a JSON float, ``24.9``) in ``currency`` (a ``res.currency``
    read with ``name`` and ``decimal_places``) -> ``Money``.

    Odoo computes in binary floats and rounds to the currency only when storing, so
    the float's shortest decimal (``str()``) is rounded half-up to the currency's
    decimal places: ``24.9`` -> ``24.90``, ``19.899999999999999`` -> ``19.90``.
    """
    record = _record(currency)
    if record is None:
        raise ValueError("an amount without a currency")
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise TypeError(f"expected a number, got {type(amount).__name__}")
    places = record.get("decimal_places")
    places = 2 if places is None or places is False else int(places)
    exact = Decimal(str(amount)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return Money(exact, str(record["name"]).upper())


def parse_time(value: Any) -> datetime | None:
    """An Odoo datetime (``"2026-03-01 10:15:00"``, UTC without a zone) -> aware UTC."""
    if value is False or value is None:
        return None
    return datetime.strptime(str(value), _DATETIME).replace(tzinfo=UTC)


def _quantity(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a quantity, got {type(value).__name__}")
    return Decimal(str(value))


def address(partner: JSON | None, **extra: str | None) -> Address | None:
    """``res.partner`` address fields -> ``Address``; ``None`` when it has none."""
    if partner is None:
        return None
    country = _record(partner.get("country_id"))
    result = Address(
        line1=text(partner.get("street")),
        line2=text(partner.get("street2")),
        city=text(partner.get("city")),
        postal_code=text(partner.get("zip")),
        country_code=text(country.get("code")) if country else None,
        **extra,
    )
    return result if any((result.line1, result.city, result.postal_code)) else None


# -- catalog --------------------------------------------------------------------------


def variant(data: JSON, *, source: str, template: JSON | None = None) -> Variant | None:
    """``product.product`` -> ``Variant``; ``None`` for one the ERP does not sell
    (``sale_ok`` false) or that has no internal reference (no SKU to join on).

    Options are its attribute values (``Colour: Black``); the title joins their values,
    or is the template's name when it has none. The price is ``lst_price``: the sales
    price of the variant (template price plus attribute extras) in the company currency,
    before any pricelist.
    """
    sku = text(data.get("default_code"))
    if not data.get("sale_ok") or not sku:
        return None
    parent = template or _record(data.get("product_tmpl_id"))
    if parent is None:
        raise ValueError("a variant without its template")
    options = tuple(
        SelectedOption(_attribute(value), str(value["name"]))
        for value in data.get("product_template_variant_value_ids") or ()
    )
    title = " / ".join(option.value for option in options)
    return Variant(
        source=source,
        external_id=str(data["id"]),
        sku=sku,
        title=title or str(parent.get("name") or sku),
        price=money(data["lst_price"], data.get("currency_id")),
        product_external_id=str(parent["id"]),
        options=options,
        barcode=text(data.get("barcode")),
    )


def _attribute(value: JSON) -> str:
    attribute = _record(value.get("attribute_id"))
    return str(attribute["name"]) if attribute else ""


def product(data: JSON, *, source: str) -> Product:
    """``product.template`` with ``product_variant_ids`` -> ``Product``.

    The handle is the template's website slug (``alpine-tee-12``); variants the ERP
    does not sell or that have no SKU are left out.
    """
    template_id = int(data["id"])
    name = str(data["name"])
    category = _record(data.get("categ_id"))
    variants = (
        variant(item, source=source, template=data)
        for item in data.get("product_variant_ids") or ()
    )
    return Product(
        source=source,
        external_id=str(template_id),
        title=name,
        handle=slug(name, template_id),
        description=text(data.get("description_sale")) or "",
        categories=(str(category["name"]),) if category else (),
        variants=tuple(v for v in variants if v is not None),
        updated_at=parse_time(data.get("write_date")),
    )


# -- inventory ------------------------------------------------------------------------


def location(data: JSON, *, source: str, kind: LocationKind) -> Location:
    """``stock.location`` (internal) -> ``Location``.

    A warehouse's main stock location (its ``lot_stock_id``) is named after the
    warehouse and has its address; any other location keeps its full name
    (``NUE/Stock/Shelf 2``). Odoo does not say what a location does, so ``kind`` comes
    from settings, and the flags follow it: stores take pickups, warehouses and DCs ship.
    """
    location_id = int(data["id"])
    warehouse = _record(data.get("warehouse_id"))
    main = warehouse is not None and many2one_id(warehouse.get("lot_stock_id")) == location_id
    name = str(warehouse["name"]) if main and warehouse else None
    partner = _record(warehouse.get("partner_id")) if warehouse else None
    phone = text(partner.get("phone")) if partner else None
    return Location(
        source=source,
        external_id=str(location_id),
        name=name or text(data.get("complete_name")) or str(data["name"]),
        kind=kind,
        address=address(partner, phone=phone),
        pickup_enabled=kind is LocationKind.STORE,
        ships_from=kind is not LocationKind.STORE,
    )


def inventory_levels(quants: Iterable[JSON], *, source: str) -> dict[str, list[InventoryLevel]]:
    """``stock.quant`` records -> levels per SKU, one per location.

    A product's quants at one location (one per lot or package) are summed:
    ``on_hand`` = ``quantity``, ``reserved`` = ``reserved_quantity``, ``available`` =
    on hand minus reserved, at least 0. Quantities are in the product's unit of measure
    and may be fractional: on hand and available round down, reserved rounds up, so
    available never overstates. ``updated_at`` is the latest ``write_date``.
    """
    totals: dict[tuple[str, int], list[Any]] = {}
    for quant in quants:
        product_record = _record(quant["product_id"])
        sku = text(product_record.get("default_code")) if product_record else None
        location_id = many2one_id(quant["location_id"])
        if sku is None or location_id is None:
            continue
        entry = totals.setdefault((sku, location_id), [Decimal(0), Decimal(0), None])
        entry[0] += _quantity(quant["quantity"])
        entry[1] += _quantity(quant["reserved_quantity"])
        stamp = parse_time(quant.get("write_date"))
        if stamp is not None and (entry[2] is None or stamp > entry[2]):
            entry[2] = stamp
    result: dict[str, list[InventoryLevel]] = {}
    for (sku, location_id), (on_hand, reserved, stamp) in totals.items():
        result.setdefault(sku, []).append(
            InventoryLevel(
                sku=sku,
                location=LocationRef(source, str(location_id)),
                available=max(0, math.floor(on_hand - reserved)),
                on_hand=math.floor(on_hand),
                reserved=math.ceil(reserved),
                updated_at=stamp,
            )
        )
    return result


# -- customers ------------------------------------------------------------------------


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """Odoo keeps one ``name``; split it into first and last name.

    ``"Last, First"`` splits at the comma; otherwise the last word is the last name and
    everything before it the first name (``"Yusuf K. Vogel"`` -> ``("Yusuf K.",
    "Vogel")``); a single word is a last name.
    """
    cleaned = " ".join((name or "").split())
    if not cleaned:
        return None, None
    if "," in cleaned:
        last, _, first = cleaned.partition(",")
        return first.strip() or None, last.strip() or None
    first, _, last = cleaned.rpartition(" ")
    return first or None, last


def customer(
    data: JSON,
    *,
    source: str,
    email_verified: bool = False,
    number_field: str = "ref",
    phone_fields: Iterable[str] = ("phone",),
) -> Customer:
    """``res.partner`` -> ``Customer``. The e-mail is kept as stored (normalising is the
    gateway's job); a company keeps its name as the last name. The customer number in
    ``number_field`` becomes an ``Identity(system="customer_number")``."""
    name = text(data.get("name"))
    first, last = (None, name) if data.get("is_company") else split_name(name)
    email = text(data.get("email"))
    phones = tuple(
        dict.fromkeys(phone for field in phone_fields if (phone := text(data.get(field))))
    )
    home = address(data)
    number = _number(data.get(number_field)) if number_field else ""
    return Customer(
        source=source,
        external_id=str(data["id"]),
        email=email,
        email_verified=email_verified and email is not None,
        first_name=first,
        last_name=last,
        phones=phones,
        addresses=(home,) if home else (),
        default_address=home,
        created_at=parse_time(data.get("create_date")),
        identities=(Identity(CUSTOMER_NUMBER, number),) if number else (),
    )


def _number(value: Any) -> str:
    """A customer number from a char field, or from an integer one (a custom field)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if value else ""
    return (text(value) or "").strip()


# -- orders ---------------------------------------------------------------------------


def order_status(state: Any, delivery_status: Any = None) -> OrderStatus:
    """``sale.order.state`` (+ ``delivery_status``) -> ``OrderStatus``.

    Quotations (``draft``, ``sent``) are pending; ``cancel`` is cancelled; a confirmed
    order (``sale``, or ``done`` before Odoo 17) is fulfilled when fully delivered,
    partially fulfilled when delivery has started, open otherwise.
    """
    code = str(state or "")
    if code in ("draft", "sent"):
        return OrderStatus.PENDING
    if code == "cancel":
        return OrderStatus.CANCELLED
    if code not in ("sale", "done"):
        raise ValueError(f"unknown sale.order state {code!r}")
    delivery = str(delivery_status or "")
    if delivery == "full":
        return OrderStatus.FULFILLED
    if delivery in ("partial", "started"):
        return OrderStatus.PARTIALLY_FULFILLED
    return OrderStatus.OPEN


def channel(team: Any, pos_teams: Collection[str]) -> Channel:
    """POS when the order's sales team is one of ``pos_teams`` (by name, any case, or by
    id), B2B otherwise: the ERP takes the outlet's till sales and the trade orders."""
    record = _record(team)
    if record is None:
        return Channel.B2B
    wanted = {name.casefold() for name in pos_teams}
    name = str(record.get("name") or "").casefold()
    return Channel.POS if name in wanted or str(record["id"]) in wanted else Channel.B2B


def _line(data: JSON, currency: Any) -> OrderLine:
    product_record = _record(data.get("product_id"))
    sku = text(product_record.get("default_code")) if product_record else None
    quantity = _quantity(data["product_uom_qty"])
    return OrderLine(
        sku=sku,
        title=text(data.get("name")) or sku or "",
        quantity=int(quantity.to_integral_value(rounding=ROUND_HALF_UP)),
        unit_price=money(data["price_unit"], currency),
        total=money(data["price_total"], currency),
        variant_external_id=str(product_record["id"]) if product_record else None,
    )


def order(data: JSON, *, source: str, pos_teams: Collection[str] = ("Point of Sale",)) -> Order:
    """``sale.order`` with ``order_line`` -> ``Order``; ``number`` is its name (``S00042``).

    Section and note lines are left out. Lines flagged ``is_delivery`` are shipping, not
    goods: their tax-included total is ``shipping`` and ``subtotal`` is the goods'. Line
    totals and the subtotal include tax (``price_total``), like the order's total.
    """
    currency = data.get("currency_id")
    created = parse_time(data.get("date_order"))
    if created is None:
        raise ValueError("sale.order without date_order")
    goods: list[OrderLine] = []
    shipping: Money | None = None
    for item in data.get("order_line") or ():
        if item.get("display_type"):
            continue
        if item.get("is_delivery"):
            cost = money(item["price_total"], currency)
            shipping = (
                cost if shipping is None else Money(shipping.amount + cost.amount, cost.currency)
            )
            continue
        goods.append(_line(item, currency))
    total = money(data["amount_total"], currency)
    subtotal = Money(total.amount - shipping.amount, total.currency) if shipping else total
    partner = _record(data.get("partner_id"))
    return Order(
        source=source,
        external_id=str(data["id"]),
        number=str(data["name"]),
        channel=channel(data.get("team_id"), pos_teams),
        status=order_status(data.get("state"), data.get("delivery_status")),
        created_at=created,
        totals=OrderTotals(
            subtotal=subtotal,
            total=total,
            shipping=shipping,
            tax=money(data["amount_tax"], currency),
        ),
        lines=tuple(goods),
        customer_external_id=str(partner["id"]) if partner else None,
        customer_email=text(partner.get("email")) if partner else None,
    )
