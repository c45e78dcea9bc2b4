"""Root fields for locations and stock."""

from __future__ import annotations

import asyncio

import strawberry

from connectors import models
from schema.context import GraphContext
from schema.errors import BadUserInput
from schema.ids import decode_as
from schema.inventory.types import InventoryLevel, Location, LocationKind, inventory_levels
from schema.permissions import CanReadCatalog

__all__ = ["MAX_SKUS", "InventoryQuery"]

MAX_SKUS = 250


@strawberry.type
class InventoryQuery:
    @strawberry.field(
        description="Every location, or those of one kind.", permission_classes=[CanReadCatalog]
    )
    async def locations(
        self, info: strawberry.Info[GraphContext, None], kind: LocationKind | None = None
    ) -> list[Location] | None:
        wanted = None if kind is None else models.LocationKind(kind.value)
        return [Location.of(loc) for loc in await info.context.data.locations(wanted, at=info.path)]

    @strawberry.field(
        description="Stock for these SKUs at every location (or at `locationIds`), "
        "from every system that holds stock.",
        permission_classes=[CanReadCatalog],
    )
    async def inventory(
        self,
        info: strawberry.Info[GraphContext, None],
        skus: list[str],
        location_ids: list[strawberry.ID] | None = None,
    ) -> list[InventoryLevel] | None:
        if len(skus) > MAX_SKUS:
            raise BadUserInput(f"ask for at most {MAX_SKUS} SKUs at once, got {len(skus)}")
        locations = (
            None if location_ids is None else [decode_as(i, "Location") for i in location_ids]
        )
        data = info.context.data
        # Ask for every SKU before awaiting any, so the loaders batch them into one call.
        per_sku = await asyncio.gather(
            *(
                data.inventory(sku, locations, at=info.path, with_places=True)
                for sku in dict.fromkeys(skus)
            )
        )
        return await inventory_levels(info, [level for levels in per_sku for level in levels])
