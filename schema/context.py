"""What the schema needs from the gateway: one :class:`DataAccess` per request.

Resolvers reach data only through ``info.context.data``. The gateway implements it with
per-request DataLoaders over routed connectors; tests may implement it with lists. The
schema never sees a vendor or a connector, only records and global IDs.

Every method takes ``at``: where in the response its answer goes (``info.path``). The data
layer uses it to report what it could not fully answer — a stale value, a system that did
not answer for part of a list — at the right place, without failing the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql.pyutils import Path

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
from schema.permissions import Unrestricted, Viewer

__all__ = ["DataAccess", "FieldSource", "GraphContext", "Notice", "Places"]


#: Locations by system, then by external id: where a level is, ``places[ref.source]
#: [ref.external_id]`` for its ``location`` ref (:meth:`DataAccess.places`).
Places = Mapping[str, Mapping[str, Location]]


@dataclass(frozen=True, slots=True)
class FieldSource:
    """Which system's record gave a field of a merged object."""

    field: str
    system: str
    external_id: str


@dataclass(frozen=True, slots=True)
class Notice:
    """A soft problem with an answer: something it could not do, and why."""

    code: str
    message: str


class DataAccess(Protocol):
    async def product(
        self, id: GlobalId, *, at: Path | None = None, with_stock: bool = False
    ) -> Product | None:
        """``with_stock``: the caller will read every variant's stock and its locations,
        so they are fetched now, beside the product (see :meth:`inventory_now`)."""
        ...

    async def product_by_handle(
        self, handle: str, *, at: Path | None = None, with_stock: bool = False
    ) -> Product | None: ...

    async def product_of(self, variant: Variant, *, at: Path | None = None) -> Product | None:
        """The product a variant belongs to."""
        ...

    async def products(
        self,
        *,
        first: int,
        after: str | None,
        query: str | None,
        at: Path | None = None,
        with_stock: bool = False,
    ) -> Page[Product]:
        """A page of the catalog; ``after`` is a ``next_cursor`` this method returned.
        ``with_stock`` as for :meth:`product`."""
        ...

    async def variant(
        self, sku: str, *, source: str | None = None, at: Path | None = None
    ) -> Variant | None: ...

    async def locations(
        self, kind: LocationKind | None = None, *, at: Path | None = None
    ) -> list[Location]: ...

    async def location(self, ref: LocationRef, *, at: Path | None = None) -> Location | None: ...

    async def places(self, levels: Sequence[InventoryLevel], *, at: Path | None = None) -> Places:
        """Where ``levels`` are: the locations of every system they come from, in as few
        calls as :meth:`location` would make for one of them. A level whose location is not
        there (its system failed, and was reported at ``at``) has none to show."""
        ...

    async def inventory(
        self,
        sku: str,
        location_ids: Sequence[GlobalId] | None = None,
        *,
        at: Path | None = None,
        with_places: bool = False,
    ) -> list[InventoryLevel]:
        """Stock for one SKU at every location (or those given), from every system. A
        system that fails is reported at ``at`` and the others' levels still returned.
        ``with_places``: :meth:`places` will be asked for these levels (so the locations
        may be fetched beside the stock)."""
        ...

    def inventory_now(
        self, sku: str, location_ids: Sequence[GlobalId] | None = None, *, at: Path | None = None
    ) -> list[InventoryLevel] | None:
        """What :meth:`inventory` would answer, if it is at hand without waiting (fetched
        ahead ``with_stock``), reported the same way; ``None`` if it must be fetched."""
        ...

    def places_now(
        self, levels: Sequence[InventoryLevel], *, at: Path | None = None
    ) -> Places | None:
        """What :meth:`places` would answer, if at hand without waiting; else ``None``."""
        ...

    async def customer(self, id: GlobalId, *, at: Path | None = None) -> Customer | None: ...

    async def customer_by_email(self, email: str, *, at: Path | None = None) -> Customer | None: ...

    async def customers(
        self, *, first: int, after: str | None, query: str | None, at: Path | None = None
    ) -> Page[Customer]:
        """A page of customers, each person once however many systems hold them."""
        ...

    def sources(self, record: Customer | Variant) -> list[FieldSource]:
        """Which system gave which field of a record this request answered with."""
        ...

    def notices(self, record: Customer) -> list[Notice]:
        """What was not merged into a customer, and why."""
        ...

    async def customer_orders(
        self, customer: Customer, *, first: int, after: str | None, at: Path | None = None
    ) -> Page[Order]:
        """A page of the customer's orders, newest first."""
        ...

    async def order(self, id: GlobalId, *, at: Path | None = None) -> Order | None: ...


@dataclass
class GraphContext:
    data: DataAccess
    #: Who is asking: field permissions check its scopes (schema/permissions.py).
    viewer: Viewer = field(default_factory=Unrestricted)
    #: Whatever the HTTP layer wants resolvers and extensions to see (the request).
    extras: dict[str, Any] = field(default_factory=dict)
    #: Views resolvers built this request, to share rather than rebuild (a location that
    #: stocks every SKU on a page is one object in the answer, however often it appears).
    memo: dict[Any, Any] = field(default_factory=dict)
