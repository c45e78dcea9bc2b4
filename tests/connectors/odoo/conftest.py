"""Shared fixtures: the Odoo sandbox in process and connectors wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from connectors.odoo import OdooConnector
from connectors.odoo.sandbox import OdooSandbox
from connectors.sandbox import Samples
from connectors.testing import SandboxTransport, connect

from .support import Connect


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> OdooSandbox:
    return OdooSandbox()


@pytest.fixture
def samples(sandbox: OdooSandbox) -> Samples:
    return sandbox.samples()


@pytest.fixture
def make_connector(sandbox: OdooSandbox) -> Connect:
    """``async with make_connector(emails_verified=True) as connector:`` - settings overridden."""

    def make(read_timeout: float = 5.0, **overrides: Any) -> Any:
        return connect(OdooConnector, sandbox, read_timeout=read_timeout, overrides=overrides)

    return make


@pytest.fixture
async def connector(sandbox: OdooSandbox, anyio_backend: str) -> AsyncIterator[Any]:
    async with connect(OdooConnector, sandbox) as connector:
        yield connector


@pytest.fixture
async def http(sandbox: OdooSandbox, anyio_backend: str) -> AsyncIterator[httpx.AsyncClient]:
    """A raw client to the sandbox with the right API key, for speaking JSON-2 directly."""
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app),
        base_url=sandbox.base_url,
        headers={
            "Authorization": f"bearer {sandbox.api_key}",
            "X-Odoo-Database": sandbox.database,
        },
    ) as client:
        yield client
