"""The benchmark's Markdown tables, from its results (plain dicts, as saved to JSON)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["calls_table", "markdown", "peer_table", "runs_table", "soak_table", "table"]


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def table(header: Sequence[str], rows: Iterable[Sequence[str]], *, left: int = 1) -> str:
    """A Markdown table; the first ``left`` columns left-aligned, the rest right-aligned."""
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" if i < left else "---:" for i in range(len(header))) + " |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def runs_table(runs: Iterable[Mapping[str, Any]]) -> str:
    header = [
        "scenario",
        "back-end latency ms",
        "workers",
        "req/s",
        "p50 ms",
        "p99 ms",
        "CPU ms/req",
        "peak RSS MiB/worker",
        "back-end calls/req",
        "c=1: p50 ms",
        "c=1: CPU ms/req",
        "c=1: calls/req",
        "overhead p50 ms",
        "overhead p90 ms",
        "failed",
    ]
    rows = [
        [
            run["scenario"],
            f"{run['latency_ms']:g}",
            str(run["workers"]),
            _num(run["rps"], 0),
            _num(run["p50_ms"]),
            _num(run["p99_ms"]),
            _num(run["cpu_ms_per_request"], 2),
            _num(run["peak_rss_mib"], 0),
            _num(run["backend_calls_per_request"], 2),
            _num(run.get("c1_p50_ms"), 1),
            _num(run.get("c1_cpu_ms_per_request"), 2),
            _num(run.get("c1_backend_calls_per_request"), 1),
            _num(run.get("overhead_p50_ms"), 2),
            _num(run.get("overhead_p90_ms"), 2),
            str(run["failed"]),
        ]
        for run in runs
    ]
    return table(header, rows)


def calls_table(calls: Iterable[Mapping[str, Any]], systems: Sequence[str]) -> str:
    rows = [
        [
            str(entry["page_size"]),
            *(_num(entry["calls"][name], 1) for name in systems),
            _num(sum(entry["calls"].values()), 1),
        ]
        for entry in calls
    ]
    return table(["page size", *systems, "total"], rows, left=0)


def soak_table(soak: Mapping[str, Any]) -> str:
    row = [
        soak["scenario"],
        f"{soak['latency_ms']:g}",
        str(soak["workers"]),
        str(soak["seconds"]),
        _num(soak["rps"], 0),
        _num(soak["rss_mib_before"], 0),
        _num(soak["rss_mib_after"], 0),
        _num(soak["peak_rss_mib"], 0),
        str(soak["failed"]),
    ]
    header = [
        "scenario",
        "back-end latency ms",
        "workers",
        "seconds",
        "req/s",
        "RSS MiB/worker before",
        "after",
        "peak",
        "failed",
    ]
    return table(header, [row])


def _ratio(ours: float | None, theirs: float | None) -> str:
    if not ours or not theirs:
        return "–"
    return f"{ours / theirs:.2f}×"


def peer_table(comparisons: Iterable[Mapping[str, Any]]) -> str:
    header = [
        "scenario",
        "back-end latency ms",
        "req/s ours",
        "req/s peer",
        "ours ÷ peer",
        "CPU ms/req ours",
        "CPU ms/req peer",
        "ours ÷ peer",
        "p50/p99 ms ours",
        "p50/p99 ms peer",
        "peak RSS MiB ours",
        "peak RSS MiB peer",
        "calls/req ours",
        "calls/req peer",
        "c=1: CPU ms/req ours",
        "c=1: CPU ms/req peer",
        "ours ÷ peer",
        "c=1: p50 ms ours",
        "c=1: p50 ms peer",
    ]
    rows = []
    for c in comparisons:
        ours, peer = c["ours"], c["peer"]
        rows.append(
            [
                c["scenario"],
                f"{c['latency_ms']:g}",
                _num(ours["rps"], 0),
                _num(peer["rps"], 0),
                _ratio(ours["rps"], peer["rps"]),
                _num(ours["cpu_ms_per_request"], 2),
                _num(peer["cpu_ms_per_request"], 2),
                _ratio(ours["cpu_ms_per_request"], peer["cpu_ms_per_request"]),
                f"{_num(ours['p50_ms'])} / {_num(ours['p99_ms'])}",
                f"{_num(peer['p50_ms'])} / {_num(peer['p99_ms'])}",
                _num(ours["peak_rss_mib"], 0),
                _num(peer["peak_rss_mib"], 0),
                _num(ours["backend_calls_per_request"], 2),
                _num(peer["backend_calls_per_request"], 2),
                _num(ours.get("c1_cpu_ms_per_request"), 2),
                _num(peer.get("c1_cpu_ms_per_request"), 2),
                _ratio(ours.get("c1_cpu_ms_per_request"), peer.get("c1_cpu_ms_per_request")),
                _num(ours.get("c1_p50_ms"), 1),
                _num(peer.get("c1_p50_ms"), 1),
            ]
        )
    return table(header, rows)


def markdown(results: Mapping[str, Any], systems: Sequence[str]) -> str:
    """Every table the results hold, with a one-line heading each."""
    parts = [f"### Gateway benchmarks ({results['setup']})", runs_table(results["runs"])]
    if results.get("calls_by_page_size"):
        parts += [
            "Back-end calls per product listing, by page size (cold cache):",
            calls_table(results["calls_by_page_size"], systems),
        ]
    if results.get("soak"):
        parts += ["Memory under sustained load:", soak_table(results["soak"])]
    if results.get("peer"):
        workers = results["peer"][0]["workers"]
        parts += [
            f"Against {results.get('peer_name', 'the peer')} (interleaved A B A B, same "
            f"load; ours: {workers} worker{'s' if workers > 1 else ''}, the peer: 1 process):",
            peer_table(results["peer"]),
        ]
    return "\n\n".join(parts) + "\n"
