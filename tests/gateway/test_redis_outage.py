"""How the cache and the rate limiter carry on while Redis is down (gateway.redis_client)."""

from __future__ import annotations

import logging

import pytest

from gateway.redis_client import RedisOutage

LOG = logging.getLogger("tests.redis_outage")


def test_a_failure_skips_redis_for_the_interval_and_logs_once_per_period(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    outage = RedisOutage(
        "Redis cache",
        "serving misses",
        retry_after=1.0,
        log_every=60.0,
        clock=lambda: now[0],
        logger=LOG,
    )
    assert not outage.skipping()
    with caplog.at_level(logging.INFO, logger=LOG.name):
        outage.failed(ConnectionError("refused"), "read")
        assert outage.skipping()
        now[0] = 1.0
        assert not outage.skipping()  # tried again after retry_after
        outage.failed(ConnectionError("refused"), "write")  # within log_every: not logged
        now[0] = 2.0
        outage.succeeded()
        outage.succeeded()  # said once
        now[0] = 61.0
        outage.failed(TimeoutError("slow"))

    assert [r.getMessage() for r in caplog.records] == [
        "Redis cache read failed (ConnectionError: refused); serving misses, retrying in 1s",
        "Redis cache answers again",
        "Redis cache failed (TimeoutError: slow); serving misses, retrying in 1s",
    ]
