"""Per-back-end resilience settings: ``[connectors.<name>.resilience]``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ResilienceSettings"]


@dataclass(frozen=True)
class ResilienceSettings:
    #: Tries per call, first included; only idempotent calls are tried again.
    max_attempts: int = 3
    #: Backoff before retry n is uniform in [0, min(backoff_max, backoff_base * 2**n)].
    backoff_base: float = 0.05
    backoff_max: float = 2.0
    #: Retries may add at most this share of the calls the back end would get anyway.
    retry_budget: float = 0.2
    #: Failures in a row that open the circuit breaker.
    failure_threshold: int = 5
    #: Seconds the breaker stays open before it lets one probe through.
    open_for: float = 10.0
    #: Calls in flight to this back end at most; more wait for a slot.
    max_concurrency: int = 64
    #: Longest wait before a call for the vendor's quota to refill (Shopify's bucket)
    #: or for its Retry-After; a longer one fails fast as RATE_LIMITED.
    max_quota_wait: float = 2.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.retry_budget <= 1:
            raise ValueError("retry_budget must be between 0 and 1")
        if self.failure_threshold < 1 or self.max_concurrency < 1:
            raise ValueError("failure_threshold and max_concurrency must be at least 1")
        if min(self.backoff_base, self.backoff_max, self.open_for, self.max_quota_wait) < 0:
            raise ValueError("times must not be negative")
