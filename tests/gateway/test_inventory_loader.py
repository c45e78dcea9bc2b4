"""Stock for a page's SKUs: each system asked once per request for each SKU, however the
requests for them are batched, and a failed fetch is not remembered."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from connectors import ConnectorError, InventoryLevel, LocationRef
from gateway.cache import EntityCache
from gateway.cache.backends import MemoryBackend
from gateway.cache.entity import CachePolicy
from gateway.loaders import InventoryBySkuLoader

pytestmark = pytest.mark.anyio

NOTHING_CACHED = {"inventory": CachePolicy(fresh=0, stale=0, stale_if_error=0)}


class Stocked:
    """A system with one unit of every SKU at its one location, counting its calls."""

    def __init__(self, instance: str) -> None:
        self.instance = instance
        self.asked: list[list[str]] = []
        self.failing: Exception | None = None

    async def levels(self, skus: Sequence[str]) -> list[list[InventoryLevel]]:
        self.asked.append(list(skus))
        await asyncio.sleep(0)
        if self.failing is not None:
            raise self.failing
        return [[InventoryLevel(sku, LocationRef(self.instance, "main"), 1)] for sku in skus]


def _loader(*systems: Stocked) -> InventoryBySkuLoader:
    cache = EntityCache(MemoryBackend(100), NOTHING_CACHED)
    return InventoryBySkuLoader(systems, cache)  # type: ignore[arg-type]


async def test_one_batch_per_system_and_each_sku_once_a_request() -> None:
    shop, erp = Stocked("shop"), Stocked("erp")
    loader = _loader(shop, erp)
    first = await asyncio.gather(*(loader.load((sku, None)) for sku in ("A", "B")))
    assert [len(stock.levels) for stock in first] == [2, 2]
    # Another scope for A, and a new SKU, in a later batch: only C is fetched.
    later = await asyncio.gather(
        loader.load(("A", frozenset({LocationRef("shop", "main")}))), loader.load(("C", None))
    )
    assert [level.location.source for level in later[0].levels] == ["shop"]
    assert shop.asked == [["A", "B"], ["C"]]
    assert erp.asked == [["A", "B"], ["C"]]


async def test_a_failing_system_leaves_the_others() -> None:
    shop, erp = Stocked("shop"), Stocked("erp")
    erp.failing = ConnectorError("down", connector="erp")
    loader = _loader(shop, erp)
    stock: Any = await loader.load(("A", None))
    assert [level.location.source for level in stock.levels] == ["shop"]
    assert [failure.connector for failure in stock.failures] == ["erp"]


async def test_a_batch_that_raised_is_not_remembered() -> None:
    shop = Stocked("shop")
    shop.failing = RuntimeError("bug")
    loader = _loader(shop)
    with pytest.raises(RuntimeError):
        await loader.load(("A", None))
    shop.failing = None
    stock = await loader.load(("A", None))
    assert [level.sku for level in stock.levels] == ["A"]
    assert shop.asked == [["A"], ["A"]]


async def test_a_place_two_systems_know_is_listed_once_as_its_owner_names_it() -> None:
    shop, erp = Stocked("shop"), Stocked("erp")
    cache = EntityCache(MemoryBackend(100), NOTHING_CACHED)
    owner = LocationRef("erp", "main")
    loader = InventoryBySkuLoader(
        [shop, erp],  # type: ignore[list-item]
        cache,
        aliases={LocationRef("shop", "main"): owner},
    )
    everywhere, at_owner, at_alias = await asyncio.gather(
        loader.load(("A", None)),
        loader.load(("A", frozenset({owner}))),
        loader.load(("A", frozenset({LocationRef("shop", "main")}))),
    )
    assert [level.location for level in everywhere.levels] == [owner]
    assert [level.location for level in at_owner.levels] == [owner]
    assert at_alias.levels == [], "the alias is not a place of its own"


async def test_stock_fetched_ahead_is_at_hand_as_load_would_answer_it() -> None:
    shop, erp = Stocked("shop"), Stocked("erp")
    erp.failing = ConnectorError("down", connector="erp")
    loader = _loader(shop, erp)
    assert loader.fetched(("A", None)) is None, "nothing is at hand before it is fetched"
    await loader.fetch_ahead(["A", "B", "A"])
    ahead = loader.fetched(("A", None))
    assert ahead is not None
    assert ahead == await loader.load(("A", None))
    assert [level.location.source for level in ahead.levels] == ["shop"]
    assert [failure.connector for failure in ahead.failures] == ["erp"]
    assert loader.fetched(("C", None)) is None
    assert shop.asked == [["A", "B"]], "load read what was fetched ahead"


async def test_stock_whose_fetch_ahead_raised_is_not_at_hand_and_is_asked_again() -> None:
    shop = Stocked("shop")
    shop.failing = RuntimeError("bug")
    loader = _loader(shop)
    await loader.fetch_ahead(["A"])  # raises nothing: the reader asks again, and sees it
    assert loader.fetched(("A", None)) is None
    with pytest.raises(RuntimeError):
        await loader.load(("A", None))
    assert shop.asked == [["A"], ["A"]]
