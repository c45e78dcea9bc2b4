"""Shared fixtures: the SAP Commerce sandbox in process and connectors wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from connectors.sandbox import Samples
from connectors.sap_commerce import SapCommerceConnector
from connectors.sap_commerce.sandbox import SapCommerceSandbox
from connectors.testing import connect

from .support import Connect


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> SapCommerceSandbox:
    return SapCommerceSandbox()


@pytest.fixture
def samples(sandbox: SapCommerceSandbox) -> Samples:
    return sandbox.samples()


@pytest.fixture
def make_connector(sandbox: SapCommerceSandbox) -> Connect:
    """``async with make_connector(max_concurrency=2) as connector:`` - settings overridden."""

    def make(read_timeout: float = 5.0, **overrides: Any) -> Any:
        return connect(
            SapCommerceConnector, sandbox, read_timeout=read_timeout, overrides=overrides
        )

    return make


@pytest.fixture
async def connector(sandbox: SapCommerceSandbox, anyio_backend: str) -> AsyncIterator[Any]:
    async with connect(SapCommerceConnector, sandbox) as connector:
        yield connector
