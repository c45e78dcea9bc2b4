"""What the schema needs from the gateway: one :class:`DataAccess` per request.

Resolvers reach data only through ``info.context.data``. The gateway implements it with
per-request DataLoaders over routed connectors; tests may implement it with lists. The
schema never sees a vendor or a connector, only records and global IDs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from connectors.models import (
    Customer,
    InventoryLevel,
    Location,
    LocationKind,
    LocationRef,
    Order,
    Page,
    Product,
    Variant,
)
from schema.ids import GlobalId

__all__ = ["DataAccess", "GraphContext"]


class DataAccess(Protocol):
    async def product(self, id: GlobalId) -> Product | None: ...

    async def product_by_handle(self, handle: str) -> Product | None: ...

    async def product_of(self, variant: Variant) -> Product | None:
        """The product a variant belongs to."""
        ...

    async def products(self, *, first: int, after: str | None, query: str | None) -> Page[Product]:
        """A page of the catalog; ``after`` is a ``next_cursor`` this method returned."""
        ...

    async def variant(self, sku: str, *, source: str | None = None) -> Variant | None: ...

    async def locations(self, kind: LocationKind | None = None) -> list[Location]: ...

    async def location(self, ref: LocationRef) -> Location | None: ...

    async def inventory(
        self, sku: str, location_ids: Sequence[GlobalId] | None = None
    ) -> list[InventoryLevel]:
        """Stock for one SKU at every location (or those given), from every system."""
        ...

    async def customer(self, id: GlobalId) -> Customer | None: ...

    async def customer_by_email(self, email: str) -> Customer | None: ...

    async def customer_orders(
        self, customer: Customer, *, first: int, after: str | None
    ) -> Page[Order]:
        """A page of the customer's orders, newest first."""
        ...

    async def order(self, id: GlobalId) -> Order | None: ...


@dataclass
class GraphContext:
    data: DataAccess
    #: Whatever the HTTP layer wants resolvers and extensions to see (request, auth).
    extras: dict[str, Any] = field(default_factory=dict)
