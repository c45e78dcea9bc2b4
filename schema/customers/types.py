"""Customers."""

from __future__ import annotations

from datetime import datetime

import strawberry

from connectors import models
from schema.common import Address, FieldSource, Identity, Warning
from schema.context import GraphContext
from schema.ids import encode
from schema.orders.types import OrderConnection
from schema.relay import Node, Paged, PageInfo, paginate

__all__ = ["Customer", "CustomerConnection", "CustomerEdge", "Loyalty"]

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

    @strawberry.field(description="Every record of this person, in every system that has one.")
    def identities(self) -> list[Identity]:
        records = self._record.identities or (
            models.Identity(self._record.source, self._record.external_id),
        )
        return [Identity(system=i.system, external_id=i.external_id) for i in records]

    @strawberry.field(
        description="Which system gave which field (for debugging a surprising value)."
    )
    def sources(self, info: Info) -> list[FieldSource]:
        return [
            FieldSource(field=_camel(s.field), system=s.system, external_id=s.external_id)
            for s in info.context.data.sources(self._record)
        ]

    @strawberry.field(
        description="Records that looked like this person but were not merged, and why "
        "(AMBIGUOUS_MATCH: a system holds the person twice; UNVERIFIED_EMAIL: a system has "
        "not confirmed the address)."
    )
    def warnings(self, info: Info) -> list[Warning]:
        return [
            Warning(code=n.code, message=n.message) for n in info.context.data.notices(self._record)
        ]

    @strawberry.field(description="The customer's orders from every channel, newest first.")
    async def orders(
        self, info: Info, first: int = 10, after: str | None = None
    ) -> OrderConnection | None:
        data = info.context.data
        record = self._record

        async def fetch(count: int, cursor: str | None) -> models.Page[models.Order]:
            return await data.customer_orders(record, first=count, after=cursor, at=info.path)

        return OrderConnection.of(await paginate(fetch, first=first, after=after))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@strawberry.type
class CustomerEdge:
    cursor: str
    node: Customer


@strawberry.type
class CustomerConnection:
    edges: list[CustomerEdge]
    nodes: list[Customer]
    page_info: PageInfo

    @classmethod
    def of(cls, paged: Paged[models.Customer]) -> CustomerConnection:
        nodes = [Customer.of(customer) for customer in paged.items]
        edges = [CustomerEdge(cursor=c, node=n) for c, n in zip(paged.cursors, nodes, strict=True)]
        return cls(edges=edges, nodes=nodes, page_info=paged.page_info)
