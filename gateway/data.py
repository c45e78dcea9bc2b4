"""The schema's data access, implemented over routed connectors with per-request loaders.

One :class:`GatewayData` per request. It decides which connector answers (the catalog's
owner, the system a global ID names, every inventory system at once) and asks through
DataLoaders backed by the entity cache, so N products with variants and stock cost the same
few back-end calls as one — and none while the cache is fresh.

Besides answers it keeps notes the response carries: ``problems`` (errors for the part of
an answer one system could not give, the rest kept) and ``stale`` (values served from the
cache because their owner failed, with their ages).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from aiodataloader import DataLoader
from graphql.pyutils import Path

from connectors.base import Connector
from connectors.capabilities import Capability, CatalogSource
from connectors.errors import ConnectorError
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
from gateway.cache import EntityCache, Lookup
from gateway.errors import describe
from gateway.loaders import (
    CustomerByIdLoader,
    CustomersByEmailLoader,
    InventoryBySkuLoader,
    LocationsBySystemLoader,
    OrderByIdLoader,
    OrdersByCustomerLoader,
    ProductByHandleLoader,
    ProductByIdLoader,
    Stock,
    VariantBySkuLoader,
)
from gateway.runtime import Gateway
from schema.ids import GlobalId

__all__ = ["GatewayData", "normalise_email"]

L = TypeVar("L", bound=DataLoader[Any, Any])
V = TypeVar("V")


def normalise_email(email: str) -> str:
    return email.strip().lower()


class GatewayData:
    """:class:`schema.context.DataAccess` for one request.

    ``scope`` keeps private records (customers, orders) apart in the cache: one principal's
    answers are never served to another.
    """

    def __init__(self, gateway: Gateway, *, scope: str = "anonymous") -> None:
        self._gateway = gateway
        self._cache: EntityCache = gateway.cache
        self._scope = scope
        self._loaders: dict[tuple[Callable[..., Any], str], DataLoader[Any, Any]] = {}
        self._inventory: InventoryBySkuLoader | None = None
        self.problems: list[dict[str, Any]] = []
        self.stale: list[dict[str, Any]] = []

    # -- plumbing ------------------------------------------------------------------------

    def _loader(
        self,
        kind: Callable[[Connector[Any], EntityCache, str], L],
        connector: Connector[Any],
        *,
        private: bool = False,
    ) -> L:
        key = (kind, connector.instance)
        loader = self._loaders.get(key)
        if loader is None:
            scope = self._scope if private else "public"
            loader = self._loaders[key] = kind(connector, self._cache, scope)
        return cast(L, loader)

    def _note(self, lookup: Lookup[Any], connector: str, at: Path | None) -> None:
        if lookup.outcome == "stale_if_error" and lookup.age is not None:
            self._stale(connector, lookup.age, at)

    def _stale(self, connector: str, age: float, at: Path | None) -> None:
        self.stale.append(
            {"path": at.as_list() if at else None, "connector": connector, "age": round(age, 1)}
        )

    def _problem(self, error: ConnectorError, at: Path | None) -> None:
        message, extensions = describe(error)
        extensions["partial"] = True
        note: dict[str, Any] = {"message": message, "extensions": extensions}
        if at is not None:
            note["path"] = at.as_list()
        self.problems.append(note)

    async def _get(
        self, loader: DataLoader[Any, Lookup[V]], key: Any, connector: str, at: Path | None
    ) -> V | None:
        lookup = await loader.load(key)
        if lookup.error is not None:
            raise lookup.error
        self._note(lookup, connector, at)
        return lookup.value

    # -- catalog -------------------------------------------------------------------------

    def _catalog(self) -> Connector[Any]:
        return self._gateway.serving(Capability.CATALOG)[0]

    async def product(self, id: GlobalId, *, at: Path | None = None) -> Product | None:
        connector = self._gateway.owner(id.source, Capability.CATALOG)
        if connector is None:
            return None
        loader = self._loader(ProductByIdLoader, connector)
        return await self._get(loader, id.external_id, connector.instance, at)

    async def product_by_handle(self, handle: str, *, at: Path | None = None) -> Product | None:
        connector = self._catalog()
        return await self._get(
            self._loader(ProductByHandleLoader, connector), handle, connector.instance, at
        )

    async def product_of(self, variant: Variant, *, at: Path | None = None) -> Product | None:
        return await self.product(
            GlobalId("Product", variant.source, variant.product_external_id), at=at
        )

    async def products(
        self, *, first: int, after: str | None, query: str | None, at: Path | None = None
    ) -> Page[Product]:
        # Pages are not cached: their cursors are the vendor's, and a listing is cheap.
        catalog = cast(CatalogSource, self._catalog())
        return await catalog.list_products(first=first, after=after, query=query)

    async def variant(
        self, sku: str, *, source: str | None = None, at: Path | None = None
    ) -> Variant | None:
        connector = (
            self._catalog() if source is None else self._gateway.owner(source, Capability.CATALOG)
        )
        if connector is None:
            return None
        return await self._get(
            self._loader(VariantBySkuLoader, connector), sku, connector.instance, at
        )

    # -- inventory -----------------------------------------------------------------------

    async def _locations_of(self, connector: Connector[Any], at: Path | None) -> list[Location]:
        found = await self._get(
            self._loader(LocationsBySystemLoader, connector), "all", connector.instance, at
        )
        return list(found or ())

    async def locations(
        self, kind: LocationKind | None = None, *, at: Path | None = None
    ) -> list[Location]:
        systems = self._gateway.serving(Capability.INVENTORY)
        answers = await asyncio.gather(
            *(self._locations_of(c, at) for c in systems), return_exceptions=True
        )
        found: list[Location] = []
        failures: list[ConnectorError] = []
        for answer in answers:
            if isinstance(answer, ConnectorError):
                failures.append(answer)
            elif isinstance(answer, BaseException):
                raise answer
            else:
                found.extend(answer)
        if failures and len(failures) == len(systems):
            raise failures[0]
        for failure in failures:
            self._problem(failure, at)
        aliases = self._gateway.location_aliases
        return [
            loc for loc in found if loc.ref not in aliases and (kind is None or loc.kind is kind)
        ]

    async def location(self, ref: LocationRef, *, at: Path | None = None) -> Location | None:
        connector = self._gateway.owner(ref.source, Capability.INVENTORY)
        if connector is None:
            return None
        locations = await self._locations_of(connector, at)
        return next((loc for loc in locations if loc.external_id == ref.external_id), None)

    async def inventory(
        self,
        sku: str,
        location_ids: Sequence[GlobalId] | None = None,
        *,
        at: Path | None = None,
    ) -> list[InventoryLevel]:
        if self._inventory is None:
            self._inventory = InventoryBySkuLoader(
                self._gateway.serving(Capability.INVENTORY),
                self._cache,
                aliases=self._gateway.location_aliases,
            )
        scope = (
            None
            if location_ids is None
            else frozenset(LocationRef(gid.source, gid.external_id) for gid in location_ids)
        )
        stock: Stock = await self._inventory.load((sku, scope))
        if stock.failures and not stock.levels:
            # Nothing to show: the field is null with the first system's error.
            raise stock.failures[0]
        for failure in stock.failures:
            self._problem(failure, at)
        for system, age in stock.ages.items():
            self._stale(system, age, at)
        return stock.levels

    # -- customers and orders ----------------------------------------------------------

    async def customer(self, id: GlobalId, *, at: Path | None = None) -> Customer | None:
        connector = self._gateway.owner(id.source, Capability.CUSTOMERS)
        if connector is None:
            return None
        loader = self._loader(CustomerByIdLoader, connector, private=True)
        return await self._get(loader, id.external_id, connector.instance, at)

    async def customer_by_email(self, email: str, *, at: Path | None = None) -> Customer | None:
        key = normalise_email(email)
        systems = self._gateway.serving(Capability.CUSTOMERS)
        answers: list[list[Customer] | None] = await asyncio.gather(
            *(
                self._get(
                    self._loader(CustomersByEmailLoader, c, private=True), key, c.instance, at
                )
                for c in systems
            )
        )
        # Until records from several systems merge (docs/federation.md), the first system
        # in routing order that knows the email answers.
        return next((found[0] for found in answers if found), None)

    async def customer_orders(
        self, customer: Customer, *, first: int, after: str | None, at: Path | None = None
    ) -> Page[Order]:
        connector = self._gateway.owner(customer.source, Capability.ORDERS)
        if connector is None:
            return Page(items=())
        request = OrderPageRequest(customer.external_id, first, after)
        loader = self._loader(OrdersByCustomerLoader, connector, private=True)
        page = await self._get(loader, request, connector.instance, at)
        return page if page is not None else Page(items=())

    async def order(self, id: GlobalId, *, at: Path | None = None) -> Order | None:
        connector = self._gateway.owner(id.source, Capability.ORDERS)
        if connector is None:
            return None
        loader = self._loader(OrderByIdLoader, connector, private=True)
        return await self._get(loader, id.external_id, connector.instance, at)
