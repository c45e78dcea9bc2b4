"""The boundary between a connector and its HTTP client.

Connectors send through :func:`send` and read bodies through :func:`json_body`, so transport
failures map to the error tree in one place, the way httpx maps httpcore's::

    response = await send(self.client, request, connector=self.instance)
    data = json_body(response, connector=self.instance)
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx
import orjson

from connectors.errors import UnexpectedResponse, UpstreamTimeout, UpstreamUnavailable

__all__ = ["json_body", "retry_after", "send"]


async def send(
    client: httpx.AsyncClient, request: httpx.Request, *, connector: str
) -> httpx.Response:
    """Send ``request``; a timeout or a transport failure becomes a ``ConnectorError``."""
    try:
        return await client.send(request)
    except httpx.TimeoutException as exc:
        raise UpstreamTimeout(
            f"no answer in time ({type(exc).__name__})", connector=connector
        ) from exc
    except httpx.TransportError as exc:
        raise UpstreamUnavailable(
            f"could not reach the back end ({type(exc).__name__})", connector=connector
        ) from exc


def json_body(response: httpx.Response, *, connector: str) -> Any:
    """The response's JSON; a body that is not JSON becomes ``UnexpectedResponse``."""
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise UnexpectedResponse(
            f"HTTP {response.status_code} with a body that is not JSON", connector=connector
        ) from exc


def retry_after(response: httpx.Response) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
