"""A scenario's CPU in process, over recorded back-end answers: changes compared exactly.

    python -m benchmarks.replay --save /tmp/plp.replay         # record (sandboxes), then time
    python -m benchmarks.replay --load /tmp/plp.replay --batches 20 --concurrency 32

Timings on a shared two-core machine vary by 10-30% between runs; instruction counts do
not. This records every back-end answer our cold gateway gets for a scenario (sandbox
processes over loopback, as the benchmarks run them), then serves the gateway's connectors
from that recording (``httpx.MockTransport``: no network, no sandbox) and drives the ASGI
app in process: ``--batches`` of ``--concurrency`` identical requests at once, which share
one fetch as they do under load (``--concurrency 1``: each pays for every call). It prints
the CPU per request; under callgrind, the difference of two runs is the instructions per
request, the same on every rerun of the same code::

    for b in 1 4; do valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$b \\
        python -m benchmarks.replay --load /tmp/plp.replay --batches $b 2>&1 | grep Collected
    done   # (second - first) / (3 x 32) = instructions a listing

Every answer is checked against the recorded one first.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import pickle
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from benchmarks.gateway_config import raw_config
from benchmarks.measure import log
from benchmarks.processes import Sandboxes, start_sandboxes
from benchmarks.scenarios import SCENARIOS, Scenario

__all__ = [
    "Exchange",
    "Recording",
    "ask",
    "exchanges",
    "in_process_app",
    "main",
    "record",
    "replay",
]

#: (method, URL without scheme and host, body) -> (status, headers, body)
Exchanges = dict[tuple[str, str, bytes], tuple[int, list[tuple[bytes, bytes]], bytes]]

#: The collector as ``commerce-gateway serve`` sets it (gateway.cli).
_GC_THRESHOLDS = (20_000, 5, 10)


def _key(request: httpx.Request) -> tuple[str, str, bytes]:
    target = request.url.raw_path.decode("ascii")
    return request.method, f"{request.url.port}{target}", request.content


@dataclass(frozen=True)
class Recording:
    """What ``replay`` needs: the scenario, its raw config, the exchanges, the answer."""

    scenario: str
    config: Mapping[str, Any]
    exchanges: Exchanges
    answer: bytes


@dataclass(frozen=True)
class Exchange:
    """One back-end call our gateway made: how many of its request's calls had been
    answered when it was sent, the request (read whole) and the answer."""

    answered: int
    request: httpx.Request
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class _Recorder(httpx.AsyncBaseTransport):
    """Passes every request on and notes the exchange in ``per_answer[-1]``, with how many
    of that answer's calls (by every back end's recorder) had been answered before it."""

    def __init__(self, inner: httpx.AsyncBaseTransport, per_answer: list[list[Exchange]]) -> None:
        self.inner = inner
        self.per_answer = per_answer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        log = self.per_answer[-1]
        before = len(log)  # answered so far: an exchange is noted once answered
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        headers = list(response.headers.raw)
        log.append(Exchange(before, request, response.status_code, headers, body))
        return httpx.Response(response.status_code, headers=headers, content=body)

    async def aclose(self) -> None:
        await self.inner.aclose()


def exchanges(
    sandboxes: Sandboxes, scenario: Scenario, *, answers: int = 2
) -> tuple[list[list[Exchange]], bytes]:
    """Our cold gateway's back-end calls for ``answers`` answers to ``scenario`` in a row
    over ``sandboxes``, per answer, and the last answer (checked). The first fetches the
    OAuth tokens and opens the connections the others reuse."""
    from gateway.runtime import default_transport

    per_answer: list[list[Exchange]] = []

    async def in_a_row() -> bytes:
        app = in_process_app(
            raw_config(sandboxes.urls, cache="cold"),
            lambda connector: _Recorder(default_transport(connector), per_answer),
        )
        answer = b""
        async with app.router.lifespan_context(app):
            for _ in range(answers):
                per_answer.append([])
                answer = await ask(app, scenario)
        return answer

    answer = asyncio.run(in_a_row())
    scenario.check(200, orjson.loads(answer))
    return per_answer, answer


def in_process_app(config: Mapping[str, Any], transport: Any) -> Any:
    """Our gateway as an ASGI app for the raw ``config``, each back end's bytes carried by
    ``transport(connector_config)``."""
    from gateway.app import create_app
    from gateway.config import parse_config

    return create_app(parse_config(config, {}), transport_factory=transport)


async def ask(app: Any, scenario: Scenario) -> bytes:
    """One request through the ASGI app, as uvicorn would hand it over."""
    body = orjson.dumps(scenario.body())
    headers = [(b"content-type", b"application/json"), (b"host", b"gateway")]
    headers += [(k.lower().encode(), v.encode()) for k, v in scenario.headers.items()]
    messages: list[Mapping[str, Any]] = []
    received = False

    async def receive() -> Mapping[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client stays connected
        raise AssertionError("unreachable")

    async def send(message: Mapping[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    await app(scope, receive, send)
    answer = b"".join(m.get("body", b"") for m in messages[1:])
    if messages[0]["status"] != 200:
        raise RuntimeError(f"HTTP {messages[0]['status']}: {answer[:500]!r}")
    return answer


def record(sandboxes: Sandboxes, name: str) -> Recording:
    """Scenario ``name``'s recording over ``sandboxes``: every back-end call of two answers
    in a row (OAuth tokens are fetched in the first), and the second answer."""
    per_answer, answer = exchanges(sandboxes, SCENARIOS[name])
    recorded: Exchanges = {
        _key(e.request): (e.status, e.headers, e.body) for calls in per_answer for e in calls
    }
    return Recording(name, raw_config(sandboxes.urls, cache="cold"), recorded, answer)


def replay(recording: Recording, *, concurrency: int, batches: int) -> float:
    """CPU seconds per request over ``batches`` of ``concurrency`` requests at once."""
    scenario = SCENARIOS[recording.scenario]

    async def answer(request: httpx.Request) -> httpx.Response:
        await request.aread()
        try:
            status, headers, body = recording.exchanges[_key(request)]
        except KeyError:
            raise RuntimeError(f"not in the recording: {request.method} {request.url}") from None
        return httpx.Response(status, headers=headers, content=body)

    async def timed() -> float:
        app = in_process_app(recording.config, lambda c: httpx.MockTransport(answer))
        async with app.router.lifespan_context(app):
            if orjson.loads(await ask(app, scenario)) != orjson.loads(recording.answer):
                raise RuntimeError("the answer differs from the recorded one")
            for _ in range(3):
                await asyncio.gather(*(ask(app, scenario) for _ in range(concurrency)))
            gc.collect()
            gc.freeze()
            gc.set_threshold(*_GC_THRESHOLDS)
            started = time.process_time()
            for _ in range(batches):
                await asyncio.gather(*(ask(app, scenario) for _ in range(concurrency)))
            return (time.process_time() - started) / max(1, batches * concurrency)

    if sys.platform != "win32":
        import uvloop

        return uvloop.run(timed())
    return asyncio.run(timed())  # pragma: no cover


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.replay",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scenario", default="plp", choices=["plp", "pdp", "account"])
    parser.add_argument("--save", type=Path, help="record, keep the recording here, then time")
    parser.add_argument("--load", type=Path, help="time a recording --save made")
    parser.add_argument("--concurrency", type=int, default=32, help="requests at once")
    parser.add_argument("--batches", type=int, default=20, help="rounds of --concurrency")
    args = parser.parse_args(argv)
    if args.load and args.save:
        parser.error("--load or --save, not both")
    if args.load:
        saved = pickle.loads(args.load.read_bytes())
        if not isinstance(saved, dict) or saved.keys() != set(Recording.__dataclass_fields__):
            parser.error(f"{args.load} is not a recording --save made")
        recording = Recording(**saved)
    else:
        log(f"replay: recording {args.scenario} over sandbox processes")
        with tempfile.TemporaryDirectory(prefix="commerce-replay-") as tmp, ExitStack() as stack:
            recording = record(start_sandboxes(stack, 0, Path(tmp)), args.scenario)
        if args.save:
            args.save.write_bytes(pickle.dumps(vars(recording)))
    cpu = replay(recording, concurrency=args.concurrency, batches=args.batches)
    print(
        f"{recording.scenario}: {1000 * cpu:.3f} CPU ms a request "
        f"({args.batches} x {args.concurrency} at once, {len(recording.exchanges)} recorded calls)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
