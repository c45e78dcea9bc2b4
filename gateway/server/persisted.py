"""Persisted operations: a safelist manifest, Relay ids and Automatic Persisted Queries.

A **manifest** lists the operations your clients were built with, in either format::

    {"format": "apollo-persisted-query-manifest", "version": 1,
     "operations": [{"id": "<sha256>", "name": "Product", "type": "query", "body": "..."}]}

    {"<id>": "query Product { ... }"}                       (Relay's persisted queries)

A client then names an operation instead of sending it: Relay sends ``doc_id`` (or ``id``),
Apollo sends ``extensions.persistedQuery.sha256Hash``. With **Automatic Persisted Queries**
(APQ) the client sends the hash first; on ``PERSISTED_QUERY_NOT_FOUND`` it sends hash and
text, the gateway checks that the text hashes to the hash and remembers it (in a bounded
LRU in memory, or in Redis for every instance). In **safelist** mode only operations in the
manifest run — by id, by hash or as the same text (whitespace and comments aside) — and APQ
registers nothing.

>>> manifest = Manifest.from_data({"q1": "{ shop { name } }"})
>>> manifest.contains("{shop{name}}")
True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson
from cachetools import LRUCache
from graphql import GraphQLError
from graphql.utilities import strip_ignored_characters

from gateway.cache import CacheBackend, RedisBackend
from gateway.server.errors import (
    PersistedQueryHashMismatch,
    PersistedQueryNotFound,
    PersistedQueryNotSafelisted,
    PersistedQueryNotSupported,
    RequestError,
)
from gateway.server.params import GraphQLParams

__all__ = [
    "APOLLO_FORMAT",
    "BackendQueryStore",
    "Manifest",
    "ManifestError",
    "MemoryQueryStore",
    "PersistedOperations",
    "PersistedSettings",
    "QueryStore",
    "Resolution",
    "build_persisted",
    "sha256_hex",
]

APOLLO_FORMAT = "apollo-persisted-query-manifest"
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_OPERATION_TYPES = frozenset({"query", "mutation", "subscription"})


class ManifestError(ValueError):
    """A manifest is unreadable or malformed; the message says where."""


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _stripped(text: str) -> str | None:
    try:
        return strip_ignored_characters(text)
    except GraphQLError:
        return None


@dataclass(frozen=True)
class PersistedSettings:
    """``manifest``: a manifest file (Apollo or Relay format), or none. ``safelist_only``:
    run only the manifest's operations (needs a manifest). ``apq``: accept Automatic
    Persisted Queries. ``apq_backend``: ``"memory"`` (at most ``apq_max_bytes`` of query
    text per instance, least recently used dropped first) or ``"redis"`` (``redis_url``,
    entries kept ``apq_ttl`` seconds, keys under ``namespace``)."""

    manifest: str | None = None
    safelist_only: bool = False
    apq: bool = True
    apq_backend: str = "memory"
    apq_max_bytes: int = 16 * 1024 * 1024
    apq_ttl: float = 24 * 3600.0
    redis_url: str | None = None
    namespace: str = "default"


class Manifest:
    """The operations a manifest lists, by id, by SHA-256 of their text, and by text."""

    def __init__(self, operations: Mapping[str, str]) -> None:
        self.operations: dict[str, str] = dict(operations)
        self._by_hash = {sha256_hex(body): body for body in self.operations.values()}
        self._texts = frozenset(self.operations.values())
        self._stripped = frozenset(
            s for s in map(_stripped, self.operations.values()) if s is not None
        )

    def __len__(self) -> int:
        return len(self.operations)

    def get(self, key: str) -> str | None:
        """The text of the operation with id ``key``, or whose text hashes to ``key``."""
        found = self.operations.get(key)
        return found if found is not None else self._by_hash.get(key.lower())

    def contains(self, text: str) -> bool:
        """Whether ``text`` is a listed operation, ignoring whitespace, commas and comments."""
        if text in self._texts:
            return True
        stripped = _stripped(text)
        return stripped is not None and stripped in self._stripped

    @classmethod
    def from_data(cls, data: Any, *, source: str = "the manifest") -> Manifest:
        """Read an Apollo (``"format": "apollo-persisted-query-manifest"``) or Relay
        (``{"<id>": "<text>"}``) manifest already parsed from JSON."""
        if not isinstance(data, dict):
            raise ManifestError(f"{source} must be a JSON object")
        if "format" in data:
            return cls(_apollo_operations(data, source))
        operations = {}
        for key, body in data.items():
            if not isinstance(body, str) or not body.strip():
                raise ManifestError(
                    f"{source}: {key!r} must map to the operation's text (a Relay manifest), "
                    f'or the file needs "format": "{APOLLO_FORMAT}"'
                )
            operations[key] = body
        return cls(operations)

    @classmethod
    def load(cls, path: str | Path) -> Manifest:
        path = Path(path)
        try:
            data = orjson.loads(path.read_bytes())
        except OSError as exc:
            raise ManifestError(f"cannot read the manifest {path}: {exc.strerror}") from None
        except orjson.JSONDecodeError as exc:
            raise ManifestError(f"the manifest {path} is not valid JSON: {exc}") from None
        return cls.from_data(data, source=str(path))


def _apollo_operations(data: dict[str, Any], source: str) -> dict[str, str]:
    if data.get("format") != APOLLO_FORMAT:
        raise ManifestError(f"{source}: unknown manifest format {data.get('format')!r}")
    if data.get("version") != 1:
        raise ManifestError(f"{source}: version {data.get('version')!r} is not supported (1 is)")
    entries = data.get("operations")
    if not isinstance(entries, list):
        raise ManifestError(f"{source}: 'operations' must be an array")
    operations: dict[str, str] = {}
    for i, entry in enumerate(entries):
        where = f"{source}: operations[{i}]"
        if not isinstance(entry, dict):
            raise ManifestError(f"{where} must be an object")
        op_id, body, kind = entry.get("id"), entry.get("body"), entry.get("type")
        if not isinstance(op_id, str) or not op_id:
            raise ManifestError(f"{where}.id must be a non-empty string")
        if not isinstance(body, str) or not body.strip():
            raise ManifestError(f"{where}.body must be the operation's text")
        if kind not in _OPERATION_TYPES:
            raise ManifestError(f"{where}.type must be query, mutation or subscription")
        if op_id in operations and operations[op_id] != body:
            raise ManifestError(f"{where}.id {op_id!r} is listed twice with different bodies")
        operations[op_id] = body
    return operations


class QueryStore(Protocol):
    """Where APQ keeps the texts clients registered, by SHA-256."""

    async def get(self, sha256: str) -> str | None:
        """The text registered under ``sha256``, or ``None``. Never raises for a store
        that is unreachable (that is a miss)."""
        ...

    async def put(self, sha256: str, text: str) -> None:
        """Remember ``text`` (already checked to hash to ``sha256``). Never raises; a store
        that cannot keep it drops it."""
        ...

    async def aclose(self) -> None:
        """Release connections. The store is not used afterwards."""
        ...


class MemoryQueryStore:
    """At most ``max_bytes`` of query text, least recently used dropped first."""

    def __init__(self, max_bytes: int = 16 * 1024 * 1024) -> None:
        self._cache: LRUCache[str, str] = LRUCache(max_bytes, getsizeof=len)

    def __len__(self) -> int:
        return len(self._cache)

    async def get(self, sha256: str) -> str | None:
        return self._cache.get(sha256)

    async def put(self, sha256: str, text: str) -> None:
        if len(text) <= self._cache.maxsize:
            self._cache[sha256] = text

    async def aclose(self) -> None:
        self._cache.clear()


class BackendQueryStore:
    """APQ texts in an entity-cache backend (Redis, to share them across instances)."""

    def __init__(self, backend: CacheBackend, *, ttl: float = 24 * 3600.0) -> None:
        self._backend = backend
        self._ttl = ttl

    async def get(self, sha256: str) -> str | None:
        (raw,) = await self._backend.get_many([sha256])
        if raw is None:
            return None
        text = raw.decode("utf-8", errors="replace")
        # A shared store is trusted only as far as its content still hashes right.
        return text if sha256_hex(text) == sha256 else None

    async def put(self, sha256: str, text: str) -> None:
        await self._backend.set_many({sha256: text.encode("utf-8")}, self._ttl)

    async def aclose(self) -> None:
        await self._backend.aclose()


@dataclass(frozen=True)
class Resolution:
    """The text to run, and the APQ hash to register it under once it proves valid."""

    query: str
    register: str | None = None


class PersistedOperations:
    """Turns a request's query, id or hash into the text to run, or refuses it."""

    def __init__(
        self,
        manifest: Manifest | None = None,
        *,
        safelist_only: bool = False,
        apq: bool = True,
        store: QueryStore | None = None,
    ) -> None:
        if safelist_only and manifest is None:
            raise ValueError("safelist_only needs a manifest of the allowed operations")
        self.manifest = manifest
        self.safelist_only = safelist_only
        self.apq = apq and not safelist_only
        self.store: QueryStore = store if store is not None else MemoryQueryStore()

    async def resolve(self, params: GraphQLParams) -> Resolution:
        """The operation text for ``params``.

        Raises :class:`PersistedQueryNotFound` (an unknown hash or id),
        :class:`PersistedQueryHashMismatch`, :class:`PersistedQueryNotSafelisted`,
        :class:`PersistedQueryNotSupported` or a plain :class:`RequestError` (a malformed
        ``persistedQuery``).
        """
        manifest = self.manifest
        if params.document_id is not None:
            found = manifest.get(params.document_id) if manifest is not None else None
            if found is None:
                raise PersistedQueryNotFound(
                    f"no persisted operation has the id {params.document_id!r}", status=400
                )
            return Resolution(found)
        if params.persisted_query is not None:
            return await self._automatic(params.persisted_query, params.query or None)
        assert params.query is not None  # GraphQLParams guarantees a query, id or hash
        if self.safelist_only and not (manifest is not None and manifest.contains(params.query)):
            raise PersistedQueryNotSafelisted(
                "this operation is not in the gateway's safelist; only the operations "
                "your clients were built with may run"
            )
        return Resolution(params.query)

    async def _automatic(self, extension: Any, query: str | None) -> Resolution:
        sha256 = _apq_hash(extension)
        manifest = self.manifest
        listed = manifest.get(sha256) if manifest is not None else None
        if listed is not None:
            if query is not None and query != listed and sha256_hex(query) != sha256:
                raise PersistedQueryHashMismatch("the query does not hash to the sha256Hash sent")
            return Resolution(listed)
        if self.safelist_only:
            if query is not None and sha256_hex(query) != sha256:
                raise PersistedQueryHashMismatch("the query does not hash to the sha256Hash sent")
            if query is not None and manifest is not None and manifest.contains(query):
                return Resolution(query)
            raise PersistedQueryNotSafelisted(
                "this operation is not in the gateway's safelist, and the gateway registers "
                "no new persisted queries"
            )
        if not self.apq:
            raise PersistedQueryNotSupported("PersistedQueryNotSupported")
        if query is not None:
            if sha256_hex(query) != sha256:
                raise PersistedQueryHashMismatch("the query does not hash to the sha256Hash sent")
            return Resolution(query, register=sha256)
        stored = await self.store.get(sha256)
        if stored is None:
            raise PersistedQueryNotFound("PersistedQueryNotFound")
        return Resolution(stored)

    async def register(self, sha256: str, query: str) -> None:
        """Remember an APQ text that parsed and validated."""
        await self.store.put(sha256, query)

    async def aclose(self) -> None:
        await self.store.aclose()


def _apq_hash(extension: Any) -> str:
    if not isinstance(extension, dict):
        raise RequestError("'extensions.persistedQuery' must be an object")
    version = extension.get("version")
    if version != 1 or isinstance(version, bool):
        raise PersistedQueryNotSupported(
            f"persisted query version {version!r} is not supported (1 is)", status=400
        )
    sha256 = extension.get("sha256Hash")
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise RequestError("'extensions.persistedQuery.sha256Hash' must be 64 hex digits")
    return sha256.lower()


def build_persisted(settings: PersistedSettings) -> PersistedOperations:
    """Persisted operations as ``settings`` say (reads the manifest file now)."""
    manifest = Manifest.load(settings.manifest) if settings.manifest else None
    store: QueryStore
    if settings.apq_backend == "redis":
        if not settings.redis_url:
            raise ValueError("apq_backend 'redis' needs redis_url")
        backend = RedisBackend(settings.redis_url, namespace=f"apq.{settings.namespace}")
        store = BackendQueryStore(backend, ttl=settings.apq_ttl)
    elif settings.apq_backend == "memory":
        store = MemoryQueryStore(settings.apq_max_bytes)
    else:
        raise ValueError(f"apq_backend must be 'memory' or 'redis', not {settings.apq_backend!r}")
    return PersistedOperations(
        manifest, safelist_only=settings.safelist_only, apq=settings.apq, store=store
    )
