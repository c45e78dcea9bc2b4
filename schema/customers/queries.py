"""Root fields for customers."""

from __future__ import annotations

import strawberry

from connectors import models
from connectors.models import Page
from schema.context import GraphContext
from schema.customers.types import Customer, CustomerConnection
from schema.errors import BadUserInput
from schema.ids import decode_as
from schema.permissions import CanReadCustomers, IsAdmin
from schema.relay import paginate

__all__ = ["CustomerQuery"]


@strawberry.type
class CustomerQuery:
    @strawberry.field(
        description="One customer, by `id` or by `email` (give exactly one). A customer "
        "session sees only itself; anyone else's answers null, as if missing.",
        permission_classes=[CanReadCustomers],
    )
    async def customer(
        self,
        info: strawberry.Info[GraphContext, None],
        id: strawberry.ID | None = None,
        email: str | None = None,
    ) -> Customer | None:
        if (id is None) == (email is None):
            raise BadUserInput("give exactly one of `id` and `email`")
        data = info.context.data
        if id is not None:
            found = await data.customer(decode_as(id, "Customer"), at=info.path)
        else:
            assert email is not None
            found = await data.customer_by_email(email, at=info.path)
        return None if found is None else Customer.of(found)

    @strawberry.field(
        description="Every customer, a page at a time, each person once however many "
        "systems hold them; `query` filters by name or email. Admins only.",
        permission_classes=[IsAdmin],
    )
    async def customers(
        self,
        info: strawberry.Info[GraphContext, None],
        first: int = 20,
        after: str | None = None,
        query: str | None = None,
    ) -> CustomerConnection | None:
        data = info.context.data

        async def fetch(count: int, cursor: str | None) -> Page[models.Customer]:
            return await data.customers(first=count, after=cursor, query=query, at=info.path)

        return CustomerConnection.of(await paginate(fetch, first=first, after=after))
