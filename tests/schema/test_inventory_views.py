"""Stock level views are built without the dataclass __init__ (it is a listing's hottest
constructor): every field must still be set."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from connectors import models
from connectors.models import LocationRef
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
