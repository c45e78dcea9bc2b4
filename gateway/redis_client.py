"""What the cache and the rate limiter share about Redis: the client they build from a
URL, and how they carry on while it is down (:class:`RedisOutage`).

redis-py is imported by the first caller, not by the gateway's start-up: it costs 6 MB of
every worker's memory, and most deployments keep their cache in process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis.asyncio import BlockingConnectionPool, Redis

__all__ = ["RedisOutage", "redis_from_url"]


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


class RedisOutage:
    """When a Redis user last failed, for callers that carry on without Redis.

    After a failure, :meth:`skipping` says so for ``retry_after`` seconds, so a Redis that
    hangs costs one timeout per interval rather than one per request; a warning is logged
    at most every ``log_every`` seconds, and one line when Redis answers again.
    ``what`` names the user in the log ("Redis cache"), ``instead`` what happens meanwhile
    ("serving misses").
    """

    def __init__(
        self,
        what: str,
        instead: str,
        *,
        retry_after: float,
        log_every: float,
        clock: Callable[[], float],
        logger: logging.Logger,
    ) -> None:
        self._what = what
        self._instead = instead
        self._retry_after = retry_after
        self._log_every = log_every
        self._clock = clock
        self._logger = logger
        self._skip_until = float("-inf")
        self._next_log = float("-inf")
        self._failing = False

    def skipping(self) -> bool:
        return self._clock() < self._skip_until

    def failed(self, exc: Exception, operation: str = "") -> None:
        now = self._clock()
        self._failing = True
        self._skip_until = now + self._retry_after
        if now >= self._next_log:
            self._next_log = now + self._log_every
            self._logger.warning(
                "%s%s failed (%s: %s); %s, retrying in %.3gs",
                self._what,
                f" {operation}" if operation else "",
                type(exc).__name__,
                exc,
                self._instead,
                self._retry_after,
            )

    def succeeded(self) -> None:
        if self._failing:
            self._failing = False
            self._logger.info("%s answers again", self._what)
