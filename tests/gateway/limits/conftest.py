"""The real app over the in-memory back end, for the operation limits.

One app serves a whole module (starting one per case would dominate the hostile corpus);
``fake_state`` still empties ``fakes.STATE.calls`` around every test, so "no back-end call"
is checked per request. The app's per-client rate limit is off: the corpus sends hundreds
of requests from one address, and a 429 would hide what the limits answer.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from gateway.limits import LimitSettings
from gateway.server import EndpointSettings, RateLimitSettings
from gateway.testing import GatewayClient, GraphQLResponse
from tests import fakes
from tests.gateway.conftest import fake_app, fake_config

#: Per rejected request, measured around the HTTP round trip in process. The target is
#: 50 ms; this bound is a sanity check with room for a loaded CI machine.
SANITY_MS = 250.0

NO_RATE_LIMIT = EndpointSettings(rate_limit=RateLimitSettings(enabled=False))


@contextmanager
def serve(limits: LimitSettings | None = None) -> Iterator[GatewayClient]:
    """A client over the app with the fake back end; ``limits`` replaces the defaults."""
    config = fake_config()
    if limits is not None:
        config = dataclasses.replace(config, limits=limits)
    with GatewayClient(fake_app(config, http=NO_RATE_LIMIT)) as client:
        yield client


@pytest.fixture(scope="module")
def client() -> Iterator[GatewayClient]:
    # The test process's heap (every module imported, every earlier test's leftovers) is
    # frozen out of garbage collection, so a timing measures the gateway's own work and
    # garbage, not a full collection of the test runner's.
    gc.collect()
    gc.freeze()
    try:
        with serve() as gateway_client:
            yield gateway_client
    finally:
        gc.unfreeze()


@dataclass(frozen=True)
class Timed:
    response: GraphQLResponse
    ms: float


def timed(
    client: GatewayClient,
    document: str,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> Timed:
    started = time.perf_counter()
    response = client.query(document, variables, operation_name=operation_name)
    return Timed(response, (time.perf_counter() - started) * 1000)


def assert_rejected(
    result: Timed, codes: Collection[str], state: fakes.FakeState, *, sanity_ms: float = SANITY_MS
) -> None:
    """Refused before execution: coded errors only from ``codes``, no data, no 5xx, no
    back-end call, in time."""
    response = result.response
    assert response.status_code < 500, response
    assert response.errors, response
    assert set(response.error_codes) <= set(codes), response.errors
    assert response.data is None
    assert state.calls == []
    assert result.ms < sanity_ms


def assert_served(response: GraphQLResponse) -> None:
    assert response.status_code == 200, response
    assert response.errors == []
    assert response.data is not None


NORMAL = '{ product(handle: "product-1") { title variants { sku } } }'


def assert_normal_request_served(client: GatewayClient) -> None:
    """The request after a rejection is answered as usual."""
    response = client.query(NORMAL)
    assert_served(response)
    assert response.data["product"]["title"] == "Product 1"
