"""A request's objects go when the request does, freed by reference counting.

A reference cycle anywhere in a request's graph (a loader keeping its own bound method,
graphql-core's execution context keeping methods bound to itself, httpx's stream pointing
back at its response) leaves everything the request reached — records, loaders, the
answer's parts — to the cyclic garbage collector. Under load that was a third of the
gateway's CPU on a product listing (docs/performance.md): collections ran several times a
request and full ones took tens of milliseconds.
"""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from gateway.app import create_app
from gateway.auth.principal import Principal
from gateway.data import GatewayData
from gateway.http import build_client
from gateway.testing import GatewayClient
from schema.context import GraphContext
from tests.fakes import FakeState
from tests.gateway.conftest import ADMIN, fake_config

LISTING = """
query Listing($first: Int!) {
  products(first: $first) {
    nodes {
      id title
      variants { sku price { amount currencyCode }
        inventory { available location { name kind } } }
    }
  }
}
"""


@pytest.fixture
def collector_off() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_a_listing_leaves_nothing_for_the_garbage_collector(
    fake_state: FakeState, collector_off: None
) -> None:
    contexts: list[weakref.ref[Any]] = []

    def context(request: Request, principal: Principal) -> GraphContext:
        data = GatewayData(app.state.gateway, principal=principal)
        built = GraphContext(data=data, viewer=principal, extras={"request": request})
        contexts.append(weakref.ref(data))
        return built

    app = create_app(
        fake_config(),
        transport_factory=lambda spec: httpx.MockTransport(lambda r: httpx.Response(500)),
        context_factory=context,
    )
    with GatewayClient(app, headers=ADMIN) as client:
        listing = client.query(LISTING, {"first": 5}).data
        assert len(listing["products"]["nodes"]) == 5
        assert listing["products"]["nodes"][0]["variants"][0]["inventory"]
        again = client.query(LISTING, {"first": 2}).data  # the plan, from the cache
        assert len(again["products"]["nodes"]) == 2
    assert len(contexts) == 2
    assert [ref() for ref in contexts] == [None, None]


def test_a_response_read_whole_is_freed_when_dropped(collector_off: None) -> None:
    async def get() -> weakref.ref[httpx.Response]:
        client = build_client(
            base_url="http://backend.test",
            transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"ok": True})),
        )
        async with client:
            response = await client.get("/things")
            assert response.json() == {"ok": True}
            assert await response.aread() == b'{"ok":true}'  # still readable
            return weakref.ref(response)

    assert asyncio.run(get())() is None
