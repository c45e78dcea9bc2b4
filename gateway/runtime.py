"""The running gateway: one HTTP client and one connector per configured back end.

Built once at start-up from the config, shared by every request. Requests reach the
connectors through :class:`gateway.data.GatewayData`, never directly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from connectors.base import Connector
from connectors.capabilities import Capability
from connectors.errors import ConnectorError
from connectors.models import LocationRef
from gateway.cache import CacheBackend, EntityCache, MemoryBackend, RedisBackend
from gateway.config import ConnectorConfig, GatewayConfig
from gateway.metrics import Metrics
from gateway.resilience.transport import ResilientTransport

__all__ = ["Gateway", "TransportFactory", "default_transport"]

log = logging.getLogger(__name__)

#: Builds the transport that carries one back end's bytes. The gateway puts its resilient
#: transport over it and an httpx client over that.
TransportFactory = Callable[[ConnectorConfig], httpx.AsyncBaseTransport]


def default_transport(config: ConnectorConfig) -> httpx.AsyncBaseTransport:
    """Production: keep-alive connections over aiohttp, capped per back end."""
    from gateway.http import AiohttpTransport

    return AiohttpTransport(max_connections=config.http.max_connections)


class Gateway:
    def __init__(
        self,
        config: GatewayConfig,
        *,
        transport_factory: TransportFactory | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.config = config
        self._transport_factory = transport_factory or default_transport
        self.metrics = metrics or Metrics()
        self._clients: dict[str, httpx.AsyncClient] = {}
        self.transports: dict[str, ResilientTransport] = {}
        self.connectors: dict[str, Connector[Any]] = {}
        self.cache = self._build_cache()
        #: A location one system knows -> the same place in the system owning its stock.
        self.location_aliases: dict[LocationRef, LocationRef] = config.federation.location_aliases()

    def _build_cache(self) -> EntityCache:
        settings = self.config.cache
        backend: CacheBackend
        if settings.backend == "redis":
            assert settings.redis_url is not None
            backend = RedisBackend(settings.redis_url, namespace=settings.namespace)
        else:
            backend = MemoryBackend(settings.max_entries)
        lookups = self.metrics.cache_lookups
        counters: dict[tuple[str, str], Any] = {}  # labels() hashes and locks on every call

        def count(kind: str, outcome: str, keys: int) -> None:
            counter = counters.get((kind, outcome))
            if counter is None:
                counter = counters[kind, outcome] = lookups.labels(kind, outcome)
            counter.inc(keys)

        return EntityCache(backend, settings.policies, on_lookup=count)

    async def start(self) -> None:
        from gateway.http import build_client

        for name, spec in self.config.connectors.items():
            transport = ResilientTransport(
                self._transport_factory(spec),
                settings=spec.resilience,
                metrics=self.metrics.backend(name),
            )
            client = build_client(
                timeout=spec.http.timeout,
                connect_timeout=spec.http.connect_timeout,
                transport=transport,
            )
            connector = spec.connector_class(spec.settings, client, instance=name)
            transport.quota = connector.quota
            self.transports[name] = transport
            self._clients[name] = client
            self.connectors[name] = connector

    async def aclose(self) -> None:
        for connector in self.connectors.values():
            await connector.aclose()
        for client in self._clients.values():
            await client.aclose()
        self.connectors.clear()
        self._clients.clear()
        self.transports.clear()
        await self.cache.aclose()
        self.cache = self._build_cache()

    async def __aenter__(self) -> Gateway:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def serving(self, capability: Capability) -> list[Connector[Any]]:
        """The connectors routed to ``capability``, in precedence order."""
        routing = self.config.routing
        names = {
            Capability.CATALOG: (routing.catalog,),
            Capability.INVENTORY: routing.inventory,
            Capability.CUSTOMERS: routing.customers,
            Capability.ORDERS: routing.orders,
        }[capability]
        return [self.connectors[name] for name in names]

    @property
    def price_authority(self) -> Connector[Any] | None:
        """The connector whose variant prices override the catalog's, if configured."""
        name = self.config.federation.price_authority
        return None if name is None else self.connectors.get(name)

    def owner(self, source: str, capability: Capability) -> Connector[Any] | None:
        """The connector named ``source`` if it is routed to ``capability``."""
        connector = self.connectors.get(source)
        if connector is None or connector not in self.serving(capability):
            return None
        return connector

    async def readiness(self, deadline: float = 5.0) -> Mapping[str, str | None]:
        """Ping every connector at once: name -> ``None`` when ready, else why not."""

        async def ping(connector: Connector[Any]) -> str | None:
            try:
                async with asyncio.timeout(deadline):
                    await connector.ping()
            except TimeoutError:
                return "no answer in time"
            except ConnectorError as exc:
                log.warning("readiness: %s", exc)
                return type(exc).__name__
            return None

        names = list(self.connectors)
        results = await asyncio.gather(*(ping(self.connectors[n]) for n in names))
        return dict(zip(names, results, strict=True))
