"""Customers."""

from __future__ import annotations

from datetime import datetime

import strawberry

from connectors import models
from schema.common import Address
from schema.context import GraphContext
from schema.ids import encode
from schema.orders.types import OrderConnection
from schema.relay import Node, paginate

__all__ = ["Customer", "Loyalty"]

Info = strawberry.Info[GraphContext, None]


@strawberry.type
class Loyalty:
    points: int
    tier: str | None


@strawberry.type
class Customer(Node):
    email: str | None
    first_name: str | None
    last_name: str | None
    phones: list[str]
    addresses: list[Address]
    default_address: Address | None
    accepts_marketing: bool | None
    loyalty: Loyalty | None
    created_at: datetime | None
    _record: strawberry.Private[models.Customer]

    @classmethod
    def of(cls, customer: models.Customer) -> Customer:
        loyalty = customer.loyalty
        return cls(
            id=strawberry.ID(encode("Customer", customer.source, customer.external_id)),
            email=customer.email,
            first_name=customer.first_name,
            last_name=customer.last_name,
            phones=list(customer.phones),
            addresses=[a for a in map(Address.maybe, customer.addresses) if a is not None],
            default_address=Address.maybe(customer.default_address),
            accepts_marketing=customer.accepts_marketing,
            loyalty=None if loyalty is None else Loyalty(points=loyalty.points, tier=loyalty.tier),
            created_at=customer.created_at,
            _record=customer,
        )

    @strawberry.field(description="The customer's orders, newest first.")
    async def orders(
        self, info: Info, first: int = 10, after: str | None = None
    ) -> OrderConnection | None:
        data = info.context.data
        record = self._record

        async def fetch(count: int, cursor: str | None) -> models.Page[models.Order]:
            return await data.customer_orders(record, first=count, after=cursor, at=info.path)

        return OrderConnection.of(await paginate(fetch, first=first, after=after))
