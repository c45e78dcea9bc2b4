"""The pytest plugin (registered through the ``pytest11`` entry point).

Fixtures:

``commerce_sandboxes``
    ``{name: Sandbox}``, one fresh sandbox per installed connector. Seed or change state
    through each sandbox's attributes, read ``.requests`` / ``.api_calls()`` to assert what
    the gateway sent, and set ``.faults`` (``down``, ``throttle``, ``latency_ms``,
    ``error_rate``, ``garbage``) to inject vendor errors.
``gateway_config``
    The :class:`~gateway.config.GatewayConfig` wiring the gateway to those sandboxes.
``gateway_client``
    A :class:`~gateway.testing.GatewayClient` over the gateway app, running in process with
    its connectors talking to the sandboxes in process (no ports, no network). It asks
    anonymously, like a storefront: the catalog, prices and stock.
``admin_client``
    The same gateway, asking with the demo's admin API key: any customer, any order.
``customer_client``
    ``customer_client("yusuf.vogel@example.com")``: the same gateway, asking as that
    customer's session (a signed token): their own profile and orders only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import httpx
import pytest

from connectors.sandbox import Sandbox
from connectors.testing.transport import SandboxTransport
from gateway.app import create_app
from gateway.config import ConnectorConfig, GatewayConfig
from gateway.runtime import TransportFactory
from gateway.sandboxes import (
    DEMO_ADMIN_KEY,
    create_sandboxes,
    demo_customer_token,
    sandbox_config,
)
from gateway.testing.client import GatewayClient

__all__ = [
    "admin_client",
    "commerce_sandboxes",
    "customer_client",
    "gateway_client",
    "gateway_config",
    "sandbox_transports",
]


def sandbox_transports(sandboxes: Mapping[str, Sandbox]) -> TransportFactory:
    """Transports that reach each connector's sandbox in process (the gateway's resilient
    transport and client go on top, as in production)."""

    def build(spec: ConnectorConfig) -> httpx.AsyncBaseTransport:
        return SandboxTransport(sandboxes[spec.instance].app)

    return build


@pytest.fixture
def commerce_sandboxes() -> dict[str, Sandbox]:
    return create_sandboxes()


@pytest.fixture
def gateway_config(commerce_sandboxes: dict[str, Sandbox]) -> GatewayConfig:
    urls = {name: sandbox.base_url for name, sandbox in commerce_sandboxes.items()}
    return sandbox_config(commerce_sandboxes, urls)


@pytest.fixture
def gateway_client(
    commerce_sandboxes: dict[str, Sandbox], gateway_config: GatewayConfig
) -> Iterator[GatewayClient]:
    app = create_app(gateway_config, transport_factory=sandbox_transports(commerce_sandboxes))
    with GatewayClient(app) as client:
        yield client


@pytest.fixture
def admin_client(gateway_client: GatewayClient) -> GatewayClient:
    return gateway_client.with_headers({"x-api-key": DEMO_ADMIN_KEY})


@pytest.fixture
def customer_client(gateway_client: GatewayClient) -> Callable[[str], GatewayClient]:
    def as_customer(email: str) -> GatewayClient:
        token = demo_customer_token(email)
        return gateway_client.with_headers({"authorization": f"Bearer {token}"})

    return as_customer
