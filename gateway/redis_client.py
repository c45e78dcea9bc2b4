"""The Redis client the cache and the rate limiter build from a URL.

redis-py is imported by the first caller, not by the gateway's start-up: it costs 6 MB of
every worker's memory, and most deployments keep their cache in process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis.asyncio import BlockingConnectionPool, Redis

__all__ = ["redis_from_url"]


def redis_from_url(
    url: str, *, max_connections: int, timeout: float, connect_timeout: float
) -> tuple[Redis, BlockingConnectionPool]:
    """A client over a bounded pool that callers wait on (up to ``connect_timeout``
    seconds), ``timeout`` seconds to answer, no retries; and its pool, for the caller to
    close. A burst of requests shares a few keep-alive connections instead of opening one
    each (under load, 200 connects at once time out)."""
    from redis.asyncio import BlockingConnectionPool, Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=connect_timeout,
        socket_timeout=timeout,
        socket_connect_timeout=connect_timeout,
        retry=Retry(NoBackoff(), 0),
    )
    return Redis(connection_pool=pool), pool
