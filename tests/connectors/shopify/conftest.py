"""Shared fixtures: the Shopify sandbox in process and connectors wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from connectors.sandbox import Samples
from connectors.shopify import ShopifyConnector
from connectors.shopify.sandbox import ShopifySandbox
from connectors.testing import connect

from .support import client_for


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> ShopifySandbox:
    return ShopifySandbox()


@pytest.fixture
def samples(sandbox: ShopifySandbox) -> Samples:
    return sandbox.samples()


@pytest.fixture
async def connector(sandbox: ShopifySandbox, anyio_backend: str) -> AsyncIterator[Any]:
    async with connect(ShopifyConnector, sandbox) as connector:
        yield connector


@pytest.fixture
async def http(sandbox: ShopifySandbox, anyio_backend: str) -> AsyncIterator[httpx.AsyncClient]:
    """A raw client to the sandbox, with the right token, for speaking GraphQL directly."""
    async with client_for(sandbox) as client:
        yield client
