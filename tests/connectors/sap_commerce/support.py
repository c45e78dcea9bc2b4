"""Helpers the SAP Commerce tests share: recorded-shape payloads and call counters."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import orjson

from connectors.sandbox import RecordedRequest
from connectors.sap_commerce import SapCommerceConnector
from connectors.sap_commerce.sandbox import SapCommerceSandbox

#: ``make_connector(**setting_overrides)``: an async context manager giving a connector.
Connect = Callable[..., AbstractAsyncContextManager[SapCommerceConnector]]

PAYLOADS = Path(__file__).parent / "payloads"
STOCK_PATH = "/odata2webservices/InboundStockLevel/StockLevels"
SEARCH_PATH = "/occ/v2/nordlicht/products/search"
STORES_PATH = "/occ/v2/nordlicht/stores"


def payload(name: str) -> Any:
    """A recorded-shape vendor body from ``payloads/<name>.json``."""
    return orjson.loads((PAYLOADS / f"{name}.json").read_bytes())


def calls_to(sandbox: SapCommerceSandbox, path: str) -> list[RecordedRequest]:
    return [request for request in sandbox.api_calls() if request.path == path]


def stock_calls(sandbox: SapCommerceSandbox) -> list[RecordedRequest]:
    return calls_to(sandbox, STOCK_PATH)


def token_calls(sandbox: SapCommerceSandbox) -> list[RecordedRequest]:
    return [request for request in sandbox.requests if request.kind == "auth"]
