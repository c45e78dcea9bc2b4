"""The boundary between a connector and its HTTP client.

Connectors send through :func:`send`, read bodies through :func:`json_body` and map them
inside :func:`reading`, so transport failures and bodies of the wrong shape map to the
error tree in one place, the way httpx maps httpcore's::

    response = await send(self.client, request, connector=self.instance, idempotent=True)
    data = json_body(response, connector=self.instance)
    with reading(self.instance, "products"):
        products = [mapping.product(item) for item in data["products"]]

``send`` also tells the transport under it what it may do with the call. ``idempotent``
calls may be sent again after a failure (GET and HEAD are; a POST is only when the
connector says so: a read over POST, or a write carrying its idempotency key). ``cost`` is
what the call will draw from the vendor's rate-limit quota (Shopify's query cost). The
gateway's resilient transport reads both; a plain transport ignores them.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import InvalidOperation
from typing import Any

import httpx
import orjson

from connectors.errors import (
    CircuitOpen,
    ConnectorError,
    RateLimited,
    UnexpectedResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)

__all__ = ["COST", "IDEMPOTENT", "CallRefused", "json_body", "reading", "retry_after", "send"]

#: ``request.extensions`` keys the gateway's transport reads.
IDEMPOTENT = "commerce_gateway.idempotent"
COST = "commerce_gateway.cost"

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CallRefused(httpx.TransportError):
    """Raised by a transport that would not send the call at all.

    ``reason`` is ``"circuit_open"`` (the back end failed too often), ``"deadline"`` (the
    request's time is up) or ``"rate_limited"`` (the vendor's quota would refuse it);
    ``retry_after`` is when it is worth trying again, if known.
    """

    def __init__(
        self, message: str, *, request: httpx.Request, reason: str, retry_after: float | None = None
    ) -> None:
        super().__init__(message, request=request)
        self.reason = reason
        self.retry_after = retry_after


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    connector: str,
    idempotent: bool | None = None,
    cost: float | None = None,
) -> httpx.Response:
    """Send ``request``; a timeout or a transport failure becomes a ``ConnectorError``.

    ``idempotent`` defaults to whether the method is safe (GET, HEAD, OPTIONS).
    """
    safe = request.method in _SAFE_METHODS
    request.extensions[IDEMPOTENT] = safe if idempotent is None else idempotent
    if cost is not None:
        request.extensions[COST] = cost
    try:
        return await client.send(request)
    except CallRefused as exc:
        raise _refusal(exc, connector) from exc
    except httpx.TimeoutException as exc:
        raise UpstreamTimeout(
            f"no answer in time ({type(exc).__name__})", connector=connector
        ) from exc
    except httpx.TransportError as exc:
        raise UpstreamUnavailable(
            f"could not reach the back end ({type(exc).__name__})", connector=connector
        ) from exc


def _refusal(exc: CallRefused, connector: str) -> ConnectorError:
    if exc.reason == "circuit_open":
        return CircuitOpen(
            "not called: it failed too often in a row",
            connector=connector,
            retry_after=exc.retry_after,
        )
    if exc.reason == "rate_limited":
        return RateLimited(
            "not called: its rate limit would refuse it",
            connector=connector,
            retry_after=exc.retry_after,
        )
    return UpstreamTimeout("not called: the request's deadline has passed", connector=connector)


def json_body(response: httpx.Response, *, connector: str) -> Any:
    """The response's JSON; a body that is not JSON becomes ``UnexpectedResponse``."""
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise UnexpectedResponse(
            f"HTTP {response.status_code} with a body that is not JSON", connector=connector
        ) from exc


@contextmanager
def reading(connector: str, what: str) -> Iterator[None]:
    """Turn a vendor body of the wrong shape, met while mapping it, into ``UnexpectedResponse``."""
    try:
        yield
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, InvalidOperation) as exc:
        raise UnexpectedResponse(
            f"{what}: the body is not shaped as expected ({type(exc).__name__})",
            connector=connector,
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
