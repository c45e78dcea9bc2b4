"""Stock level and variant views are built without the dataclass __init__ (they are a
listing's hottest constructors): every field must still be set."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

from connectors import models
from connectors.models import LocationRef
from schema.catalog.types import Variant
from schema.common import Money
from schema.ids import encode
from schema.inventory.types import InventoryLevel


def test_a_level_view_has_every_field_of_its_type() -> None:
    record = models.InventoryLevel(
        sku="SKU-1",
        location=LocationRef("shop", "gid://shopify/Location/1"),
        available=3,
        on_hand=5,
        reserved=2,
        incoming=7,
        updated_at=datetime(2026, 11, 23, tzinfo=UTC),
    )
    view = InventoryLevel.of(record, None)

    built = InventoryLevel(
        sku="SKU-1",
        available=3,
        on_hand=5,
        reserved=2,
        incoming=7,
        updated_at=datetime(2026, 11, 23, tzinfo=UTC),
        location=None,
    )
    assert {f.name for f in dataclasses.fields(InventoryLevel)} == set(vars(view))
    assert view == built


def test_a_variant_view_has_every_field_of_its_type() -> None:
    record = models.Variant(
        source="shop",
        external_id="gid://shopify/ProductVariant/1",
        sku="SKU-1",
        title="M / Navy",
        price=models.Money(Decimal("59.90"), "EUR"),
        product_external_id="gid://shopify/Product/1",
        compare_at_price=models.Money(Decimal("79.90"), "EUR"),
        barcode="4006381333931",
    )
    view = Variant.of(record)

    built = Variant(
        id=view.id,
        sku="SKU-1",
        title="M / Navy",
        price=Money(amount=Decimal("59.90"), currency_code="EUR"),
        compare_at_price=Money(amount=Decimal("79.90"), currency_code="EUR"),
        barcode="4006381333931",
        _record=record,
        _product=None,
    )
    assert {f.name for f in dataclasses.fields(Variant) if f.init} == set(vars(view))
    assert set(vars(view)) == set(vars(built))
    assert view == built
    assert view.id == encode("Variant", "shop", "SKU-1")
