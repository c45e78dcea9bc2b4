"""The class a connector author subclasses.

A connector is one small class: class attributes for its name, settings and capabilities,
one ``async def`` per capability method, and a ``ping``. It receives its
``httpx.AsyncClient`` — built by the gateway at start-up, or by a test around a sandbox —
and never builds one itself::

    @dataclass(frozen=True)
    class AcmeSettings:
        base_url: str
        api_key: Secret

    class AcmeConnector(Connector[AcmeSettings]):
        name = "acme"
        settings_type = AcmeSettings
        capabilities = frozenset({Capability.CATALOG})
        sandbox = "acme_connector.sandbox:AcmeSandbox"

        async def products(self, ids): ...
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

import httpx

from connectors.capabilities import Capability, protocol_for
from connectors.quota import Quota

__all__ = ["Connector"]

SettingsT = TypeVar("SettingsT")


class Connector(Generic[SettingsT]):
    #: The name config and entry points use (``[connectors.shop] type = "shopify"``).
    name: ClassVar[str]
    #: A frozen dataclass; the gateway builds it from the connector's config table.
    settings_type: ClassVar[type[Any]]
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    #: ``"module:Class"`` of the connector's sandbox, imported only when asked for.
    sandbox: ClassVar[str | None] = None

    def __init__(
        self, settings: SettingsT, client: httpx.AsyncClient, *, instance: str = ""
    ) -> None:
        self.settings = settings
        self.client = client
        #: The name this instance has in config (``[connectors.<instance>]``); errors carry it.
        self.instance = instance or self.name
        #: The vendor's rate-limit signals beyond 429 + Retry-After, if it has any.
        self.quota: Quota | None = None

    async def ping(self) -> None:
        """Make the cheapest authenticated call the vendor allows; raise a
        :class:`~connectors.errors.ConnectorError` if it fails."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release what the connector holds beyond its client (which its owner closes)."""

    @classmethod
    def missing_capability_methods(cls) -> dict[Capability, list[str]]:
        """Declared capabilities whose Protocol methods the class lacks; empty when sound."""
        missing: dict[Capability, list[str]] = {}
        for capability in cls.capabilities:
            protocol = protocol_for(capability)
            names = [
                name
                for name in protocol.__dict__
                if not name.startswith("_") and callable(protocol.__dict__[name])
            ]
            absent = [name for name in names if not callable(getattr(cls, name, None))]
            if absent:
                missing[capability] = absent
        return missing
