"""``--peer``: the same scenarios against ``benchmarks/peer`` (GraphQL Mesh + Hive Gateway).

The peer package provides ``SCENARIOS``, ``install()``, ``start(sandbox_urls, port)``,
``request(scenario)`` and ``normalise(scenario, answer)``. Both gateways' answers are
brought to the canonical form of ``benchmarks.scenarios`` and must be equal; then the two
take turns under the same load, A B A B.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import pprint
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks.measure import Target, check, critical_path, log, settle, timed
from benchmarks.processes import Client, Sandboxes, free_port, stop, wait_listening
from benchmarks.scenarios import SCENARIOS

__all__ = [
    "PeerUnavailable",
    "interleaved",
    "load_peer",
    "peer_target",
    "same_answers",
    "start_peer",
]


class PeerUnavailable(RuntimeError):
    """``--peer`` cannot run (the message says why)."""


def load_peer() -> ModuleType:
    """``benchmarks.peer``, installed; :class:`PeerUnavailable` if it cannot run."""
    try:
        peer = importlib.import_module("benchmarks.peer")
    except ImportError as exc:
        raise PeerUnavailable(f"benchmarks/peer cannot be imported ({exc})") from None
    missing = [
        name
        for name in ("SCENARIOS", "install", "start", "request", "normalise")
        if not hasattr(peer, name)
    ]
    if missing:
        raise PeerUnavailable(f"benchmarks/peer lacks {', '.join(missing)}")
    unavailable = getattr(peer, "PeerUnavailable", PeerUnavailable)
    try:
        peer.install()
    except unavailable as exc:
        raise PeerUnavailable(str(exc)) from None
    return peer


def start_peer(stack: ExitStack, peer: ModuleType, sandboxes: Sandboxes, workdir: Path) -> Any:
    port = free_port()
    process = peer.start(dict(sandboxes.urls), port)
    stack.callback(stop, process)
    wait_listening(port, process, workdir / "peer.log")
    return process, f"http://127.0.0.1:{port}"


def peer_target(peer: ModuleType, name: str, process: Any, url: str) -> Target:
    body, headers = peer.request(name)
    return Target("peer", url, process.pid, body, headers)


def same_answers(peer: ModuleType, name: str, ours: Target, theirs: Target) -> None:
    """Both gateways give the same canonical answer, or ``RuntimeError`` with the diff."""
    mine = check(ours, SCENARIOS[name])
    client = Client(theirs.url)
    try:
        status, answer = client.post_json("/graphql", theirs.body, theirs.headers)
    finally:
        client.close()
    if status != 200 or not isinstance(answer, dict) or answer.get("errors"):
        raise RuntimeError(f"peer: {name}: HTTP {status}: {str(answer)[:1000]}")
    other = peer.normalise(name, answer)
    if mine != other:
        diff = difflib.unified_diff(
            pprint.pformat(mine, width=100).splitlines(),
            pprint.pformat(other, width=100).splitlines(),
            "ours",
            "peer",
            lineterm="",
        )
        raise RuntimeError(f"{name}: the gateways disagree:\n" + "\n".join(diff))


def _mean(values: Iterable[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) / len(known) if known else None


def interleaved(
    ours: Target,
    theirs: Target,
    name: str,
    sandboxes: Sandboxes,
    args: argparse.Namespace,
    workdir: Path,
) -> dict[str, Any]:
    """Ours, the peer, ours, the peer... (``--rounds``), summed per side."""
    runs: dict[str, list[dict[str, Any]]] = {"ours": [], "peer": []}
    for _ in range(args.rounds):
        for target in (ours, theirs):
            other = theirs if target is ours else ours
            measured = timed(target, name, sandboxes, args, workdir, idle=(other.pid,))
            runs[target.label].append(measured)
    combined = {}
    for label, each in runs.items():
        requests = sum(run["requests"] for run in each)
        seconds = sum(run["seconds"] for run in each)
        cpu = sum(run["cpu_seconds"] for run in each)
        calls = sum(run["backend_calls"] for run in each)
        combined[label] = {
            "rounds": each,
            "rps": requests / seconds if seconds else 0.0,
            "cpu_ms_per_request": 1000 * cpu / requests if requests else None,
            "backend_calls_per_request": calls / requests if requests else None,
            # Percentiles do not add up: the mean of the rounds'.
            "p50_ms": _mean(run["p50_ms"] for run in each),
            "p99_ms": _mean(run["p99_ms"] for run in each),
            "peak_rss_mib": max(run["peak_rss_mib"] for run in each),
            "failed": sum(run["failed"] for run in each),
        }
    for label, target in (("ours", ours), ("peer", theirs)):
        settle(ours.pid, theirs.pid)
        try:
            combined[label] |= critical_path(target, sandboxes, args.requests)
        except RuntimeError as exc:  # one failed answer: say so, keep the loaded figures
            log(f"  {label} {name}: one at a time: {str(exc)[:300]}")
            combined[label]["c1_error"] = str(exc)[:1000]
    return {"scenario": name, "latency_ms": sandboxes.latency_ms, **combined}
