"""The boundary to Salesforce: tokens, authenticated GETs, the API-usage header, and the
one place vendor answers become :mod:`connectors.errors`.

    transport failure, timeout              UpstreamUnavailable, UpstreamTimeout (connectors.http)
    401 (INVALID_SESSION_ID)                client credentials: a new token, the call once
                                            more, then AuthFailed; a static token: AuthFailed
    403 REQUEST_LIMIT_EXCEEDED              RateLimited (Retry-After, else a configured default)
    403 otherwise                           AuthFailed (the integration user lacks a permission)
    400 MALFORMED_QUERY, INVALID_FIELD, ... RejectedByVendor, ``code`` = the errorCode
    404 NOT_FOUND                           RejectedByVendor (a wrong api_version or path)
    5xx (SERVER_UNAVAILABLE, ...)           UpstreamUnavailable
    token endpoint 400/401 (invalid_client) AuthFailed, naming the client ID and the OAuth error
    a body that is not the JSON expected    UnexpectedResponse

Salesforce errors are a JSON array: ``[{"message": ..., "errorCode": ..., "fields": [...]}]``.
Messages never carry a token or the client secret.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from connectors.errors import (
    AuthFailed,
    ConnectorError,
    RateLimited,
    RejectedByVendor,
    UnexpectedResponse,
    UpstreamUnavailable,
)
from connectors.http import json_body, reading, retry_after, send
from connectors.salesforce.settings import SalesforceSettings

__all__ = [
    "TOKEN_PATH",
    "ApiUsage",
    "RestApi",
    "TokenSource",
    "UsageQuota",
    "error_for",
    "parse_api_usage",
    "reading",
]

TOKEN_PATH = "/services/oauth2/token"
_USAGE = re.compile(r"(?:^|[;,\s])api-usage=(\d+)/(\d+)")


@dataclass(frozen=True, slots=True)
class ApiUsage:
    """The org's API requests in the last 24 hours, from ``Sforce-Limit-Info``."""

    used: int
    limit: int
    observed_at: datetime

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def parse_api_usage(header: str | None, *, at: datetime) -> ApiUsage | None:
    """``api-usage=18/5000`` (possibly followed by ``; per-app-api-usage=...``) -> ``ApiUsage``."""
    if not header:
        return None
    match = _USAGE.search(header)
    if match is None:
        return None
    return ApiUsage(int(match.group(1)), int(match.group(2)), at)


def _vendor_error(response: httpx.Response) -> tuple[str | None, str | None]:
    """``(errorCode, message)`` of a REST error array or an OAuth error object."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None, None
    if isinstance(body, list) and body and isinstance(body[0], dict):
        first = body[0]
        code = first.get("errorCode")
        return (str(code) if code else None), _summary(first.get("message"))
    if isinstance(body, dict) and isinstance(body.get("error"), str):  # RFC 6749 5.2
        description = body.get("error_description")
        return body["error"], description if isinstance(description, str) else None
    return None, None


def _summary(message: Any) -> str | None:
    """A query error's reason without the echoed query (which holds customers' e-mails).

    ``"\\nSELECT ...\\n ^\\nERROR at Row:1:Column:8\\nNo such column ..."`` becomes
    ``"No such column ... (Row:1:Column:8)"``."""
    if not isinstance(message, str) or not message.strip():
        return None
    marker = message.find("ERROR at ")
    if marker < 0:
        return message.strip()
    position, _, reason = message[marker + len("ERROR at ") :].partition("\n")
    return f"{reason.strip()} ({position.strip()})" if reason.strip() else message.strip()


class TokenSource:
    """The access token: the configured one, or a client-credentials token fetched on
    first use and replaced only when Salesforce refuses it (token responses carry no
    lifetime). Concurrent callers share one fetch."""

    def __init__(
        self,
        settings: SalesforceSettings,
        client: httpx.AsyncClient,
        *,
        connector: str,
        on_response: Callable[[httpx.Response], None],
    ) -> None:
        self._settings = settings
        self._client = client
        self._connector = connector
        self._on_response = on_response
        self._lock = asyncio.Lock()
        static = settings.access_token
        self._token: str | None = static.reveal() if static is not None else None

    @property
    def renewable(self) -> bool:
        return self._settings.uses_client_credentials

    async def get(self, *, stale: str | None = None) -> str:
        """A token; with ``stale``, one other than the token Salesforce just refused."""
        token = self._token
        if token is not None and token != stale:
            return token
        if not self.renewable:
            raise AuthFailed(
                "Salesforce refused the configured access_token (INVALID_SESSION_ID); "
                "issue a new one, or configure client_id and client_secret so the "
                "connector can renew it",
                connector=self._connector,
            )
        async with self._lock:
            token = self._token
            if token is None or token == stale:
                token = self._token = await self._fetch()
            return token

    async def _fetch(self) -> str:
        settings = self._settings
        client_id, client_secret = settings.client_id, settings.client_secret
        if client_id is None or client_secret is None:  # settings forbid it; mypy cannot know
            raise AuthFailed("no client credentials configured", connector=self._connector)
        request = self._client.build_request(
            "POST",
            settings.root + TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret.reveal(),
            },
            headers={"Accept": "application/json"},
        )
        # Asking for a token twice is harmless, so a failed attempt may be sent again.
        response = await send(self._client, request, connector=self._connector, idempotent=True)
        self._on_response(response)
        status = response.status_code
        if status in (400, 401):
            # invalid_client, invalid_client_id, invalid_grant ("no client credentials
            # user enabled"), unsupported_grant_type: all say these credentials will not do.
            code, _ = _vendor_error(response)
            raise AuthFailed(
                f"the connected app {client_id!r} was refused a token "
                f"(HTTP {status}, {code or 'no error code'})",
                connector=self._connector,
            )
        if status >= 300:
            raise error_for(
                response, settings, connector=self._connector, what="the token endpoint"
            )
        body = json_body(response, connector=self._connector)
        with reading(self._connector, "token response"):
            token = body["access_token"]
            if not isinstance(token, str) or not token:
                raise ValueError("access_token")
        return token


def error_for(
    response: httpx.Response, settings: SalesforceSettings, *, connector: str, what: str
) -> ConnectorError:
    """The error a non-2xx answer means."""
    status = response.status_code
    code, message = _vendor_error(response)
    label = f"{what} answered HTTP {status}" + (f" {code}" if code else "")
    if status == 401:
        return AuthFailed(f"{label}: the session is invalid or expired", connector=connector)
    if (status == 403 and code == "REQUEST_LIMIT_EXCEEDED") or status == 429:
        wait = retry_after(response)
        if wait is None:
            # "ConcurrentRequests (Concurrent API Requests) Limit exceeded." clears when a
            # long call ends; "TotalRequests Limit exceeded." is the rolling 24-hour one.
            concurrent = "concurrent" in (message or "").lower()
            wait = (
                settings.concurrent_limit_retry_after
                if concurrent
                else settings.request_limit_retry_after
            )
        return RateLimited(
            f"{label}: {message or 'API request limit exceeded'}",
            connector=connector,
            retry_after=wait,
        )
    if status >= 500:
        return UpstreamUnavailable(label, connector=connector)
    if status == 403:
        return AuthFailed(
            f"{label}: {message or 'forbidden'}; check the integration user's permissions "
            f"(API Enabled, read access to Contact and Account)",
            connector=connector,
        )
    if code is None:
        hint = "; check instance_url and api_version" if status == 404 else ""
        return UnexpectedResponse(
            f"{label} without a Salesforce error body{hint}", connector=connector
        )
    if status == 404:
        message = f"{message or 'not found'}; check instance_url and api_version"
    return RejectedByVendor(message or code, connector=connector, code=code)


class UsageQuota:
    """Salesforce's API allowance as the gateway paces on it (a :class:`connectors.quota.Quota`).

    It keeps the usage the latest ``Sforce-Limit-Info`` header reported; once Salesforce
    has said the allowance is spent (``REQUEST_LIMIT_EXCEEDED``, or usage at the limit),
    :meth:`wait_before` tells the gateway's transport to hold calls for the retry-after
    the connector reported, instead of spending more refused calls::

        >>> quota = UsageQuota(clock=lambda: 0.0)
        >>> quota.observe(httpx.Response(200, headers={"Sforce-Limit-Info": "api-usage=18/5000"}))
        >>> quota.usage.used, quota.usage.limit, quota.wait_before(None)
        (18, 5000, 0.0)
        >>> quota.exhausted(600.0)
        >>> quota.wait_before(None)
        600.0
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        retry_after: float = 600.0,
    ) -> None:
        self._clock = clock
        self._now = now
        self._retry_after = retry_after
        self._blocked_until = float("-inf")
        #: The org's API usage as the latest response reported it; ``None`` before one.
        self.usage: ApiUsage | None = None

    def observe(self, response: httpx.Response) -> None:
        """Take the usage a response reports (every REST response carries it)."""
        usage = parse_api_usage(response.headers.get("sforce-limit-info"), at=self._now())
        if usage is None:
            return
        self.usage = usage
        if usage.used >= usage.limit:
            self.exhausted(self._retry_after)

    def exhausted(self, retry_after: float) -> None:
        """Salesforce refuses calls for ``retry_after`` seconds (as far as anyone knows)."""
        self._blocked_until = max(self._blocked_until, self._clock() + retry_after)

    def wait_before(self, cost: float | None) -> float:
        return max(0.0, self._blocked_until - self._clock())

    def throttled(self, response: httpx.Response) -> float | None:
        # Salesforce throttles with a plain 403 the connector maps itself; nothing hidden.
        return None


class RestApi:
    """Authenticated GETs against ``{instance_url}/services/data/vXX.X``, errors mapped,
    the API usage of every response fed to :attr:`quota`."""

    def __init__(
        self, settings: SalesforceSettings, client: httpx.AsyncClient, *, connector: str
    ) -> None:
        self._settings = settings
        self._client = client
        self._connector = connector
        self.quota = UsageQuota(retry_after=settings.request_limit_retry_after)
        self.tokens = TokenSource(
            settings, client, connector=connector, on_response=self.quota.observe
        )

    def url(self, path: str) -> str:
        """An absolute URL for a path under the instance (``/services/data/...``)."""
        if not path.startswith("/services/data/"):
            # nextRecordsUrl comes from the vendor: never send the token anywhere else.
            raise UnexpectedResponse(
                "Salesforce pointed outside /services/data/", connector=self._connector
            )
        return self._settings.root + path

    async def get(self, url: str) -> Any:
        """The JSON at ``url``."""
        token = await self.tokens.get()
        response = await self._send(url, token)
        if response.status_code == 401 and self.tokens.renewable:
            token = await self.tokens.get(stale=token)
            response = await self._send(url, token)
            if response.status_code == 401:
                raise AuthFailed(
                    "Salesforce refused a newly issued access token (INVALID_SESSION_ID); "
                    "check the connected app's run-as user",
                    connector=self._connector,
                )
        elif response.status_code == 401:
            await self.tokens.get(stale=token)  # raises: a static token cannot be renewed
        if response.status_code >= 300:
            error = error_for(
                response, self._settings, connector=self._connector, what="Salesforce"
            )
            if isinstance(error, RateLimited) and error.retry_after:
                self.quota.exhausted(error.retry_after)
            raise error
        return json_body(response, connector=self._connector)

    async def _send(self, url: str, token: str) -> httpx.Response:
        request = self._client.build_request(
            "GET", url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        response = await send(self._client, request, connector=self._connector)
        self.quota.observe(response)
        return response
