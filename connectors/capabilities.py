"""What a connector can do: one small Protocol per capability.

Reads are batch-first. They take many keys and return one result per key, in key order,
``None`` (or an empty list) where the vendor has nothing — so the gateway can feed them from
per-request DataLoaders and a page of 100 products costs one call per back end, not 100.

Every method raises only :mod:`connectors.errors` exceptions. Writes (reservations,
customer upserts, order creation, payments, returns) arrive with the checkout work as their
own Protocols, each taking an idempotency key; the read Protocols here will not change.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from connectors.models import (
    Customer,
    Identity,
    InventoryLevel,
    Location,
    Order,
    OrderPageRequest,
    Page,
    Product,
    Variant,
)

__all__ = [
    "Capability",
    "CatalogSource",
    "CustomerDirectory",
    "CustomerLinks",
    "CustomerSource",
    "InventorySource",
    "OrderSource",
    "protocol_for",
]


class Capability(enum.Enum):
    CATALOG = "catalog"
    INVENTORY = "inventory"
    CUSTOMERS = "customers"
    ORDERS = "orders"


@runtime_checkable
class CatalogSource(Protocol):
    async def products(self, ids: Sequence[str]) -> list[Product | None]:
        """Products by the vendor's IDs, with their variants; ``None`` where missing."""
        ...

    async def products_by_handle(self, handles: Sequence[str]) -> list[Product | None]:
        """Products by URL handle (slug); ``None`` where missing."""
        ...

    async def list_products(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Product]:
        """One page of products in the vendor's stable order, optionally filtered by
        free text. ``after`` is a ``next_cursor`` from an earlier page of the same query."""
        ...

    async def variants(self, skus: Sequence[str]) -> list[Variant | None]:
        """Variants by SKU; ``None`` where no variant has that SKU."""
        ...


@runtime_checkable
class InventorySource(Protocol):
    async def locations(self) -> list[Location]:
        """Every location this system holds stock for (stores, warehouses, DCs)."""
        ...

    async def levels(
        self, skus: Sequence[str], location_ids: Sequence[str] | None = None
    ) -> list[list[InventoryLevel]]:
        """Stock per SKU, one list per SKU in key order, at the given locations (the
        vendor's location IDs) or at all of them when ``location_ids`` is ``None``. A SKU
        the system does not stock gets an empty list."""
        ...


@runtime_checkable
class CustomerSource(Protocol):
    async def customers(self, ids: Sequence[str]) -> list[Customer | None]:
        """Customers by the vendor's IDs; ``None`` where missing."""
        ...

    async def customers_by_email(self, emails: Sequence[str]) -> list[list[Customer]]:
        """Every customer record per email (case-insensitive), in key order. Usually one;
        an empty list when none; several when the system holds duplicates — the caller
        decides what an ambiguous match means."""
        ...


@runtime_checkable
class CustomerDirectory(Protocol):
    """Optional, beside :class:`CustomerSource`: a system that can list its customers."""

    async def list_customers(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Customer]:
        """One page of the system's customers in its stable order, optionally filtered by
        free text (a name or an email). ``after`` is a ``next_cursor`` of the same query."""
        ...


@runtime_checkable
class CustomerLinks(Protocol):
    """Optional, beside :class:`CustomerSource`: a system that stores keys other systems
    share (the retailer's customer number, another system's ID) and can look them up."""

    async def customers_by_identity(self, identities: Sequence[Identity]) -> list[list[Customer]]:
        """Every customer record carrying each identity, in key order; an empty list where
        none does. The records list the identities they carry in ``Customer.identities``."""
        ...


@runtime_checkable
class OrderSource(Protocol):
    async def orders(self, ids: Sequence[str]) -> list[Order | None]:
        """Orders by the vendor's IDs; ``None`` where missing."""
        ...

    async def orders_for_customers(self, requests: Sequence[OrderPageRequest]) -> list[Page[Order]]:
        """One page of each customer's orders, newest first, in request order. A customer
        with no orders (or unknown to the system) gets an empty page."""
        ...


_PROTOCOLS: dict[Capability, type] = {
    Capability.CATALOG: CatalogSource,
    Capability.INVENTORY: InventorySource,
    Capability.CUSTOMERS: CustomerSource,
    Capability.ORDERS: OrderSource,
}


def protocol_for(capability: Capability) -> type:
    """The Protocol a connector declaring ``capability`` must implement."""
    return _PROTOCOLS[capability]
