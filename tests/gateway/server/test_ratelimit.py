"""Rate limits: a token bucket per client, 429 with Retry-After, sensitive fields cost more."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from graphql import parse
from starlette.requests import Request

from gateway.auth.principal import Principal
from gateway.server import (
    EndpointSettings,
    MemoryRateLimiter,
    RateLimitSettings,
    build_rate_limiter,
    sensitive_occurrences,
)
from tests.gateway.server.conftest import Harness, codes

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_bucket_allows_its_burst_then_refills_at_its_rate() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(capacity=3, refill_per_second=2, clock=clock)

    burst = [(await limiter.acquire("ip:a")).allowed for _ in range(4)]
    refused = await limiter.acquire("ip:a")
    other = await limiter.acquire("ip:b")
    clock.now += 0.5
    after_half_a_second = await limiter.acquire("ip:a")

    assert burst == [True, True, True, False]
    assert (refused.allowed, refused.retry_after) == (False, 0.5)
    assert other.allowed
    assert after_half_a_second.allowed
    assert not (await limiter.acquire("ip:a")).allowed


async def test_a_cost_above_the_capacity_is_never_allowed() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(capacity=3, refill_per_second=1, clock=clock)

    decision = await limiter.acquire("key:pos", 5)
    clock.now += 3600

    assert not decision.allowed
    assert not (await limiter.acquire("key:pos", 5)).allowed
    assert (await limiter.acquire("key:pos", 3)).allowed


def test_settings_are_checked() -> None:
    assert build_rate_limiter(RateLimitSettings(enabled=False)) is None
    assert isinstance(build_rate_limiter(RateLimitSettings()), MemoryRateLimiter)
    with pytest.raises(ValueError, match="capacity must be at least 1"):
        build_rate_limiter(RateLimitSettings(capacity=0))
    with pytest.raises(ValueError, match="refill must be positive"):
        build_rate_limiter(RateLimitSettings(refill_per_second=0))
    with pytest.raises(ValueError, match="needs redis_url"):
        build_rate_limiter(RateLimitSettings(backend="redis"))
    with pytest.raises(ValueError, match="'memory' or 'redis'"):
        build_rate_limiter(RateLimitSettings(backend="disk"))


async def test_over_the_limit_is_429_with_retry_after_then_recovers(
    make_harness: Callable[..., Harness],
) -> None:
    clock = Clock()
    harness = make_harness(rate_limiter=MemoryRateLimiter(2, 0.25, clock=clock))
    query = {"query": "{ hello }"}

    allowed = [await harness.post(query) for _ in range(2)]
    limited = await harness.post(query)
    for accept in ("application/json", "application/graphql-response+json"):
        assert (await harness.post(query, headers={"accept": accept})).status_code == 429
    clock.now += 4
    recovered = await harness.post(query)

    assert [r.status_code for r in allowed] == [200, 200]
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "4"
    assert limited.json() == {
        "errors": [
            {
                "message": "too many requests; retry in 4s",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": 4.0},
            }
        ]
    }
    assert recovered.status_code == 200
    assert harness.calls == ["hello"] * 3


async def test_each_client_has_its_own_bucket(make_harness: Callable[..., Harness]) -> None:
    def authenticate(request: Request) -> Principal:
        name = request.headers["x-client"]
        return Principal("api_key", name, key=f"key:{name}")

    harness = make_harness(
        authenticate=authenticate, rate_limiter=MemoryRateLimiter(1, 0.001, clock=Clock())
    )

    async def status(client: str) -> int:
        return (
            await harness.post({"query": "{ hello }"}, headers={"x-client": client})
        ).status_code

    assert [await status("web"), await status("web"), await status("pos")] == [200, 429, 200]


SENSITIVE = RateLimitSettings(capacity=10, refill_per_second=0.001, sensitive_fields=("redeem",))


@pytest.mark.parametrize(
    ("document", "occurrences"),
    [
        ('mutation { redeem(code: "a") }', 1),
        ('mutation { a: redeem(code: "a") b: redeem(code: "b") c: redeem(code: "c") }', 3),
        ('mutation { subscribe(email: "e") }', 0),
        ('mutation { ... on Mutation { a: redeem(code: "a") } redeem(code: "b") }', 2),
        (
            'mutation { ...R ...R } fragment R on Mutation { x: redeem(code: "a") y: redeem(code: "b") }',
            4,
        ),
        (
            'mutation A { redeem(code: "a") } mutation B { x: redeem(code: "a") y: redeem(code: "b") }',
            3,
        ),
        ("mutation { ...A } fragment A on Mutation { ...B } fragment B on Mutation { ...A }", 0),
        ("{ hello }", 0),
    ],
    ids=[
        "one",
        "aliases",
        "other-field",
        "inline-fragment",
        "named-fragments",
        "every-operation",
        "cycle",
        "query",
    ],
)
def test_sensitive_occurrences_count_every_alias_and_fragment(
    document: str, occurrences: int
) -> None:
    assert sensitive_occurrences(parse(document), None, {"redeem"}) == occurrences


def test_sensitive_occurrences_count_the_named_operation_only() -> None:
    doc = parse(
        'mutation A { redeem(code: "a") } mutation B { x: redeem(code: "a") y: redeem(code: "b") }'
    )

    assert sensitive_occurrences(doc, "B", {"redeem"}) == 2
    assert sensitive_occurrences(doc, "C", {"redeem"}) == 0


def test_fragments_spread_twice_over_many_levels_count_fast() -> None:
    # 2^40 occurrences if expanded; memoised counting visits each fragment once.
    levels = 40
    fragments = " ".join(
        f"fragment F{i} on Mutation {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    doc = parse(
        f'mutation {{ ...F0 }} {fragments} fragment F{levels} on Mutation {{ redeem(code: "x") }}'
    )

    started = time.perf_counter()
    count = sensitive_occurrences(doc, None, {"redeem"})

    assert count == 2**levels
    assert time.perf_counter() - started < 0.5


async def test_aliased_sensitive_mutations_cost_a_token_each(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(settings=EndpointSettings(rate_limit=SENSITIVE))
    four = 'mutation { a: redeem(code: "1") b: redeem(code: "2") c: redeem(code: "3") d: redeem(code: "4") }'

    first = await harness.post({"query": four})  # 1 + 4 tokens of 10
    second = await harness.post({"query": four})  # 5 more: the bucket is empty
    cheap = await harness.post({"query": "{ hello }"})

    assert first.json() == {"data": {"a": True, "b": True, "c": True, "d": True}}
    assert second.status_code == 200
    assert (cheap.status_code, codes(cheap)) == (429, ["RATE_LIMITED"])
    assert len(harness.calls) == 8


async def test_an_operation_costlier_than_the_bucket_never_runs(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(settings=EndpointSettings(rate_limit=SENSITIVE))
    aliases = " ".join(f'r{i}: redeem(code: "{i}")' for i in range(12))

    response = await harness.post({"query": f"mutation {{ {aliases} }}"})

    assert response.status_code == 429
    assert codes(response) == ["RATE_LIMITED"]
    assert harness.calls == []


async def test_a_custom_cost_hook_is_used(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(
        rate_limiter=MemoryRateLimiter(5, 0.001, clock=Clock()),
        cost=lambda document, operation_name: 4,
    )

    statuses = [(await harness.post({"query": "{ hello }"})).status_code for _ in range(2)]

    assert statuses == [200, 429]


async def test_a_document_that_does_not_parse_costs_one_token(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(settings=EndpointSettings(rate_limit=SENSITIVE))

    response = await harness.post({"query": "mutation { redeem(code: "})

    assert codes(response) == ["GRAPHQL_PARSE_FAILED"]
    assert harness.calls == []
