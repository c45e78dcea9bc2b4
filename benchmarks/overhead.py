"""The gateway's overhead over its back-end critical path, one request at a time.

For one request timed by the client from ``start`` to ``end``, the back ends were busy
during the union of their calls' intervals that fall in that window; the rest of the
window is the gateway's own time (parsing, planning, merging, serialising, the HTTP hops):
``overhead = (end - start) - |union of back-end intervals within [start, end]|``.
Times are ``time.monotonic_ns()`` from every process (one clock on Linux).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence

__all__ = ["critical_path_ns", "overheads_ns", "percentile", "union_ns"]

Interval = tuple[int, int]


def union_ns(intervals: Iterable[Interval]) -> int:
    """Length of the union of ``intervals`` (``(start, end)`` pairs, any order)."""
    total = 0
    current_start = current_end = None
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if current_end is None or start > current_end:
            if current_end is not None and current_start is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None and current_start is not None:
        total += current_end - current_start
    return total


def critical_path_ns(window: Interval, intervals: Sequence[Interval]) -> int:
    """The union of ``intervals`` (sorted by start) clipped to ``window``."""
    start, end = window
    # Intervals starting after the window's end cannot overlap it.
    stop = bisect.bisect_right(intervals, (end, math.inf))
    clipped = ((max(s, start), min(e, end)) for s, e in intervals[:stop] if e > start and s < end)
    return union_ns(clipped)


def overheads_ns(requests: Iterable[Interval], intervals: Iterable[Interval]) -> list[int]:
    """Each request's latency minus its back-end critical path, in ns."""
    ordered = sorted(intervals)
    return [(end - start) - critical_path_ns((start, end), ordered) for start, end in requests]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, interpolated between ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
