"""Whole answers to public queries, kept for as long as the records in them are fresh.

A storefront's category page asks the same question thousands of times a minute. The
entity cache already spares the back ends; this spares the gateway too: an answer built
only from public records (catalog, prices, stock, locations — never a customer's or an
order) is kept, as the bytes sent, for the shortest ``fresh`` of the record kinds it was
built from (``[cache.policies]``: 5 s when it shows stock). The same request (query,
variables, operation name, response media type) from a principal with the same scopes
gets those bytes without parsing, validating or executing anything.

An answer is never kept when it has errors or stale values, when it came from a mutation,
when it read anything private, or when a kind it read is not cached at all (``fresh = 0``).
Authentication, CSRF checks and rate limits run before the lookup, as for any request.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import orjson
from cachetools import TLRUCache
from strawberry.extensions import SchemaExtension

from gateway.auth.principal import Principal
from schema.context import GraphContext

__all__ = [
    "OPERATION_TYPE",
    "CacheableAnswer",
    "NoteOperationType",
    "ResponseCache",
    "ResponseCacheSettings",
]

#: Where :class:`NoteOperationType` leaves the operation's type, in ``GraphContext.extras``.
OPERATION_TYPE = "operation_type"


@dataclass(frozen=True)
class ResponseCacheSettings:
    """``[http.response_cache]``: ``enabled``; at most ``max_entries`` answers, each at most
    ``max_body_bytes`` long (larger ones are not kept)."""

    enabled: bool = True
    max_entries: int = 1000
    max_body_bytes: int = 1024 * 1024


@runtime_checkable
class CacheableAnswer(Protocol):
    """What a data layer says about the answer it helped build (``GatewayData`` does)."""

    def response_ttl(self) -> float:
        """Seconds the answer may be kept: 0 when it read anything private, had problems
        or stale values, or read a kind that is not cached."""
        ...


class NoteOperationType(SchemaExtension):
    """Notes each operation's type in the request context, so that only a query's answer
    is ever kept (a mutation's never, however it reads)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, GraphContext):
            context.extras[OPERATION_TYPE] = self.execution_context.operation_type
        yield


def _until(key: bytes, item: tuple[bytes, float], now: float) -> float:
    return now + item[1]


class ResponseCache:
    """Answers by request, each for its own TTL, least recently used evicted first."""

    def __init__(
        self,
        settings: ResponseCacheSettings,
        *,
        timer: Callable[[], float] = time.monotonic,
        on_lookup: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self._answers: TLRUCache[bytes, tuple[bytes, float], float] = TLRUCache(
            settings.max_entries, _until, timer
        )
        self._on_lookup = on_lookup

    @staticmethod
    def key(
        query: str,
        variables: Mapping[str, Any] | None,
        operation_name: str | None,
        principal: Principal,
        media: str,
    ) -> bytes | None:
        """The request's key, or ``None`` for one that cannot be keyed (variables that are
        not JSON): it is then simply not cached."""
        try:
            request = orjson.dumps(
                [query, variables, operation_name, principal.kind, sorted(principal.scopes), media],
                option=orjson.OPT_SORT_KEYS,
            )
        except TypeError:
            return None
        return hashlib.blake2b(request, digest_size=20).digest()

    def get(self, key: bytes) -> bytes | None:
        found = self._answers.get(key)
        if self._on_lookup is not None:
            self._on_lookup("miss" if found is None else "hit")
        return None if found is None else found[0]

    def put(self, key: bytes, body: bytes, ttl: float) -> None:
        if ttl > 0 and len(body) <= self.settings.max_body_bytes:
            self._answers[key] = (body, ttl)

    def __len__(self) -> int:
        return len(self._answers)
