"""Shopify's calculated-cost throttle, as the connector observes it.

Every Admin API answer reports the app's leaky bucket in ``extensions.cost.throttleStatus``.
The connector keeps the latest as :class:`ThrottleStatus` so the gateway can pace calls
before Shopify throttles them::

    >>> status = ThrottleStatus(2000.0, 100.0, 100.0, observed_at=0.0)
    >>> status.seconds_until(300, now=1.0)
    1.0
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

__all__ = [
    "DEFAULT_RETRY_AFTER",
    "CostQuota",
    "ThrottleStatus",
    "read_throttle_status",
    "throttled_wait",
]

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


class CostQuota:
    """Shopify's bucket as the gateway should pace on it (a :class:`connectors.quota.Quota`).

    It remembers the last ``throttleStatus`` and what has been sent since, so calls fired
    together wait their turn instead of all seeing a full bucket::

        >>> quota = CostQuota(clock=lambda: 0.0)
        >>> quota.observe({"extensions": {"cost": {"requestedQueryCost": 10, "throttleStatus":
        ...     {"maximumAvailable": 1000, "currentlyAvailable": 900, "restoreRate": 50}}}})
        >>> quota.wait_before(800), quota.wait_before(800)
        (0.0, 14.0)
    """

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.status: ThrottleStatus | None = None
        #: Points sent since the last status, not yet reflected in it.
        self._in_flight = 0.0

    def observe(self, body: Mapping[str, Any]) -> None:
        """Take the bucket a response body reports."""
        status = read_throttle_status(body, now=self._clock())
        if status is None:
            return
        self.status = status
        cost = _cost(body) or {}
        try:
            answered = float(cost.get("requestedQueryCost") or 0.0)
        except (TypeError, ValueError):
            answered = 0.0
        self._in_flight = max(0.0, self._in_flight - answered)

    def wait_before(self, cost: float | None) -> float:
        if cost is None or self.status is None:
            return 0.0
        status = self.status
        available = status.available_at(self._clock()) - self._in_flight
        self._in_flight += cost
        missing = min(cost, status.maximum_available) - available
        if missing <= 0:
            return 0.0
        return missing / status.restore_rate if status.restore_rate > 0 else DEFAULT_RETRY_AFTER

    def throttled(self, response: httpx.Response) -> float | None:
        if response.status_code != 200 or b'"THROTTLED"' not in response.content:
            return None
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(body, dict):
            return None
        errors = body.get("errors")
        if not isinstance(errors, list) or not any(
            isinstance(e, dict) and (e.get("extensions") or {}).get("code") == "THROTTLED"
            for e in errors
        ):
            return None
        self.observe(body)
        return throttled_wait(body)
