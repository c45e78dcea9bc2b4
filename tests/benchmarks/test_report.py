"""The Markdown the benchmark prints."""

from __future__ import annotations

from benchmarks.report import peer_table, runs_table

RUN = {
    "scenario": "plp",
    "latency_ms": 20.0,
    "workers": 2,
    "rps": 512.4,
    "p50_ms": 61.23,
    "p99_ms": 101.0,
    "cpu_ms_per_request": 3.456,
    "peak_rss_mib": 97.6,
    "backend_calls_per_request": 6.5,
    "c1_p50_ms": 40.04,
    "c1_cpu_ms_per_request": 5.5,
    "c1_backend_calls_per_request": 7.0,
    "overhead_p50_ms": None,
    "overhead_p90_ms": 4.0,
    "failed": 0,
}


def test_a_run_is_one_row_and_missing_figures_show_as_a_dash() -> None:
    lines = runs_table([RUN]).splitlines()

    assert len(lines) == 3
    assert lines[2] == (
        "| plp | 20 | 2 | 512 | 61.2 | 101.0 | 3.46 | 98 | 6.50 | 40.0 | 5.50 | 7.0 | – | 4.00 | 0 |"
    )


def test_the_peer_table_gives_ratios_ours_over_theirs() -> None:
    ours = {**RUN, "rps": 600.0, "cpu_ms_per_request": 2.0}
    peer = {**RUN, "rps": 300.0, "cpu_ms_per_request": 4.0}

    row = peer_table([{"scenario": "plp", "latency_ms": 0.0, "ours": ours, "peer": peer}])

    cells = row.splitlines()[2].split(" | ")
    assert cells[2:8] == ["600", "300", "2.00×", "2.00", "4.00", "0.50×"]
