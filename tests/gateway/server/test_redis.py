"""The Redis rate limiter and APQ store against a real Redis (``127.0.0.1:6379`` unless
``COMMERCE_GATEWAY_TEST_REDIS`` names another). Skipped without one, except under CI (``CI``
set), where they fail: CI starts one. Each test uses its own namespace and deletes its keys.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
import redis

from gateway.server import (
    EndpointSettings,
    PersistedSettings,
    RateLimitSettings,
    RedisRateLimiter,
    build_persisted,
    build_rate_limiter,
)
from gateway.server.persisted import sha256_hex
from tests.gateway.server.conftest import Harness, codes

pytestmark = pytest.mark.anyio

REDIS_URL = os.environ.get("COMMERCE_GATEWAY_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _client() -> redis.Redis:
    return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


@pytest.fixture(scope="module")
def redis_url() -> str:
    client = _client()
    try:
        client.ping()
    except redis.RedisError as exc:
        message = f"no Redis at {REDIS_URL} ({exc}); start one or set COMMERCE_GATEWAY_TEST_REDIS"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def namespace(redis_url: str) -> Iterator[str]:
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    client = _client()
    try:
        keys = [
            *client.scan_iter(match=f"cg:rl:{name}:*"),
            *client.scan_iter(match=f"cg:v*:apq.{name}:*"),
        ]
        if keys:
            client.unlink(*keys)
    finally:
        client.close()


@pytest.fixture
async def limiters(
    redis_url: str, namespace: str
) -> AsyncIterator[Callable[..., RedisRateLimiter]]:
    made: list[RedisRateLimiter] = []

    def make(**options: object) -> RedisRateLimiter:
        limiter = RedisRateLimiter(redis_url, namespace=namespace, **options)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.aclose()


async def test_instances_share_one_bucket_per_client(
    limiters: Callable[..., RedisRateLimiter],
) -> None:
    one, two = (
        limiters(capacity=3, refill_per_second=0.01),
        limiters(capacity=3, refill_per_second=0.01),
    )

    decisions = [await one.acquire("ip:a"), await two.acquire("ip:a"), await one.acquire("ip:a")]
    refused = await two.acquire("ip:a")
    other = await two.acquire("ip:b")

    assert [d.allowed for d in decisions] == [True, True, True]
    assert not refused.allowed
    assert 99 < refused.retry_after <= 100
    assert other.allowed


async def test_a_bucket_refills_by_redis_clock(limiters: Callable[..., RedisRateLimiter]) -> None:
    limiter = limiters(capacity=2, refill_per_second=20)

    assert (await limiter.acquire("ip:a", 2)).allowed
    refused = await limiter.acquire("ip:a")
    await asyncio.sleep(0.08)
    after = await limiter.acquire("ip:a")

    assert not refused.allowed
    assert 0 < refused.retry_after <= 0.05
    assert after.allowed


async def test_a_refused_request_takes_no_tokens_and_buckets_expire(
    limiters: Callable[..., RedisRateLimiter], namespace: str
) -> None:
    limiter = limiters(capacity=4, refill_per_second=2)

    assert (await limiter.acquire("ip:a", 3)).allowed
    assert not (await limiter.acquire("ip:a", 2)).allowed
    assert (await limiter.acquire("ip:a", 1)).allowed

    client = _client()
    try:
        ttl_ms = client.pttl(f"cg:rl:{namespace}:ip:a")
    finally:
        client.close()
    assert 2000 < ttl_ms <= 3000  # the time to refill, plus a second


async def test_the_endpoint_limits_through_redis(
    redis_url: str, namespace: str, make_harness: Callable[..., Harness]
) -> None:
    settings = RateLimitSettings(
        capacity=2,
        refill_per_second=0.01,
        backend="redis",
        redis_url=redis_url,
        namespace=namespace,
    )
    first = make_harness(settings=EndpointSettings(rate_limit=settings))
    second = make_harness(settings=EndpointSettings(rate_limit=settings))

    statuses = [
        (await first.post({"query": "{ hello }"})).status_code,
        (await second.post({"query": "{ hello }"})).status_code,
    ]
    limited = await first.post({"query": "{ hello }"})

    assert statuses == [200, 200]
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 99
    assert codes(limited) == ["RATE_LIMITED"]


async def test_without_redis_requests_are_allowed_and_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = [0.0]
    # Port 1: refused at once. The clock drives the retry interval without sleeping.
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", capacity=1, clock=lambda: clock[0])
    try:
        with caplog.at_level(logging.WARNING, logger="gateway.server.ratelimit"):
            decisions = []
            for _ in range(3):
                decisions.append(await limiter.acquire("ip:a"))
                clock[0] += 2.0  # past the retry interval: Redis is tried again each time
    finally:
        await limiter.aclose()

    assert [d.allowed for d in decisions] == [True, True, True]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "allowing requests" in warnings[0].getMessage()


async def test_build_rate_limiter_builds_the_redis_one(redis_url: str) -> None:
    limiter = build_rate_limiter(RateLimitSettings(backend="redis", redis_url=redis_url))

    assert isinstance(limiter, RedisRateLimiter)
    await limiter.aclose()


async def test_apq_texts_are_shared_through_redis(
    redis_url: str, namespace: str, make_harness: Callable[..., Harness]
) -> None:
    settings = PersistedSettings(apq_backend="redis", redis_url=redis_url, namespace=namespace)
    first = make_harness(persisted=build_persisted(settings))
    second = make_harness(persisted=build_persisted(settings))
    query = "{ hello }"
    extension = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}

    registered = await first.post({"query": query, "extensions": extension})
    elsewhere = await second.post({"extensions": extension})

    assert registered.json() == elsewhere.json() == {"data": {"hello": "Hello, world"}}
