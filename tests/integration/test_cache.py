"""The entity cache under the gateway: single-flight, stale-if-error, both back ends."""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from connectors.sandbox import Sandbox
from gateway.cache import CachePolicy
from gateway.config import GatewayConfig
from gateway.sandboxes import create_sandboxes
from tests.integration.test_resilience import client_for, configure

PDP = '{ product(handle: "alpine-tee") { title variants { sku inventory { available location { kind } } } } }'
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


# Without Redis the Redis cases skip, except in CI (which starts one), where they fail.
BACKENDS = [
    "memory",
    pytest.param(
        "redis",
        marks=pytest.mark.skipif(
            not os.environ.get("CI") and not _redis_available(),
            reason="no Redis on 127.0.0.1:6379 (.ci/run starts one)",
        ),
    ),
]


def with_backend(config: GatewayConfig, backend: str) -> GatewayConfig:
    if backend == "memory":
        return config
    cache = dataclasses.replace(
        config.cache,
        backend="redis",
        redis_url=REDIS_URL,
        namespace=f"test-{uuid.uuid4().hex[:12]}",
    )
    return dataclasses.replace(config, cache=cache)


@pytest.fixture
def sandboxes() -> dict[str, Sandbox]:
    return create_sandboxes(["shopify", "sap_commerce"])


CACHED = {
    "product": CachePolicy(fresh=60, stale=0, stale_if_error=600),
    "inventory": CachePolicy(fresh=60, stale=0, stale_if_error=600),
    "location": CachePolicy(fresh=60, stale=0, stale_if_error=600),
}


@pytest.mark.parametrize("backend", BACKENDS)
def test_200_concurrent_cold_requests_make_one_call_per_key(
    sandboxes: dict[str, Sandbox], backend: str
) -> None:
    config = with_backend(configure(sandboxes, cache=CACHED), backend)
    with client_for(sandboxes, config) as client, ThreadPoolExecutor(200) as pool:
        results = list(pool.map(lambda _: client.query(PDP), range(200)))

    assert all(r.errors == [] for r in results)
    assert {r.data["product"]["title"] for r in results} == {"Alpine Tee"}
    # Each thing asked for once, however many requests asked at the same time: Shopify
    # for the product, its variants' stock and its stores; SAP for its stock and locations.
    shopify = [
        c.json()["query"].split("(")[0].split()[-1] for c in sandboxes["shopify"].api_calls()
    ]
    assert sorted(shopify) == ["InventoryLevels", "Locations", "Products"]
    assert len(sandboxes["sap_commerce"].api_calls()) == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_last_good_stock_is_served_when_its_owner_is_down_and_flagged_stale(
    sandboxes: dict[str, Sandbox], backend: str
) -> None:
    brief = {
        kind: CachePolicy(fresh=0.05, stale=0, stale_if_error=600, jitter=0) for kind in CACHED
    }
    config = with_backend(configure(sandboxes, cache=brief, max_attempts=1), backend)
    with client_for(sandboxes, config) as client:
        first = client.query(PDP)
        time.sleep(0.1)
        sandboxes["sap_commerce"].faults.down = True
        second = client.query(PDP)

    assert second.errors == []
    assert second.data == first.data, "the warehouse stock is the last good one"
    stale = second.extensions["stale"]
    assert stale, "the answer says which values are stale"
    for note in stale:
        assert note["connector"] == "sap_commerce"
        assert note["path"][:2] == ["product", "variants"]
        assert note["path"][-1] in ("inventory", "location")
        assert 0.05 <= note["age"] < 60


def test_redis_being_down_costs_misses_not_errors(sandboxes: dict[str, Sandbox]) -> None:
    config = configure(sandboxes, cache=CACHED)
    cache = dataclasses.replace(config.cache, backend="redis", redis_url="redis://127.0.0.1:1/0")
    with client_for(sandboxes, dataclasses.replace(config, cache=cache)) as client:
        result = client.query(PDP)
    assert result.errors == []
    assert result.data["product"]["title"] == "Alpine Tee"


PLP = """query($after: String) { products(first: 5, after: $after) {
  pageInfo { endCursor } nodes { title variants { sku inventory { available } } } } }"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_warm_product_page_makes_no_back_end_call(
    sandboxes: dict[str, Sandbox], backend: str
) -> None:
    listing = {**CACHED, "listing": CachePolicy(fresh=60, stale=0, stale_if_error=600)}
    config = with_backend(configure(sandboxes, cache=listing), backend)
    with client_for(sandboxes, config) as client:
        cold = client.query(PLP)
        calls = {name: len(s.api_calls()) for name, s in sandboxes.items()}
        warm = client.query(PLP)
        unchanged = {name: len(s.api_calls()) for name, s in sandboxes.items()} == calls
        following = client.query(PLP, {"after": cold.data["products"]["pageInfo"]["endCursor"]})

    assert cold.errors == warm.errors == following.errors == []
    assert warm.data == cold.data
    assert unchanged, "the page, its stock and its locations all came from the cache"
    # The next page is another listing: asked of its owner, with the owner's cursor.
    titles = {n["title"] for n in cold.data["products"]["nodes"]}
    assert titles.isdisjoint(n["title"] for n in following.data["products"]["nodes"])
