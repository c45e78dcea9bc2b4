"""Per-request DataLoaders over the entity cache: every key a request asks for in one tick
becomes one batch call, to the cache first and to the back end for what it lacks.

One loader per (connector, method), named ``<Entity>By<Key>Loader``; each answers one
:class:`~gateway.cache.Lookup` per key, in key order — the value (``None`` or an empty list
where the owner has nothing), how it was served (fresh, stale, stale because the owner
failed) and, where the owner failed and nothing was cached, the error. Cache keys name the
connector instance, so two back ends of one type never share entries, and carry the
request's scope, so customer data never crosses principals.

``InventoryBySkuLoader`` is the one that federates: it asks every inventory system at once
and unions their levels by (sku, location), keeping what answered when one system fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from types import MappingProxyType
from typing import Any, ClassVar, NamedTuple, cast

from aiodataloader import DataLoader

from connectors.base import Connector
from connectors.capabilities import CatalogSource, InventorySource
from connectors.errors import ConnectorError
from connectors.models import (
    Identity,
    InventoryLevel,
    LocationRef,
    OrderPageRequest,
    Page,
    Product,
)
from gateway.cache import EntityCache, Lookup

__all__ = [
    "CustomerByIdLoader",
    "CustomersByEmailLoader",
    "CustomersByIdentityLoader",
    "InventoryBySkuLoader",
    "InventoryKey",
    "ListingRequest",
    "LocationsBySystemLoader",
    "OrderByIdLoader",
    "OrdersByCustomerLoader",
    "ProductByHandleLoader",
    "ProductByIdLoader",
    "ProductPageLoader",
    "Stock",
    "VariantBySkuLoader",
]


class _CachedFetch:
    """One connector batch method behind the entity cache: ``_load(keys)`` answers a
    :class:`Lookup` per key, asking the connector only for what the cache lacks."""

    #: The connector's batch method this loader feeds, and the cache's record kind.
    method: ClassVar[str]
    kind: ClassVar[str]
    #: Distinguishes keys of one kind looked up by different fields (ID and handle).
    prefix: ClassVar[str] = ""

    def __init__(self, connector: Connector[Any], cache: EntityCache, scope: str) -> None:
        self._fetch = self.fetcher(connector)
        self._instance = connector.instance
        self._entities = cache
        self._scope = scope

    def fetcher(self, connector: Connector[Any]) -> Callable[[list[Any]], Awaitable[Sequence[Any]]]:
        fetch: Callable[[list[Any]], Awaitable[Sequence[Any]]] = getattr(connector, self.method)
        return fetch

    def key_text(self, key: Any) -> str:
        return str(key)

    async def _load(self, keys: Sequence[Any]) -> list[Lookup[Any]]:
        texts = {f"{self.prefix}{self._instance}/{self.key_text(key)}": key for key in keys}

        async def fetch(missing: list[str]) -> Sequence[Any]:
            found = await self._fetch([texts[text] for text in missing])
            # Tuples, not lists: an immutable value can be shared by every reader of an
            # in-process cache instead of decoded afresh for each (gateway.cache.entity).
            return [tuple(value) if type(value) is list else value for value in found]

        return await self._entities.load_many(self.kind, list(texts), fetch, scope=self._scope)


class _CachedLoader(_CachedFetch, DataLoader[Any, Lookup[Any]]):
    """A :class:`_CachedFetch` that batches the keys asked for in one tick (a DataLoader)."""

    def __init__(self, connector: Connector[Any], cache: EntityCache, scope: str) -> None:
        _CachedFetch.__init__(self, connector, cache, scope)
        DataLoader.__init__(self)

    # A class attribute, not ``self._load`` given to DataLoader: a bound method kept on
    # the loader is a reference cycle, and everything the request loaded would wait for
    # the garbage collector instead of going when the request does.
    batch_load_fn = _CachedFetch._load


class ProductByIdLoader(_CachedLoader):
    method, kind = "products", "product"


class ProductByHandleLoader(_CachedLoader):
    method, kind, prefix = "products_by_handle", "product", "handle:"


class VariantBySkuLoader(_CachedLoader):
    method, kind = "variants", "variant"


class CustomerByIdLoader(_CachedLoader):
    method, kind = "customers", "customer"


class CustomersByEmailLoader(_CachedLoader):
    method, kind, prefix = "customers_by_email", "customer", "email:"


class CustomersByIdentityLoader(_CachedLoader):
    method, kind, prefix = "customers_by_identity", "customer", "identity:"

    def key_text(self, key: Identity) -> str:
        return f"{key.system}\x1f{key.external_id}"


class OrderByIdLoader(_CachedLoader):
    method, kind = "orders", "order"


class OrdersByCustomerLoader(_CachedLoader):
    method, kind, prefix = "orders_for_customers", "order", "page:"

    def key_text(self, key: OrderPageRequest) -> str:
        return f"{key.customer_external_id}\x1f{key.first}\x1f{key.after or ''}"


@dataclass(frozen=True, slots=True)
class ListingRequest:
    """One page of the catalog: its size, the vendor's cursor, the search."""

    first: int
    after: str | None
    query: str | None


class ProductPageLoader(_CachedLoader):
    """Pages of the catalog as the owner returned them (products and the owner's cursor),
    cached as ``listing``: the page a storefront's category shows most."""

    method, kind, prefix = "list_products", "listing", "page:"

    def key_text(self, key: ListingRequest) -> str:
        return f"{key.first}\x1f{key.after or ''}\x1f{key.query or ''}"

    def fetcher(self, connector: Connector[Any]) -> Callable[[list[Any]], Awaitable[Sequence[Any]]]:
        catalog = cast(CatalogSource, connector)

        async def pages(keys: list[ListingRequest]) -> list[Page[Product]]:
            found = await asyncio.gather(
                *(catalog.list_products(first=k.first, after=k.after, query=k.query) for k in keys)
            )
            # Tuples: an immutable page is shared by readers of an in-process cache.
            return [replace(page, items=tuple(page.items)) for page in found]

        return pages


class LocationsBySystemLoader(_CachedLoader):
    """A system's locations, as one cached list (its key is ``"all"``)."""

    method, kind = "locations", "location"

    def fetcher(self, connector: Connector[Any]) -> Callable[[list[Any]], Awaitable[Sequence[Any]]]:
        async def every(keys: list[Any]) -> list[Any]:
            locations = await cast(InventorySource, connector).locations()
            return [locations for _ in keys]

        return every


#: (sku, the locations asked for or ``None`` for all of them)
InventoryKey = tuple[str, frozenset[LocationRef] | None]


#: No system's levels were served stale (shared: a Stock's ``ages`` is never changed).
_NO_AGES: Mapping[str, float] = MappingProxyType({})


class Stock(NamedTuple):
    """One SKU's levels from every system that answered (stale ones with their ``ages``),
    and the failures of those that did not. A tuple: a listing makes one per variant, and
    a frozen dataclass's ``__init__`` costs four times as much."""

    levels: list[InventoryLevel]
    failures: tuple[ConnectorError, ...] = ()
    #: system -> seconds since its levels were fetched, for levels served stale
    ages: Mapping[str, float] = _NO_AGES


class _LevelsLoader(_CachedFetch):
    """One system's stock per SKU, at all its locations (what the cache keeps), for the
    batches :class:`InventoryBySkuLoader` has already gathered."""

    method, kind = "levels", "inventory"

    def __init__(self, connector: Connector[Any], cache: EntityCache, scope: str) -> None:
        super().__init__(connector, cache, scope)
        #: sku -> (the batch fetching it, its position there), for the request's length.
        self._batches: dict[str, tuple[asyncio.Future[list[Lookup[Any]]], int]] = {}
        #: sku -> its lookup, once a batch has fetched it (what :meth:`fetched` answers).
        self._ready: dict[str, Lookup[Any]] = {}

    async def lookups(self, skus: Sequence[str]) -> list[Lookup[Any]]:
        """``skus``' lookups, each fetched once a request (a batch in flight is shared).
        Called with a batch the outer loader already gathered: a DataLoader's future and
        callbacks per key would batch nothing more."""
        batches = self._batches
        missing = [sku for sku in skus if sku not in batches]
        if missing:
            fetching = asyncio.ensure_future(self._load(missing))
            fetching.add_done_callback(partial(_keep_ready, self._ready, missing))
            for position, sku in enumerate(missing):
                batches[sku] = (fetching, position)
        found = []
        for sku in skus:
            batch, position = batches[sku]
            try:
                found.append((await batch)[position])
            except Exception:
                for key in [key for key, entry in batches.items() if entry[0] is batch]:
                    del batches[key]  # a failed batch is not kept: the next call asks again
                raise
        return found

    def fetched(self, sku: str) -> Lookup[Any] | None:
        """``sku``'s lookup if a batch already fetched it, else ``None`` (not asked yet,
        still in flight, or failed: :meth:`lookups` asks again)."""
        return self._ready.get(sku)


def _keep_ready(
    ready: dict[str, Lookup[Any]], skus: list[str], batch: asyncio.Future[list[Lookup[Any]]]
) -> None:
    # Given the dict, not the loader: a callback holding the loader would keep it, and
    # everything it fetched, in a reference cycle through its own batches.
    if not batch.cancelled() and batch.exception() is None:
        ready.update(zip(skus, batch.result(), strict=True))


class InventoryBySkuLoader(DataLoader[InventoryKey, Stock]):
    """Stock per SKU from every inventory system, unioned by (sku, location).

    Each system's levels for a SKU are cached whole and filtered to the locations asked
    for. A system that fails does not fail the others: its SKUs come back with what the
    others gave and its error in ``failures``. ``aliases`` maps a location one system knows
    to the same place in the system that owns its stock, so each place appears once.
    """

    kind: ClassVar[str] = _LevelsLoader.kind

    def __init__(
        self,
        connectors: Sequence[Connector[Any]],
        cache: EntityCache,
        *,
        aliases: Mapping[LocationRef, LocationRef] | None = None,
    ) -> None:
        super().__init__()
        self._systems = [(c.instance, _LevelsLoader(c, cache, "public")) for c in connectors]
        #: Keyed by (system, external id): a tuple hashes in C, a LocationRef (a dataclass)
        #: in Python, and the union looks up every level of every SKU.
        self._aliases = {
            (ref.source, ref.external_id): place for ref, place in (aliases or {}).items()
        }
        #: The inventory systems asked, by instance name.
        self.systems = [instance for instance, _ in self._systems]

    async def fetch_ahead(self, skus: Sequence[str]) -> None:
        """Fetch ``skus``' stock from every system now, so :meth:`fetched` can answer for
        them without waiting. Raises nothing: a system that fails is reported, and asked
        again, by whoever reads the SKU's stock (through :meth:`load`)."""
        skus = list(dict.fromkeys(skus))
        await asyncio.gather(
            *(loader.lookups(skus) for _, loader in self._systems), return_exceptions=True
        )

    def fetched(self, key: InventoryKey) -> Stock | None:
        """What :meth:`load` would answer for ``key``, if every system's levels for its
        SKU are already here (:meth:`fetch_ahead`); ``None`` if any must still be asked."""
        sku, scope = key
        lookups = []
        for _, loader in self._systems:
            found = loader.fetched(sku)
            if found is None:
                return None
            lookups.append(found)
        return self._stock(scope, lookups)

    async def _load(self, keys: Sequence[InventoryKey]) -> list[Stock]:
        skus = list(dict.fromkeys(sku for sku, _ in keys))
        position = {sku: i for i, sku in enumerate(skus)}
        answers = await asyncio.gather(*(loader.lookups(skus) for _, loader in self._systems))
        return [
            self._stock(scope, [lookups[position[sku]] for lookups in answers])
            for sku, scope in keys
        ]

    def _stock(self, scope: frozenset[LocationRef] | None, lookups: list[Lookup[Any]]) -> Stock:
        """One SKU's :class:`Stock` from each system's lookup (in ``_systems`` order)."""
        if scope is None and not self._aliases:
            # The common case, once per variant on a page: locations carry their system's
            # name, so without aliases two systems never name one place and the union is
            # the concatenation; nothing failed or stale leaves nothing else to say.
            found: list[InventoryLevel] = []
            for lookup in lookups:
                if lookup.error is not None or lookup.outcome == "stale_if_error":
                    break
                if lookup.value:
                    found.extend(lookup.value)
            else:
                return Stock(found)
        union: dict[tuple[str, str], InventoryLevel] = {}
        levels: list[InventoryLevel] = []
        failures: list[ConnectorError] = []
        ages: dict[str, float] = {}
        aliases = self._aliases
        wanted = None if scope is None else {(ref.source, ref.external_id) for ref in scope}
        for (instance, _), lookup in zip(self._systems, lookups, strict=True):
            if lookup.error is not None:
                failures.append(lookup.error)
                continue
            age = lookup.age_if_owner_failed
            if age is not None:
                ages[instance] = age
            if not aliases and wanted is None:
                levels.extend(lookup.value or ())  # the concatenation, as above
                continue
            for level in lookup.value or ():
                ref = level.location
                place = aliases.get((ref.source, ref.external_id))
                key = (
                    (ref.source, ref.external_id)
                    if place is None
                    else (place.source, place.external_id)
                )
                if key in union or (wanted is not None and key not in wanted):
                    continue
                union[key] = level if place is None else _at(level, place)
        levels.extend(union.values())
        return Stock(levels, tuple(failures), ages or _NO_AGES)

    batch_load_fn = _load  # see _CachedLoader


def _at(level: InventoryLevel, place: LocationRef) -> InventoryLevel:
    if level.location == place:
        return level
    return InventoryLevel(
        level.sku,
        place,
        level.available,
        level.on_hand,
        level.reserved,
        level.incoming,
        level.updated_at,
    )
