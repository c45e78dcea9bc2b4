"""Both backends store bytes with a TTL; Redis failures become misses, never errors."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis
from redis.asyncio import Redis

from gateway.cache import CacheBackend, MemoryBackend, RedisBackend

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_values_come_back_in_key_order(backend: CacheBackend) -> None:
    await backend.set_many({"product:public:1": b"one", "product:public:2": b"two"}, ttl=60)

    assert await backend.get_many(["product:public:2", "nope", "product:public:1"]) == [
        b"two",
        None,
        b"one",
    ]
    assert await backend.get_many([]) == []


async def test_writes_replace_and_deletes_forget(backend: CacheBackend) -> None:
    await backend.set_many({"k1": b"old", "k2": b"2"}, ttl=60)
    await backend.set_many({"k1": b"new"}, ttl=60)
    await backend.delete_many(["k2", "never-stored"])

    assert await backend.get_many(["k1", "k2"]) == [b"new", None]


async def test_a_ttl_of_zero_deletes(backend: CacheBackend) -> None:
    await backend.set_many({"k": b"v"}, ttl=60)
    await backend.set_many({"k": b"other"}, ttl=0)

    assert await backend.get_many(["k"]) == [None]


async def test_any_bytes_round_trip(backend: CacheBackend) -> None:
    data = bytes(range(256)) * 40
    await backend.set_many({"blob": data}, ttl=60)

    assert await backend.get_many(["blob"]) == [data]


async def test_memory_items_expire_by_their_own_ttl() -> None:
    clock = Clock()
    memory = MemoryBackend(timer=clock)
    await memory.set_many({"short": b"s"}, ttl=10)
    await memory.set_many({"long": b"l"}, ttl=20)

    clock.now += 15
    assert await memory.get_many(["short", "long"]) == [None, b"l"]
    clock.now += 5
    assert await memory.get_many(["long"]) == [None]


async def test_memory_holds_at_most_maxsize_entries() -> None:
    memory = MemoryBackend(maxsize=3)
    await memory.set_many({f"k{n}": b"v" for n in range(10)}, ttl=60)

    assert len(memory) == 3
    assert await memory.get_many(["k9"]) == [b"v"]


async def test_redis_keys_are_namespaced_and_expire_with_px(
    redis_url: str, redis_raw: redis.Redis, namespace: str
) -> None:
    async with _redis(redis_url, namespace=namespace) as shared:
        await shared.set_many({"product:public:1": b"v"}, ttl=0.2)
        key = f"cg:v1:{namespace}:product:public:1"

        assert redis_raw.keys(f"*{namespace}*") == [key.encode()]
        assert 0 < redis_raw.pttl(key) <= 200
        await asyncio.sleep(0.3)
        assert await shared.get_many(["product:public:1"]) == [None]


async def test_two_namespaces_never_share_keys(redis_url: str, namespace: str) -> None:
    async with (
        _redis(redis_url, namespace=namespace) as one,
        _redis(redis_url, namespace=namespace + "-b") as other,
    ):
        await one.set_many({"k": b"one"}, ttl=5)

        assert await other.get_many(["k"]) == [None]
        await other.delete_many(["k"])
        assert await one.get_many(["k"]) == [b"one"]


async def test_a_callers_client_is_used_and_left_open(redis_url: str, namespace: str) -> None:
    client = Redis.from_url(redis_url)
    try:
        shared = RedisBackend(client, namespace=namespace)
        await shared.set_many({"k": b"v"}, ttl=5)
        await shared.aclose()

        assert await client.get(f"cg:v1:{namespace}:k") == b"v"
    finally:
        await client.aclose()


async def test_a_client_that_decodes_responses_is_refused(redis_url: str) -> None:
    client = Redis.from_url(redis_url, decode_responses=True)
    try:
        with pytest.raises(ValueError, match="decode_responses"):
            RedisBackend(client)
    finally:
        await client.aclose()


@pytest.mark.parametrize("namespace", ["", "a:b", "a*", "x" * 65])
def test_namespaces_are_plain_names(namespace: str) -> None:
    with pytest.raises(ValueError, match="namespace"):
        RedisBackend("redis://127.0.0.1:1", namespace=namespace)


# -- Redis down -------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_redis_refusing_connections_gives_misses_and_logs_once_per_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    async with _redis(url, retry_after=0, log_every=60, clock=clock) as down:
        with caplog.at_level(logging.WARNING, logger="gateway.cache"):
            for _ in range(3):
                assert await down.get_many(["a", "b"]) == [None, None]
                await down.set_many({"a": b"v"}, ttl=60)
                await down.delete_many(["a"])
            clock.now += 61
            assert await down.get_many(["a"]) == [None]

    warnings = [r.getMessage() for r in caplog.records if r.name == "gateway.cache.backends"]
    assert len(warnings) == 2
    assert warnings[0].startswith("Redis cache read failed (ConnectionError")
    assert "serving misses" in warnings[0]


async def test_a_hanging_redis_costs_one_timeout_per_retry_interval() -> None:
    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # until the client hangs up
        writer.close()

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with _redis(f"redis://127.0.0.1:{port}/0", timeout=0.1, retry_after=60) as hung:
            started = time.perf_counter()
            assert await hung.get_many(["a"]) == [None]
            first = time.perf_counter() - started

            started = time.perf_counter()
            for _ in range(5):
                assert await hung.get_many(["a"]) == [None]
                await hung.set_many({"a": b"v"}, ttl=60)
            rest = time.perf_counter() - started
    finally:
        server.close()
        await server.wait_closed()

    assert 0.09 < first < 1.0
    assert rest < 0.05


@contextlib.asynccontextmanager
async def _redis(url: str, **options: Any) -> AsyncIterator[RedisBackend]:
    backend = RedisBackend(url, **options)
    try:
        yield backend
    finally:
        await backend.aclose()
