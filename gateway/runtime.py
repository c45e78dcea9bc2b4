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
from gateway.config import ConnectorConfig, GatewayConfig

__all__ = ["ClientFactory", "Gateway", "default_client_factory"]

log = logging.getLogger(__name__)

ClientFactory = Callable[[ConnectorConfig], httpx.AsyncClient]


def default_client_factory(config: ConnectorConfig) -> httpx.AsyncClient:
    """The production client: keep-alive pool on the fast transport, per-back-end limits."""
    from gateway.http import build_client

    return build_client(
        timeout=config.http.timeout,
        connect_timeout=config.http.connect_timeout,
        max_connections=config.http.max_connections,
    )


class Gateway:
    def __init__(
        self, config: GatewayConfig, *, client_factory: ClientFactory | None = None
    ) -> None:
        self.config = config
        self._client_factory = client_factory or default_client_factory
        self._clients: dict[str, httpx.AsyncClient] = {}
        self.connectors: dict[str, Connector[Any]] = {}

    async def start(self) -> None:
        for name, spec in self.config.connectors.items():
            client = self._client_factory(spec)
            self._clients[name] = client
            self.connectors[name] = spec.connector_class(spec.settings, client, instance=name)

    async def aclose(self) -> None:
        for connector in self.connectors.values():
            await connector.aclose()
        for client in self._clients.values():
            await client.aclose()
        self.connectors.clear()
        self._clients.clear()

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
