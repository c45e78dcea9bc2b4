"""Measuring one gateway (ours or the peer): under load with wrk, and one request at a time.

Before each timed run the target, the sandboxes and anything else named wait until idle,
so that work left over from the previous run (requests still in flight when wrk stopped)
is not counted in the next.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import overhead, procstat, wrk
from benchmarks.gateway_config import SYSTEMS
from benchmarks.processes import Client, Gateway, Sandboxes
from benchmarks.scenarios import PAGE_SIZES, SCENARIOS, Scenario, plp

__all__ = [
    "Sequential",
    "Target",
    "calls_by_page_size",
    "check",
    "critical_path",
    "log",
    "ours_target",
    "scenarios",
    "settle",
    "timed",
    "wrk_script",
]

#: After a wrk run the target still works off the requests left in flight: wait (up to
#: SETTLE_MAX seconds) until it uses less than IDLE of a core before counting again.
SETTLE_MAX = 15.0
IDLE = 0.1


@dataclass(frozen=True)
class Target:
    """What wrk and the checks talk to: our gateway or the peer."""

    label: str
    url: str
    pid: int
    body: Mapping[str, Any]
    headers: Mapping[str, str]
    #: A pre-forking parent: its children serve (else ``pid`` does, whatever it spawns).
    forked: bool = False

    def workers(self) -> list[int]:
        return procstat.tree(self.pid)[1:] if self.forked else [self.pid]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def wrk_script(workdir: Path, target: Target, name: str) -> Path:
    path = workdir / f"{target.label}-{name}.lua"
    path.write_text(wrk.lua_script(target.body, target.headers))
    return path


def settle(*pids: int, window: float = 0.2) -> None:
    """Return once the process trees of ``pids`` are (nearly) idle, or after SETTLE_MAX s."""

    def busy() -> float:
        return sum(procstat.cpu_seconds(pid) for pid in pids)

    deadline = time.monotonic() + SETTLE_MAX
    before = busy()
    while time.monotonic() < deadline:
        time.sleep(window)
        now = busy()
        if now - before <= IDLE * window:
            return
        before = now


def timed(
    target: Target,
    name: str,
    sandboxes: Sandboxes,
    args: argparse.Namespace,
    workdir: Path,
    *,
    idle: tuple[int, ...] = (),
) -> dict[str, Any]:
    """Warm up, then one wrk run: throughput, latency, CPU, memory, back-end calls. The run
    starts once the target, the sandboxes and the ``idle`` processes are idle."""
    script = wrk_script(workdir, target, name)
    url = f"{target.url}/graphql"
    wrk.run(url, script, connections=args.connections, seconds=args.warmup)
    settle(target.pid, *sandboxes.pids, *idle)
    sandboxes.reset()
    procstat.reset_peaks(target.pid)
    cpu_before = procstat.cpu_seconds(target.pid)
    result = wrk.run(url, script, connections=args.connections, seconds=args.duration)
    cpu = procstat.cpu_seconds(target.pid) - cpu_before
    calls = sum(len(intervals) for intervals in sandboxes.calls().values())
    peak = max(procstat.memory_kib(pid) for pid in target.workers())
    if not result.requests:
        log(f"  {target.label} {name}: no request completed; try a longer --duration")
    done = result.requests

    def per_request(total: float) -> float | None:
        return total / done if done else None

    return {
        "requests": result.requests,
        "seconds": result.seconds,
        "rps": result.rps,
        "p50_ms": result.p50 if done else None,
        "p90_ms": result.p90 if done else None,
        "p99_ms": result.p99 if done else None,
        "errors": dict(result.errors),
        "failed": result.failed,
        "cpu_seconds": cpu,
        "cpu_ms_per_request": per_request(1000 * cpu),
        "peak_rss_mib": peak / 1024,
        "backend_calls": calls,
        "backend_calls_per_request": per_request(calls),
    }


@dataclass(frozen=True)
class Sequential:
    """``requests`` requests one at a time: each one's client-side window (monotonic ns),
    the back-end calls made meanwhile, and the target's CPU seconds for all of them."""

    windows: list[tuple[int, int]]
    calls: dict[str, list[tuple[int, int]]]
    cpu_seconds: float


def sequential(target: Target, sandboxes: Sandboxes, requests: int) -> Sequential:
    """Requests one at a time: nothing shared between them (no single-flight), so each
    pays for every back-end call it needs."""
    settle(target.pid, *sandboxes.pids)
    client = Client(target.url)
    payload = json.dumps(target.body).encode()
    try:
        for _ in range(min(10, requests)):  # connections open, parsers warm
            client.request("POST", "/graphql", payload, target.headers)
        sandboxes.reset()
        windows = []
        cpu_before = procstat.cpu_seconds(target.pid)
        for _ in range(requests):
            start = time.monotonic_ns()
            status, body = client.request("POST", "/graphql", payload, target.headers)
            end = time.monotonic_ns()
            if status != 200 or b'"errors":' in body:
                raise RuntimeError(f"{target.label}: HTTP {status}: {body[:500]!r}")
            windows.append((start, end))
        cpu = procstat.cpu_seconds(target.pid) - cpu_before
    finally:
        client.close()
    return Sequential(windows, sandboxes.calls(), cpu)


def _summary(measured: Mapping[str, Any]) -> str:
    def num(key: str, digits: int) -> str:
        value = measured.get(key)
        return "–" if value is None else f"{value:.{digits}f}"

    return (
        f"{num('rps', 0)} req/s, p50 {num('p50_ms', 1)} ms, "
        f"{num('cpu_ms_per_request', 2)} CPU ms/req, overhead p50 {num('overhead_p50_ms', 2)} ms"
    )


def critical_path(target: Target, sandboxes: Sandboxes, requests: int) -> dict[str, float]:
    """One request at a time: latency, overhead over the back-end critical path, and what
    each request costs when none shares a back-end call with another."""
    measured = sequential(target, sandboxes, requests)
    intervals = [interval for each in measured.calls.values() for interval in each]
    extra = [ns / 1e6 for ns in overhead.overheads_ns(measured.windows, intervals)]
    latency = [(end - start) / 1e6 for start, end in measured.windows]
    return {
        "c1_p50_ms": overhead.percentile(latency, 50),
        "overhead_p50_ms": overhead.percentile(extra, 50),
        "overhead_p90_ms": overhead.percentile(extra, 90),
        "c1_cpu_ms_per_request": 1000 * measured.cpu_seconds / requests,
        "c1_backend_calls_per_request": len(intervals) / requests,
    }


def calls_by_page_size(gateway: Gateway, sandboxes: Sandboxes, requests: int) -> list[Any]:
    """Back-end calls per product listing, per system, for each page size."""
    found = []
    for size in PAGE_SIZES:
        scenario = plp(size)
        target = ours_target(gateway, scenario)
        check(target, scenario)
        calls = sequential(target, sandboxes, requests).calls
        per_system = {name: len(calls.get(name, [])) / requests for name in SYSTEMS}
        found.append({"page_size": size, "calls": per_system})
    return found


def check(target: Target, scenario: Scenario) -> Any:
    """Our answer to ``scenario``, canonical; ``RuntimeError`` if it is not one to time."""
    client = Client(target.url)
    try:
        status, answer = client.post_json("/graphql", target.body, target.headers)
    finally:
        client.close()
    try:
        return scenario.check(status, answer)
    except ValueError as exc:
        raise RuntimeError(f"{target.label}: {exc}") from None


def ours_target(gateway: Gateway, scenario: Scenario) -> Target:
    forked = gateway.workers > 1
    return Target("ours", gateway.url, gateway.pid, scenario.body(), scenario.headers, forked)


def scenarios(
    gateway: Gateway,
    names: list[str],
    sandboxes: Sandboxes,
    args: argparse.Namespace,
    workdir: Path,
) -> list[dict[str, Any]]:
    """Each scenario in ``names`` under load, then one request at a time."""
    for name in names:
        check(ours_target(gateway, SCENARIOS[name]), SCENARIOS[name])
    runs = []
    for name in names:
        target = ours_target(gateway, SCENARIOS[name])
        measured = timed(target, name, sandboxes, args, workdir)
        measured |= critical_path(target, sandboxes, args.requests)
        measured |= {"scenario": name, "latency_ms": sandboxes.latency_ms}
        measured |= {"workers": gateway.workers, "cache": gateway.cache}
        runs.append(measured)
        log(f"  {name}: {_summary(measured)}")
    return runs
