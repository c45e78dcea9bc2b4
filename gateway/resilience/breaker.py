"""A circuit breaker per back end.

    CLOSED ──(failure_threshold failures in a row)──> OPEN ──(open_for seconds)──> HALF_OPEN
      ^                                                 ^                              │
      └────────────(the probe succeeds)─────────────────┼──(the probe fails)──────────┘

While OPEN the back end gets no calls at all; HALF_OPEN lets exactly one probe through and
refuses the rest until it answers. A failure is a transport error, a timeout or a 5xx;
a 4xx or a throttle is an answer, not a sign of ill health.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(enum.Enum):
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        open_for: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[BreakerState], None] | None = None,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.open_for = open_for
        self._clock = clock
        self._on_change = on_change
        self.state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    def _move(self, state: BreakerState) -> None:
        if state is not self.state:
            self.state = state
            if self._on_change is not None:
                self._on_change(state)

    def allow(self) -> float | None:
        """``None`` when a call may go now (taking the probe slot if half-open); otherwise
        the seconds until one may."""
        if self.state is BreakerState.OPEN:
            wait = self._opened_at + self.open_for - self._clock()
            if wait > 0:
                return wait
            self._move(BreakerState.HALF_OPEN)
        if self.state is BreakerState.HALF_OPEN:
            if self._probing:
                return self.open_for
            self._probing = True
        return None

    def succeeded(self) -> None:
        self._failures = 0
        self._probing = False
        self._move(BreakerState.CLOSED)

    def failed(self) -> None:
        self._failures += 1
        probe_failed = self.state is BreakerState.HALF_OPEN
        self._probing = False
        if probe_failed or self._failures >= self.failure_threshold:
            self._opened_at = self._clock()
            self._move(BreakerState.OPEN)

    def released(self) -> None:
        """The call that took the probe slot ended without telling health apart (cancelled)."""
        self._probing = False
