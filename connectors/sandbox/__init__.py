"""The sandbox kit: faithful vendors, in process.

A sandbox is a small ASGI app speaking the subset of its vendor's real API that its
connector uses — same paths, auth headers, bodies, pagination, error bodies and throttle
signals — over state seeded from :func:`~connectors.sandbox.retailer.demo_retailer`.
The same object serves the demo, the tests, the conformance kit and the benchmarks::

    sandbox = ShopifySandbox()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(sandbox.app),
                               base_url="https://nordlicht.myshopify.com")
    ...
    assert len(sandbox.api_calls()) == 1
    sandbox.faults.down = True        # the next call gets the vendor's 503

Subclasses provide the vendor's routes and the vendor's own answers for faults.
"""

from __future__ import annotations

import asyncio
import binascii
import random
from base64 import b64decode
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from connectors.sandbox.retailer import Retailer, demo_retailer

__all__ = ["Faults", "RecordedRequest", "Samples", "Sandbox", "token_request"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass
class Faults:
    """What the sandbox does wrong on purpose. Change it any time; the next request obeys.

    ``Faults.parse("latency:300")`` reads the demo's ``--fault`` spellings:
    ``down``, ``throttle``, ``latency:<ms>``, ``error-rate:<0..1>``, ``garbage``.
    """

    #: Every call gets the vendor's "service unavailable" answer.
    down: bool = False
    #: Every call gets the vendor's throttling answer.
    throttle: bool = False
    #: Added to every call, in milliseconds.
    latency_ms: float = 0.0
    #: This share of calls gets the "service unavailable" answer (seeded, repeatable).
    error_rate: float = 0.0
    #: Every call gets HTTP 200 with a body that is not JSON.
    garbage: bool = False

    def clear(self) -> None:
        self.down = self.throttle = self.garbage = False
        self.latency_ms = 0.0
        self.error_rate = 0.0

    def apply(self, spec: str) -> None:
        """Turn on one fault from its spelling; raise ``ValueError`` naming the choices."""
        name, _, value = spec.partition(":")
        try:
            if name == "down" and not value:
                self.down = True
            elif name == "throttle" and not value:
                self.throttle = True
            elif name == "garbage" and not value:
                self.garbage = True
            elif name == "latency":
                self.latency_ms = float(value)
            elif name == "error-rate" and 0.0 <= float(value) <= 1.0:
                self.error_rate = float(value)
            else:
                raise ValueError(spec)
        except ValueError:
            raise ValueError(
                f"unknown fault {spec!r}; use down, throttle, garbage, latency:<ms> "
                f"or error-rate:<0..1>"
            ) from None

    @classmethod
    def parse(cls, *specs: str) -> Faults:
        faults = cls()
        for spec in specs:
            faults.apply(spec)
        return faults


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the sandbox received, as the vendor would have seen it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    #: ``"auth"`` for token endpoints, ``"api"`` for everything a connector calls for data.
    kind: str = "api"

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass(frozen=True)
class Samples:
    """Vendor IDs that exist in a sandbox's seeded state, for contract tests."""

    product_ids: tuple[str, ...] = ()
    product_handles: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    location_ids: tuple[str, ...] = ()
    customer_ids: tuple[str, ...] = ()
    customer_emails: tuple[str, ...] = ()
    order_ids: tuple[str, ...] = ()
    #: The ID of a customer with more orders than one page of ``first=1`` holds.
    customer_with_orders: str | None = None
    #: IDs shaped like the vendor's but naming nothing.
    missing_product_id: str = ""
    missing_customer_id: str = ""
    missing_order_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Sandbox:
    """Base class of every vendor sandbox."""

    #: The connector's name (``"shopify"``).
    name: ClassVar[str]
    #: The base URL the connector would use against the real vendor, for tests that route
    #: an ``httpx`` client to the sandbox in process.
    base_url: ClassVar[str]

    def __init__(self, *, retailer: Retailer | None = None, seed: int = 0) -> None:
        self.retailer = retailer or demo_retailer()
        self.faults = Faults()
        self.requests: list[RecordedRequest] = []
        self._rng = random.Random(seed)
        self._seed = seed
        self._starlette = Starlette(routes=self.routes())
        self.seed_state()

    # -- for subclasses --------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        """The vendor's routes."""
        raise NotImplementedError

    def seed_state(self) -> None:
        """(Re)build the vendor's state from ``self.retailer``."""
        raise NotImplementedError

    def unavailable_response(self) -> Response:
        """What the vendor answers when it is down."""
        raise NotImplementedError

    def throttled_response(self, request: Request) -> Response:
        """What the vendor answers when it throttles a caller."""
        raise NotImplementedError

    def request_kind(self, path: str) -> str:
        """``"auth"`` for token endpoints; they are not counted as data calls."""
        return "api"

    def connector_settings(self, base_url: str) -> dict[str, Any]:
        """The connector's config table (as TOML would give it) for talking to this
        sandbox at ``base_url``, credentials included."""
        raise NotImplementedError

    def samples(self) -> Samples:
        raise NotImplementedError

    # -- for users -------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seeded state: no faults, empty request log."""
        self.faults.clear()
        self.requests.clear()
        self._rng = random.Random(self._seed)
        self.seed_state()

    def api_calls(self) -> list[RecordedRequest]:
        """Data calls received so far (token requests left out)."""
        return [request for request in self.requests if request.kind == "api"]

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI app: records each request, applies faults, then serves it."""
        if scope["type"] != "http":
            await self._starlette(scope, receive, send)  # lifespan
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        path = scope["path"]
        headers = {
            key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]
        }
        self.requests.append(
            RecordedRequest(
                method=scope["method"],
                path=path,
                query=scope.get("query_string", b"").decode("latin-1"),
                headers=headers,
                body=body,
                kind=self.request_kind(path),
            )
        )
        faults = self.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        fault_response: Response | None = None
        if faults.down or (faults.error_rate and self._rng.random() < faults.error_rate):
            fault_response = self.unavailable_response()
        elif faults.throttle:
            fault_response = self.throttled_response(Request(scope))
        elif faults.garbage:
            fault_response = Response(b"<html>Bad gateway</html>", 200, media_type="text/html")
        if fault_response is not None:
            await fault_response(scope, receive, send)
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self._starlette(scope, replay, send)


async def token_request(request: Request) -> tuple[dict[str, str], str | None, str | None]:
    """An OAuth 2 token request's form, client ID and client secret, the credentials read
    from the form or from HTTP Basic auth as RFC 6749 section 2.3.1 allows (Basic wins,
    as at the vendors; undecodable Basic credentials are no credentials)."""
    form = dict(parse_qsl((await request.body()).decode("latin-1")))
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    basic = request.headers.get("authorization", "")
    if basic.lower().startswith("basic "):
        try:
            client_id, _, client_secret = b64decode(basic[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            client_id = client_secret = None
    return form, client_id, client_secret
