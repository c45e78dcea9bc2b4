"""The resilient transport, over a mock back end: retries, budget, breaker, deadline, pacing."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

import httpx
import pytest

from connectors.errors import CircuitOpen, RateLimited, UpstreamTimeout
from connectors.http import send
from gateway.metrics import Metrics
from gateway.resilience import (
    BreakerState,
    ResilienceSettings,
    ResilientTransport,
    request_deadline,
)

FAST = ResilienceSettings(backoff_base=0.001, backoff_max=0.005, open_for=0.2)


class Backend:
    """A mock back end that counts calls and answers with ``respond``."""

    def __init__(self, respond: Callable[[httpx.Request, int], httpx.Response]) -> None:
        self.calls = 0
        self.respond = respond
        self.delay = 0.0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        n = self.calls
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.respond(request, n)


def client_over(
    backend: Backend, settings: ResilienceSettings = FAST, **kw: object
) -> tuple[httpx.AsyncClient, ResilientTransport]:
    transport = ResilientTransport(
        httpx.MockTransport(backend.handle),
        settings=settings,
        metrics=Metrics().backend("b"),
        rng=random.Random(1),
        **kw,  # type: ignore[arg-type]
    )
    return httpx.AsyncClient(transport=transport), transport


async def get(
    client: httpx.AsyncClient, *, method: str = "GET", idempotent: bool | None = None
) -> httpx.Response:
    request = client.build_request(method, "https://backend.test/x")
    return await send(client, request, connector="b", idempotent=idempotent)


@pytest.mark.anyio
async def test_an_idempotent_read_is_retried_after_a_5xx() -> None:
    backend = Backend(lambda r, n: httpx.Response(503 if n == 1 else 200))
    client, transport = client_over(backend)
    for _ in range(5):  # earn budget for one retry
        transport.budget.earn()
    response = await get(client)
    assert response.status_code == 200
    assert backend.calls == 2


@pytest.mark.anyio
async def test_a_write_without_idempotency_is_never_retried() -> None:
    backend = Backend(lambda r, n: httpx.Response(503))
    client, transport = client_over(backend)
    for _ in range(50):
        transport.budget.earn()
    response = await get(client, method="POST")
    assert response.status_code == 503
    assert backend.calls == 1


@pytest.mark.anyio
async def test_a_post_marked_idempotent_is_retried() -> None:
    backend = Backend(lambda r, n: httpx.Response(502 if n == 1 else 200))
    client, transport = client_over(backend)
    for _ in range(5):
        transport.budget.earn()
    assert (await get(client, method="POST", idempotent=True)).status_code == 200
    assert backend.calls == 2


@pytest.mark.anyio
async def test_retries_never_add_more_than_a_fifth_of_the_load() -> None:
    # Given a back end where 30 % of calls fail
    rng = random.Random(7)
    backend = Backend(lambda r, n: httpx.Response(503 if rng.random() < 0.3 else 200))
    client, _ = client_over(
        backend, ResilienceSettings(backoff_base=0.0, backoff_max=0.0, failure_threshold=10_000)
    )

    # When 500 reads go through it
    answers = [await get(client) for _ in range(500)]

    # Then it saw at most 1.2x the calls, and retries recovered some failures
    assert backend.calls <= 1.2 * 500
    failed = sum(a.status_code == 503 for a in answers)
    assert failed < 0.3 * 500 * 0.7, "retries recovered a good share of the failures"
    assert failed > 0, "the budget, not the failure rate, bounds the retries"


@pytest.mark.anyio
async def test_retry_after_is_honoured() -> None:
    backend = Backend(
        lambda r, n: (
            httpx.Response(429, headers={"Retry-After": "0.2"}) if n == 1 else httpx.Response(200)
        )
    )
    client, transport = client_over(backend)
    for _ in range(5):
        transport.budget.earn()
    started = time.monotonic()
    assert (await get(client)).status_code == 200
    assert time.monotonic() - started >= 0.2


@pytest.mark.anyio
async def test_a_retry_after_beyond_the_deadline_is_not_waited_for() -> None:
    backend = Backend(lambda r, n: httpx.Response(503, headers={"Retry-After": "5"}))
    client, transport = client_over(backend)
    for _ in range(5):
        transport.budget.earn()
    started = time.monotonic()
    with request_deadline(0.5):
        response = await get(client)
    assert response.status_code == 503, "the vendor's answer, not a wait past the deadline"
    assert time.monotonic() - started < 0.3
    assert backend.calls == 1


@pytest.mark.anyio
async def test_a_hanging_back_end_fails_at_the_deadline() -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return httpx.Response(200)

    transport = ResilientTransport(httpx.MockTransport(hang), settings=FAST)
    client = httpx.AsyncClient(transport=transport)
    started = time.monotonic()
    with request_deadline(0.3), pytest.raises(UpstreamTimeout):
        await get(client)
    assert time.monotonic() - started < 0.4


@pytest.mark.anyio
async def test_the_breaker_opens_then_lets_exactly_one_probe_through() -> None:
    healthy = False
    backend = Backend(lambda r, n: httpx.Response(200 if healthy else 503))
    settings = ResilienceSettings(max_attempts=1, failure_threshold=3, open_for=0.3)
    client, transport = client_over(backend, settings)

    for _ in range(3):
        await get(client)
    assert transport.breaker.state is BreakerState.OPEN
    assert backend.calls == 3

    # While open: refused without a call
    for _ in range(10):
        with pytest.raises(CircuitOpen) as caught:
            await get(client)
    assert backend.calls == 3
    assert caught.value.retry_after is not None
    assert 0 < caught.value.retry_after <= 0.3

    # After open_for: one probe; concurrent callers are refused while it is out
    await asyncio.sleep(0.31)
    healthy = True
    backend.delay = 0.05  # the probe is still out when the others ask
    answers = await asyncio.gather(*(get(client) for _ in range(5)), return_exceptions=True)
    assert backend.calls == 4
    assert sum(isinstance(a, httpx.Response) for a in answers) == 1
    assert sum(isinstance(a, CircuitOpen) for a in answers) == 4
    assert transport.breaker.state is BreakerState.CLOSED
    assert (await get(client)).status_code == 200


@pytest.mark.anyio
async def test_a_failed_probe_opens_the_breaker_again() -> None:
    backend = Backend(lambda r, n: httpx.Response(500))
    client, transport = client_over(
        backend, ResilienceSettings(max_attempts=1, failure_threshold=1, open_for=0.1)
    )
    await get(client)
    assert transport.breaker.state is BreakerState.OPEN
    await asyncio.sleep(0.11)
    await get(client)  # the probe fails
    assert transport.breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpen):
        await get(client)
    assert backend.calls == 2


@pytest.mark.anyio
async def test_a_4xx_is_an_answer_not_a_failure() -> None:
    backend = Backend(lambda r, n: httpx.Response(404))
    client, transport = client_over(backend, ResilienceSettings(failure_threshold=2))
    for _ in range(10):
        assert (await get(client)).status_code == 404
    assert transport.breaker.state is BreakerState.CLOSED
    assert backend.calls == 10


@pytest.mark.anyio
async def test_the_concurrency_cap_holds() -> None:
    in_flight = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200)

    transport = ResilientTransport(
        httpx.MockTransport(slow), settings=ResilienceSettings(max_concurrency=3)
    )
    client = httpx.AsyncClient(transport=transport)
    await asyncio.gather(*(get(client) for _ in range(20)))
    assert peak == 3


class ManualQuota:
    def __init__(self, wait: float, throttle_first: int = 0) -> None:
        self.wait = wait
        self.throttle_first = throttle_first
        self.costs: list[float | None] = []

    def wait_before(self, cost: float | None) -> float:
        self.costs.append(cost)
        return self.wait

    def throttled(self, response: httpx.Response) -> float | None:
        if response.content == b"THROTTLED":
            return 0.05
        return None


@pytest.mark.anyio
async def test_calls_wait_for_the_quota_and_carry_their_cost() -> None:
    backend = Backend(lambda r, n: httpx.Response(200))
    client, transport = client_over(backend)
    transport.quota = ManualQuota(wait=0.1)
    started = time.monotonic()
    request = client.build_request("POST", "https://backend.test/graphql")
    await send(client, request, connector="b", idempotent=True, cost=420)
    assert time.monotonic() - started >= 0.1
    assert transport.quota.costs == [420]


@pytest.mark.anyio
async def test_a_quota_wait_too_long_fails_fast_as_rate_limited() -> None:
    backend = Backend(lambda r, n: httpx.Response(200))
    client, transport = client_over(backend)
    transport.quota = ManualQuota(wait=30)
    started = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        await get(client)
    assert time.monotonic() - started < 0.1
    assert caught.value.retry_after == 30
    assert backend.calls == 0


@pytest.mark.anyio
async def test_a_vendor_throttle_answer_is_retried_after_its_wait() -> None:
    backend = Backend(lambda r, n: httpx.Response(200, content=b"THROTTLED" if n == 1 else b"ok"))
    client, transport = client_over(backend)
    transport.quota = ManualQuota(wait=0)
    for _ in range(5):
        transport.budget.earn()
    started = time.monotonic()
    response = await get(client)
    assert response.content == b"ok"
    assert backend.calls == 2
    assert time.monotonic() - started >= 0.05


@pytest.mark.anyio
async def test_metrics_count_calls_retries_and_breaker_state() -> None:
    metrics = Metrics()
    backend = Backend(lambda r, n: httpx.Response(503 if n <= 2 else 200))
    transport = ResilientTransport(
        httpx.MockTransport(backend.handle),
        settings=FAST,
        metrics=metrics.backend("erp"),
        rng=random.Random(1),
    )
    for _ in range(10):
        transport.budget.earn()
    client = httpx.AsyncClient(transport=transport)
    await get(client)
    text = metrics.exposition().decode()
    assert 'commerce_gateway_backend_calls_total{connector="erp",outcome="http_5xx"} 2.0' in text
    assert 'commerce_gateway_backend_calls_total{connector="erp",outcome="ok"} 1.0' in text
    assert 'commerce_gateway_backend_retries_total{connector="erp",reason="http_5xx"} 2.0' in text
    assert 'commerce_gateway_breaker_state{connector="erp"} 0.0' in text
