"""The boundary to SAP Commerce: OAuth tokens, authenticated GETs, and the one place vendor
answers become :mod:`connectors.errors`.

    transport failure, timeout              UpstreamUnavailable, UpstreamTimeout (connectors.http)
    429 (+ Retry-After)                     RateLimited
    5xx                                     UpstreamUnavailable
    401 InvalidTokenError                   a new token, the call once more; then AuthFailed
    401 / 403 otherwise, token refused      AuthFailed
    400 UnknownIdentifierError              ``None`` for callers reading a batch (``missing_ok``)
    other 4xx with an OCC or OData error    RejectedByVendor (the error's type or code)
    a body that is not the JSON expected    UnexpectedResponse

OCC errors look like ``{"errors": [{"type": "UnknownIdentifierError", "message": ...}]}``;
the Integration API (OData v2) answers ``{"error": {"code": ..., "message": {"value": ...}}}``.
Messages never carry the client secret or a token (OCC echoes tokens in
``InvalidTokenError`` messages, so those are never passed on).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

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
from connectors.sap_commerce.query import query_string
from connectors.sap_commerce.settings import SapCommerceSettings

__all__ = ["OccApi", "TokenSource"]

TOKEN_PATH = "/authorizationserver/oauth/token"


def _vendor_error(response: httpx.Response) -> tuple[str | None, str | None]:
    """``(type, message)`` of an OCC, OData or OAuth error body; ``(None, None)`` otherwise."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("type") or "Error"), _text(first.get("message"))
    error = body.get("error")
    if isinstance(error, dict):  # OData v2
        message = error.get("message")
        value = message.get("value") if isinstance(message, dict) else message
        return str(error.get("code") or "ODataError"), _text(value)
    if isinstance(error, str):  # OAuth 2 (RFC 6749 section 5.2)
        return error, _text(body.get("error_description"))
    return None, None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _is_invalid_token(response: httpx.Response) -> bool:
    kind, _ = _vendor_error(response)
    return kind in ("InvalidTokenError", "invalid_token")


class TokenSource:
    """An OAuth 2 client-credentials token, fetched once and kept until shortly before it
    expires. Concurrent first callers share one fetch."""

    def __init__(
        self,
        settings: SapCommerceSettings,
        client: httpx.AsyncClient,
        *,
        connector: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._client = client
        self._connector = connector
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._renew_at = 0.0

    def _fresh(self, stale: str | None) -> str | None:
        token = self._token
        if token is not None and token != stale and self._clock() < self._renew_at:
            return token
        return None

    async def get(self, *, stale: str | None = None) -> str:
        """A valid token; with ``stale``, one other than the token the vendor just refused."""
        token = self._fresh(stale)
        if token is not None:
            return token
        async with self._lock:
            token = self._fresh(stale)
            if token is None:
                token = await self._fetch()
            return token

    async def _fetch(self) -> str:
        settings = self._settings
        request = self._client.build_request(
            "POST",
            settings.root + TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": settings.client_id,
                "client_secret": settings.client_secret.reveal(),
            },
            headers={"Accept": "application/json"},
        )
        # Asking for a token twice is harmless, so a failed attempt may be retried.
        response = await send(self._client, request, connector=self._connector, idempotent=True)
        status = response.status_code
        if status == 429:
            raise RateLimited(
                "the token endpoint throttled us",
                connector=self._connector,
                retry_after=retry_after(response),
            )
        if status >= 500:
            raise UpstreamUnavailable(
                f"the token endpoint answered HTTP {status}", connector=self._connector
            )
        if status >= 400:
            kind, _ = _vendor_error(response)
            raise AuthFailed(
                f"the OAuth client {settings.client_id!r} was refused a token "
                f"(HTTP {status}, {kind or 'no error code'})",
                connector=self._connector,
            )
        body = json_body(response, connector=self._connector)
        with reading(self._connector, "token response"):
            token = body["access_token"]
            if not isinstance(token, str) or not token:
                raise ValueError("access_token")
            lifetime = float(body.get("expires_in", 60))
        # Renew a little early, so a token never expires on its way to the server.
        self._renew_at = self._clock() + lifetime - min(60.0, lifetime / 10)
        self._token = token
        return token


class OccApi:
    """Authenticated GETs against OCC and the Integration API, errors mapped."""

    def __init__(
        self, settings: SapCommerceSettings, client: httpx.AsyncClient, *, connector: str
    ) -> None:
        self._settings = settings
        self._client = client
        self._connector = connector
        self.tokens = TokenSource(settings, client, connector=connector)

    def occ_url(self, path: str, params: Sequence[tuple[str, str | int]] = ()) -> str:
        """``{base_url}/occ/v2/{site}{path}?...&lang=..&curr=..``."""
        settings = self._settings
        site = quote(settings.base_site, safe="")
        query = query_string([*params, ("lang", settings.language), ("curr", settings.currency)])
        return f"{settings.root}/occ/v2/{site}{path}?{query}"

    def odata_url(
        self, service_path: str, entity_set: str, params: Sequence[tuple[str, str | int]]
    ) -> str:
        """``{base_url}{service_path}/{entity_set}?...``: an integration object's entity set."""
        root = self._settings.root
        return f"{root}{service_path}/{entity_set}?{query_string(params)}"

    async def get(self, url: str, *, missing_ok: bool = False) -> Any:
        """The JSON at ``url``; ``None`` when ``missing_ok`` and OCC says the record is unknown."""
        token = await self.tokens.get()
        response = await self._send(url, token)
        if response.status_code == 401 and _is_invalid_token(response):
            token = await self.tokens.get(stale=token)
            response = await self._send(url, token)
            if response.status_code == 401:
                raise AuthFailed(
                    "SAP Commerce refused a newly issued access token", connector=self._connector
                )
        return self._read(response, missing_ok=missing_ok)

    async def _send(self, url: str, token: str) -> httpx.Response:
        request = self._client.build_request(
            "GET", url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        return await send(self._client, request, connector=self._connector)

    def _settings_for(self, path: str) -> str:
        """The settings that make up ``path``, for a 404 to name."""
        settings = self._settings
        for name in ("stock_api_path", "customer_api_path", "order_api_path"):
            service = getattr(settings, name)
            if service and path.startswith(service.rstrip("/") + "/"):
                return f"base_url and {name}"
        return "base_url and base_site"

    def _read(self, response: httpx.Response, *, missing_ok: bool) -> Any:
        status = response.status_code
        connector = self._connector
        if 200 <= status < 300:
            return json_body(response, connector=connector)
        if status == 429:
            raise RateLimited(
                "SAP Commerce throttled the call",
                connector=connector,
                retry_after=retry_after(response),
            )
        if status >= 500:
            raise UpstreamUnavailable(f"SAP Commerce answered HTTP {status}", connector=connector)
        kind, message = _vendor_error(response)
        if status in (401, 403):
            raise AuthFailed(
                f"SAP Commerce refused the call (HTTP {status}, {kind or 'no error type'}); "
                f"check the OAuth client's roles",
                connector=connector,
            )
        if kind == "UnknownIdentifierError" and missing_ok:
            return None
        if kind is None:
            path = response.request.url.path
            hint = f": check {self._settings_for(path)}" if status == 404 else ""
            raise UnexpectedResponse(
                f"HTTP {status} from {path} without an OCC or OData error body{hint}",
                connector=connector,
            )
        raise RejectedByVendor(message or kind, connector=connector, code=kind)
