"""Orders from every channel."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from connectors import models
from schema.common import Money
from schema.context import GraphContext
from schema.ids import GlobalId, encode
from schema.relay import Node, Paged, PageInfo

if TYPE_CHECKING:
    from schema.customers.types import Customer

__all__ = [
    "Channel",
    "Order",
    "OrderConnection",
    "OrderEdge",
    "OrderLine",
    "OrderStatus",
    "OrderTotals",
]

Info = strawberry.Info[GraphContext, None]


@strawberry.enum(description="Where the order was placed.")
class Channel(enum.Enum):
    WEB = "WEB"
    APP = "APP"
    POS = "POS"
    MARKETPLACE = "MARKETPLACE"
    B2B = "B2B"
    CALL_CENTER = "CALL_CENTER"


@strawberry.enum
class OrderStatus(enum.Enum):
    PENDING = "PENDING"
    OPEN = "OPEN"
    PARTIALLY_FULFILLED = "PARTIALLY_FULFILLED"
    FULFILLED = "FULFILLED"
    CANCELLED = "CANCELLED"
    RETURNED = "RETURNED"


@strawberry.type
class OrderLine:
    sku: str | None
    title: str
    quantity: int
    unit_price: Money
    total: Money


@strawberry.type
class OrderTotals:
    subtotal: Money
    shipping: Money | None
    tax: Money | None
    discounts: Money | None
    total: Money


@strawberry.type
class Order(Node):
    number: str = strawberry.field(description='The number on the receipt ("#1001").')
    channel: Channel
    status: OrderStatus
    created_at: datetime
    lines: list[OrderLine]
    totals: OrderTotals
    _record: strawberry.Private[models.Order]

    @classmethod
    def of(cls, order: models.Order) -> Order:
        totals = order.totals
        return cls(
            id=strawberry.ID(encode("Order", order.source, order.external_id)),
            number=order.number,
            channel=Channel(order.channel.value),
            status=OrderStatus(order.status.value),
            created_at=order.created_at,
            lines=[
                OrderLine(
                    sku=line.sku,
                    title=line.title,
                    quantity=line.quantity,
                    unit_price=Money.of(line.unit_price),
                    total=Money.of(line.total),
                )
                for line in order.lines
            ],
            totals=OrderTotals(
                subtotal=Money.of(totals.subtotal),
                shipping=Money.maybe(totals.shipping),
                tax=Money.maybe(totals.tax),
                discounts=Money.maybe(totals.discounts),
                total=Money.of(totals.total),
            ),
            _record=order,
        )

    @strawberry.field(description="The customer who placed the order, when known.")
    async def customer(
        self, info: Info
    ) -> Annotated[Customer, strawberry.lazy("schema.customers.types")] | None:
        from schema.customers.types import Customer

        record = self._record
        if record.customer_external_id is None:
            return None
        found = await info.context.data.customer(
            GlobalId("Customer", record.source, record.customer_external_id), at=info.path
        )
        return None if found is None else Customer.of(found)


@strawberry.type
class OrderEdge:
    cursor: str
    node: Order


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    nodes: list[Order]
    page_info: PageInfo

    @classmethod
    def of(cls, paged: Paged[models.Order]) -> OrderConnection:
        nodes = [Order.of(order) for order in paged.items]
        edges = [OrderEdge(cursor=c, node=n) for c, n in zip(paged.cursors, nodes, strict=True)]
        return cls(edges=edges, nodes=nodes, page_info=paged.page_info)
