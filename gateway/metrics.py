"""Prometheus metrics, served at ``/metrics``.

One registry per gateway (not the process-global one), so two gateways in one process —
tests do this — never share counters. Metric names:

    commerce_gateway_backend_calls_total{connector,outcome}     ok, http_4xx, http_5xx,
                                                                throttled, timeout, error,
                                                                refused
    commerce_gateway_backend_call_seconds{connector}            histogram
    commerce_gateway_backend_retries_total{connector,reason}    timeout, error, http_5xx,
                                                                throttled
    commerce_gateway_breaker_state{connector}                   0 closed, 1 half-open, 2 open
    commerce_gateway_graphql_requests_total{status}             HTTP status of /graphql
    commerce_gateway_graphql_request_seconds                    histogram
    commerce_gateway_graphql_errors_total{code}                 extensions.code
    commerce_gateway_cache_lookups_total{kind,outcome}          hit, miss, stale,
                                                                stale_if_error, error
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "BackendMetrics", "Metrics"]

_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.backend_calls = Counter(
            "commerce_gateway_backend_calls",
            "Calls to back ends, by outcome.",
            ["connector", "outcome"],
            registry=r,
        )
        self.backend_seconds = Histogram(
            "commerce_gateway_backend_call_seconds",
            "Back-end call latency.",
            ["connector"],
            buckets=_BUCKETS,
            registry=r,
        )
        self.backend_retries = Counter(
            "commerce_gateway_backend_retries",
            "Retried back-end calls, by reason.",
            ["connector", "reason"],
            registry=r,
        )
        self.breaker_state = Gauge(
            "commerce_gateway_breaker_state",
            "Circuit breaker: 0 closed, 1 half-open, 2 open.",
            ["connector"],
            registry=r,
        )
        self.graphql_requests = Counter(
            "commerce_gateway_graphql_requests",
            "GraphQL requests, by HTTP status.",
            ["status"],
            registry=r,
        )
        self.graphql_seconds = Histogram(
            "commerce_gateway_graphql_request_seconds",
            "GraphQL request latency.",
            buckets=_BUCKETS,
            registry=r,
        )
        self.graphql_errors = Counter(
            "commerce_gateway_graphql_errors",
            "Errors in GraphQL responses, by code.",
            ["code"],
            registry=r,
        )
        self.cache_lookups = Counter(
            "commerce_gateway_cache_lookups",
            "Entity cache lookups, by outcome.",
            ["kind", "outcome"],
            registry=r,
        )
        self.response_cache = Counter(
            "commerce_gateway_response_cache_lookups",
            "Response cache lookups, by outcome (hit, miss).",
            ["outcome"],
            registry=r,
        )

    def backend(self, connector: str) -> BackendMetrics:
        return BackendMetrics(self, connector)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class BackendMetrics:
    """The metrics of one back end, labels bound once."""

    def __init__(self, metrics: Metrics, connector: str) -> None:
        self._metrics = metrics
        self.connector = connector
        self._seconds = metrics.backend_seconds.labels(connector)
        self._state = metrics.breaker_state.labels(connector)
        self._state.set(0)

    def call(self, outcome: str, seconds: float | None = None) -> None:
        self._metrics.backend_calls.labels(self.connector, outcome).inc()
        if seconds is not None:
            self._seconds.observe(seconds)

    def retry(self, reason: str) -> None:
        self._metrics.backend_retries.labels(self.connector, reason).inc()

    def breaker(self, state: int) -> None:
        self._state.set(state)
