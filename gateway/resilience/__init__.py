"""Resilience: one layer under every connector (deadline, retries, breaker, pacing, metrics).

See ``docs/resilience.md``.
"""

from __future__ import annotations

from gateway.resilience.breaker import BreakerState, CircuitBreaker
from gateway.resilience.budget import RetryBudget
from gateway.resilience.deadline import remaining, request_deadline
from gateway.resilience.settings import ResilienceSettings
from gateway.resilience.transport import ResilientTransport

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "ResilienceSettings",
    "ResilientTransport",
    "RetryBudget",
    "remaining",
    "request_deadline",
]
