"""A real HTTP server on 127.0.0.1, in the test's own event loop, that records what it saw."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from aiohttp import web

JSON: dict[str, Any] = {"sku": "TR-42-BLK", "title": "Trail runner", "price": {"amount": "129.90"}}
BIG = 5 * 1024 * 1024  # the most /upload accepts is twice this


def pattern(size: int) -> bytes:
    """``size`` bytes that differ along their length, so a lost or moved chunk shows."""
    block = bytes(range(256)) * 64 + b"commerce"
    return (block * (size // len(block) + 1))[:size]


@dataclass
class Server:
    """What a test needs from the server: its address and what it observed."""

    url: str
    json: dict[str, Any] = field(default_factory=lambda: JSON)
    peers: list[int] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    transports: list[asyncio.BaseTransport] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # a /wait came in
    release: asyncio.Event = field(default_factory=asyncio.Event)  # every /wait answers now

    @staticmethod
    def body(size: int) -> bytes:
        """The body ``/download?size=`` returns."""
        return pattern(size)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _app(state: Server) -> web.Application:
    routes = web.RouteTableDef()

    @web.middleware
    async def observe(request: web.Request, handler: web.Handler) -> web.StreamResponse:
        transport = request.transport
        assert transport is not None
        state.peers.append(transport.get_extra_info("peername")[1])
        if transport not in state.transports:
            state.transports.append(transport)
        return await handler(request)

    @routes.get("/json")
    async def json_(request: web.Request) -> web.Response:
        return web.json_response(JSON)

    @routes.post("/echo")
    async def echo(request: web.Request) -> web.Response:
        return web.json_response(
            {"json": await request.json(), "content_type": request.headers.get("Content-Type")}
        )

    @routes.post("/upload")
    async def upload(request: web.Request) -> web.Response:
        body = await request.read()
        return web.json_response(
            {
                "size": len(body),
                "sha256": hashlib.sha256(body).hexdigest(),
                "chunked": request.headers.get("Transfer-Encoding") == "chunked",
                "content_type": request.headers.get("Content-Type"),
            }
        )

    @routes.get("/download")
    async def download(request: web.Request) -> web.Response:
        return web.Response(body=pattern(int(request.query["size"])))

    @routes.get("/cookies")
    async def cookies(request: web.Request) -> web.Response:
        response = web.Response(text="ok")
        response.headers.add("Set-Cookie", "session=abc; Path=/")
        response.headers.add("Set-Cookie", "region=eu; Path=/")
        response.headers.add("X-Tag", "one")
        response.headers.add("X-Tag", "two")
        return response

    @routes.get("/gzip")
    async def gzipped(request: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(orjson.dumps([JSON] * 50)),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )

    @routes.get("/redirect")
    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound("/json")

    @routes.post("/form")
    async def form(request: web.Request) -> web.Response:
        fields = await request.post()
        return web.json_response(
            {
                name: value
                if isinstance(value, str)
                else hashlib.sha256(value.file.read()).hexdigest()
                for name, value in fields.items()
            }
        )

    @routes.get("/status/{code}")
    async def status(request: web.Request) -> web.Response:
        return web.Response(status=int(request.match_info["code"]), headers={"ETag": '"v1"'})

    @routes.get("/wait")
    async def wait(request: web.Request) -> web.Response:
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            seconds = float(request.query.get("seconds", "30"))
            state.arrived.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.release.wait(), seconds)
        finally:
            state.in_flight -= 1
        return web.json_response(JSON)

    @routes.get("/seen")
    async def seen(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "path_qs": request.raw_path,
                "headers": [[k.decode(), v.decode()] for k, v in request.raw_headers],
            }
        )

    app = web.Application(middlewares=[observe], client_max_size=2 * BIG)
    app.add_routes(routes)
    return app


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def server(anyio_backend: str) -> AsyncIterator[Server]:
    state = Server(url="")
    runner = web.AppRunner(_app(state), handler_cancellation=True, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.url = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        state.release.set()
        await runner.cleanup()
