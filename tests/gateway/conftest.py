from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config import GatewayConfig, parse_config
from gateway.testing import GatewayClient
from tests import fakes

FAKE_RAW: dict[str, Any] = {
    "connectors": {
        "stores": {"type": "fake", "token": "${FAKE_TOKEN}"},
        "warehouses": {"type": "fake", "token": "t2", "holds": "warehouses"},
    },
    "routing": {
        "catalog": "stores",
        "inventory": ["stores", "warehouses"],
        "customers": ["stores"],
        "orders": ["stores"],
    },
    "auth": {
        "api_keys": [
            {"name": "tests-admin", "key": "tests-admin-key-0123456789", "scopes": ["admin"]}
        ]
    },
}
#: Routing and federation tests read as an admin; auth has its own tests.
ADMIN = {"x-api-key": "tests-admin-key-0123456789"}


def fake_config(raw: dict[str, Any] | None = None, **env: str) -> GatewayConfig:
    return parse_config(
        raw or FAKE_RAW, {"FAKE_TOKEN": "t1", **env}, find_connector=fakes.find_connector
    )


def _no_http(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"the in-memory back end made an HTTP call: {request.url}")


def fake_app(config: GatewayConfig | None = None, **options: Any) -> Starlette:
    """The gateway over the in-memory back ends (``config``: :func:`fake_config`'s by
    default); any HTTP call a connector makes fails the test. ``options`` go to
    :func:`create_app`."""
    return create_app(
        config or fake_config(),
        transport_factory=lambda spec: httpx.MockTransport(_no_http),
        **options,
    )


@pytest.fixture
def fake_client(fake_state: fakes.FakeState) -> Iterator[GatewayClient]:
    with GatewayClient(fake_app(), headers=ADMIN) as client:
        yield client
