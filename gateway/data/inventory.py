"""Locations and stock, unioned across every inventory system."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from graphql.pyutils import Path

from connectors.base import Connector
from connectors.capabilities import Capability
from connectors.errors import ConnectorError
from connectors.models import (
    InventoryLevel,
    Location,
    LocationKind,
    LocationRef,
)
from gateway.data.base import RequestData
from gateway.loaders import (
    InventoryBySkuLoader,
    LocationsBySystemLoader,
    Stock,
)
from schema.context import Places
from schema.ids import GlobalId

__all__ = ["InventoryData"]


class InventoryData(RequestData):
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

    async def places(self, levels: Sequence[InventoryLevel], *, at: Path | None = None) -> Places:
        """Every location of the systems ``levels`` come from, one (cached) locations call
        per system; a system that fails is reported at ``at`` and has no locations."""
        indexes = self._place_indexes
        sources = {level.location.source for level in levels}
        # Every variant on a page asks at once: the first asks each system, the rest wait.
        loading = [self._indexing(source) for source in sources if source not in indexes]
        for task in loading:  # started together; awaited in turn, cheaper than gather
            await task
        self._report_places(sources, at)
        return indexes

    def places_now(
        self, levels: Sequence[InventoryLevel], *, at: Path | None = None
    ) -> Places | None:
        indexes = self._place_indexes
        systems = self._inventory.systems if self._inventory is not None else ()
        if len(indexes) == len(systems) and not self._place_failures and not self._place_ages:
            # Every inventory system's locations are here, none failed or stale: nothing
            # to report, and a level of any other system has no location to show.
            return indexes
        sources = {level.location.source for level in levels}
        for source in sources:
            if source not in indexes and source not in self._place_failures:
                return None
        self._report_places(sources, at)
        return indexes

    def _report_places(self, sources: set[str], at: Path | None) -> None:
        for source in sources:
            failure = self._place_failures.get(source)
            if failure is not None:
                self._problem(failure, at)
            aged = self._place_ages.get(source)
            if aged is not None:
                self._stale(*aged, at)

    def _indexing(self, source: str) -> asyncio.Future[None]:
        task = self._place_tasks.get(source)
        if task is None:
            task = self._place_tasks[source] = asyncio.ensure_future(self._index(source))
        return task

    async def _index(self, source: str) -> None:
        """Index ``source``'s locations, noting (for :meth:`_placed` to report where they
        are shown) whether the system failed or its locations are served stale."""
        owner = self._gateway.owner(source, Capability.INVENTORY)
        if owner is None:
            self._place_indexes[source] = {}
            return
        lookup = await self._loader(LocationsBySystemLoader, owner).load("all")
        if lookup.error is not None:
            self._place_failures[source] = lookup.error
            return
        age = lookup.age_if_owner_failed
        if age is not None:
            self._place_ages[source] = (owner.instance, age)
        self._place_indexes[source] = {
            location.external_id: location
            for location in lookup.value or ()
            if location.source == source
        }

    def _stock_loader(self) -> InventoryBySkuLoader:
        self._kinds_read.add(InventoryBySkuLoader.kind)
        if self._inventory is None:
            self._inventory = InventoryBySkuLoader(
                self._gateway.serving(Capability.INVENTORY),
                self._cache,
                aliases=self._gateway.location_aliases,
            )
        return self._inventory

    def _index_places(self) -> None:
        """Start fetching every inventory system's locations (each once a request)."""
        systems = self._stock_loader().systems
        if len(self._place_tasks) < len(systems):
            for system in systems:
                self._indexing(system)

    async def _fetch_stock_ahead(self, skus: Sequence[str]) -> None:
        """Fetch ``skus``' stock and every inventory system's locations now, for a caller
        that will read them all: :meth:`inventory_now` and :meth:`places_now` then answer
        without waiting. Reports nothing; the fields that read the stock do."""
        self._index_places()
        await self._stock_loader().fetch_ahead(skus)
        await asyncio.gather(*self._place_tasks.values(), return_exceptions=True)

    async def inventory(
        self,
        sku: str,
        location_ids: Sequence[GlobalId] | None = None,
        *,
        at: Path | None = None,
        with_places: bool = False,
    ) -> list[InventoryLevel]:
        """``sku``'s stock at every location (or at ``location_ids``). ``with_places``: the
        caller will ask :meth:`places` for these levels, so every inventory system's
        locations are fetched now, beside the stock, instead of after it."""
        loader = self._stock_loader()
        if with_places:
            self._index_places()
        stock: Stock = await loader.load((sku, _scope(location_ids)))
        return self._levels(stock, at)

    def inventory_now(
        self, sku: str, location_ids: Sequence[GlobalId] | None = None, *, at: Path | None = None
    ) -> list[InventoryLevel] | None:
        loader = self._inventory
        if loader is None:
            return None
        stock = loader.fetched((sku, _scope(location_ids)))
        return None if stock is None else self._levels(stock, at)

    def _levels(self, stock: Stock, at: Path | None) -> list[InventoryLevel]:
        if stock.failures and not stock.levels:
            # Nothing to show: the field is null with the first system's error.
            raise stock.failures[0]
        for failure in stock.failures:
            self._problem(failure, at)
        for system, age in stock.ages.items():
            self._stale(system, age, at)
        return stock.levels


def _scope(location_ids: Sequence[GlobalId] | None) -> frozenset[LocationRef] | None:
    if location_ids is None:
        return None
    return frozenset(LocationRef(gid.source, gid.external_id) for gid in location_ids)
