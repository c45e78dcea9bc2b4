"""Locations and stock levels."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry

from connectors import models
from schema.common import Address
from schema.context import GraphContext
from schema.ids import encode
from schema.relay import Node

__all__ = ["InventoryLevel", "Location", "LocationKind"]


@strawberry.enum
class LocationKind(enum.Enum):
    STORE = "STORE"
    WAREHOUSE = "WAREHOUSE"
    DISTRIBUTION_CENTER = "DISTRIBUTION_CENTER"


@strawberry.type(description="A store, warehouse or distribution centre that holds stock.")
class Location(Node):
    name: str
    kind: LocationKind
    address: Address | None
    pickup_enabled: bool = strawberry.field(description="Customers can collect orders here.")
    ships_from: bool = strawberry.field(description="Orders can be shipped from here.")

    @classmethod
    def of(cls, location: models.Location) -> Location:
        return cls(
            id=strawberry.ID(encode("Location", location.source, location.external_id)),
            name=location.name,
            kind=LocationKind(location.kind.value),
            address=Address.maybe(location.address),
            pickup_enabled=location.pickup_enabled,
            ships_from=location.ships_from,
        )


@strawberry.type(description="Stock of one SKU at one location.")
class InventoryLevel:
    sku: str
    available: int = strawberry.field(description="Sellable now: on hand minus reserved.")
    on_hand: int | None
    reserved: int | None
    incoming: int | None
    updated_at: datetime | None
    _ref: strawberry.Private[models.LocationRef]

    @strawberry.field
    async def location(self, info: strawberry.Info[GraphContext, None]) -> Location | None:
        found = await info.context.data.location(self._ref, at=info.path)
        return None if found is None else Location.of(found)

    @classmethod
    def of(cls, level: models.InventoryLevel) -> InventoryLevel:
        return cls(
            sku=level.sku,
            available=level.available,
            on_hand=level.on_hand,
            reserved=level.reserved,
            incoming=level.incoming,
            updated_at=level.updated_at,
            _ref=level.location,
        )
