"""One vendor sandbox in its own process, timed, for the gateway benchmarks.

    python -m benchmarks.sandbox_server shopify 9201 --latency-ms 20

Serves the sandbox on 127.0.0.1 with uvicorn (uvloop, httptools, no access log) and prints
the port it listens on, then serves until killed (PORT 0 picks a free port). Shopify's
query-cost bucket is unlimited here: the real one (1,000 points a second) would throttle
any load test. ``--latency-ms`` delays every answer (the sandbox's ``latency`` fault).

:class:`CallRecorder`, wrapped around the sandbox's app, times every request with
``time.monotonic_ns()`` (CLOCK_MONOTONIC: comparable across processes) and answers

    GET  /__bench/calls   {"count": N, "intervals": [[start_ns, end_ns], ...]}, since the last reset
    POST /__bench/reset   forget them
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from benchmarks.serve import serve_on_loopback
from connectors.registry import load_connector, load_sandbox
from connectors.sandbox import Sandbox

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTROL = "/__bench/"
#: Shopify's bucket for load tests: never empty, whatever the load.
UNLIMITED = 1e12


class CallRecorder:
    """ASGI middleware: the (start, end) of every request ``app`` serves, in monotonic ns.

    ``after`` runs after each request (the sandbox server empties the sandbox's own request
    log there, which would otherwise grow by every body it receives).
    """

    def __init__(self, app: App, *, after: Callable[[], None] | None = None) -> None:
        self.app = app
        self.after = after
        self.intervals: list[tuple[int, int]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(CONTROL):
            await self._control(scope, send)
            return
        start = time.monotonic_ns()
        try:
            await self.app(scope, receive, send)
        finally:
            self.intervals.append((start, time.monotonic_ns()))
            if self.after is not None:
                self.after()

    async def _control(self, scope: Scope, send: Send) -> None:
        action = (scope["method"], scope["path"].removeprefix(CONTROL))
        if action == ("GET", "calls"):
            status, body = 200, {"count": len(self.intervals), "intervals": self.intervals}
        elif action == ("POST", "reset"):
            self.intervals = []
            status, body = 200, {"count": 0}
        else:
            status, body = 404, {"error": "GET /__bench/calls or POST /__bench/reset"}
        payload = orjson.dumps(body)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(payload)),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def build_sandbox(name: str, latency_ms: float = 0.0) -> Sandbox:
    """The named sandbox, seeded with the demo retailer; Shopify's with an unlimited bucket."""
    if name == "shopify":
        from connectors.shopify.sandbox import ShopifySandbox

        sandbox: Sandbox = ShopifySandbox(maximum_available=UNLIMITED, restore_rate=UNLIMITED)
    else:
        sandbox = load_sandbox(load_connector(name))()
    sandbox.faults.latency_ms = latency_ms
    return sandbox


def main(argv: list[str] | None = None) -> None:

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="shopify, sap_commerce, odoo or salesforce")
    parser.add_argument("port", type=int, help="0 for a free one (printed)")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)

    sandbox = build_sandbox(args.name, args.latency_ms)
    app = CallRecorder(sandbox.app, after=sandbox.requests.clear)
    serve_on_loopback(app, args.port)


if __name__ == "__main__":
    main()
