"""Gateway benchmarks over real loopback HTTP: ``python -m benchmarks``.

    python -m benchmarks                      # the default run (its length is printed first)
    python -m benchmarks --quick              # a smoke run, a minute or two
    python -m benchmarks --peer               # and GraphQL Mesh + Hive Gateway, interleaved
    python -m benchmarks --scenarios plp --latency-ms 0,20 --workers 1,2

Every piece runs in its own process on 127.0.0.1: the four vendor sandboxes
(``benchmarks.sandbox_server``, which times each back-end call), the gateway
(``commerce-gateway serve --workers N``, cold or warm cache, ``benchmarks.gateway_config``)
and the load (wrk, one thread). Each scenario's answer is checked once before it is timed.
Per scenario: throughput and latency under ``--connections`` concurrent requests; the
gateway's CPU time per request (utime + stime of its process tree, /proc); the peak RSS of
a worker (VmHWM, reset before each run); the back-end calls per request (counted by the
sandboxes); and, one request at a time, the gateway's overhead over the back-end critical
path (``benchmarks.overhead``). Markdown on stdout, everything as JSON in
``benchmarks/results/raw/``. Every process started is stopped on exit, Ctrl-C included.

The measuring is in ``benchmarks.measure``, the ``--peer`` comparison in
``benchmarks.comparison``; this module is the plan and the command line.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType
from typing import Any

from benchmarks import procstat, report, wrk
from benchmarks.comparison import (
    PeerUnavailable,
    interleaved,
    load_peer,
    peer_target,
    same_answers,
    start_peer,
)
from benchmarks.gateway_config import SYSTEMS
from benchmarks.measure import calls_by_page_size, check, log, ours_target, scenarios, wrk_script
from benchmarks.processes import Sandboxes, start_gateway, start_sandboxes
from benchmarks.scenarios import PAGE_SIZES, SCENARIOS

RESULTS = Path(__file__).parent / "results" / "raw"
QUICK = {"duration": 2, "warmup": 1, "requests": 20, "page_requests": 1, "soak": 3, "rounds": 1}


def _csv(value: str, kind: Callable[[str], Any]) -> list[Any]:
    return [kind(item) for item in value.split(",") if item.strip()]


# -- the plan -------------------------------------------------------------------------------


def _modes(names: list[str]) -> list[str]:
    return [mode for mode in ("cold", "warm") if any(SCENARIOS[n].cache == mode for n in names)]


def estimate_seconds(args: argparse.Namespace, peer_scenarios: int) -> float:
    """A rough length of the whole run, printed before it starts."""
    total = 0.0
    per_run = args.warmup + args.duration + 1.5
    for latency in args.latency_ms:
        # A listing at concurrency 1: ~15 ms of the gateway's own, three back-end hops.
        per_sequential = 0.015 + 3 * latency / 1000
        total += 3  # sandboxes
        for workers in args.workers:
            total += len(_modes(args.scenarios)) * (3 + workers)
            total += len(args.scenarios) * (per_run + (args.requests + 10) * per_sequential)
        total += len(PAGE_SIZES) * (args.page_requests + 10) * per_sequential
        if peer_scenarios:
            total += 30 + peer_scenarios * 2 * args.rounds * per_run  # compose, start, runs
    if args.soak:
        total += 5 + args.warmup + args.soak
    return total


def _setup(args: argparse.Namespace) -> str:
    return (
        f"{args.connections} connections, {args.duration} s a run, wrk -t1; "
        f"Python {platform.python_version()}, {platform.machine()}, "
        f"{len(os.sched_getaffinity(0))} cores"
    )


def run(
    args: argparse.Namespace,
    peer: ModuleType | None,
    workdir: Path,
    results: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every measurement the options ask for, added to ``results`` as it is made (so that
    a run that fails half-way still has what it measured)."""
    results = results if results is not None else {}
    results |= {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "setup": _setup(args),
        "options": vars(args),
        "runs": [],
        "calls_by_page_size": [],
        "soak": None,
        "peer": [],
    }
    peer_names = [name for name in args.scenarios if peer and name in peer.SCENARIOS]
    if peer:
        results["peer_name"] = getattr(peer, "NAME", "GraphQL Mesh + Hive Gateway")
    for latency in args.latency_ms:
        with ExitStack() as stack:
            log(f"sandboxes: 4 processes, {latency:g} ms a call")
            sandboxes = start_sandboxes(stack, latency, workdir)
            peer_process: Any = None
            for workers in args.workers:
                for mode in _modes(args.scenarios):
                    names = [n for n in args.scenarios if SCENARIOS[n].cache == mode]
                    with ExitStack() as gateway_stack:
                        log(f"gateway: {workers} worker(s), {mode} cache")
                        gateway = start_gateway(
                            gateway_stack, sandboxes, cache=mode, workers=workers, workdir=workdir
                        )
                        if (
                            mode == "cold"
                            and args.page_requests
                            and not results["calls_by_page_size"]
                        ):
                            results["calls_by_page_size"] = calls_by_page_size(
                                gateway, sandboxes, args.page_requests
                            )
                        results["runs"] += scenarios(gateway, names, sandboxes, args, workdir)
                        compare = [n for n in peer_names if n in names]
                        if not (peer and compare and workers == min(args.workers)):
                            continue
                        if peer_process is None:
                            log("peer: starting")
                            peer_process, peer_url = start_peer(stack, peer, sandboxes, workdir)
                        for name in compare:
                            ours = ours_target(gateway, SCENARIOS[name])
                            theirs = peer_target(peer, name, peer_process, peer_url)
                            same_answers(peer, name, ours, theirs)
                            log(f"  {name}: ours and the peer's answers agree; A B A B")
                            compared = interleaved(ours, theirs, name, sandboxes, args, workdir)
                            results["peer"].append({**compared, "workers": workers})
            if args.soak and latency == args.latency_ms[-1]:
                results["soak"] = soak(stack, sandboxes, args, workdir)
    return results


def soak(
    stack: ExitStack, sandboxes: Sandboxes, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    """A fresh cold gateway under ``--soak`` seconds of listing load: its memory after."""
    workers = args.workers[0]
    log(f"soak: {args.soak} s of plp, {workers} worker(s), cold cache")
    with ExitStack() as gateway_stack:
        gateway = start_gateway(
            gateway_stack, sandboxes, cache="cold", workers=workers, workdir=workdir
        )
        target = ours_target(gateway, SCENARIOS["plp"])
        check(target, SCENARIOS["plp"])
        script = wrk_script(workdir, target, "soak")
        url = f"{gateway.url}/graphql"
        wrk.run(url, script, connections=args.connections, seconds=args.warmup)

        def rss(field: str) -> float:
            return max(procstat.memory_kib(p, field) for p in target.workers()) / 1024

        before = rss("VmRSS")
        result = wrk.run(url, script, connections=args.connections, seconds=args.soak)
        return {
            "scenario": "plp",
            "latency_ms": sandboxes.latency_ms,
            "workers": workers,
            "seconds": args.soak,
            "rps": result.rps,
            "failed": result.failed,
            "rss_mib_before": before,
            "rss_mib_after": rss("VmRSS"),
            "peak_rss_mib": rss("VmHWM"),
        }


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scenarios",
        type=lambda v: _csv(v, str),
        default=list(SCENARIOS),
        help=f"comma-separated, of: {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per timed run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each")
    parser.add_argument("--connections", type=int, default=32, help="wrk's, with one thread")
    parser.add_argument(
        "--latency-ms",
        type=lambda v: _csv(v, float),
        default=[0.0],
        help="back-end latency added by every sandbox, comma-separated (e.g. 0,20)",
    )
    parser.add_argument(
        "--workers",
        type=lambda v: _csv(v, int),
        default=[1, 2],
        help="gateway worker processes, comma-separated",
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="sequential requests for the overhead"
    )
    parser.add_argument(
        "--page-requests", type=int, default=5, help="listings per page size (0: skip)"
    )
    parser.add_argument(
        "--soak", type=int, default=60, help="seconds of listing load for memory (0: skip)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds against the peer")
    parser.add_argument("--peer", action="store_true", help="compare with benchmarks/peer")
    parser.add_argument("--quick", action="store_true", help="short everything: a smoke run")
    parser.add_argument("--output", type=Path, help="the JSON file (default: results/raw/)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.quick:  # shorter defaults; what the command line says still holds
        parser.set_defaults(**QUICK)
        args = parser.parse_args(argv)
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; use {', '.join(SCENARIOS)}")
    if not args.workers or min(args.workers) < 1:
        parser.error("--workers: counts of 1 or more")
    try:
        wrk.require_wrk()
    except wrk.WrkMissing as exc:
        print(f"python -m benchmarks: {exc}", file=sys.stderr)
        return 2
    peer = None
    if args.peer:
        log("peer: installing")
        try:
            peer = load_peer()
        except PeerUnavailable as exc:
            print(f"python -m benchmarks: --peer is unavailable: {exc}", file=sys.stderr)
            return 2
    peer_count = len(set(peer.SCENARIOS) & set(args.scenarios)) if peer else 0
    minutes, seconds = divmod(round(estimate_seconds(args, peer_count)), 60)
    log(
        f"plan: {', '.join(args.scenarios)} at {', '.join(f'{v:g}' for v in args.latency_ms)} ms "
        f"back-end latency, {', '.join(map(str, args.workers))} worker(s)"
        f"{', against the peer' if peer else ''}; about {minutes} min {seconds} s"
    )

    # SIGTERM unwinds like Ctrl-C: every process started is stopped on the way out.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    results: dict[str, Any] = {}
    status = 0
    with tempfile.TemporaryDirectory(prefix="commerce-bench-") as tmp:
        try:
            run(args, peer, Path(tmp), results)
        except (RuntimeError, subprocess.SubprocessError) as exc:
            print(f"python -m benchmarks: {exc}", file=sys.stderr)
            status = 1
        except KeyboardInterrupt:
            print("python -m benchmarks: interrupted", file=sys.stderr)
            status = 130
    if not results.get("runs"):
        return status or 1
    if status:
        results["incomplete"] = True
        log("the run stopped early: what it measured so far follows")
    output = args.output or RESULTS / f"{results['started'].replace(':', '')}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(report.markdown(results, SYSTEMS))
    log(f"results: {output}")
    return status
