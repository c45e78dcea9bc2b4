"""Root fields for customers."""

from __future__ import annotations

import strawberry

from schema.context import GraphContext
from schema.customers.types import Customer
from schema.errors import BadUserInput
from schema.ids import decode_as

__all__ = ["CustomerQuery"]


@strawberry.type
class CustomerQuery:
    @strawberry.field(description="One customer, by `id` or by `email` (give exactly one).")
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
