"""The resilient transport: one layer under every connector's HTTP client.

It wraps whatever transport carries the bytes (``AiohttpTransport`` in production, a
sandbox's in tests) and, per back end, gives every call:

- the request's deadline (:mod:`gateway.resilience.deadline`): each attempt's timeout is cut
  to the time left, and nothing waits past it;
- a concurrency cap: at most ``max_concurrency`` calls in flight, the rest wait for a slot;
- a circuit breaker (:mod:`gateway.resilience.breaker`): an open breaker refuses calls
  without sending them;
- pacing on the vendor's quota (:mod:`connectors.quota`), so a call waits for Shopify's
  bucket rather than being throttled;
- retries for idempotent calls only (see :mod:`connectors.http`) after a transport error,
  a timeout, a 5xx, a 429 or the vendor's own throttle answer — with exponential backoff and
  full jitter, honouring ``Retry-After``, within a retry budget
  (:mod:`gateway.resilience.budget`) and never past the deadline;
- metrics per call.

What it cannot send it refuses with :class:`connectors.http.CallRefused`, which the
connector's ``send`` turns into ``CircuitOpen``, ``RateLimited`` or ``UpstreamTimeout``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time

import httpx

from connectors.http import COST, IDEMPOTENT, CallRefused, retry_after
from connectors.quota import Quota
from gateway.metrics import BackendMetrics
from gateway.resilience.breaker import BreakerState, CircuitBreaker
from gateway.resilience.budget import RetryBudget
from gateway.resilience.deadline import remaining
from gateway.resilience.settings import ResilienceSettings

__all__ = ["ResilientTransport"]

log = logging.getLogger(__name__)

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_RETRYABLE_STATUS = frozenset({500, 502, 503, 504})


class ResilientTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        settings: ResilienceSettings | None = None,
        metrics: BackendMetrics | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._inner = inner
        self.settings = settings = settings or ResilienceSettings()
        self._metrics = metrics
        self._rng = rng or random.Random()
        self.breaker = CircuitBreaker(
            failure_threshold=settings.failure_threshold,
            open_for=settings.open_for,
            on_change=self._breaker_changed,
        )
        self.budget = RetryBudget(ratio=settings.retry_budget)
        self._slots = asyncio.Semaphore(settings.max_concurrency)
        #: The connector's quota, bound once the connector exists (see ``Gateway.start``).
        self.quota: Quota | None = None

    def _breaker_changed(self, state: BreakerState) -> None:
        log.warning("circuit breaker %s -> %s", self._label, state.name)
        if self._metrics is not None:
            self._metrics.breaker(state.value)

    @property
    def _label(self) -> str:
        return self._metrics.connector if self._metrics is not None else "back end"

    def _count(self, outcome: str, seconds: float | None = None) -> None:
        if self._metrics is not None:
            self._metrics.call(outcome, seconds)

    async def aclose(self) -> None:
        await self._inner.aclose()

    # -- one call ------------------------------------------------------------------------

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        settings = self.settings
        idempotent = bool(request.extensions.get(IDEMPOTENT, request.method in _SAFE_METHODS))
        cost = request.extensions.get(COST)
        self.budget.earn()
        attempt = 0
        while True:
            attempt += 1
            await self._pace(request, cost)
            try:
                response = await self._attempt(request)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if isinstance(exc, CallRefused):
                    raise
                reason = "timeout" if isinstance(exc, httpx.TimeoutException) else "error"
                wait = self._backoff(attempt)
                if not (idempotent and self._may_retry(attempt, wait)):
                    raise
                self._retrying(reason)
                await asyncio.sleep(wait)
                continue

            wait_hint: float | None = None
            reason = ""
            if response.status_code in _RETRYABLE_STATUS:
                reason, wait_hint = "http_5xx", retry_after(response)
            elif response.status_code == 429:
                reason, wait_hint = "throttled", retry_after(response)
            elif self.quota is not None:
                await response.aread()
                throttled = self.quota.throttled(response)
                if throttled is not None:
                    reason, wait_hint = "throttled", throttled
            if not reason:
                return response
            wait = self._backoff(attempt) if wait_hint is None else wait_hint + self._jitter()
            if reason == "throttled" and wait > settings.max_quota_wait:
                return response
            if not (idempotent and self._may_retry(attempt, wait)):
                return response
            self._retrying(reason)
            await response.aclose()
            await asyncio.sleep(wait)

    async def _pace(self, request: httpx.Request, cost: float | None) -> None:
        """Wait for the breaker and the vendor's quota, or refuse the call."""
        blocked = self.breaker.allow()
        if blocked is not None:
            self._count("refused")
            raise CallRefused(
                f"circuit open for {self._label}",
                request=request,
                reason="circuit_open",
                retry_after=blocked,
            )
        if self.quota is None:
            return
        wait = self.quota.wait_before(cost)
        if wait <= 0:
            return
        left = remaining()
        if wait > self.settings.max_quota_wait or (left is not None and wait >= left):
            self.breaker.released()
            self._count("refused")
            raise CallRefused(
                f"{self._label}'s quota needs {wait:.2f}s to refill",
                request=request,
                reason="rate_limited",
                retry_after=wait,
            )
        await asyncio.sleep(wait)

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        """Send once, within the deadline and a concurrency slot; feed the breaker."""
        left = remaining()
        if left is not None and left <= 0:
            self.breaker.released()
            self._count("refused")
            raise CallRefused(
                "the request's deadline has passed", request=request, reason="deadline"
            )
        started = time.monotonic()
        try:
            async with asyncio.timeout(left):
                async with self._slots:
                    if left is not None:
                        _cut_timeouts(request, max(0.0, left - (time.monotonic() - started)))
                    response = await self._inner.handle_async_request(request)
        except TimeoutError:
            self.breaker.failed()
            self._count("timeout", time.monotonic() - started)
            raise httpx.ReadTimeout("the request's deadline passed", request=request) from None
        except httpx.TimeoutException:
            self.breaker.failed()
            self._count("timeout", time.monotonic() - started)
            raise
        except httpx.TransportError:
            self.breaker.failed()
            self._count("error", time.monotonic() - started)
            raise
        except BaseException:
            self.breaker.released()
            raise
        seconds = time.monotonic() - started
        status = response.status_code
        if status >= 500:
            self.breaker.failed()
            self._count("http_5xx", seconds)
        else:
            self.breaker.succeeded()
            self._count(
                "ok" if status < 400 else "throttled" if status == 429 else "http_4xx", seconds
            )
        return response

    # -- retry policy ----------------------------------------------------------------------

    def _jitter(self) -> float:
        return self._rng.uniform(0, self.settings.backoff_base)

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2**attempt)
        return self._rng.uniform(0, ceiling)

    def _may_retry(self, attempt: int, wait: float) -> bool:
        if attempt >= self.settings.max_attempts:
            return False
        left = remaining()
        if left is not None and wait >= left:
            return False
        return self.budget.spend()

    def _retrying(self, reason: str) -> None:
        if self._metrics is not None:
            self._metrics.retry(reason)


def _cut_timeouts(request: httpx.Request, left: float) -> None:
    """Shorten the request's httpx timeouts to the time the deadline leaves."""
    timeout = dict(request.extensions.get("timeout") or {})
    for key in ("connect", "read", "write", "pool"):
        value = timeout.get(key)
        timeout[key] = left if value is None else min(value, left)
    request.extensions["timeout"] = timeout
