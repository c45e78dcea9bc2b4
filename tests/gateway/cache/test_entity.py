"""The entity cache over both backends: freshness, stale data, failures, single-flight, scopes.

Time is an injected clock; the backends' own TTLs (real time) only matter past the end of an
entry's life, which these tests reach through the clock.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from connectors.errors import UpstreamUnavailable
from connectors.models import InventoryLevel, LocationRef, Money, Product, Variant
from gateway.cache import (
    CacheBackend,
    CachePolicy,
    EntityCache,
    Lookup,
    MemoryBackend,
    Outcome,
    RedisBackend,
    cache_key,
    default_policies,
)
from gateway.cache.codec import encode

pytestmark = pytest.mark.anyio

START = 1_700_000_000.0
CATALOG = CachePolicy(fresh=60, stale=0, stale_if_error=0, jitter=0)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def product(n: int | str, title: str = "Parka") -> Product:
    return Product(
        source="shop",
        external_id=str(n),
        title=f"{title} {n}",
        handle=f"parka-{n}",
        variants=(
            Variant(
                source="shop",
                external_id=f"v{n}",
                sku=f"SKU-{n}",
                title="M",
                price=Money(Decimal("149.90"), "EUR"),
                product_external_id=str(n),
            ),
        ),
        updated_at=datetime(2025, 1, 31, 9, 30, tzinfo=UTC),
    )


class Owner:
    """A back end's batch read: records by key, every call logged, and a switch to fail."""

    def __init__(self, records: dict[str, Any] | None = None, *, delay: float = 0.0) -> None:
        self.records: dict[str, Any] = dict(records or {})
        self.calls: list[list[str]] = []
        self.down = False
        self.delay = delay
        self.gate: asyncio.Event | None = None
        self.cancelled = False
        self.started = asyncio.Event()

    async def fetch(self, keys: list[str]) -> list[Any]:
        self.calls.append(list(keys))
        self.started.set()
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.gate is not None:
                await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        if self.down:
            raise UpstreamUnavailable("503 Service Unavailable", connector="shop")
        return [self.records.get(key) for key in keys]

    @property
    def fetched(self) -> list[str]:
        return [key for call in self.calls for key in call]


@pytest.fixture
def clock() -> Clock:
    return Clock()


Make = Callable[..., EntityCache]


@pytest.fixture
async def make(backend: CacheBackend, clock: Clock) -> AsyncIterator[Make]:
    """``make(product=CachePolicy(...), ...)``: a cache over the test's backend."""
    made: list[EntityCache] = []

    def build(on_lookup: Any = None, **policies: CachePolicy) -> EntityCache:
        cache = EntityCache(
            backend, policies or {"product": CATALOG}, clock=clock, on_lookup=on_lookup
        )
        made.append(cache)
        return cache

    yield build
    for cache in made:
        await cache.aclose()


async def load(
    cache: EntityCache, owner: Owner, *keys: str, scope: str = "public", kind: str = "product"
) -> list[Lookup[Any]]:
    return await cache.load_many(kind, keys, owner.fetch, scope=scope)


def outcomes(lookups: Sequence[Lookup[Any]]) -> list[Outcome]:
    return [lookup.outcome for lookup in lookups]


# -- hits and misses ---------------------------------------------------------------------


async def test_a_miss_is_fetched_and_then_served_from_the_cache(make: Make) -> None:
    cache, owner = make(), Owner({"1": product(1)})

    first = await load(cache, owner, "1")
    second = await load(cache, owner, "1")

    assert outcomes(first) == ["miss"]
    assert outcomes(second) == ["hit"]
    assert second[0].value == product(1)
    assert str(second[0].value.variants[0].price.amount) == "149.90"
    assert owner.calls == [["1"]]


async def test_results_follow_key_order_and_repeated_keys_are_fetched_once(make: Make) -> None:
    cache, owner = make(), Owner({"1": product(1), "2": product(2)})
    await load(cache, owner, "1")

    lookups = await load(cache, owner, "2", "1", "2", "404")

    assert [lookup.value for lookup in lookups] == [product(2), product(1), product(2), None]
    assert outcomes(lookups) == ["miss", "hit", "miss", "miss"]
    assert owner.calls == [["1"], ["2", "404"]]


async def test_missing_records_are_asked_for_again_without_negative_caching(make: Make) -> None:
    cache, owner = make(), Owner()

    await load(cache, owner, "404")
    again = await load(cache, owner, "404")

    assert again[0].value is None
    assert owner.calls == [["404"], ["404"]]


async def test_negative_caching_remembers_a_missing_record_for_its_window(
    make: Make, clock: Clock
) -> None:
    cache = make(product=dataclasses.replace(CATALOG, negative=30))
    owner = Owner()
    await load(cache, owner, "404")
    owner.records["404"] = product(404)

    clock.advance(29)
    remembered = await load(cache, owner, "404")
    clock.advance(1)
    found = await load(cache, owner, "404")

    assert (remembered[0].value, remembered[0].outcome) == (None, "hit")
    assert (found[0].value, found[0].outcome) == (product(404), "miss")
    assert owner.calls == [["404"], ["404"]]


async def test_lists_of_records_are_cached_as_they_were_fetched(make: Make) -> None:
    cache = make(inventory=CachePolicy(fresh=5, stale=0, stale_if_error=0))
    levels = [
        InventoryLevel("SKU-1", LocationRef("shop", "store-1"), available=3),
        InventoryLevel("SKU-1", LocationRef("erp", "WH-1"), available=120, on_hand=125),
    ]
    owner = Owner({"SKU-1": levels, "SKU-2": []})
    await load(cache, owner, "SKU-1", "SKU-2", kind="inventory")

    lookups = await load(cache, owner, "SKU-1", "SKU-2", kind="inventory")

    assert outcomes(lookups) == ["hit", "hit"]
    assert lookups[0].value == levels
    assert type(lookups[0].value) is list
    assert lookups[1].value == []


async def test_each_reader_gets_its_own_copy_of_a_mutable_value(make: Make) -> None:
    cache = make(inventory=CachePolicy(fresh=5, stale=0, stale_if_error=0))
    owner = Owner({"SKU-1": [InventoryLevel("SKU-1", LocationRef("shop", "store-1"), 3)]})
    await load(cache, owner, "SKU-1", kind="inventory")

    [first] = await load(cache, owner, "SKU-1", kind="inventory")
    first.value.clear()  # a careless reader
    [second] = await load(cache, owner, "SKU-1", kind="inventory")

    assert len(second.value) == 1


async def test_in_memory_an_immutable_value_is_decoded_once_and_shared(
    backend: CacheBackend, make: Make
) -> None:
    cache = make()
    owner = Owner({"1": product(1)})
    await load(cache, owner, "1")

    [first] = await load(cache, owner, "1")
    [second] = await load(cache, owner, "1")

    assert first.value == product(1)
    # Frozen records and tuples: sharing is safe, and skips decoding on every hit.
    assert (first.value is second.value) == isinstance(backend, MemoryBackend)


# -- expiry ------------------------------------------------------------------------------


async def test_an_entry_expires_after_fresh_seconds(make: Make, clock: Clock) -> None:
    cache, owner = make(), Owner({"1": product(1)})
    await load(cache, owner, "1")
    owner.records["1"] = product(1, "Renamed")

    clock.advance(59.9)
    before = await load(cache, owner, "1")
    clock.advance(0.1)
    after = await load(cache, owner, "1")

    assert (before[0].outcome, before[0].value.title) == ("hit", "Parka 1")
    assert (after[0].outcome, after[0].value.title) == ("miss", "Renamed 1")


async def test_jitter_spreads_expiry_so_entries_written_together_do_not_expire_together(
    make: Make, clock: Clock
) -> None:
    keys = [str(n) for n in range(200)]
    owner = Owner({key: product(key) for key in keys})
    cache = make(product=CachePolicy(fresh=100, stale=0, stale_if_error=0, jitter=0.5))
    await cache.load_many("product", keys, owner.fetch, scope="public")

    clock.advance(49)
    early = outcomes(await cache.load_many("product", keys, owner.fetch, scope="public"))
    clock.advance(51)  # fresh, unjittered
    middle = outcomes(await cache.load_many("product", keys, owner.fetch, scope="public"))

    assert early.count("hit") == 200
    # Each entry is fresh for 50..150 s: at 100 s about half have expired.
    assert 40 <= middle.count("miss") <= 160


async def test_without_jitter_entries_written_together_expire_together(
    make: Make, clock: Clock
) -> None:
    keys = [str(n) for n in range(50)]
    owner = Owner({key: product(key) for key in keys})
    cache = make()
    await cache.load_many("product", keys, owner.fetch, scope="public")

    clock.advance(60)

    assert (
        outcomes(await cache.load_many("product", keys, owner.fetch, scope="public"))
        == ["miss"] * 50
    )


async def test_a_shorter_policy_applies_to_entries_already_stored(make: Make, clock: Clock) -> None:
    owner = Owner({"1": product(1)})
    await load(make(product=CachePolicy(fresh=3600, stale=0, stale_if_error=0)), owner, "1")

    clock.advance(11)
    lookups = await load(make(product=CachePolicy(fresh=10, stale=0, stale_if_error=0)), owner, "1")

    assert outcomes(lookups) == ["miss"]


# -- stale-while-revalidate --------------------------------------------------------------

SWR = CachePolicy(fresh=60, stale=600, stale_if_error=0, jitter=0)


async def test_a_stale_entry_is_served_at_once_and_refreshed_once(make: Make, clock: Clock) -> None:
    cache, owner = make(product=SWR), Owner({"1": product(1)})
    await load(cache, owner, "1")
    owner.records["1"] = product(1, "Renamed")
    owner.gate = asyncio.Event()  # the refresh waits until we say so

    clock.advance(90)
    served = await asyncio.gather(*(load(cache, owner, "1") for _ in range(5)))
    served.append(await load(cache, owner, "1"))
    owner.gate.set()
    await cache.settle()
    fresh = await load(cache, owner, "1")

    assert {(s[0].outcome, s[0].value.title, s[0].age) for s in served} == {
        ("stale", "Parka 1", 90.0)
    }
    assert served[0][0].stale
    assert owner.calls == [["1"], ["1"]]
    assert (fresh[0].outcome, fresh[0].value.title) == ("hit", "Renamed 1")


async def test_a_failed_refresh_is_logged_and_the_stale_value_still_served(
    make: Make, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    cache, owner = make(product=SWR), Owner({"1": product(1)})
    await load(cache, owner, "1")
    owner.down = True

    clock.advance(90)
    with caplog.at_level(logging.INFO, logger="gateway.cache"):
        first = await load(cache, owner, "1")
        await cache.settle()
    clock.advance(10)
    second = await load(cache, owner, "1")
    await cache.settle()

    assert [(s[0].outcome, s[0].value, s[0].age) for s in (first, second)] == [
        ("stale", product(1), 90.0),
        ("stale", product(1), 100.0),
    ]
    assert "refreshing 1 stale product entries failed: shop: 503" in caplog.text
    assert len(owner.calls) == 3


async def test_a_record_deleted_upstream_is_not_served_stale(make: Make, clock: Clock) -> None:
    cache, owner = make(product=SWR), Owner({"1": product(1)})
    await load(cache, owner, "1")
    del owner.records["1"]

    clock.advance(90)
    last_stale = await load(cache, owner, "1")
    await cache.settle()
    gone = await load(cache, owner, "1")

    assert last_stale[0].outcome == "stale"
    assert (gone[0].outcome, gone[0].value) == ("miss", None)


# -- stale-if-error ----------------------------------------------------------------------

SIE = CachePolicy(fresh=60, stale=0, stale_if_error=3600, jitter=0)


async def test_when_the_owner_is_down_the_last_good_value_is_served_with_its_age(
    make: Make, clock: Clock
) -> None:
    cache, owner = make(product=SIE), Owner({"1": product(1)})
    await load(cache, owner, "1")
    owner.down = True

    clock.advance(600)
    lookups = await load(cache, owner, "1")

    assert (lookups[0].outcome, lookups[0].value, lookups[0].age) == (
        "stale_if_error",
        product(1),
        600.0,
    )
    assert lookups[0].stale
    assert owner.calls == [["1"], ["1"]]


async def test_keys_without_a_last_good_value_get_the_owners_error(
    make: Make, clock: Clock
) -> None:
    cache, owner = make(product=SIE), Owner({"1": product(1), "2": product(2)})
    await load(cache, owner, "1")
    owner.down = True

    clock.advance(600)
    within = await load(cache, owner, "1", "2")
    clock.advance(3060)
    beyond = await load(cache, owner, "1")

    assert outcomes(within) == ["stale_if_error", "error"]
    assert within[1].value is None
    assert isinstance(within[1].error, UpstreamUnavailable)
    assert str(within[1].error) == "shop: 503 Service Unavailable"
    assert (beyond[0].outcome, beyond[0].value) == ("error", None)


async def test_once_the_owner_recovers_its_answer_replaces_the_fallback(
    make: Make, clock: Clock
) -> None:
    cache, owner = make(product=SIE), Owner({"1": product(1)})
    await load(cache, owner, "1")
    owner.down = True
    clock.advance(600)
    await load(cache, owner, "1")

    owner.down = False
    owner.records["1"] = product(1, "Renamed")
    recovered = await load(cache, owner, "1")
    cached = await load(cache, owner, "1")

    assert (recovered[0].outcome, recovered[0].value.title) == ("miss", "Renamed 1")
    assert (cached[0].outcome, cached[0].value.title) == ("hit", "Renamed 1")


async def test_other_fetch_failures_propagate(make: Make) -> None:
    cache = make()

    async def broken(keys: list[str]) -> list[Any]:
        raise RuntimeError("bug in the connector")

    async def short(keys: list[str]) -> list[Any]:
        return []

    with pytest.raises(RuntimeError, match="bug in the connector"):
        await cache.load_many("product", ["1"], broken, scope="public")
    with pytest.raises(ValueError, match="0 results for 2 keys"):
        await cache.load_many("product", ["1", "2"], short, scope="public")


# -- single-flight -----------------------------------------------------------------------


async def test_two_hundred_concurrent_cold_lookups_make_one_fetch(make: Make) -> None:
    cache, owner = make(), Owner({"1": product(1)}, delay=0.01)

    results = await asyncio.gather(*(load(cache, owner, "1") for _ in range(200)))

    assert owner.calls == [["1"]]
    assert all(r[0].value == product(1) for r in results)
    assert {r[0].outcome for r in results} == {"miss"}


async def test_overlapping_key_sets_fetch_every_key_exactly_once(make: Make) -> None:
    keys = [f"p{n}" for n in range(50)]
    owner = Owner({key: product(key) for key in keys}, delay=0.005)
    cache = make()
    rng = random.Random(42)
    asks = [rng.sample(keys, 10) for _ in range(200)]

    results = await asyncio.gather(
        *(cache.load_many("product", ask, owner.fetch, scope="public") for ask in asks)
    )

    assert sorted(owner.fetched) == sorted({key for ask in asks for key in ask})
    for ask, lookups in zip(asks, results, strict=True):
        assert [lookup.value for lookup in lookups] == [product(key) for key in ask]


async def test_a_caller_that_is_cancelled_does_not_cancel_the_fetch_for_others(
    make: Make,
) -> None:
    cache, owner = make(), Owner({"1": product(1)})
    owner.gate = asyncio.Event()
    first = asyncio.create_task(load(cache, owner, "1"))
    await owner.started.wait()
    second = asyncio.create_task(load(cache, owner, "1"))
    await asyncio.sleep(0.01)

    first.cancel()
    owner.gate.set()

    assert (await second)[0].value == product(1)
    with pytest.raises(asyncio.CancelledError):
        await first
    assert owner.calls == [["1"]]
    assert not owner.cancelled


async def test_a_kind_with_fresh_zero_is_never_stored_but_still_single_flight(
    make: Make, backend: CacheBackend
) -> None:
    cache = make(order=CachePolicy(fresh=0, stale=60, stale_if_error=60))
    owner = Owner({"o1": "order one"}, delay=0.01)

    together = await asyncio.gather(*(load(cache, owner, "o1", kind="order") for _ in range(50)))
    later = await load(cache, owner, "o1", kind="order")
    owner.down = True
    failed = await load(cache, owner, "o1", kind="order")

    assert {r[0].value for r in together} == {"order one"}
    assert outcomes(later) == ["miss"]
    assert owner.calls == [["o1"], ["o1"], ["o1"]]
    assert await backend.get_many([cache_key("order", "public", "o1")]) == [None]
    assert outcomes(failed) == ["error"]


# -- scopes and keys ---------------------------------------------------------------------


async def test_the_same_key_in_two_scopes_never_crosses(make: Make) -> None:
    cache = make(customer=CachePolicy(fresh=60, stale=0, stale_if_error=3600))
    alice = Owner({"me": "Alice's profile"})
    bob = Owner({"me": "Bob's profile"})

    await load(cache, alice, "me", scope="customer:alice", kind="customer")
    bobs = await load(cache, bob, "me", scope="customer:bob", kind="customer")
    alices = await load(cache, alice, "me", scope="customer:alice", kind="customer")

    assert (bobs[0].outcome, bobs[0].value) == ("miss", "Bob's profile")
    assert (alices[0].outcome, alices[0].value) == ("hit", "Alice's profile")
    assert bob.calls == [["me"]]


async def test_scopes_and_keys_cannot_be_forged_with_separators(make: Make) -> None:
    cache = make(customer=CachePolicy(fresh=60, stale=0, stale_if_error=0))
    first = Owner({"b:c": "scope a, key b:c"})
    second = Owner({"c": "scope a:b, key c"})

    await load(cache, first, "b:c", scope="a", kind="customer")
    other = await load(cache, second, "c", scope="a:b", kind="customer")

    assert (other[0].outcome, other[0].value) == ("miss", "scope a:b, key c")


async def test_a_scope_is_required(make: Make) -> None:
    with pytest.raises(ValueError, match="scope is required"):
        await load(make(), Owner(), "1", scope="")


KEYS = [
    "ana@example.com",
    "gid://shopify/Product/1",
    "a|b",
    "a:b",
    "a%3Ab",
    "#1001",
    "Ärmel – “lang”",
    "\ud800 lone surrogate",
    "",
    "x" * 1000,
    "x" * 999 + "y",
]


async def test_keys_may_hold_any_characters_and_any_length(make: Make) -> None:
    owner = Owner({key: f"value of {key[:20]!r} ({len(key)})" for key in KEYS})
    cache = make(customer=CachePolicy(fresh=60, stale=0, stale_if_error=0))

    await cache.load_many("customer", KEYS, owner.fetch, scope="public")
    again = await cache.load_many("customer", KEYS, owner.fetch, scope="public")

    assert outcomes(again) == ["hit"] * len(KEYS)
    assert [lookup.value for lookup in again] == [owner.records[key] for key in KEYS]
    names = [cache_key("customer", "principal:7", key) for key in KEYS]
    assert len(set(names)) == len(KEYS)
    assert max(len(name) for name in names) < 200


async def test_an_unknown_kind_is_a_programming_error(make: Make) -> None:
    with pytest.raises(KeyError, match="no cache policy for record kind 'payment'"):
        await load(make(), Owner(), "1", kind="payment")


# -- what the backend holds --------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"\x80\x04garbage",
        b'[1700000000.0, 1800000000.0, {"$": "Money", "f": {"amount": 1, "currency": "EUR"}}]',
        b'[1700000000.0, 1800000000.0, {"$": "os.system", "v": "id"}]',
        b'{"$": "Money", "f": {}}',
        encode(product(1)),
    ],
    ids=["not json", "bad record", "unknown tag", "not an entry", "record without envelope"],
)
async def test_an_unreadable_entry_is_a_miss_and_is_replaced(
    make: Make, backend: CacheBackend, data: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    cache, owner = make(), Owner({"1": product(1)})
    await backend.set_many({cache_key("product", "public", "1"): data}, ttl=60)

    with caplog.at_level(logging.WARNING, logger="gateway.cache"):
        first = await load(cache, owner, "1")
    second = await load(cache, owner, "1")

    assert (first[0].outcome, first[0].value) == ("miss", product(1))
    assert "a cached product entry is unreadable, treated as a miss" in caplog.text
    assert "public" not in caplog.text
    assert second[0].outcome == "hit"


async def test_values_that_cannot_be_encoded_are_served_but_not_cached(
    make: Make, caplog: pytest.LogCaptureFixture
) -> None:
    cache, owner = make(), Owner({"1": {1, 2}})

    with caplog.at_level(logging.WARNING, logger="gateway.cache"):
        first = await load(cache, owner, "1")
        second = await load(cache, owner, "1")

    assert [(first[0].outcome, first[0].value), (second[0].outcome, second[0].value)] == [
        ("miss", {1, 2}),
        ("miss", {1, 2}),
    ]
    assert caplog.text.count("product values of this type are not cached") == 1


async def test_instances_sharing_a_backend_share_entries(make: Make) -> None:
    owner = Owner({"1": product(1)})
    await load(make(), owner, "1")

    other_instance = await load(make(), owner, "1")

    assert (other_instance[0].outcome, other_instance[0].value) == ("hit", product(1))
    assert owner.calls == [["1"]]


async def test_invalidated_entries_are_fetched_again(make: Make) -> None:
    cache, owner = make(), Owner({"1": product(1), "2": product(2)})
    await load(cache, owner, "1", "2")
    owner.records["1"] = product(1, "Renamed")

    await cache.invalidate("product", ["1"], scope="public")
    lookups = await load(cache, owner, "1", "2")

    assert outcomes(lookups) == ["miss", "hit"]
    assert lookups[0].value.title == "Renamed 1"


async def test_every_distinct_key_is_reported_for_metrics(make: Make, clock: Clock) -> None:
    seen: list[tuple[str, Outcome, int]] = []
    cache = make(on_lookup=lambda *counted: seen.append(counted), product=SIE)
    owner = Owner({"1": product(1)})

    await load(cache, owner, "1", "1", "2")
    await load(cache, owner, "1")
    owner.down = True
    clock.advance(120)
    await load(cache, owner, "1", "2")

    assert seen == [
        ("product", "miss", 2),
        ("product", "hit", 1),
        ("product", "stale_if_error", 1),
        ("product", "error", 1),
    ]


# -- Redis down, closing -----------------------------------------------------------------


async def test_with_redis_down_lookups_are_misses_not_errors(clock: Clock) -> None:
    backend = RedisBackend("redis://127.0.0.1:1/0", retry_after=0)
    owner = Owner({"1": product(1)})
    async with EntityCache(backend, {"product": SIE}, clock=clock) as cache:
        first = await load(cache, owner, "1")
        second = await load(cache, owner, "1")

    assert [(lookups[0].outcome, lookups[0].value) for lookups in (first, second)] == [
        ("miss", product(1)),
        ("miss", product(1)),
    ]
    assert owner.calls == [["1"], ["1"]]


async def test_closing_cancels_refreshes_in_flight(make: Make, clock: Clock) -> None:
    cache, owner = make(product=SWR), Owner({"1": product(1)})
    await load(cache, owner, "1")
    owner.gate = asyncio.Event()
    owner.started.clear()
    clock.advance(90)
    await load(cache, owner, "1")
    await owner.started.wait()

    await cache.aclose()

    assert owner.cancelled
    with pytest.raises(RuntimeError, match="closed"):
        await load(cache, owner, "1")


# -- policies ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"fresh": -1, "stale": 0, "stale_if_error": 0},
        {"fresh": 1, "stale": float("inf"), "stale_if_error": 0},
        {"fresh": 1, "stale": 0, "stale_if_error": float("nan")},
        {"fresh": 1, "stale": 0, "stale_if_error": 0, "jitter": 1},
        {"fresh": 1, "stale": 0, "stale_if_error": 0, "negative": -5},
    ],
    ids=["negative fresh", "infinite stale", "nan", "jitter of 1", "negative negative"],
)
def test_policies_refuse_impossible_windows(options: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="CachePolicy"):
        CachePolicy(**options)


def test_recommended_policies_cover_every_record_kind() -> None:
    policies = default_policies()

    assert sorted(policies) == [
        "customer",
        "inventory",
        "listing",
        "location",
        "order",
        "product",
        "variant",
    ]
    assert policies["inventory"].fresh < policies["product"].fresh
    assert policies["listing"].fresh < policies["product"].fresh
    assert policies["customer"].stale == 0
