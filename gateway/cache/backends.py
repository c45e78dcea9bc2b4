"""Where the entity cache keeps its bytes: in this process, or in Redis for every instance.

::

    CacheBackend        the seam: get_many, set_many, delete_many, aclose
    ├── MemoryBackend   cachetools ``TLRUCache`` with a TTL per item (the default)
    └── RedisBackend    redis-py asyncio: one MGET, one pipeline of ``SET key value PX ms``

A backend stores opaque bytes under string keys and never fails a request: when Redis is
down or slow, reads are misses and writes are dropped, and the failure is logged once per
interval. Freshness is the entity cache's business (it stores timestamps in the value);
a backend's TTL only bounds how long bytes are kept.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from cachetools import TLRUCache

from gateway.cache.codec import VERSION
from gateway.redis_client import RedisOutage, redis_from_url

if TYPE_CHECKING:  # redis-py itself is imported by the first client (gateway.redis_client)
    from redis.asyncio import BlockingConnectionPool, Redis

__all__ = ["CacheBackend", "MemoryBackend", "RedisBackend"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

_NAMESPACE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class CacheBackend(Protocol):
    """A key-value store of bytes with a TTL per write."""

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The value stored under each key, in key order; ``None`` where there is none.

        Never raises for a store that is unreachable or failing: those keys are ``None``.
        """
        ...

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        """Store every item for ``ttl`` seconds (a ``ttl`` of 0 or less deletes them).

        Never raises for a store that is unreachable or failing: the write is dropped.
        """
        ...

    async def delete_many(self, keys: Collection[str]) -> None:
        """Forget the keys. Never raises for a store that is unreachable or failing."""
        ...

    async def aclose(self) -> None:
        """Release connections. The backend is not used afterwards."""
        ...


def _until(key: str, slot: _Slot, now: float) -> float:
    return now + slot.ttl


_UNDECODED: Any = object()


class _Slot:
    """A stored value, its TTL, and what it decoded to (once, for :meth:`MemoryBackend.
    get_many_decoded`)."""

    __slots__ = ("data", "decoded", "ttl")

    def __init__(self, data: bytes, ttl: float) -> None:
        self.data = data
        self.ttl = ttl
        self.decoded = _UNDECODED


class MemoryBackend:
    """This process's cache: at most ``maxsize`` entries, least recently used evicted first.

    ``timer`` is the clock TTLs are measured with (monotonic seconds; tests inject one).
    """

    def __init__(
        self, maxsize: int = 10_000, *, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self._cache: TLRUCache[str, _Slot, float] = TLRUCache(maxsize, _until, timer)

    def __len__(self) -> int:
        return len(self._cache)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        get = self._cache.get
        return [None if (slot := get(key)) is None else slot.data for key in keys]

    def get_many_decoded(
        self, keys: Sequence[str], decode: Callable[[bytes], tuple[T, bool]]
    ) -> list[T | None]:
        """Like :meth:`get_many`, each value decoded. ``decode`` returns the value and
        whether it may be shared — deeply immutable, so no reader can change what the
        next one gets; such a value is decoded once and kept beside its bytes."""
        get = self._cache.get
        found: list[T | None] = []
        for key in keys:
            slot = get(key)
            if slot is None:
                found.append(None)
            elif slot.decoded is not _UNDECODED:
                found.append(slot.decoded)
            else:
                value, shared = decode(slot.data)
                if shared:
                    slot.decoded = value
                found.append(value)
        return found

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        if ttl <= 0:
            await self.delete_many(items.keys())
            return
        for key, value in items.items():
            self._cache[key] = _Slot(value, ttl)

    async def delete_many(self, keys: Collection[str]) -> None:
        for key in keys:
            self._cache.pop(key, None)

    async def aclose(self) -> None:
        self._cache.clear()


class RedisBackend:
    """A cache shared by every gateway instance, in Redis.

    ``redis`` is a URL (``redis://host:6379/0``; the backend builds the client — at most
    ``max_connections`` kept-alive connections that callers wait for up to
    ``connect_timeout`` seconds, ``timeout`` seconds to answer, no retries — and closes
    it) or a
    ``redis.asyncio.Redis`` client the caller owns (it must not decode responses).

    Keys are ``cg:v<format version>:<namespace>:<key>``, so several gateways (or tests) can
    share one Redis, and a format change never reads the old format.

    A failed call (refused, timed out, any Redis error) makes reads misses and drops
    writes; the backend then skips Redis for ``retry_after`` seconds, so a Redis that hangs
    costs one timeout per interval rather than one per request, and logs at most one
    warning every ``log_every`` seconds.
    """

    def __init__(
        self,
        redis: str | Redis,
        *,
        namespace: str = "default",
        timeout: float = 0.25,
        connect_timeout: float = 1.0,
        max_connections: int = 32,
        retry_after: float = 1.0,
        log_every: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not _NAMESPACE.match(namespace):
            raise ValueError(
                f"cache namespace {namespace!r} must be 1-64 letters, digits, '_', '.' or '-'"
            )
        if isinstance(redis, str):
            self._redis, pool = redis_from_url(
                redis,
                max_connections=max_connections,
                timeout=timeout,
                connect_timeout=connect_timeout,
            )
            self._pool: BlockingConnectionPool | None = pool
            self._owned = True
        else:
            if redis.connection_pool.connection_kwargs.get("decode_responses"):
                raise ValueError("RedisBackend needs a client with decode_responses=False")
            self._redis = redis
            self._pool = None
            self._owned = False
        self.prefix = f"cg:v{VERSION}:{namespace}:"
        # Any failure, not only RedisError: whatever goes wrong in the cache, the request
        # is answered by the owner instead, and the log says what went wrong.
        self._outage = RedisOutage(
            "Redis cache",
            "serving misses",
            retry_after=retry_after,
            log_every=log_every,
            clock=clock,
            logger=logger,
        )
        self._closed = False

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys or self._outage.skipping():
            return [None] * len(keys)
        prefix = self.prefix
        try:
            values = await self._redis.mget([prefix + key for key in keys])
        except Exception as exc:
            self._outage.failed(exc, "read")
            return [None] * len(keys)
        self._outage.succeeded()
        return [value if isinstance(value, bytes) else None for value in values]

    async def set_many(self, items: Mapping[str, bytes], ttl: float) -> None:
        if ttl <= 0:
            await self.delete_many(items.keys())
            return
        if not items or self._outage.skipping():
            return
        ms = max(1, round(ttl * 1000))
        prefix = self.prefix
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key, value in items.items():
                    pipe.set(prefix + key, value, px=ms)
                await pipe.execute()
        except Exception as exc:
            self._outage.failed(exc, "write")
            return
        self._outage.succeeded()

    async def delete_many(self, keys: Collection[str]) -> None:
        if not keys or self._outage.skipping():
            return
        prefix = self.prefix
        try:
            await self._redis.unlink(*(prefix + key for key in keys))
        except Exception as exc:
            self._outage.failed(exc, "delete")
            return
        self._outage.succeeded()

    async def aclose(self) -> None:
        if self._owned and not self._closed:
            self._closed = True
            await self._redis.aclose()
            if self._pool is not None:
                await self._pool.aclose()
