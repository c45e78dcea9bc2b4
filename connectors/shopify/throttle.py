"""Shopify's calculated-cost throttle, as the connector observes it.

Every Admin API answer reports the app's leaky bucket in ``extensions.cost.throttleStatus``.
The connector keeps the latest as :class:`ThrottleStatus` so the gateway can pace calls
before Shopify throttles them::

    >>> status = ThrottleStatus(2000.0, 100.0, 100.0, observed_at=0.0)
    >>> status.seconds_until(300, now=1.0)
    1.0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["DEFAULT_RETRY_AFTER", "ThrottleStatus", "read_throttle_status", "throttled_wait"]

#: Seconds to wait when Shopify throttles without saying how much it wanted: the retry
#: wait of Shopify's own GraphQL client.
DEFAULT_RETRY_AFTER = 1.0


@dataclass(frozen=True, slots=True)
class ThrottleStatus:
    """The bucket after one answer: points it holds, points available, refill per second."""

    maximum_available: float
    currently_available: float
    restore_rate: float
    #: ``time.monotonic()`` when the answer arrived.
    observed_at: float

    def available_at(self, now: float) -> float:
        """Points expected in the bucket at ``now`` (monotonic seconds), refill included."""
        refilled = self.currently_available + max(0.0, now - self.observed_at) * self.restore_rate
        return min(self.maximum_available, refilled)

    def seconds_until(self, cost: float, *, now: float) -> float:
        """How long until a query of ``cost`` points would not be throttled."""
        missing = cost - self.available_at(now)
        if missing <= 0:
            return 0.0
        return missing / self.restore_rate if self.restore_rate > 0 else DEFAULT_RETRY_AFTER


def _cost(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    extensions = body.get("extensions")
    if not isinstance(extensions, Mapping):
        return None
    cost = extensions.get("cost")
    return cost if isinstance(cost, Mapping) else None


def read_throttle_status(body: Mapping[str, Any], *, now: float) -> ThrottleStatus | None:
    """The bucket reported in a response body; ``None`` when the body reports none."""
    cost = _cost(body)
    status = cost.get("throttleStatus") if cost else None
    if not isinstance(status, Mapping):
        return None
    try:
        return ThrottleStatus(
            maximum_available=float(status["maximumAvailable"]),
            currently_available=float(status["currentlyAvailable"]),
            restore_rate=float(status["restoreRate"]),
            observed_at=now,
        )
    except (KeyError, TypeError, ValueError):
        return None


def throttled_wait(body: Mapping[str, Any]) -> float:
    """Seconds until a throttled query fits: (requested - available) / restore rate."""
    cost = _cost(body)
    status = cost.get("throttleStatus") if cost else None
    try:
        requested = float(cost["requestedQueryCost"])  # type: ignore[index]
        available = float(status["currentlyAvailable"])  # type: ignore[index]
        rate = float(status["restoreRate"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return DEFAULT_RETRY_AFTER
    if rate <= 0:
        return DEFAULT_RETRY_AFTER
    return max(0.0, requested - available) / rate
