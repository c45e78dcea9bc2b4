"""Root fields for orders."""

from __future__ import annotations

import strawberry

from schema.context import GraphContext
from schema.ids import decode_as
from schema.orders.types import Order
from schema.permissions import CanReadCustomers

__all__ = ["OrderQuery"]


@strawberry.type
class OrderQuery:
    @strawberry.field(
        description="One order by its ID. A customer session sees only its own.",
        permission_classes=[CanReadCustomers],
    )
    async def order(
        self, info: strawberry.Info[GraphContext, None], id: strawberry.ID
    ) -> Order | None:
        found = await info.context.data.order(decode_as(id, "Order"), at=info.path)
        return None if found is None else Order.of(found)
