"""Per-request plumbing shared by the parts of :class:`~gateway.data.GatewayData`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar, cast

from aiodataloader import DataLoader
from graphql.pyutils import Path

from connectors.base import Connector
from connectors.errors import ConnectorError
from connectors.models import (
    Customer,
    Identity,
    Location,
)
from gateway.auth.principal import ADMIN, Principal
from gateway.cache import EntityCache, Lookup
from gateway.errors import describe
from gateway.federation import Merge
from gateway.loaders import InventoryBySkuLoader
from gateway.runtime import Gateway

L = TypeVar("L", bound=DataLoader[Any, Any])
V = TypeVar("V")


__all__ = ["RequestData"]


class RequestData:
    """The state and plumbing every part of a request's data access shares: the routed
    connectors, per-request loaders over the entity cache, the principal, and the notes
    the response carries (``problems``, ``stale``)."""

    def __init__(self, gateway: Gateway, *, principal: Principal | None = None) -> None:
        self._gateway = gateway
        self._cache: EntityCache = gateway.cache
        self.principal = principal or Principal.anonymous("local", scopes=frozenset({ADMIN}))
        # Private records (customers, orders) are cached per principal, never shared.
        self._scope = self.principal.key or f"{self.principal.kind}:{self.principal.name}"
        self._me: asyncio.Future[Customer | None] | None = None
        self._loaders: dict[tuple[Callable[..., Any], str], DataLoader[Any, Any]] = {}
        self._inventory: InventoryBySkuLoader | None = None
        #: Each inventory system's locations by external id, the systems that failed, and
        #: those served stale: (the connector, seconds since its locations were fetched).
        self._place_indexes: dict[str, dict[str, Location]] = {}
        self._place_failures: dict[str, ConnectorError] = {}
        self._place_ages: dict[str, tuple[str, float]] = {}
        self._place_tasks: dict[str, asyncio.Future[None]] = {}
        #: The cached record kinds this request read, and whether it read anything private
        #: (what decides whether its answer may be kept: ``response_ttl``).
        self._kinds_read: set[str] = set()
        self._read_private = False
        self.problems: list[dict[str, Any]] = []
        self.stale: list[dict[str, Any]] = []
        #: Merged customers this request answered with, by their (source, external_id).
        self._merges: dict[tuple[str, str], Merge] = {}
        #: (source, sku) -> where the variant's price came from, when not the catalog.
        self._price_sources: dict[tuple[str, str], Identity] = {}

    # -- plumbing ------------------------------------------------------------------------

    def _loader(
        self,
        kind: Callable[[Connector[Any], EntityCache, str], L],
        connector: Connector[Any],
        *,
        private: bool = False,
    ) -> L:
        if private:
            self._read_private = True
        else:
            self._kinds_read.add(getattr(kind, "kind", ""))
        key = (kind, connector.instance)
        loader = self._loaders.get(key)
        if loader is None:
            scope = self._scope if private else "public"
            loader = self._loaders[key] = kind(connector, self._cache, scope)
        return cast(L, loader)

    def _private(self) -> None:
        """This request reads someone's data: its answer is never kept."""
        self._read_private = True

    def response_ttl(self) -> float:
        """How long this request's answer may be kept whole (``gateway.server.responses``):
        the shortest ``fresh`` of the kinds it read, or 0 if it read anything private, had
        problems or stale values, or read a kind that is not cached."""
        if self._read_private or self.problems or self.stale or not self._kinds_read:
            return 0.0
        try:
            return min(self._cache.policy(kind).fresh for kind in self._kinds_read)
        except KeyError:
            return 0.0

    def _note(self, lookup: Lookup[Any], connector: str, at: Path | None) -> None:
        age = lookup.age_if_owner_failed
        if age is not None:
            self._stale(connector, age, at)

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
