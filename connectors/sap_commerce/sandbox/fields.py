"""OCC's ``fields`` parameter: a level (``BASIC``, ``DEFAULT``, ``FULL``) or an explicit list
such as ``products(code,price(DEFAULT)),pagination(DEFAULT)``, applied to a full DTO::

    >>> select({"code": "A", "name": "Tee", "summary": "..."}, "Product", parse("code,name"))
    {'code': 'A', 'name': 'Tee'}

A level given to an object applies to the objects inside it; an object named without a
sub-list comes back at ``BASIC``; names the DTO does not have are ignored; empty values are
left out, as OCC leaves out nulls. Which fields each level holds follows OCC's
``*-ws-dto-mapping`` conventions for the DTOs the connector reads (not verified field by
field against a live system).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DTOS", "FieldsError", "Spec", "parse", "select"]

LEVELS = ("BASIC", "DEFAULT", "FULL")

#: ``(level or None, {field: sub-spec or None})``.
Spec = tuple[str | None, dict[str, "Spec | None"]]


class FieldsError(ValueError):
    """The ``fields`` value does not parse."""


@dataclass(frozen=True)
class Dto:
    basic: tuple[str, ...]
    #: Fields ``DEFAULT`` adds to ``basic``; ``FULL`` is every field.
    default: tuple[str, ...] = ()
    #: Field -> DTO name, for fields holding an object or a list of objects.
    children: Mapping[str, str] = field(default_factory=dict)


DTOS: dict[str, Dto] = {
    "Price": Dto(("currencyIso", "value", "priceType"), ("formattedValue",)),
    "Image": Dto(("url", "format", "imageType"), ("altText", "galleryIndex")),
    "Category": Dto(("code",), ("name", "url")),
    "Stock": Dto(("stockLevelStatus",), ("stockLevel",)),
    "VariantOptionQualifier": Dto(("qualifier", "value"), ("name",)),
    "VariantOption": Dto(
        ("code",),
        ("priceData", "stock", "url", "variantOptionQualifiers"),
        {
            "priceData": "Price",
            "stock": "Stock",
            "variantOptionQualifiers": "VariantOptionQualifier",
        },
    ),
    "Product": Dto(
        ("code", "name", "url", "purchasable"),
        ("summary", "description", "manufacturer", "price", "images", "stock", "baseProduct"),
        {
            "price": "Price",
            "images": "Image",
            "stock": "Stock",
            "categories": "Category",
            "variantOptions": "VariantOption",
        },
    ),
    "Pagination": Dto(
        ("currentPage", "pageSize", "totalPages", "totalResults"), ("sort", "hasNext")
    ),
    "Sort": Dto(("code",), ("name", "selected")),
    "ProductSearchPage": Dto(
        ("products", "pagination"),
        ("sorts", "freeTextSearch", "currentQuery"),
        {"products": "Product", "pagination": "Pagination", "sorts": "Sort"},
    ),
    "Country": Dto(("isocode",), ("name",)),
    "Region": Dto(("isocode",), ("isocodeShort", "name", "countryIso")),
    "Address": Dto(
        ("id",),
        (
            "firstName",
            "lastName",
            "companyName",
            "line1",
            "line2",
            "town",
            "postalCode",
            "region",
            "country",
            "phone",
            "formattedAddress",
            "defaultAddress",
        ),
        {"country": "Country", "region": "Region"},
    ),
    "GeoPoint": Dto(("latitude", "longitude")),
    "PointOfService": Dto(
        ("name",),
        ("displayName", "description", "address", "geoPoint", "url"),
        {"address": "Address", "geoPoint": "GeoPoint"},
    ),
    "StoreFinderSearchPage": Dto(
        ("stores", "pagination"),
        ("sorts",),
        {"stores": "PointOfService", "pagination": "Pagination", "sorts": "Sort"},
    ),
    "User": Dto(
        ("uid", "name"),
        ("firstName", "lastName", "displayUid", "customerId", "titleCode", "currency", "language"),
        {"defaultAddress": "Address", "currency": "Currency", "language": "Language"},
    ),
    "Currency": Dto(("isocode",), ("name", "symbol", "active")),
    "Language": Dto(("isocode",), ("name", "nativeName", "active")),
    "Principal": Dto(("uid", "name")),
    "OrderHistory": Dto(
        ("code", "guid"), ("status", "statusDisplay", "placed", "total"), {"total": "Price"}
    ),
    "OrderHistoryList": Dto(
        ("orders", "pagination"),
        ("sorts",),
        {"orders": "OrderHistory", "pagination": "Pagination", "sorts": "Sort"},
    ),
    "OrderEntry": Dto(
        ("entryNumber", "quantity"),
        ("basePrice", "totalPrice", "product", "updateable"),
        {"basePrice": "Price", "totalPrice": "Price", "product": "Product"},
    ),
    "CostCenter": Dto(("code",), ("name", "active")),
    "Order": Dto(
        ("code", "guid"),
        (
            "status",
            "statusDisplay",
            "created",
            "entries",
            "totalItems",
            "subTotal",
            "totalPrice",
            "totalPriceWithTax",
            "totalTax",
            "deliveryCost",
            "totalDiscounts",
            "net",
            "user",
            "site",
            "store",
        ),
        {
            "entries": "OrderEntry",
            "subTotal": "Price",
            "totalPrice": "Price",
            "totalPriceWithTax": "Price",
            "totalTax": "Price",
            "deliveryCost": "Price",
            "totalDiscounts": "Price",
            "user": "Principal",
            "deliveryAddress": "Address",
            "costCenter": "CostCenter",
        },
    ),
}


def parse(text: str) -> Spec:
    """Parse a ``fields`` value; ``FieldsError`` names where it goes wrong."""
    spec, position = _list(text, 0)
    if position != len(text):
        raise FieldsError(f"Incorrect field:'{text}' (unexpected {text[position]!r})")
    return spec


def _list(text: str, position: int) -> tuple[Spec, int]:
    level: str | None = None
    fields: dict[str, Spec | None] = {}
    while True:
        start = position
        while position < len(text) and (text[position].isalnum() or text[position] == "_"):
            position += 1
        name = text[start:position]
        if not name:
            raise FieldsError(f"Incorrect field:'{text}' (a field name is missing)")
        sub: Spec | None = None
        if position < len(text) and text[position] == "(":
            sub, position = _list(text, position + 1)
            if position >= len(text) or text[position] != ")":
                raise FieldsError(f"Incorrect field:'{text}' (unbalanced parentheses)")
            position += 1
        if name in LEVELS and sub is None:
            level = max(level or name, name, key=LEVELS.index)
        else:
            fields[name] = _merge(fields.get(name), sub)
        if position < len(text) and text[position] == ",":
            position += 1
            continue
        return (level, fields), position


def _merge(old: Spec | None, new: Spec | None) -> Spec | None:
    if old is None or new is None:
        return old or new
    level = max(old[0] or "BASIC", new[0] or "BASIC", key=LEVELS.index)
    names = dict(old[1])
    for name, sub in new[1].items():
        names[name] = _merge(names.get(name), sub)
    return (level if old[0] or new[0] else None), names


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def select(value: Any, dto_name: str, spec: Spec) -> Any:
    """``value`` (a full DTO, or a list of them) cut down to ``spec``."""
    if isinstance(value, list):
        return [select(item, dto_name, spec) for item in value]
    if not isinstance(value, dict):
        return value
    dto = DTOS[dto_name]
    level, explicit = spec
    if level == "FULL":
        by_level: set[str] = set(value)
    elif level == "DEFAULT":
        by_level = {*dto.basic, *dto.default}
    elif level == "BASIC":
        by_level = set(dto.basic)
    else:
        by_level = set()
    out: dict[str, Any] = {}
    for name, item in value.items():
        if _empty(item):
            continue
        if name in explicit:
            sub: Spec = explicit[name] or ("BASIC", {})
        elif name in by_level:
            sub = (level, {})
        else:
            continue
        child = dto.children.get(name)
        out[name] = select(item, child, sub) if child else item
    return out
