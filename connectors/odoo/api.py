"""The boundary to Odoo's JSON-2 API: one authenticated POST per call, and the one place
vendor answers become :mod:`connectors.errors`.

    transport failure, timeout                    UpstreamUnavailable, UpstreamTimeout
    429 (+ Retry-After, from a proxy)             RateLimited
    5xx                                           UpstreamUnavailable (the error's name kept)
    401 (werkzeug Unauthorized: bad API key)      AuthFailed
    403, odoo.exceptions.AccessError/AccessDenied AuthFailed (the user lacks access rights)
    404 (unknown model or method)                 RejectedByVendor, code = the error's name
    422 (bad arguments), UserError, ...           RejectedByVendor, code = the error's name
    a body that is not the JSON expected          UnexpectedResponse

Odoo's error bodies are ``{"name", "message", "arguments", "context", "debug"}``; ``debug``
is the server's Python traceback and never leaves this module, nor does the API key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import orjson

from connectors.errors import (
    AuthFailed,
    RateLimited,
    RejectedByVendor,
    UnexpectedResponse,
    UpstreamUnavailable,
)
from connectors.http import json_body, reading, retry_after, send
from connectors.odoo.query import Domain
from connectors.odoo.settings import OdooSettings

__all__ = ["USER_AGENT", "OdooApi"]

USER_AGENT = "commerce-gateway-odoo/0.1"
#: Longest vendor message passed on; Odoo messages can quote whole records.
_MESSAGE_LIMIT = 300
_ACCESS_ERRORS = {"odoo.exceptions.AccessError", "odoo.exceptions.AccessDenied"}

JSON = Mapping[str, Any]


def _vendor_error(response: httpx.Response) -> tuple[str, str] | None:
    """``(name, message)`` of an Odoo error body; ``None`` when the body is not one."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        return None
    message = body.get("message")
    return body["name"], message if isinstance(message, str) else ""


class OdooApi:
    """``POST {base_url}/json/2/{model}/{method}`` with the API key, errors mapped."""

    def __init__(
        self, settings: OdooSettings, client: httpx.AsyncClient, *, connector: str
    ) -> None:
        self._settings = settings
        self._client = client
        self._connector = connector
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        if settings.database:
            headers["X-Odoo-Database"] = settings.database
        self._headers = headers
        self._context = {"lang": settings.language} if settings.language else None

    async def call(self, model: str, method: str, **params: Any) -> Any:
        """The JSON return value of ``model.method(**params)``; ``None`` params are left out."""
        body = {name: value for name, value in params.items() if value is not None}
        if self._context is not None:
            body["context"] = self._context
        request = self._client.build_request(
            "POST",
            f"{self._settings.root}/json/2/{model}/{method}",
            content=orjson.dumps(body),
            headers={
                **self._headers,
                "Authorization": f"bearer {self._settings.api_key.reveal()}",
            },
        )
        response = await send(self._client, request, connector=self._connector)
        return self._read(response, f"{model}/{method}")

    async def web_search_read(
        self,
        model: str,
        domain: Domain,
        specification: JSON,
        *,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
        count_limit: int | None = None,
    ) -> tuple[list[JSON], int]:
        """``(records, length)``: the records read as ``specification`` says, and how many
        match ``domain`` in all (Odoo counts only when the page is full, and then no
        further than ``count_limit``)."""
        data = await self.call(
            model,
            "web_search_read",
            domain=domain,
            specification=specification,
            offset=offset or None,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )
        with reading(self._connector, f"{model}/web_search_read"):
            records = list(data["records"])
            length = int(data["length"])
            if not all(isinstance(record, Mapping) for record in records):
                raise TypeError("records")
        return records, length

    def _read(self, response: httpx.Response, call: str) -> Any:
        status = response.status_code
        connector = self._connector
        if 200 <= status < 300:
            return json_body(response, connector=connector)
        if status == 429:
            raise RateLimited(
                "Odoo throttled the call", connector=connector, retry_after=retry_after(response)
            )
        error = _vendor_error(response)
        if status >= 500:
            named = f" ({error[0]})" if error else ""
            raise UpstreamUnavailable(
                f"Odoo answered HTTP {status}{named} to {call}", connector=connector
            )
        if error is None:
            hint = ": check base_url and database" if status == 404 else ""
            raise UnexpectedResponse(
                f"HTTP {status} from {call} without an Odoo error body{hint}", connector=connector
            )
        name, message = error
        text = self._safe(message) or name
        if status == 401:
            raise AuthFailed(f"Odoo refused the API key (HTTP 401: {text})", connector=connector)
        if status == 403 or name in _ACCESS_ERRORS:
            raise AuthFailed(
                f"Odoo refused {call} (HTTP {status}, {name}): the API key's user lacks "
                f"access rights",
                connector=connector,
            )
        raise RejectedByVendor(f"{call}: {text}", connector=connector, code=name)

    def _safe(self, message: str) -> str:
        """The vendor's message, shortened, with the API key cut out should it appear."""
        key = self._settings.api_key.reveal()
        if key:
            message = message.replace(key, "**********")
        message = " ".join(message.split())
        if len(message) > _MESSAGE_LIMIT:
            message = message[: _MESSAGE_LIMIT - 1] + "…"
        return message
