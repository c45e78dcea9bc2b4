"""The entity cache: records from back ends, kept in this process or in Redis.

::

    from gateway.cache import CachePolicy, EntityCache, MemoryBackend

    policies = {"product": CachePolicy(fresh=300, stale=900, stale_if_error=86_400)}
    cache = EntityCache(MemoryBackend(), policies)
    lookups = await cache.load_many("product", ["1"], connector.products, scope="public")
    lookups[0].value, lookups[0].outcome  # (Product(...), "miss"), then "hit" for 5 minutes

See ``docs/caching.md``.
"""

from __future__ import annotations

from gateway.cache.backends import CacheBackend, MemoryBackend, RedisBackend
from gateway.cache.codec import CodecError, RecordCodec
from gateway.cache.entity import (
    CachePolicy,
    EntityCache,
    Fetch,
    Lookup,
    Outcome,
    cache_key,
    default_policies,
)

__all__ = [
    "CacheBackend",
    "CachePolicy",
    "CodecError",
    "EntityCache",
    "Fetch",
    "Lookup",
    "MemoryBackend",
    "Outcome",
    "RecordCodec",
    "RedisBackend",
    "cache_key",
    "default_policies",
]
