"""The entity cache: records by key, fresh for a while, then stale, then a fallback.

::

    cache = EntityCache(MemoryBackend(), {"product": CachePolicy(300, 3600, 86_400)})
    lookups = await cache.load_many("product", ids, connector.products, scope="public")
    # one Lookup per id, in order: value, outcome ("hit", "miss", "stale", ...), age, error

An entry's life, counted from when its value was fetched::

    |--- fresh ---|--- stale ---|--- stale_if_error ---| gone
        "hit"        "stale":        fetched again; if that fails,
                     served, and     served as "stale_if_error"
                     refreshed in
                     the background

``fresh`` varies by ± ``jitter`` (a fraction) per entry, so entries written together do not
expire together. Freshness comes from timestamps stored in the entry and read with the
cache's ``clock`` (wall time, shared by every instance using one Redis); the backend's own
TTL only bounds how long bytes are kept.

Concurrency, within one process: every key has at most one lookup in flight, so N
concurrent callers asking for one cold key make one backend read and one ``fetch``; a
caller whose keys overlap another's waits for the shared keys and fetches only the rest.
The shared work runs in its own task, so a caller that is cancelled does not cancel it for
the others.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from types import TracebackType
from typing import Any, Generic, Literal, TypeAlias, TypeVar

from connectors.errors import ConnectorError
from gateway.cache.backends import CacheBackend, MemoryBackend
from gateway.cache.codec import RECORDS, CodecError

__all__ = [
    "CachePolicy",
    "EntityCache",
    "Fetch",
    "Lookup",
    "Outcome",
    "cache_key",
    "default_policies",
]

logger = logging.getLogger(__name__)

V = TypeVar("V")

#: How a key was answered: from a fresh entry, by the owner, from a stale entry (then
#: refreshed), from a stale entry because the owner failed, or not at all (``error``).
Outcome: TypeAlias = Literal["hit", "miss", "stale", "stale_if_error", "error"]

#: A connector's batch read: one result per key, in key order, ``None`` for missing.
#: Raises :class:`~connectors.errors.ConnectorError` when the owner cannot answer.
Fetch: TypeAlias = Callable[[list[str]], Awaitable[Sequence[V | None]]]

_Phase: TypeAlias = Literal["fresh", "stale", "fallback", "gone"]
_Found: TypeAlias = dict[str, "Lookup[Any]"]


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """How long one kind of record is served from the cache, in seconds.

    ``fresh``: served without asking the owner; 0 means never cache this kind.
    ``stale``: then served while one background fetch refreshes it.
    ``stale_if_error``: then fetched, but served if the owner fails.
    ``jitter``: ``fresh`` varies by up to this fraction either way, per entry.
    ``negative``: how long "the owner has no such record" is remembered; 0 for not at all.
    """

    fresh: float
    stale: float
    stale_if_error: float
    jitter: float = 0.1
    negative: float = 0.0

    def __post_init__(self) -> None:
        for name in ("fresh", "stale", "stale_if_error", "negative"):
            seconds = getattr(self, name)
            if not (math.isfinite(seconds) and seconds >= 0):
                raise ValueError(f"CachePolicy.{name} must be seconds >= 0, got {seconds!r}")
        if not 0 <= self.jitter < 1:
            raise ValueError(f"CachePolicy.jitter must be in [0, 1), got {self.jitter!r}")

    @property
    def ttl(self) -> float:
        """How long the backend keeps a found record: the longest it can still be served."""
        return self.fresh * (1 + self.jitter) + self.stale + self.stale_if_error


def default_policies() -> dict[str, CachePolicy]:
    """The policies docs/caching.md recommends, per record kind: stock short, catalog
    longer, customer data short (and private, by the caller's ``scope``)."""
    return {
        "customer": CachePolicy(fresh=30, stale=0, stale_if_error=600),
        "inventory": CachePolicy(fresh=5, stale=25, stale_if_error=300),
        "listing": CachePolicy(fresh=60, stale=240, stale_if_error=3600),
        "location": CachePolicy(fresh=3600, stale=3600, stale_if_error=86_400),
        "order": CachePolicy(fresh=15, stale=0, stale_if_error=600),
        "product": CachePolicy(fresh=300, stale=900, stale_if_error=86_400, negative=30),
        "variant": CachePolicy(fresh=120, stale=600, stale_if_error=86_400, negative=30),
    }


@dataclass(frozen=True, slots=True)
class Lookup(Generic[V]):
    """One key's answer.

    ``value`` is the record, or ``None`` when the owner has none or on ``error``. ``age`` is
    how many seconds ago a ``stale`` or ``stale_if_error`` value was fetched. ``error`` is
    why an ``error`` lookup has no value (the owner failed and nothing was cached).
    """

    value: V | None
    outcome: Outcome
    age: float | None = None
    error: ConnectorError | None = None

    @property
    def stale(self) -> bool:
        """Whether ``value`` is older than its kind's ``fresh`` (worth telling the client)."""
        return self.outcome == "stale" or self.outcome == "stale_if_error"

    @property
    def age_if_owner_failed(self) -> float | None:
        """``age`` when the value is served because its owner failed (``stale_if_error``):
        what the response reports as stale. ``None`` otherwise."""
        return self.age if self.outcome == "stale_if_error" else None


_ESCAPE = str.maketrans({"%": "%25", ":": "%3A", "#": "%23"})
_MAX_PART = 128


@lru_cache(maxsize=16_384)  # the same kinds, scopes and SKUs come back on every request
def _part(text: str) -> str:
    escaped = text.translate(_ESCAPE)
    if len(escaped) <= _MAX_PART and (escaped.isascii() or _utf8(escaped)):
        return escaped
    # Long (or unencodable) parts become a digest; "#" never starts an escaped part.
    return "#" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def cache_key(kind: str, scope: str, key: str) -> str:
    """``kind:scope:key``, each part escaped (``%``, ``:``, ``#``) or, past 128 characters,
    hashed, so no two different triples ever share a key and none grows without bound."""
    return f"{_part(kind)}:{_part(scope)}:{_part(key)}"


@dataclass(frozen=True, slots=True)
class _Entry:
    stored_at: float
    fresh_until: float
    value: Any

    def phase(self, policy: CachePolicy, now: float) -> _Phase:
        # Capped by today's policy, so shortening a policy takes effect on stored entries.
        if self.value is None:
            until = min(self.fresh_until, self.stored_at + policy.negative * (1 + policy.jitter))
            return "fresh" if now < until else "gone"
        until = min(self.fresh_until, self.stored_at + policy.fresh * (1 + policy.jitter))
        if now < until:
            return "fresh"
        if now < until + policy.stale:
            return "stale"
        if now < until + policy.stale + policy.stale_if_error:
            return "fallback"
        return "gone"

    def age(self, now: float) -> float:
        return max(0.0, now - self.stored_at)


#: How the codec tags the only mutable containers it decodes (records are frozen, arrays
#: decode as tuples). Seen anywhere in an entry's bytes, even inside a string, the entry
#: is decoded afresh for every reader rather than shared.
_MUTABLE_TAGS = (b'"$":"list"', b'"$":"dict"')


def _immutable(data: bytes) -> bool:
    return not any(tag in data for tag in _MUTABLE_TAGS)


def _decode_entry(data: bytes) -> _Entry:
    tree = RECORDS.decode(data)
    if (
        type(tree) is not tuple
        or len(tree) != 3
        or not all(type(t) is float or type(t) is int for t in tree[:2])
    ):
        raise CodecError("not a cache entry")
    return _Entry(float(tree[0]), float(tree[1]), tree[2])


class EntityCache:
    """Records by ``(kind, scope, key)`` over a :class:`CacheBackend`, with single-flight,
    stale-while-revalidate and stale-if-error.

    ``policies`` maps each record kind to its :class:`CachePolicy`. ``clock`` is wall time
    in seconds (tests inject one). ``on_lookup(kind, outcome, count)`` says, for metrics,
    how many distinct keys a lookup found with each outcome. Closing the cache cancels
    background refreshes and closes the backend.
    """

    def __init__(
        self,
        backend: CacheBackend,
        policies: Mapping[str, CachePolicy],
        *,
        clock: Callable[[], float] = time.time,
        on_lookup: Callable[[str, Outcome, int], None] | None = None,
    ) -> None:
        self._backend = backend
        self._policies = dict(policies)
        self._clock = clock
        self._on_lookup = on_lookup
        self._inflight: dict[str, asyncio.Task[_Found]] = {}
        self._refreshing: set[str] = set()
        # Strong references: the event loop keeps only weak ones to running tasks.
        self._tasks: set[asyncio.Task[Any]] = set()
        self._unencodable: set[tuple[str, type]] = set()
        self._closed = False

    @property
    def backend(self) -> CacheBackend:
        return self._backend

    def policy(self, kind: str) -> CachePolicy:
        """The policy for ``kind``. Raises ``KeyError`` for a kind with none."""
        try:
            return self._policies[kind]
        except KeyError:
            raise KeyError(f"no cache policy for record kind {kind!r}") from None

    async def load_many(
        self, kind: str, keys: Sequence[str], fetch: Fetch[V], *, scope: str
    ) -> list[Lookup[V]]:
        """One :class:`Lookup` per key, in key order (repeated keys are looked up once).

        ``fetch`` is called at most once, with the keys that are neither fresh, stale nor
        being looked up by another caller. ``scope`` says whose data this is: ``"public"``
        for catalog and stock, the principal's ID for a customer's records; entries never
        cross scopes. A ``fetch`` failure other than ``ConnectorError`` propagates.
        """
        if self._closed:
            raise RuntimeError("the entity cache is closed")
        if not scope:
            raise ValueError("scope is required: 'public' for shared records, else a principal")
        policy = self.policy(kind)
        names = {key: cache_key(kind, scope, key) for key in keys}
        lead = [key for key, name in names.items() if name not in self._inflight]
        if lead:
            led = [names[key] for key in lead]
            task = self._spawn(self._resolve(kind, policy, lead, led, fetch))
            task.add_done_callback(partial(self._release, led))
            for name in led:
                self._inflight[name] = task
        found: _Found = {}
        for task in {self._inflight[name] for name in names.values()}:
            found.update(await asyncio.shield(task))
        if self._on_lookup is not None:
            counts: dict[Outcome, int] = {}
            for name in names.values():
                outcome = found[name].outcome
                counts[outcome] = counts.get(outcome, 0) + 1
            for outcome, count in counts.items():
                self._on_lookup(kind, outcome, count)
        return [found[names[key]] for key in keys]

    async def invalidate(self, kind: str, keys: Iterable[str], *, scope: str) -> None:
        """Forget the entries (after a write, or a webhook saying the records changed)."""
        self.policy(kind)
        await self._backend.delete_many([cache_key(kind, scope, key) for key in keys])

    async def settle(self) -> None:
        """Wait until no lookup or background refresh is in flight (tests, draining)."""
        while pending := [task for task in self._tasks if not task.done()]:
            await asyncio.wait(pending)

    async def aclose(self) -> None:
        """Cancel lookups and refreshes in flight, then close the backend."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        await self._backend.aclose()

    async def __aenter__(self) -> EntityCache:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- the shared work ----------------------------------------------------------------

    async def _resolve(
        self,
        kind: str,
        policy: CachePolicy,
        keys: list[str],
        names: list[str],
        fetch: Fetch[Any],
    ) -> _Found:
        entries = await self._read(kind, names) if policy.fresh > 0 else [None] * len(names)
        now = self._clock()
        found: _Found = {}
        stale: list[tuple[str, str]] = []
        needed: list[tuple[str, str, _Entry | None]] = []
        for key, name, entry in zip(keys, names, entries, strict=True):
            phase = "gone" if entry is None else entry.phase(policy, now)
            if entry is None or phase in ("fallback", "gone"):
                needed.append((key, name, entry))
            elif phase == "fresh":
                found[name] = Lookup(entry.value, "hit")
            else:
                found[name] = Lookup(entry.value, "stale", age=entry.age(now))
                stale.append((key, name))
        if stale:
            self._refresh_soon(kind, policy, stale, fetch)
        if not needed:
            return found
        try:
            values = await _call(fetch, [key for key, _, _ in needed])
        except ConnectorError as exc:
            now = self._clock()
            for _, name, entry in needed:
                if entry is not None and entry.phase(policy, now) == "fallback":
                    found[name] = Lookup(entry.value, "stale_if_error", age=entry.age(now))
                else:
                    found[name] = Lookup(None, "error", error=exc)
            return found
        for (_, name, _), value in zip(needed, values, strict=True):
            found[name] = Lookup(value, "miss")
        if policy.fresh > 0:
            await self._store(
                kind,
                policy,
                [
                    (name, value, entry is not None)
                    for (_, name, entry), value in zip(needed, values, strict=True)
                ],
            )
        return found

    def _refresh_soon(
        self, kind: str, policy: CachePolicy, stale: list[tuple[str, str]], fetch: Fetch[Any]
    ) -> None:
        todo = [(key, name) for key, name in stale if name not in self._refreshing]
        if not todo:
            return
        names = [name for _, name in todo]
        self._refreshing.update(names)
        task = self._spawn(self._refresh(kind, policy, todo, fetch), background=kind)
        task.add_done_callback(lambda _: self._refreshing.difference_update(names))

    async def _refresh(
        self, kind: str, policy: CachePolicy, todo: list[tuple[str, str]], fetch: Fetch[Any]
    ) -> None:
        try:
            values = await _call(fetch, [key for key, _ in todo])
        except ConnectorError as exc:
            logger.info("refreshing %d stale %s entries failed: %s", len(todo), kind, exc)
            return
        await self._store(
            kind,
            policy,
            [(name, value, True) for (_, name), value in zip(todo, values, strict=True)],
        )

    async def _read(self, kind: str, names: list[str]) -> list[_Entry | None]:
        if isinstance(self._backend, MemoryBackend):
            # In this process: each entry is decoded once, not on every hit.
            return self._backend.get_many_decoded(names, partial(self._decode_shared, kind))
        return [
            None if data is None else self._decode(kind, data)
            for data in await self._backend.get_many(names)
        ]

    def _decode(self, kind: str, data: bytes) -> _Entry | None:
        try:
            return _decode_entry(data)
        except CodecError as exc:
            # Not the key: it may hold an email address or a customer's ID.
            logger.warning("a cached %s entry is unreadable, treated as a miss: %s", kind, exc)
            return None

    def _decode_shared(self, kind: str, data: bytes) -> tuple[_Entry | None, bool]:
        entry = self._decode(kind, data)
        return entry, entry is not None and _immutable(data)

    async def _store(
        self, kind: str, policy: CachePolicy, rows: list[tuple[str, Any, bool]]
    ) -> None:
        now = self._clock()
        found: dict[str, bytes] = {}
        missing: dict[str, bytes] = {}
        gone: list[str] = []
        for name, value, existed in rows:
            if value is None:
                if policy.negative > 0:
                    data = self._pack(kind, now, policy.negative, policy.jitter, None)
                    if data is not None:
                        missing[name] = data
                elif existed:
                    # The owner no longer has it: a stale copy must not be served.
                    gone.append(name)
                continue
            data = self._pack(kind, now, policy.fresh, policy.jitter, value)
            if data is not None:
                found[name] = data
        writes: list[Awaitable[None]] = []
        if found:
            writes.append(self._backend.set_many(found, policy.ttl))
        if missing:
            writes.append(self._backend.set_many(missing, policy.negative * (1 + policy.jitter)))
        if gone:
            writes.append(self._backend.delete_many(gone))
        await asyncio.gather(*writes)

    def _pack(
        self, kind: str, now: float, seconds: float, jitter: float, value: Any
    ) -> bytes | None:
        fresh_until = now + seconds * (1 + random.uniform(-jitter, jitter))
        try:
            return RECORDS.encode((now, fresh_until, value))
        except CodecError as exc:
            if (kind, type(value)) not in self._unencodable:
                self._unencodable.add((kind, type(value)))
                logger.warning("%s values of this type are not cached: %s", kind, exc)
            return None

    # -- tasks --------------------------------------------------------------------------

    def _spawn(
        self, work: Coroutine[Any, Any, V], *, background: str | None = None
    ) -> asyncio.Task[V]:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(partial(self._done, background))
        return task

    def _done(self, background: str | None, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        # Retrieved even when every caller of a lookup was cancelled, so asyncio does not
        # report it as never retrieved. A refresh has no caller to raise to: it is logged.
        exc = task.exception()
        if exc is not None and background is not None:
            logger.error("refreshing stale %s entries failed", background, exc_info=exc)

    def _release(self, names: list[str], task: asyncio.Task[_Found]) -> None:
        for name in names:
            if self._inflight.get(name) is task:
                del self._inflight[name]


async def _call(fetch: Fetch[V], keys: list[str]) -> Sequence[V | None]:
    values = await fetch(keys)
    if len(values) != len(keys):
        raise ValueError(f"fetch returned {len(values)} results for {len(keys)} keys")
    return values
