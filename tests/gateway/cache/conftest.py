"""Both cache backends, for one suite: in-process, and a real Redis.

Redis is ``redis://127.0.0.1:6379/0`` unless ``COMMERCE_GATEWAY_TEST_REDIS`` names another.
Each test writes under its own namespace and deletes its keys afterwards (never FLUSHALL).
Without a reachable Redis the Redis cases are skipped, except under CI (``CI`` set), where
they fail: CI starts one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from gateway.cache import CacheBackend, MemoryBackend, RedisBackend

REDIS_URL = os.environ.get("COMMERCE_GATEWAY_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _client(url: str = REDIS_URL) -> redis.Redis:
    # No retries: an absent Redis should be found absent at once.
    return redis.Redis.from_url(
        url, socket_connect_timeout=1, socket_timeout=1, retry=Retry(NoBackoff(), 0)
    )


@pytest.fixture(scope="session")
def redis_url() -> str:
    client = _client()
    try:
        client.ping()
    except redis.RedisError as exc:
        message = (
            f"no Redis at {REDIS_URL} ({exc}); start one (`docker run -p 6379:6379 redis:7`) "
            "or set COMMERCE_GATEWAY_TEST_REDIS"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_raw(redis_url: str) -> Iterator[redis.Redis]:
    """A plain client, to look at (and tamper with) what the backend stored."""
    client = _client(redis_url)
    yield client
    client.close()


@pytest.fixture
def namespace() -> Iterator[str]:
    """A namespace no other test uses; its keys (and ``<namespace>-*``'s) are deleted after."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    client = _client()
    try:
        keys = list(client.scan_iter(match=f"cg:v*:{name}*", count=1000))
        if keys:
            client.unlink(*keys)
    except redis.ConnectionError:
        pass  # no Redis, so nothing to delete
    finally:
        client.close()


@pytest.fixture(params=["memory", "redis"])
async def backend(
    request: pytest.FixtureRequest, anyio_backend: str, namespace: str
) -> AsyncIterator[CacheBackend]:
    store: CacheBackend
    if request.param == "memory":
        store = MemoryBackend()
    else:
        store = RedisBackend(request.getfixturevalue("redis_url"), namespace=namespace)
    yield store
    await store.aclose()
