"""The SAP Commerce connector against the shared contract suite and its sandbox, in both
modes: customers and orders from the Integration API (what the sandbox's settings turn on),
and from OCC one key at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from connectors.sap_commerce import SapCommerceConnector
from connectors.sap_commerce.sandbox import SapCommerceSandbox
from connectors.testing import ConnectorContract, connect

from .support import OCC_ONLY


class TestSapCommerceContract(ConnectorContract):
    """``customer_api_path`` and ``order_api_path`` set: every batch costs what one key does."""

    connector_class = SapCommerceConnector


class TestSapCommerceOverOccContract(ConnectorContract):
    """Neither path set: OCC reads users and orders one key at a time."""

    connector_class = SapCommerceConnector
    per_key_calls = {
        "customers": "OCC reads users one at a time (/users/{uid}); it has no bulk lookup",
        "customers_by_email": "a customer's uid is their e-mail, read one at a time (/users/{uid})",
        "orders": "OCC reads an order only under its user (/users/{uid}/orders/{code})",
        "orders_for_customers": (
            "OCC's order history is per user and lists no lines, so each customer costs a "
            "history call and each order a detail call"
        ),
    }

    @pytest.fixture
    async def connector(
        self, sandbox: SapCommerceSandbox, anyio_backend: str
    ) -> AsyncIterator[Any]:
        async with connect(SapCommerceConnector, sandbox, overrides=OCC_ONLY) as connector:
            yield connector
