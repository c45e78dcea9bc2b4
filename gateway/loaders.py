"""Per-request DataLoaders: every key a request asks for in one tick becomes one batch call.

One loader per (connector, method), named ``<Entity>By<Key>Loader``; each returns one result
per key, in key order, ``None`` (or an empty list) for missing — exactly what the connector
methods return, so a loader is the method plus batching and a per-request memo.
``InventoryBySkuLoader`` is the one that federates: it asks every inventory system at once
and unions their levels by (sku, location).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Sequence
from typing import Any, ClassVar, cast

from aiodataloader import DataLoader

from connectors.base import Connector
from connectors.capabilities import InventorySource
from connectors.models import InventoryLevel, LocationRef

__all__ = [
    "CustomerByIdLoader",
    "CustomersByEmailLoader",
    "InventoryBySkuLoader",
    "InventoryKey",
    "OrderByIdLoader",
    "OrdersByCustomerLoader",
    "ProductByHandleLoader",
    "ProductByIdLoader",
    "VariantBySkuLoader",
]


class _ConnectorLoader(DataLoader[Any, Any]):
    #: The batch method of the connector this loader feeds.
    method: ClassVar[str]

    def __init__(self, connector: Connector[Any]) -> None:
        super().__init__(getattr(connector, self.method))


class ProductByIdLoader(_ConnectorLoader):
    method = "products"


class ProductByHandleLoader(_ConnectorLoader):
    method = "products_by_handle"


class VariantBySkuLoader(_ConnectorLoader):
    method = "variants"


class CustomerByIdLoader(_ConnectorLoader):
    method = "customers"


class CustomersByEmailLoader(_ConnectorLoader):
    method = "customers_by_email"


class OrderByIdLoader(_ConnectorLoader):
    method = "orders"


class OrdersByCustomerLoader(_ConnectorLoader):
    method = "orders_for_customers"


#: (sku, the locations asked for or ``None`` for all of them)
InventoryKey = tuple[str, frozenset[LocationRef] | None]


class InventoryBySkuLoader(DataLoader[InventoryKey, list[InventoryLevel]]):
    """Stock per SKU from every inventory system, unioned by (sku, location)."""

    def __init__(self, connectors: Sequence[Connector[Any]]) -> None:
        super().__init__(self._load)
        self._connectors = [(c.instance, cast(InventorySource, c)) for c in connectors]

    async def _load(self, keys: Sequence[InventoryKey]) -> list[list[InventoryLevel]]:
        by_scope: dict[frozenset[LocationRef] | None, list[str]] = defaultdict(list)
        for sku, scope in keys:
            if sku not in by_scope[scope]:
                by_scope[scope].append(sku)

        calls: list[
            tuple[frozenset[LocationRef] | None, list[str], Awaitable[list[list[InventoryLevel]]]]
        ] = []
        for scope, skus in by_scope.items():
            for instance, source in self._connectors:
                if scope is None:
                    calls.append((scope, skus, source.levels(skus)))
                    continue
                mine = [ref.external_id for ref in scope if ref.source == instance]
                if mine:
                    calls.append((scope, skus, source.levels(skus, sorted(mine))))
        answers = await asyncio.gather(*(call for _, _, call in calls))

        found: dict[InventoryKey, dict[LocationRef, InventoryLevel]] = defaultdict(dict)
        for (scope, skus, _), per_sku in zip(calls, answers, strict=True):
            for sku, levels in zip(skus, per_sku, strict=True):
                union = found[(sku, scope)]
                for level in levels:
                    if scope is None or level.location in scope:
                        union.setdefault(level.location, level)
        return [list(found[key].values()) for key in keys]
