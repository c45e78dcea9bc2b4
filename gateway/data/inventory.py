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

    async def places(
        self, levels: Sequence[InventoryLevel], *, at: Path | None = None
    ) -> list[Location | None]:
        """Each level's location, one (cached) locations call per system; a system that
        fails is reported at ``at`` and its levels' locations are ``None``."""
        indexes = self._place_indexes
        sources = {level.location.source for level in levels}
        # Every variant on a page asks at once: the first asks each system, the rest wait.
        loading = [self._indexing(source, at) for source in sources if source not in indexes]
        for task in loading:  # started together; awaited in turn, cheaper than gather
            await task
        for source in sources:
            failure = self._place_failures.get(source)
            if failure is not None:
                self._problem(failure, at)
        empty: dict[str, Location] = {}
        # Keyed by external id within a system: a str caches its hash, a LocationRef
        # (a dataclass) hashes in Python on every lookup.
        return [
            indexes.get((ref := lv.location).source, empty).get(ref.external_id) for lv in levels
        ]

    def _indexing(self, source: str, at: Path | None) -> asyncio.Future[None]:
        task = self._place_tasks.get(source)
        if task is None:
            task = self._place_tasks[source] = asyncio.ensure_future(self._index(source, at))
        return task

    async def _index(self, source: str, at: Path | None) -> None:
        owner = self._gateway.owner(source, Capability.INVENTORY)
        if owner is None:
            self._place_indexes[source] = {}
            return
        try:
            found = await self._locations_of(owner, at)
        except ConnectorError as exc:
            self._place_failures[source] = exc
            return
        self._place_indexes[source] = {
            location.external_id: location for location in found if location.source == source
        }

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
        self._kinds_read.add(InventoryBySkuLoader.kind)
        if self._inventory is None:
            self._inventory = InventoryBySkuLoader(
                self._gateway.serving(Capability.INVENTORY),
                self._cache,
                aliases=self._gateway.location_aliases,
            )
        if with_places and len(self._place_tasks) < len(self._inventory.systems):
            for system in self._inventory.systems:
                self._indexing(system, at)
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
