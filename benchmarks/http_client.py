"""CPU cost per call of the HTTP clients a connector could be given.

Run from the repository root::

    python -m benchmarks.http_client            # about 40 s
    python -m benchmarks.http_client --seconds 2 --repeats 1

A small JSON server runs in a separate process on 127.0.0.1 (uvicorn with httptools and
uvloop), so its work is not counted. This process, under uvloop, sends rounds of
``--concurrency`` concurrent GETs through each client (each as it comes, with its default
limits, except a pool of 100 where one is set) and divides the process CPU time
(``time.process_time``) and the wall time by the number of calls. Each client warms up
first (connections opened, caches filled); the clients take turns over ``--repeats``
slices so that drift in the machine's speed is shared between them. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
import orjson
import uvloop

from benchmarks.serve import serve_on_loopback
from gateway.http import AiohttpTransport, build_client

BODY = orjson.dumps(
    {
        "id": "gid://shopify/Product/8023",
        "title": "Trail runner, waterproof",
        "handle": "trail-runner-waterproof",
        "variants": [
            {"sku": "TR-42-BLK", "price": {"amount": "129.90", "currencyCode": "EUR"}},
            {"sku": "TR-43-BLK", "price": {"amount": "129.90", "currencyCode": "EUR"}},
        ],
        "available": True,
    }
)

Send = Callable[[], Awaitable[bytes]]


# --- the server (child process) ------------------------------------------------------------


async def _app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(BODY)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


def _serve() -> None:
    """Child process: listen on a free loopback port, print it, serve until killed."""
    serve_on_loopback(_app, backlog=1024)


@contextlib.contextmanager
def _server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.http_client", "--serve"], stdout=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError("the benchmark server did not start (see its error above)")
        port = int(line)
        _wait_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_listening(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.05)
    raise RuntimeError("benchmark server is not listening")


# --- the clients ---------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def _httpx_default(base: str) -> AsyncIterator[Send]:
    async with httpx.AsyncClient(base_url=base) as c:

        async def send() -> bytes:
            return (await c.get("/product")).content

        yield send


@contextlib.asynccontextmanager
async def _gateway(base: str) -> AsyncIterator[Send]:
    async with build_client(base_url=base, max_connections=100) as c:

        async def send() -> bytes:
            return (await c.get("/product")).content

        yield send


@contextlib.asynccontextmanager
async def _plain_client_our_transport(base: str) -> AsyncIterator[Send]:
    transport = AiohttpTransport(max_connections=100)
    async with httpx.AsyncClient(base_url=base, transport=transport) as c:

        async def send() -> bytes:
            return (await c.get("/product")).content

        yield send


@contextlib.asynccontextmanager
async def _httpx_aiohttp(base: str) -> AsyncIterator[Send]:
    from httpx_aiohttp import AiohttpTransport  # optional: pip install httpx-aiohttp

    transport = AiohttpTransport(limits=httpx.Limits(max_connections=100))
    async with httpx.AsyncClient(base_url=base, transport=transport) as c:

        async def send() -> bytes:
            return (await c.get("/product")).content

        yield send


@contextlib.asynccontextmanager
async def _aiohttp(base: str) -> AsyncIterator[Send]:
    connector = aiohttp.TCPConnector(limit=100)
    async with aiohttp.ClientSession(connector=connector) as s:
        url = f"{base}/product"

        async def send() -> bytes:
            async with s.get(url) as response:
                return await response.read()

        yield send


CLIENTS: dict[str, Callable[[str], contextlib.AbstractAsyncContextManager[Send]]] = {
    "httpx.AsyncClient, default transport": _httpx_default,
    "httpx.AsyncClient + httpx-aiohttp transport": _httpx_aiohttp,
    "httpx.AsyncClient + gateway AiohttpTransport": _plain_client_our_transport,
    "gateway build_client (ConnectorClient + AiohttpTransport)": _gateway,
    "aiohttp, raw": _aiohttp,
}


# --- measuring -----------------------------------------------------------------------------


@dataclass
class Tally:
    calls: int = 0
    cpu: float = 0.0
    wall: float = 0.0


async def _rounds(send: Send, concurrency: int, seconds: float, tally: Tally) -> None:
    """Rounds of ``concurrency`` concurrent calls for about ``seconds`` of wall time."""
    wall0, cpu0 = time.perf_counter(), time.process_time()
    deadline = wall0 + seconds
    calls = 0
    while True:
        bodies = await asyncio.gather(*(send() for _ in range(concurrency)))
        calls += concurrency
        if bodies[0] != BODY:
            raise RuntimeError("unexpected body")
        if time.perf_counter() >= deadline:
            break
    tally.cpu += time.process_time() - cpu0
    tally.wall += time.perf_counter() - wall0
    tally.calls += calls


async def _measure(base: str, names: list[str], args: argparse.Namespace) -> dict[str, Tally]:
    tallies = {name: Tally() for name in names}
    for _ in range(args.repeats):
        for name in names:
            async with CLIENTS[name](base) as send:
                await _rounds(send, args.concurrency, args.warmup, Tally())
                await _rounds(send, args.concurrency, args.seconds / args.repeats, tallies[name])
    return tallies


def _available(name: str) -> bool:
    if CLIENTS[name] is not _httpx_aiohttp:
        return True
    try:
        import httpx_aiohttp  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="measured wall time per client")
    parser.add_argument(
        "--repeats", type=int, default=3, help="slices each client's time is cut in"
    )
    parser.add_argument("--warmup", type=float, default=0.3, help="warm-up seconds per slice")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--only", action="append", choices=sorted(CLIENTS), help="repeatable")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve()
        return

    names = [n for n in (args.only or CLIENTS) if _available(n)]
    with _server() as base:
        tallies = uvloop.run(_measure(base, names, args))

    print(
        f"{args.concurrency} concurrent GETs of a {len(BODY)}-byte JSON body, uvloop, "
        f"Python {sys.version.split()[0]}, httpx {httpx.__version__}, aiohttp {aiohttp.__version__}\n"
    )
    print("| client | calls | CPU ms/call | wall ms/call |")
    print("| --- | ---: | ---: | ---: |")
    for name, t in tallies.items():
        print(
            f"| {name} | {t.calls} | {1000 * t.cpu / t.calls:.3f} | {1000 * t.wall / t.calls:.3f} |"
        )


if __name__ == "__main__":
    main()
