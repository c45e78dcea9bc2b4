"""The demo retailer as its ERP (Odoo 19, with Sales, Inventory, Point of Sale and
Delivery) holds it: the models the connector reads, and their records.

- Every SKU is a ``product.product``: the ERP knows every item. The ERP sells (``sale_ok``)
  what it prices (``Retailer.erp_prices``), at that price (``lst_price``); the newest
  products it does not price are not for sale, at 0.0.
- The Odoo locations are warehouses (``NUE``, ``OUTN`` — the outlet —, ``DOR``), each
  with its ``{code}/Stock`` internal location, beside Odoo's own view, partner and
  virtual locations.
- Stock is ``stock.quant`` records; a level above 120 is split over two quants (two
  lots), an empty level has none (Odoo deletes empty quants), and one SKU has stock in
  transit between warehouses (not at an internal location).
- Customers the ERP knows are ``res.partner`` records as the ERP holds them
  (``seen_by("odoo")``), the retailer's customer number in ``ref``.
- Orders are ``sale.order``: the outlet's till sales in the "Point of Sale" team, trade
  orders in "Sales", shipping as a delivery line, prices VAT-included (19 %).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from connectors.odoo.sandbox.orm import Field, Model, Registry
from connectors.sandbox.retailer import Retailer, RetailerOrder

__all__ = ["SYSTEM", "Seeded", "build_registry"]

SYSTEM = "odoo"
JSON = dict[str, Any]

_CENT = Decimal("0.01")
_VAT = Decimal("1.19")
_WAREHOUSE_CODES = {
    "odoo-wh-nuernberg": "NUE",
    "odoo-outlet-nuernberg": "OUTN",
    "odoo-wh-dortmund": "DOR",
}
_COUNTRIES = {"AT": ("Austria", 13), "DE": ("Germany", 57)}
_STATES = {
    "OPEN": ("sale", "pending"),
    "FULFILLED": ("sale", "full"),
    "CANCELLED": ("cancel", "pending"),
}
#: The quant above which a level is held as two lots.
_SPLIT_ABOVE = 120


@dataclass
class Seeded:
    """The registry and where the retailer's records went in it."""

    registry: Registry
    template_ids: dict[str, int] = field(default_factory=dict)  # product code -> id
    variant_ids: dict[str, int] = field(default_factory=dict)  # SKU -> id
    location_ids: dict[str, int] = field(default_factory=dict)  # location code -> id
    partner_ids: dict[str, int] = field(default_factory=dict)  # customer key -> id
    order_ids: dict[str, int] = field(default_factory=dict)  # order number -> id


def _naive(moment: datetime) -> datetime:
    """Odoo stores datetimes as naive UTC."""
    return moment.replace(tzinfo=None)


def _names(registry: Registry, record: JSON, key: str = "name") -> str:
    return str(record.get(key) or "")


def _models(registry: Registry, *, partner_mobile: bool) -> None:
    m2o, char, text = "many2one", "char", "text"
    boolean, integer, number, money = "boolean", "integer", "float", "monetary"
    stamp, selection = "datetime", "selection"
    registry.add(
        Model(
            "res.currency",
            "Currency",
            {
                "name": Field(char),
                "symbol": Field(char),
                "decimal_places": Field(integer),
                "rounding": Field(number),
                "active": Field(boolean),
            },
            order="active desc, name",
        )
    )
    registry.add(
        Model("res.country", "Country", {"name": Field(char), "code": Field(char)}, order="name")
    )
    partner_fields = {
        "name": Field(char),
        "complete_name": Field(char),
        "email": Field(char),
        "phone": Field(char),
        "ref": Field(char),
        "street": Field(char),
        "street2": Field(char),
        "zip": Field(char),
        "city": Field(char),
        "country_id": Field(m2o, "res.country"),
        "is_company": Field(boolean),
        "type": Field(selection),
        "parent_id": Field(m2o, "res.partner"),
        "lang": Field(selection),
        "customer_rank": Field(integer),
        "company_id": Field(m2o, "res.company"),
        "active": Field(boolean),
        "create_date": Field(stamp),
        "write_date": Field(stamp),
    }
    if partner_mobile:
        partner_fields["mobile"] = Field(char)
    registry.add(
        Model(
            "res.partner",
            "Contact",
            partner_fields,
            order="complete_name asc, id desc",
            display=lambda r, rec: _names(r, rec, "complete_name"),
        )
    )
    registry.add(
        Model(
            "res.company",
            "Companies",
            {
                "name": Field(char),
                "currency_id": Field(m2o, "res.currency"),
                "partner_id": Field(m2o, "res.partner"),
                "active": Field(boolean),
            },
            order="name",
        )
    )
    registry.add(
        Model("crm.team", "Sales Team", {"name": Field(char), "active": Field(boolean)}, "name")
    )
    registry.add(
        Model(
            "product.category",
            "Product Category",
            {
                "name": Field(char),
                "complete_name": Field(char),
                "parent_id": Field(m2o, "product.category"),
            },
            order="complete_name",
            display=lambda r, rec: _names(r, rec, "complete_name"),
        )
    )
    registry.add(Model("product.attribute", "Product Attribute", {"name": Field(char)}, "name"))
    registry.add(
        Model(
            "product.template.attribute.value",
            "Product Template Attribute Value",
            {
                "name": Field(char),
                "attribute_id": Field(m2o, "product.attribute"),
                "product_tmpl_id": Field(m2o, "product.template"),
            },
            display=lambda r, rec: (
                f"{r.models['product.attribute'].records[rec['attribute_id']]['name']}: "
                f"{rec['name']}"
            ),
        )
    )
    registry.add(
        Model(
            "product.template",
            "Product",
            {
                "name": Field(char),
                "description_sale": Field(text),
                "default_code": Field(char),
                "categ_id": Field(m2o, "product.category"),
                "type": Field(selection),
                "list_price": Field(number),
                "sale_ok": Field(boolean),
                "purchase_ok": Field(boolean),
                "currency_id": Field(m2o, "res.currency", store=False),
                "product_variant_ids": Field("one2many", "product.product", "product_tmpl_id"),
                "active": Field(boolean),
                "create_date": Field(stamp),
                "write_date": Field(stamp),
            },
            order="name, id",
        )
    )
    registry.add(
        Model(
            "product.product",
            "Product Variant",
            {
                "name": Field(char),
                "default_code": Field(char),
                "barcode": Field(char),
                "product_tmpl_id": Field(m2o, "product.template"),
                "lst_price": Field(number, store=False),
                "sale_ok": Field(boolean),
                "currency_id": Field(m2o, "res.currency", store=False),
                "product_template_variant_value_ids": Field(
                    "many2many", "product.template.attribute.value"
                ),
                "active": Field(boolean),
                "create_date": Field(stamp),
                "write_date": Field(stamp),
            },
            order="default_code, name, id",
            display=_variant_name,
        )
    )
    registry.add(
        Model(
            "stock.warehouse",
            "Warehouse",
            {
                "name": Field(char),
                "code": Field(char),
                "partner_id": Field(m2o, "res.partner"),
                "lot_stock_id": Field(m2o, "stock.location"),
                "view_location_id": Field(m2o, "stock.location"),
                "company_id": Field(m2o, "res.company"),
                "active": Field(boolean),
            },
            order="id",
        )
    )
    registry.add(
        Model(
            "stock.location",
            "Inventory Locations",
            {
                "name": Field(char),
                "complete_name": Field(char),
                "location_id": Field(m2o, "stock.location"),
                "usage": Field(selection),
                "warehouse_id": Field(m2o, "stock.warehouse"),
                "company_id": Field(m2o, "res.company"),
                "active": Field(boolean),
            },
            order="complete_name, id",
            display=lambda r, rec: _names(r, rec, "complete_name"),
        )
    )
    registry.add(
        Model(
            "stock.quant",
            "Quants",
            {
                "product_id": Field(m2o, "product.product"),
                "location_id": Field(m2o, "stock.location"),
                "lot_id": Field(char),
                "quantity": Field(number),
                "reserved_quantity": Field(number),
                "in_date": Field(stamp),
                "company_id": Field(m2o, "res.company"),
                "write_date": Field(stamp),
            },
            display=lambda r, rec: (
                f"{_variant_name(r, r.models['product.product'].records[rec['product_id']])}"
            ),
        )
    )
    registry.add(
        Model(
            "sale.order",
            "Sales Order",
            {
                "name": Field(char),
                "partner_id": Field(m2o, "res.partner"),
                "date_order": Field(stamp),
                "state": Field(selection),
                "delivery_status": Field(selection),
                "amount_untaxed": Field(money),
                "amount_tax": Field(money),
                "amount_total": Field(money),
                "currency_id": Field(m2o, "res.currency"),
                "team_id": Field(m2o, "crm.team"),
                "order_line": Field("one2many", "sale.order.line", "order_id"),
                "company_id": Field(m2o, "res.company"),
                "create_date": Field(stamp),
                "write_date": Field(stamp),
            },
            order="date_order desc, id desc",
        )
    )
    registry.add(
        Model(
            "sale.order.line",
            "Sales Order Line",
            {
                "order_id": Field(m2o, "sale.order"),
                "sequence": Field(integer),
                "product_id": Field(m2o, "product.product"),
                "name": Field(text),
                "display_type": Field(selection),
                "product_uom_qty": Field(number),
                "price_unit": Field(number),
                "price_subtotal": Field(money),
                "price_total": Field(money),
                "is_delivery": Field(boolean),
            },
            order="order_id, sequence, id",
        )
    )


def _variant_name(registry: Registry, record: JSON) -> str:
    values = registry.models["product.template.attribute.value"].records
    name = str(record["name"])
    attributes = ", ".join(values[i]["name"] for i in record["product_template_variant_value_ids"])
    shown = f"{name} ({attributes})" if attributes else name
    return f"[{record['default_code']}] {shown}" if record.get("default_code") else shown


def _float(amount: Decimal) -> float:
    return float(amount)


def build_registry(retailer: Retailer, *, partner_mobile: bool = False) -> Seeded:
    registry = Registry()
    _models(registry, partner_mobile=partner_mobile)
    seeded = Seeded(registry)
    create = registry.create

    eur = create(
        "res.currency",
        {"name": "EUR", "symbol": "€", "decimal_places": 2, "rounding": 0.01, "active": True},
    )
    create(
        "res.currency",
        {"name": "USD", "symbol": "$", "decimal_places": 2, "rounding": 0.01, "active": False},
    )
    countries: dict[str, int] = {}
    for code, (name, number) in sorted(_COUNTRIES.items(), key=lambda item: item[1][1]):
        registry.models["res.country"].records[number] = {"id": number, "name": name, "code": code}
        countries[code] = number

    def partner(name: str, **values: Any) -> int:
        return create(
            "res.partner",
            {"name": name, "complete_name": name, "type": "contact", "active": True, **values},
        )

    company_partner = partner(
        "Nordlicht Outfitters GmbH",
        is_company=True,
        street="Rosenthaler Straße 40",
        city="Berlin",
        zip="10178",
        country_id=countries["DE"],
    )
    company = create(
        "res.company",
        {"name": "Nordlicht Outfitters GmbH", "currency_id": eur, "partner_id": company_partner},
    )
    registry.write("res.partner", company_partner, {"company_id": company})
    partner("OdooBot", active=False)
    partner("Mitchell Admin", email="admin@nordlicht.example", company_id=company)

    sales_team = create("crm.team", {"name": "Sales", "active": True})
    create("crm.team", {"name": "Website", "active": True})
    pos_team = create("crm.team", {"name": "Point of Sale", "active": True})

    _catalog(retailer, seeded, eur)
    _stock(retailer, seeded, company, countries, partner)
    _customers(retailer, seeded, company, countries, partner)
    _orders(retailer, seeded, eur, company, {"POS": pos_team, "B2B": sales_team})
    return seeded


def _catalog(retailer: Retailer, seeded: Seeded, currency: int) -> None:
    create = seeded.registry.create
    root = create("product.category", {"name": "All", "complete_name": "All"})
    categories: dict[str, int] = {}
    attributes: dict[str, int] = {}
    for item in sorted(retailer.products, key=lambda p: p.code):
        if item.category not in categories:
            categories[item.category] = create(
                "product.category",
                {
                    "name": item.category,
                    "complete_name": f"All / {item.category}",
                    "parent_id": root,
                },
            )
        prices = [retailer.erp_prices.get(v.sku) for v in item.variants]
        sold = all(price is not None for price in prices)
        template = create(
            "product.template",
            {
                "name": item.title,
                "description_sale": item.description,
                "categ_id": categories[item.category],
                "type": "consu",
                "list_price": _float(min(p for p in prices if p is not None)) if sold else 0.0,
                "sale_ok": sold,
                "purchase_ok": True,
                "currency_id": currency,
                "active": True,
                "create_date": _naive(item.created_at),
                "write_date": _naive(item.updated_at),
            },
        )
        seeded.template_ids[item.code] = template
        values: dict[tuple[str, str], int] = {}
        for variant, price in zip(item.variants, prices, strict=True):
            value_ids = []
            for attribute, value in variant.options:
                if attribute not in attributes:
                    attributes[attribute] = create("product.attribute", {"name": attribute})
                key = (attribute, value)
                if key not in values:
                    values[key] = create(
                        "product.template.attribute.value",
                        {
                            "name": value,
                            "attribute_id": attributes[attribute],
                            "product_tmpl_id": template,
                        },
                    )
                value_ids.append(values[key])
            seeded.variant_ids[variant.sku] = create(
                "product.product",
                {
                    "name": item.title,
                    "default_code": variant.sku,
                    "barcode": variant.barcode,
                    "product_tmpl_id": template,
                    "lst_price": _float(price) if price is not None else 0.0,
                    "sale_ok": sold,
                    "currency_id": currency,
                    "product_template_variant_value_ids": value_ids,
                    "active": True,
                    "create_date": _naive(item.created_at),
                    "write_date": _naive(item.updated_at),
                },
            )
    # The delivery product the delivery lines sell: a service, not for sale on its own.
    delivery = create(
        "product.template",
        {
            "name": "Standard Delivery",
            "default_code": "DELIVERY",
            "type": "service",
            "list_price": 0.0,
            "sale_ok": False,
            "purchase_ok": False,
            "currency_id": currency,
            "active": True,
        },
    )
    seeded.variant_ids["DELIVERY"] = create(
        "product.product",
        {
            "name": "Standard Delivery",
            "default_code": "DELIVERY",
            "product_tmpl_id": delivery,
            "lst_price": 0.0,
            "sale_ok": False,
            "currency_id": currency,
            "active": True,
        },
    )


def _stock(
    retailer: Retailer, seeded: Seeded, company: int, countries: dict[str, int], partner: Any
) -> None:
    registry, create = seeded.registry, seeded.registry.create

    def location(name: str, complete: str, usage: str, parent: int | None = None) -> int:
        return create(
            "stock.location",
            {
                "name": name,
                "complete_name": complete,
                "usage": usage,
                "location_id": parent,
                "company_id": company if usage == "internal" else None,
                "active": True,
            },
        )

    physical = location("Physical Locations", "Physical Locations", "view")
    partners = location("Partners", "Partners", "view")
    virtual = location("Virtual Locations", "Virtual Locations", "view")
    location("Vendors", "Partners/Vendors", "supplier", partners)
    location("Customers", "Partners/Customers", "customer", partners)
    location("Inventory adjustment", "Virtual Locations/Inventory adjustment", "inventory", virtual)
    transit = location(
        "Inter-warehouse transit", "Physical Locations/Inter-warehouse transit", "transit", physical
    )

    for place in retailer.locations_in(SYSTEM):
        code = _WAREHOUSE_CODES.get(place.code, place.code[:5].upper())
        address = partner(
            place.name,
            street=place.line1,
            city=place.city,
            zip=place.postal_code,
            country_id=countries.get(place.country_code),
            phone="+49 911 4711 0" if place.kind == "STORE" else False,
            type="delivery",
            company_id=company,
        )
        view = location(code, code, "view", physical)
        stock = location("Stock", f"{code}/Stock", "internal", view)
        warehouse = create(
            "stock.warehouse",
            {
                "name": place.name,
                "code": code,
                "partner_id": address,
                "lot_stock_id": stock,
                "view_location_id": view,
                "company_id": company,
                "active": True,
            },
        )
        registry.write("stock.location", view, {"warehouse_id": warehouse})
        registry.write("stock.location", stock, {"warehouse_id": warehouse})
        seeded.location_ids[place.code] = stock

    for record in retailer.stock_in(SYSTEM):
        product = seeded.variant_ids[record.sku]
        where = seeded.location_ids[record.location_code]
        stamp = _naive(record.updated_at)
        if record.on_hand == 0 and record.reserved == 0:
            continue  # Odoo deletes empty quants
        parts = [(record.on_hand, record.reserved)]
        if record.on_hand > _SPLIT_ABOVE:
            second = record.on_hand // 3
            parts = [(record.on_hand - second, record.reserved), (second, 0)]
        for lot, (quantity, reserved) in enumerate(parts, start=1):
            create(
                "stock.quant",
                {
                    "product_id": product,
                    "location_id": where,
                    "lot_id": f"LOT-{lot:03d}" if len(parts) > 1 else None,
                    "quantity": float(quantity),
                    "reserved_quantity": float(reserved),
                    "in_date": stamp,
                    "company_id": company,
                    "write_date": stamp,
                },
            )
    # Goods on their way between warehouses: in stock, but at no internal location.
    first = next(iter(seeded.variant_ids.values()))
    create(
        "stock.quant",
        {
            "product_id": first,
            "location_id": transit,
            "quantity": 40.0,
            "reserved_quantity": 0.0,
            "company_id": company,
        },
    )


def _customers(
    retailer: Retailer, seeded: Seeded, company: int, countries: dict[str, int], partner: Any
) -> None:
    for person in retailer.customers_in(SYSTEM):
        seen = person.seen_by(SYSTEM)
        name = f"{seen['first_name']} {seen['last_name']}"
        seeded.partner_ids[person.key] = partner(
            name,
            email=seen["email"],
            phone=seen["phone"],
            ref=person.number,
            street=person.line1,
            city=person.city,
            zip=person.postal_code,
            country_id=countries.get(person.country_code),
            lang="de_DE",
            customer_rank=1,
            company_id=company,
            create_date=_naive(person.created_at),
            write_date=_naive(person.created_at),
        )


def _orders(
    retailer: Retailer, seeded: Seeded, currency: int, company: int, teams: dict[str, int]
) -> None:
    create = seeded.registry.create
    for item in retailer.orders_in(SYSTEM):
        state, delivery = _STATES[item.status]
        created = _naive(item.created_at)
        order = create(
            "sale.order",
            {
                "name": item.number,
                "partner_id": seeded.partner_ids[item.customer_key],
                "date_order": created,
                "state": state,
                "delivery_status": delivery,
                "currency_id": currency,
                "team_id": teams.get(item.channel, teams["B2B"]),
                "company_id": company,
                "create_date": created,
                "write_date": created,
            },
        )
        seeded.order_ids[item.number] = order
        untaxed, total = _lines(seeded, order, item)
        seeded.registry.write(
            "sale.order",
            order,
            {
                "amount_untaxed": _float(untaxed),
                "amount_tax": _float(total - untaxed),
                "amount_total": _float(total),
            },
        )


def _lines(seeded: Seeded, order: int, item: RetailerOrder) -> tuple[Decimal, Decimal]:
    """The order's lines, VAT included in every price; ``(untaxed, total)``."""
    create = seeded.registry.create
    untaxed = total = Decimal(0)
    sequence = 10

    def line(**values: Any) -> None:
        nonlocal sequence
        create("sale.order.line", {"order_id": order, "sequence": sequence, **values})
        sequence += 10

    if item.channel == "B2B":
        line(name="Delivery to the loading dock, gate 3", display_type="line_note")
    for entry in item.lines:
        gross = entry.unit_price * entry.quantity
        net = (gross / _VAT).quantize(_CENT, ROUND_HALF_UP)
        untaxed, total = untaxed + net, total + gross
        line(
            product_id=seeded.variant_ids[entry.sku],
            name=entry.title,
            product_uom_qty=float(entry.quantity),
            price_unit=_float(entry.unit_price),
            price_subtotal=_float(net),
            price_total=_float(gross),
        )
    if item.shipping:
        net = (item.shipping / _VAT).quantize(_CENT, ROUND_HALF_UP)
        untaxed, total = untaxed + net, total + item.shipping
        line(
            product_id=seeded.variant_ids["DELIVERY"],
            name="Standard Delivery",
            product_uom_qty=1.0,
            price_unit=_float(item.shipping),
            price_subtotal=_float(net),
            price_total=_float(item.shipping),
            is_delivery=True,
        )
    return untaxed, total
