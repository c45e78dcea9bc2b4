"""Shared fixtures: the Salesforce sandbox in process and connectors wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from connectors.salesforce import SalesforceConnector
from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.sandbox import Samples
from connectors.testing import connect

from .support import Connect


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def sandbox() -> SalesforceSandbox:
    return SalesforceSandbox()


@pytest.fixture
def samples(sandbox: SalesforceSandbox) -> Samples:
    return sandbox.samples()


@pytest.fixture
def make_connector(sandbox: SalesforceSandbox) -> Connect:
    """``async with make_connector(emails_verified=True) as connector:`` - settings overridden."""

    def make(read_timeout: float = 5.0, **overrides: Any) -> Any:
        return connect(SalesforceConnector, sandbox, read_timeout=read_timeout, overrides=overrides)

    return make


@pytest.fixture
async def connector(
    sandbox: SalesforceSandbox, anyio_backend: str
) -> AsyncIterator[SalesforceConnector]:
    async with connect(SalesforceConnector, sandbox) as connector:
        assert isinstance(connector, SalesforceConnector)
        yield connector
