"""Helpers the SAP Commerce tests share: recorded-shape payloads and call counters."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import orjson

from connectors.sandbox import RecordedRequest
from connectors.sap_commerce import SapCommerceConnector
from connectors.sap_commerce.sandbox import SapCommerceSandbox

#: ``make_connector(**setting_overrides)``: an async context manager giving a connector.
Connect = Callable[..., AbstractAsyncContextManager[SapCommerceConnector]]

PAYLOADS = Path(__file__).parent / "payloads"
STOCK_PATH = "/odata2webservices/InboundStockLevel/StockLevels"
CUSTOMERS_PATH = "/odata2webservices/InboundCustomer/Customers"
ORDERS_PATH = "/odata2webservices/InboundOrder/Orders"
#: Settings overrides for reading customers and orders over OCC, one key at a time.
OCC_ONLY = {"customer_api_path": None, "order_api_path": None}
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


def odata_params(request: RecordedRequest) -> dict[str, str]:
    """The query options of an Integration API call, decoded."""
    return dict(parse_qsl(request.query, keep_blank_values=True))
