"""What the connector reads from each Odoo model: ``web_search_read`` specifications.

A specification names the fields to read; a relational field with ``{"fields": {...}}``
comes back as the related record(s) read the same way, so one call returns a product
with its variants, a stock quant with its product's SKU, an order with its lines::

    {"product_id": {"fields": {"default_code": {}}}, "quantity": {}}
    -> {"id": 7, "product_id": {"id": 3, "default_code": "NL-1001-BLK-S"}, "quantity": 12.0}

A many2one with ``{}`` comes back as its id, an empty one as ``false``.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "LOCATION",
    "QUANT",
    "TEMPLATE",
    "VARIANT",
    "customer",
    "order",
]

Spec = dict[str, Any]

_CURRENCY: Spec = {"fields": {"name": {}, "decimal_places": {}}}
_COUNTRY: Spec = {"fields": {"code": {}}}

#: ``product.product``, as a variant.
VARIANT: Spec = {
    "default_code": {},
    "barcode": {},
    "display_name": {},
    "lst_price": {},
    "sale_ok": {},
    "currency_id": _CURRENCY,
    "product_tmpl_id": {"fields": {"name": {}}},
    "product_template_variant_value_ids": {
        "fields": {"name": {}, "attribute_id": {"fields": {"name": {}}}}
    },
}

#: ``product.template``, with its variants.
TEMPLATE: Spec = {
    "name": {},
    "description_sale": {},
    "categ_id": {"fields": {"name": {}}},
    "sale_ok": {},
    "write_date": {},
    "product_variant_ids": {
        "fields": {name: spec for name, spec in VARIANT.items() if name != "product_tmpl_id"}
    },
}

#: ``stock.location``, with its warehouse's name and address.
LOCATION: Spec = {
    "name": {},
    "complete_name": {},
    "usage": {},
    "warehouse_id": {
        "fields": {
            "name": {},
            "code": {},
            "lot_stock_id": {},
            "partner_id": {
                "fields": {
                    "street": {},
                    "street2": {},
                    "city": {},
                    "zip": {},
                    "phone": {},
                    "country_id": _COUNTRY,
                }
            },
        }
    },
}

#: ``stock.quant``: one product's stock at one location (one lot or package of it).
QUANT: Spec = {
    "product_id": {"fields": {"default_code": {}}},
    "location_id": {},
    "quantity": {},
    "reserved_quantity": {},
    "write_date": {},
}


def customer(*, number_field: str, phone_fields: tuple[str, ...]) -> Spec:
    """``res.partner``, as a customer, with the configured number and phone fields."""
    spec: Spec = {
        "name": {},
        "email": {},
        "is_company": {},
        "street": {},
        "street2": {},
        "city": {},
        "zip": {},
        "country_id": _COUNTRY,
        "create_date": {},
    }
    spec.update({name: {} for name in phone_fields})
    if number_field:
        spec[number_field] = {}
    return spec


def order(*, shipping_lines: bool, delivery_status: bool) -> Spec:
    """``sale.order`` with its lines; ``is_delivery`` only where the ``delivery`` module
    is, ``delivery_status`` only where ``sale_stock`` is."""
    line: Spec = {
        "product_id": {"fields": {"default_code": {}}},
        "name": {},
        "product_uom_qty": {},
        "price_unit": {},
        "price_subtotal": {},
        "price_total": {},
        "display_type": {},
    }
    if shipping_lines:
        line["is_delivery"] = {}
    spec: Spec = {
        "name": {},
        "date_order": {},
        "state": {},
        "amount_untaxed": {},
        "amount_tax": {},
        "amount_total": {},
        "currency_id": _CURRENCY,
        "team_id": {"fields": {"name": {}}},
        "partner_id": {"fields": {"email": {}}},
        "order_line": {"fields": line},
    }
    if delivery_status:
        spec["delivery_status"] = {}
    return spec
