"""Locations and stock levels."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

import strawberry

from connectors import models
from schema.common import Address
from schema.context import GraphContext, Places
from schema.ids import encode
from schema.relay import Node

__all__ = ["InventoryLevel", "Location", "LocationKind", "inventory_levels", "level_views"]


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
    location: Location | None

    @classmethod
    def of(cls, level: models.InventoryLevel, location: Location | None) -> InventoryLevel:
        # Built field by field rather than through the dataclass __init__: a listing makes
        # hundreds of these, and a call with seven keywords costs three times as much
        # (0.49 against 0.16 µs). Every field is set (tests/schema/test_views.py).
        view = _new(cls)
        view.sku = level.sku
        view.available = level.available
        view.on_hand = level.on_hand
        view.reserved = level.reserved
        view.incoming = level.incoming
        view.updated_at = level.updated_at
        view.location = location
        return view


_new = object.__new__


async def inventory_levels(
    info: strawberry.Info[GraphContext, None], levels: Sequence[models.InventoryLevel]
) -> list[InventoryLevel]:
    """``levels`` as the graph shows them, each with its location: the locations of every
    system involved come in one batched lookup (a system that cannot say is reported at
    the field's path and its levels keep a null location), and each location is one object
    however many levels it holds."""
    return level_views(info, levels, await info.context.data.places(levels, at=info.path))


_NOWHERE: Mapping[str, Any] = MappingProxyType({})


def level_views(
    info: strawberry.Info[GraphContext, None],
    levels: Sequence[models.InventoryLevel],
    places: Places,
) -> list[InventoryLevel]:
    """``levels`` as the graph shows them, at their ``places`` (``DataAccess.places``)."""
    # One view per location a request shows, by system then external id: two dict
    # lookups a level. The views are kept for the request (a location that stocks every
    # SKU on a page is one object in the answer, however often it appears).
    views: dict[str, dict[str, Location]] = info.context.memo.setdefault(Location, {})
    shown = []
    for level in levels:
        ref = level.location
        source, external_id = ref.source, ref.external_id
        known = views.get(source)
        view = None if known is None else known.get(external_id)
        if view is None:
            place = places.get(source, _NOWHERE).get(external_id)
            if place is not None:
                view = views.setdefault(source, {})[external_id] = Location.of(place)
        shown.append(InventoryLevel.of(level, view))
    return shown
