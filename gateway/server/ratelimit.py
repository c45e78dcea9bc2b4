"""Rate limits per client: a token bucket for each ``Principal.key``.

Each client's bucket holds up to ``capacity`` tokens and gains ``refill_per_second``; a
request takes one, and every occurrence of a *sensitive* root field (checkout, gift-card
and discount-code mutations: ``sensitive_fields``) takes one more, aliases included, so
``{ a: redeem(code: "1") b: redeem(code: "2") ... }`` costs what that many requests
would. A request the bucket cannot pay for is refused (HTTP 429, ``Retry-After``).

::

    RateLimiter          the seam: acquire(key, cost) -> Decision, aclose
    ├── MemoryRateLimiter   this process's buckets (the default)
    └── RedisRateLimiter    one bucket per client for every instance (a Lua script)

>>> import asyncio
>>> limiter = MemoryRateLimiter(capacity=2, refill_per_second=1)
>>> [asyncio.run(limiter.acquire("ip:203.0.113.9")).allowed for _ in range(3)]
[True, True, False]
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from gateway.redis_client import RedisOutage, redis_from_url

if TYPE_CHECKING:  # redis-py itself is imported by the first client (gateway.redis_client)
    from redis.asyncio import BlockingConnectionPool, Redis

__all__ = [
    "Cost",
    "Decision",
    "MemoryRateLimiter",
    "RateLimitSettings",
    "RateLimiter",
    "RedisRateLimiter",
    "build_rate_limiter",
    "sensitive_cost",
    "sensitive_occurrences",
]

logger = logging.getLogger(__name__)

#: Extra tokens an operation costs beyond the request's one: ``(document, operationName)``.
Cost = Callable[[DocumentNode, str | None], int]


@dataclass(frozen=True)
class RateLimitSettings:
    """``enabled``: limit each client (``Principal.key``: API key, customer or address).
    ``capacity``: the burst a client may make; ``refill_per_second``: its sustained rate.
    ``backend``: ``"memory"`` (per instance, at most ``max_clients`` buckets) or
    ``"redis"`` (``redis_url``; shared by every instance, keys under ``namespace``).
    ``sensitive_fields``: root fields each occurrence of which costs one more token."""

    enabled: bool = True
    capacity: int = 200
    refill_per_second: float = 100.0
    backend: str = "memory"
    redis_url: str | None = None
    namespace: str = "default"
    max_clients: int = 100_000
    sensitive_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    #: Seconds until the bucket could pay for the request (0 when allowed).
    retry_after: float = 0.0


class RateLimiter(Protocol):
    async def acquire(self, key: str, cost: int = 1) -> Decision:
        """Take ``cost`` tokens from ``key``'s bucket if it has them (taking none if not).

        Returns whether the request may go ahead and, if not, how long to wait. Never
        raises for a store that is unreachable: the request is allowed.
        """
        ...

    async def aclose(self) -> None:
        """Release connections. The limiter is not used afterwards."""
        ...


def _check(capacity: int, refill_per_second: float) -> None:
    if capacity < 1:
        raise ValueError(f"rate limit capacity must be at least 1, got {capacity}")
    if refill_per_second <= 0:
        raise ValueError(f"rate limit refill must be positive, got {refill_per_second}")


class MemoryRateLimiter:
    """Buckets in this process: at most ``max_clients``, least recently seen dropped first
    (a dropped bucket would have refilled by then anyway). ``clock``: monotonic seconds."""

    def __init__(
        self,
        capacity: int = 200,
        refill_per_second: float = 100.0,
        *,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _check(capacity, refill_per_second)
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self._clock = clock
        self._buckets: LRUCache[str, tuple[float, float]] = LRUCache(max_clients)

    async def acquire(self, key: str, cost: int = 1) -> Decision:
        now = self._clock()
        tokens, then = self._buckets.get(key, (float(self.capacity), now))
        tokens = min(self.capacity, tokens + (now - then) * self.refill_per_second)
        if tokens >= cost:
            self._buckets[key] = (tokens - cost, now)
            return Decision(True)
        self._buckets[key] = (tokens, now)
        return Decision(False, _wait(tokens, cost, self.capacity, self.refill_per_second))

    async def aclose(self) -> None:
        self._buckets.clear()


def _wait(tokens: float, cost: int, capacity: int, rate: float) -> float:
    # A cost above the capacity can never be paid: the client waits for a full bucket and
    # is refused again, which is what an operation that expensive deserves.
    return (min(cost, capacity) - tokens) / rate


# One round trip, atomic: refill by Redis' own clock (instances' clocks differ), take the
# cost if there is enough, keep the bucket only as long as it takes to refill.
_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = (math.min(cost, capacity) - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return {allowed, tostring(wait)}
"""


class RedisRateLimiter:
    """One bucket per client in Redis, for every instance.

    ``redis`` is a URL (the limiter builds and closes its client: ``timeout`` seconds to
    answer, no retries) or a ``redis.asyncio.Redis`` the caller owns. Keys are
    ``cg:rl:<namespace>:<client key>``.

    When Redis fails (refused, timed out, any error) requests are allowed — a rate limit
    must not take the gateway down with it — Redis is skipped for ``retry_after`` seconds,
    and a warning is logged at most every ``log_every`` seconds.
    """

    def __init__(
        self,
        redis: str | Redis,
        *,
        capacity: int = 200,
        refill_per_second: float = 100.0,
        namespace: str = "default",
        timeout: float = 0.25,
        connect_timeout: float = 1.0,
        max_connections: int = 32,
        retry_after: float = 1.0,
        log_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        _check(capacity, refill_per_second)
        if isinstance(redis, str):
            self._redis, pool = redis_from_url(
                redis,
                max_connections=max_connections,
                timeout=timeout,
                connect_timeout=connect_timeout,
            )
            self._pool: BlockingConnectionPool | None = pool
        else:
            self._redis = redis
            self._pool = None
        self.capacity = capacity
        self.refill_per_second = refill_per_second
        self.prefix = f"cg:rl:{namespace}:"
        self._script = self._redis.register_script(_SCRIPT)
        self._outage = RedisOutage(
            "Redis rate limiter",
            "allowing requests",
            retry_after=retry_after,
            log_every=log_every,
            clock=clock,
            logger=logger,
        )
        self._closed = False

    async def acquire(self, key: str, cost: int = 1) -> Decision:
        if self._outage.skipping():
            return Decision(True)
        try:
            allowed, wait = await self._script(
                keys=[self.prefix + key], args=[self.capacity, self.refill_per_second, cost]
            )
        except Exception as exc:
            self._outage.failed(exc)
            return Decision(True)
        self._outage.succeeded()
        return Decision(True) if int(allowed) == 1 else Decision(False, float(wait))

    async def aclose(self) -> None:
        if self._pool is not None and not self._closed:
            self._closed = True
            await self._redis.aclose()
            await self._pool.aclose()


def build_rate_limiter(settings: RateLimitSettings) -> RateLimiter | None:
    """The limiter ``settings`` describe; ``None`` when rate limiting is off."""
    if not settings.enabled:
        return None
    if settings.backend == "redis":
        if not settings.redis_url:
            raise ValueError("rate limit backend 'redis' needs redis_url")
        return RedisRateLimiter(
            settings.redis_url,
            capacity=settings.capacity,
            refill_per_second=settings.refill_per_second,
            namespace=settings.namespace,
        )
    if settings.backend != "memory":
        raise ValueError(
            f"rate limit backend must be 'memory' or 'redis', not {settings.backend!r}"
        )
    return MemoryRateLimiter(
        settings.capacity, settings.refill_per_second, max_clients=settings.max_clients
    )


def sensitive_occurrences(
    document: DocumentNode, operation_name: str | None, fields: Collection[str]
) -> int:
    """How many times the operation selects any of ``fields`` at its root, counting every
    alias and every fragment (spread or inline) that selects one.

    >>> from graphql import parse
    >>> doc = parse('mutation { a: redeem(code: "1") b: redeem(code: "2") ...F } '
    ...             'fragment F on Mutation { redeem(code: "3") }')
    >>> sensitive_occurrences(doc, None, {"redeem"})
    3
    """
    if not fields:
        return 0
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    counted: dict[str, int] = {}
    visiting: set[str] = set()

    def count(selection_set: SelectionSetNode) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in fields:
                    total += 1
            elif isinstance(selection, InlineFragmentNode):
                total += count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += spread(selection.name.value)
        return total

    def spread(name: str) -> int:
        # Memoised, so fragments that spread each other twice over do not explode; a
        # cycle (which validation refuses later) counts nothing.
        if name in counted:
            return counted[name]
        fragment = fragments.get(name)
        if fragment is None or name in visiting:
            return 0
        visiting.add(name)
        counted[name] = count(fragment.selection_set)
        visiting.discard(name)
        return counted[name]

    operations = [
        d
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (operation_name is None or (d.name is not None and d.name.value == operation_name))
    ]
    return sum(count(op.selection_set) for op in operations)


def sensitive_cost(fields: Collection[str]) -> Cost:
    """A :data:`Cost`: one token per occurrence of any of ``fields`` at the root."""
    names = frozenset(fields)

    def cost(document: DocumentNode, operation_name: str | None) -> int:
        return sensitive_occurrences(document, operation_name, names)

    return cost
