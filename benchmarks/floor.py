"""The overhead floor: what a gateway that does nothing adds to the back ends' critical path.

    python -m benchmarks.floor                  # plp, pdp, account at 0 ms, ~1 min
    python -m benchmarks.floor --latency-ms 20 --requests 300

The overhead figure (``benchmarks.overhead``) counts everything outside the back ends'
busy time as the gateway's: its own work, but also the loopback hops in both directions,
each sandbox's HTTP server reading the request and writing the answer, and the time a
sandbox waits for a core it shares with the others. This measures that part alone.

For each scenario, our gateway answers it once with every back-end request recorded (in
this process, over real HTTP to the sandbox processes); the requests are grouped into
rounds by how many answers had arrived when each was sent. A bare proxy
(``python -m benchmarks.floor serve``: uvicorn with uvloop and httptools, an aiohttp
client, no GraphQL, no JSON parsing, no mapping) then replays them for every request it
gets: each round at once, the next when all of its answers have been read, then a fixed
answer. Both are timed one request at a time as the main run times ours (``--requests``,
the same sandboxes, the same clock): what ours adds above the proxy's overhead is what a
faster gateway could take away; the proxy's own is what none can, on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks import overhead
from benchmarks.measure import Target, check, critical_path, log, ours_target
from benchmarks.processes import (
    HOST,
    Sandboxes,
    free_port,
    start_gateway,
    start_sandboxes,
    stop,
    wait_listening,
)
from benchmarks.replay import exchanges
from benchmarks.scenarios import SCENARIOS, Scenario

__all__ = ["Call", "main", "record", "rounds", "start_proxy"]

#: One back-end request as the gateway sent it: method, URL, headers, body (latin-1).
Call = dict[str, Any]
#: The proxy's answer: valid JSON with no ``errors`` (the timing loop refuses those).
_ANSWER = b'{"data":{"floor":true}}'
DEFAULT_SCENARIOS = ("plp", "pdp", "account")


def rounds(sent: Sequence[tuple[int, Call]]) -> list[list[Call]]:
    """``(answers received before it was sent, call)`` pairs -> the calls grouped by that
    count, in order of the count: what can go out together."""
    grouped: dict[int, list[Call]] = {}
    for answered, call in sent:
        grouped.setdefault(answered, []).append(call)
    return [grouped[key] for key in sorted(grouped)]


def record(sandboxes: Sandboxes, scenario: Scenario) -> list[list[Call]]:
    """The back-end requests a cold gateway of ours makes for ``scenario``, in rounds (its
    second answer: tokens fetched and connections open in the first)."""
    per_answer, _ = exchanges(sandboxes, scenario)
    return rounds(
        [
            (
                exchange.answered,
                {
                    "method": exchange.request.method,
                    "url": str(exchange.request.url),
                    "headers": [
                        (k.decode("latin-1"), v.decode("latin-1"))
                        for k, v in exchange.request.headers.raw
                    ],
                    "body": exchange.request.content.decode("latin-1"),
                },
            )
            for exchange in per_answer[-1]
        ]
    )


# -- the proxy ------------------------------------------------------------------------------


def serve(port: int, plan: Path) -> None:
    """The bare proxy: every POST replays ``plan``'s rounds, then answers ``_ANSWER``."""
    import aiohttp

    from benchmarks.serve import serve_on_loopback

    planned: list[list[Call]] = json.loads(plan.read_text())
    sessions: list[aiohttp.ClientSession] = []

    async def send(session: aiohttp.ClientSession, call: Call) -> None:
        async with session.request(
            call["method"],
            call["url"],
            headers=[(k, v) for k, v in call["headers"] if k.lower() != "content-length"],
            data=call["body"].encode("latin-1") or None,
        ) as response:
            await response.read()
            if response.status >= 400:
                raise RuntimeError(f"{call['method']} {call['url']}: HTTP {response.status}")

    async def app(scope: Any, receive: Any, send_message: Any) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        if not sessions:
            sessions.append(aiohttp.ClientSession())
        for calls in planned:
            await asyncio.gather(*(send(sessions[0], call) for call in calls))
        await send_message(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", b"%d" % len(_ANSWER)),
                ],
            }
        )
        await send_message({"type": "http.response.body", "body": _ANSWER})

    serve_on_loopback(app, port)


def start_proxy(stack: ExitStack, plan: Path, workdir: Path) -> Target:
    """The bare proxy for ``plan`` (written by :func:`record`), in a process of its own."""
    port = free_port()
    log_path = workdir / f"floor-{plan.stem}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.floor", "serve", str(port), str(plan)],
        stdout=subprocess.DEVNULL,
        stderr=stack.enter_context(log_path.open("wb")),
    )
    stack.callback(stop, process)
    wait_listening(port, process, log_path)
    return Target("floor", f"http://{HOST}:{port}", process.pid, {"query": "{ floor }"}, {})


# -- the command ----------------------------------------------------------------------------


def measure(
    names: Sequence[str], latency_ms: float, requests: int, workdir: Path
) -> list[dict[str, Any]]:
    """Ours and the bare proxy, one request at a time, scenario by scenario."""
    found = []
    with ExitStack() as stack:
        sandboxes = start_sandboxes(stack, latency_ms, workdir)
        gateway = start_gateway(stack, sandboxes, cache="cold", workers=1, workdir=workdir)
        for name in names:
            scenario = SCENARIOS[name]
            planned = record(sandboxes, scenario)
            plan = workdir / f"{name}.json"
            plan.write_text(json.dumps(planned))
            ours = ours_target(gateway, scenario)
            check(ours, scenario)
            with ExitStack() as proxy_stack:
                floor = start_proxy(proxy_stack, plan, workdir)
                measured_ours = critical_path(ours, sandboxes, requests)
                measured_floor = critical_path(floor, sandboxes, requests)
            found.append(
                {
                    "scenario": name,
                    "latency_ms": latency_ms,
                    "calls": [len(calls) for calls in planned],
                    "ours": measured_ours,
                    "floor": measured_floor,
                }
            )
            log(
                f"  {name}: overhead p50 ours {measured_ours['overhead_p50_ms']:.2f} ms, "
                f"floor {measured_floor['overhead_p50_ms']:.2f} ms"
            )
    return found


def table(found: Sequence[Mapping[str, Any]]) -> str:
    lines = [
        "| scenario | back-end latency ms | back-end calls, by round | c=1 p50 ms ours | "
        "c=1 p50 ms floor | overhead p50 ms ours | overhead p50 ms floor | ours above floor |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in found:
        ours, floor = row["ours"], row["floor"]
        lines.append(
            f"| {row['scenario']} | {row['latency_ms']:g} | "
            f"{' + '.join(map(str, row['calls']))} | {ours['c1_p50_ms']:.1f} | "
            f"{floor['c1_p50_ms']:.1f} | {ours['overhead_p50_ms']:.2f} | "
            f"{floor['overhead_p50_ms']:.2f} | "
            f"{ours['overhead_p50_ms'] - floor['overhead_p50_ms']:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        serve(int(argv[1]), Path(argv[2]))
        return 0
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.floor", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(DEFAULT_SCENARIOS),
        help=f"comma-separated, of: {', '.join(DEFAULT_SCENARIOS)}",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added by every sandbox")
    parser.add_argument("--requests", type=int, default=200, help="one at a time, each")
    args = parser.parse_args(argv)
    names = [name for name in args.scenarios.split(",") if name]
    unknown = [name for name in names if name not in DEFAULT_SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; use {', '.join(DEFAULT_SCENARIOS)}")
    log(f"floor: {', '.join(names)} at {args.latency_ms:g} ms, {args.requests} requests each")
    with tempfile.TemporaryDirectory(prefix="commerce-floor-") as tmp:
        found = measure(names, args.latency_ms, args.requests, Path(tmp))
    print(table(found))
    print(
        f"\noverhead: latency minus the back ends' busy time ({overhead.__name__}); "
        "floor: a bare proxy replaying the same back-end requests"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
