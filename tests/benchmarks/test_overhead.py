"""The critical-path arithmetic behind the overhead column, and the floor's rounds."""

from __future__ import annotations

import math

import pytest

from benchmarks import floor
from benchmarks.overhead import critical_path_ns, overheads_ns, percentile, union_ns


@pytest.mark.parametrize(
    ("intervals", "length"),
    [
        ([], 0),
        ([(10, 20)], 10),
        ([(10, 20), (30, 35)], 15),
        ([(10, 20), (15, 30)], 20),
        ([(10, 40), (15, 20), (25, 30)], 30),
        ([(30, 35), (10, 20), (20, 25)], 20),
        ([(10, 10), (20, 15)], 0),
    ],
    ids=["none", "one", "disjoint", "overlapping", "nested", "unsorted-touching", "empty"],
)
def test_union_counts_time_covered_by_any_interval_once(
    intervals: list[tuple[int, int]], length: int
) -> None:
    assert union_ns(intervals) == length


def test_critical_path_keeps_only_what_falls_in_the_window() -> None:
    # Two calls in parallel, one after them, one from the previous request, one after.
    intervals = sorted([(0, 5), (102, 130), (105, 120), (140, 150), (210, 220)])

    assert critical_path_ns((100, 200), intervals) == 28 + 10
    assert critical_path_ns((0, 3), intervals) == 3  # clipped to the window


def test_overhead_is_latency_minus_the_back_ends_busy_time() -> None:
    requests = [(100, 200), (300, 340)]
    calls = [(110, 150), (120, 160), (170, 180), (305, 335)]

    assert overheads_ns(requests, calls) == [100 - 60, 40 - 30]


def test_a_request_answered_from_cache_is_all_overhead() -> None:
    assert overheads_ns([(100, 150)], []) == [50]


def test_percentiles_interpolate_between_ranks() -> None:
    values = [4.0, 1.0, 3.0, 2.0, 5.0]

    assert percentile(values, 50) == 3.0
    assert percentile(values, 90) == pytest.approx(4.6)
    assert percentile(values, 100) == 5.0
    assert math.isnan(percentile([], 50))


def test_the_floor_groups_calls_by_the_answers_seen_before_each() -> None:
    products, stock, stores, prices = ({"url": name} for name in ("p", "s", "l", "x"))
    sent = [(0, products), (1, stock), (1, stores), (3, prices)]
    assert floor.rounds(sent) == [[products], [stock, stores], [prices]]
