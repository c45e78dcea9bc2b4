"""Helpers the Salesforce tests share: recorded-shape payloads, the SOQL a request carried."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import orjson

from connectors.salesforce import SalesforceConnector
from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.sandbox import RecordedRequest

#: ``make_connector(**setting_overrides)``: an async context manager giving a connector.
Connect = Callable[..., AbstractAsyncContextManager[SalesforceConnector]]

PAYLOADS = Path(__file__).parent / "payloads"
DATA = "/services/data/v60.0"
QUERY_PATH = f"{DATA}/query"


def payload(name: str) -> Any:
    """A recorded-shape vendor body from ``payloads/<name>.json``."""
    return orjson.loads((PAYLOADS / f"{name}.json").read_bytes())


def soql(request: RecordedRequest) -> str:
    """The SOQL a query request carried, decoded as Salesforce reads ``q``."""
    [query] = parse_qs(request.query, keep_blank_values=True)["q"]
    return query


def queries(sandbox: SalesforceSandbox) -> list[RecordedRequest]:
    """Query calls (``/query?q=``), not their ``nextRecordsUrl`` follow-ups."""
    return [r for r in sandbox.api_calls() if r.path == QUERY_PATH]


def token_calls(sandbox: SalesforceSandbox) -> list[RecordedRequest]:
    return [request for request in sandbox.requests if request.kind == "auth"]
