"""Helpers the Odoo tests share: recorded-shape payloads and call counters."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import orjson

from connectors.odoo import OdooConnector
from connectors.odoo.sandbox import OdooSandbox
from connectors.sandbox import RecordedRequest

#: ``make_connector(**setting_overrides)``: an async context manager giving a connector.
Connect = Callable[..., AbstractAsyncContextManager[OdooConnector]]

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> Any:
    """A recorded-shape vendor body from ``payloads/<name>.json``."""
    return orjson.loads((PAYLOADS / f"{name}.json").read_bytes())


def calls_to(sandbox: OdooSandbox, model: str, method: str) -> list[RecordedRequest]:
    """The calls the sandbox received for ``model.method``."""
    path = f"/json/2/{model}/{method}"
    return [request for request in sandbox.api_calls() if request.path == path]


def called(sandbox: OdooSandbox) -> list[str]:
    """``model/method`` of every call so far, in order."""
    return [request.path.removeprefix("/json/2/") for request in sandbox.api_calls()]
