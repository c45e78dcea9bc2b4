"""The schema's data access, implemented over routed connectors with per-request loaders.

One :class:`GatewayData` per request. It decides which connector answers (the catalog's
owner, the system a global ID names, every inventory system at once) and asks through
DataLoaders, so N products with variants and stock cost the same few back-end calls as one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from aiodataloader import DataLoader

from connectors.base import Connector
from connectors.capabilities import Capability, CatalogSource, InventorySource
from connectors.models import (
    Customer,
    InventoryLevel,
    Location,
    LocationKind,
    LocationRef,
    Order,
    OrderPageRequest,
    Page,
    Product,
    Variant,
)
from gateway.loaders import (
    CustomerByIdLoader,
    CustomersByEmailLoader,
    InventoryBySkuLoader,
    OrderByIdLoader,
    OrdersByCustomerLoader,
    ProductByHandleLoader,
    ProductByIdLoader,
    VariantBySkuLoader,
)
from gateway.runtime import Gateway
from schema.ids import GlobalId

__all__ = ["GatewayData", "normalise_email"]

L = TypeVar("L", bound=DataLoader[Any, Any])


def normalise_email(email: str) -> str:
    return email.strip().lower()


class GatewayData:
    """:class:`schema.context.DataAccess` for one request."""

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._loaders: dict[tuple[type[DataLoader[Any, Any]], str], DataLoader[Any, Any]] = {}
        self._inventory: InventoryBySkuLoader | None = None
        self._locations: asyncio.Task[dict[LocationRef, Location]] | None = None

    def _loader(self, kind: Callable[[Connector[Any]], L], connector: Connector[Any]) -> L:
        key = (kind, connector.instance)
        loader = self._loaders.get(key)  # type: ignore[arg-type]
        if loader is None:
            loader = self._loaders[key] = kind(connector)  # type: ignore[index]
        return cast(L, loader)

    # -- catalog -------------------------------------------------------------------------

    def _catalog(self) -> Connector[Any]:
        return self._gateway.serving(Capability.CATALOG)[0]

    async def product(self, id: GlobalId) -> Product | None:
        connector = self._gateway.owner(id.source, Capability.CATALOG)
        if connector is None:
            return None
        product: Product | None = await self._loader(ProductByIdLoader, connector).load(
            id.external_id
        )
        return product

    async def product_by_handle(self, handle: str) -> Product | None:
        product: Product | None = await self._loader(ProductByHandleLoader, self._catalog()).load(
            handle
        )
        return product

    async def product_of(self, variant: Variant) -> Product | None:
        return await self.product(GlobalId("Product", variant.source, variant.product_external_id))

    async def products(self, *, first: int, after: str | None, query: str | None) -> Page[Product]:
        catalog = cast(CatalogSource, self._catalog())
        return await catalog.list_products(first=first, after=after, query=query)

    async def variant(self, sku: str, *, source: str | None = None) -> Variant | None:
        connector = (
            self._catalog() if source is None else self._gateway.owner(source, Capability.CATALOG)
        )
        if connector is None:
            return None
        variant: Variant | None = await self._loader(VariantBySkuLoader, connector).load(sku)
        return variant

    # -- inventory -----------------------------------------------------------------------

    async def _all_locations(self) -> dict[LocationRef, Location]:
        async def load() -> dict[LocationRef, Location]:
            systems = self._gateway.serving(Capability.INVENTORY)
            answers = await asyncio.gather(*(cast(InventorySource, c).locations() for c in systems))
            return {loc.ref: loc for locations in answers for loc in locations}

        if self._locations is None:
            self._locations = asyncio.ensure_future(load())
        return await asyncio.shield(self._locations)

    async def locations(self, kind: LocationKind | None = None) -> list[Location]:
        everything = await self._all_locations()
        return [loc for loc in everything.values() if kind is None or loc.kind is kind]

    async def location(self, ref: LocationRef) -> Location | None:
        if self._gateway.owner(ref.source, Capability.INVENTORY) is None:
            return None
        return (await self._all_locations()).get(ref)

    async def inventory(
        self, sku: str, location_ids: Sequence[GlobalId] | None = None
    ) -> list[InventoryLevel]:
        if self._inventory is None:
            self._inventory = InventoryBySkuLoader(self._gateway.serving(Capability.INVENTORY))
        scope = (
            None
            if location_ids is None
            else frozenset(LocationRef(gid.source, gid.external_id) for gid in location_ids)
        )
        levels: list[InventoryLevel] = await self._inventory.load((sku, scope))
        return levels

    # -- customers and orders ----------------------------------------------------------

    async def customer(self, id: GlobalId) -> Customer | None:
        connector = self._gateway.owner(id.source, Capability.CUSTOMERS)
        if connector is None:
            return None
        customer: Customer | None = await self._loader(CustomerByIdLoader, connector).load(
            id.external_id
        )
        return customer

    async def customer_by_email(self, email: str) -> Customer | None:
        key = normalise_email(email)
        systems = self._gateway.serving(Capability.CUSTOMERS)
        answers: list[list[Customer]] = await asyncio.gather(
            *(self._loader(CustomersByEmailLoader, c).load(key) for c in systems)
        )
        # Until records from several systems merge (docs/federation.md), the first system
        # in routing order that knows the email answers.
        return next((found[0] for found in answers if found), None)

    async def customer_orders(
        self, customer: Customer, *, first: int, after: str | None
    ) -> Page[Order]:
        connector = self._gateway.owner(customer.source, Capability.ORDERS)
        if connector is None:
            return Page(items=())
        request = OrderPageRequest(customer.external_id, first, after)
        page: Page[Order] = await self._loader(OrdersByCustomerLoader, connector).load(request)
        return page

    async def order(self, id: GlobalId) -> Order | None:
        connector = self._gateway.owner(id.source, Capability.ORDERS)
        if connector is None:
            return None
        order: Order | None = await self._loader(OrderByIdLoader, connector).load(id.external_id)
        return order
