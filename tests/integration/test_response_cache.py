"""Whole answers to public queries are kept while their records are fresh; nothing private,
failed, stale or written ever is."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from connectors.sandbox import Sandbox
from gateway.cache import CachePolicy, default_policies
from gateway.config import GatewayConfig
from gateway.sandboxes import DEMO_ADMIN_KEY, create_sandboxes, demo_customer_token
from gateway.testing import GatewayClient
from tests.integration.test_resilience import client_for, configure

PLP = """query($first: Int!) { products(first: $first) {
  nodes { handle variants { sku price { amount } inventory { available location { name } } } } } }"""
ACCOUNT = (
    '{ customer(email: "yusuf.vogel@example.com") { email orders(first: 2) { nodes { number } } } }'
)
FRESH = CachePolicy(fresh=60, stale=0, stale_if_error=600)
CACHED = dict.fromkeys(("product", "listing", "inventory", "location", "variant"), FRESH)


@pytest.fixture
def sandboxes() -> dict[str, Sandbox]:
    return create_sandboxes()


def _config(sandboxes: dict[str, Sandbox], **policies: CachePolicy) -> GatewayConfig:
    return configure(sandboxes, cache={**default_policies(), **CACHED, **policies})


@pytest.fixture
def client(sandboxes: dict[str, Sandbox]) -> Iterator[GatewayClient]:
    with client_for(sandboxes, _config(sandboxes)) as client:
        yield client


def _calls(sandboxes: dict[str, Sandbox]) -> int:
    return sum(len(sandbox.api_calls()) for sandbox in sandboxes.values())


def _kept(client: GatewayClient) -> float:
    metrics = client.request("GET", "/metrics").text
    line = next(
        (
            line
            for line in metrics.splitlines()
            if line.startswith('commerce_gateway_response_cache_lookups_total{outcome="hit"}')
        ),
        None,
    )
    return 0.0 if line is None else float(line.split()[-1])


def test_a_public_answer_is_served_again_without_executing(
    client: GatewayClient, sandboxes: dict[str, Sandbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = client.post("/graphql", json={"query": PLP, "variables": {"first": 5}})
    executions = []
    graph = client.app.state.graph
    original = graph.execute

    async def counted(*args: object, **kwargs: object) -> object:
        executions.append(1)
        return await original(*args, **kwargs)

    monkeypatch.setattr(graph, "execute", counted)
    calls = _calls(sandboxes)
    again = client.post("/graphql", json={"query": PLP, "variables": {"first": 5}})

    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert _kept(client) == 1
    assert executions == [], "not executed again"
    assert _calls(sandboxes) == calls

    other = client.post("/graphql", json={"query": PLP, "variables": {"first": 6}})
    assert executions == [1], "other variables: another answer"
    assert len(other.json()["data"]["products"]["nodes"]) == 6


def test_an_answer_is_kept_no_longer_than_its_records_are_fresh(
    sandboxes: dict[str, Sandbox],
) -> None:
    # Stock not cached at all: an answer showing stock is never kept.
    uncached_stock = _config(sandboxes, inventory=CachePolicy(fresh=0, stale=0, stale_if_error=0))
    with client_for(sandboxes, uncached_stock) as client:
        client.query(PLP, {"first": 3})
        client.query(PLP, {"first": 3})
        assert _kept(client) == 0
        # Without stock, the same listing's answer is kept.
        listing = "{ products(first: 3) { nodes { handle title } } }"
        client.query(listing)
        client.query(listing)
        assert _kept(client) == 1


def test_private_answers_are_never_kept(sandboxes: dict[str, Sandbox]) -> None:
    with client_for(sandboxes, _config(sandboxes)) as client:
        admin = client.with_headers({"x-api-key": DEMO_ADMIN_KEY})
        customer = client.with_headers(
            {"authorization": f"Bearer {demo_customer_token('yusuf.vogel@example.com')}"}
        )
        for asking in (admin, customer, admin, customer):
            result = asking.query(ACCOUNT)
            assert result.errors == []
            assert result.data["customer"]["email"] == "yusuf.vogel@example.com"
        assert _kept(client) == 0


def test_answers_with_errors_or_stale_values_are_not_kept(
    sandboxes: dict[str, Sandbox],
) -> None:
    with client_for(sandboxes, _config(sandboxes)) as client:
        sandboxes["sap_commerce"].faults.down = True
        failed = [client.query(PLP, {"first": 2}) for _ in range(2)]
        assert all(result.errors for result in failed)
        assert _kept(client) == 0


def test_scopes_and_media_types_keep_answers_apart(client: GatewayClient) -> None:
    listing = "{ products(first: 2) { nodes { handle } } }"
    client.query(listing)
    admin = client.with_headers({"x-api-key": DEMO_ADMIN_KEY})
    admin.query(listing)
    assert _kept(client) == 0, "an admin's request is another key"
    modern = client.post(
        "/graphql",
        json={"query": listing},
        headers={"accept": "application/graphql-response+json"},
    )
    assert modern.headers["content-type"].startswith("application/graphql-response+json")
    assert _kept(client) == 0
    client.query(listing)
    assert _kept(client) == 1


def test_it_can_be_turned_off(sandboxes: dict[str, Sandbox]) -> None:
    config = _config(sandboxes)
    http = dataclasses.replace(
        config.http,
        response_cache=dataclasses.replace(config.http.response_cache, enabled=False),
    )
    with client_for(sandboxes, dataclasses.replace(config, http=http)) as client:
        client.query(PLP, {"first": 2})
        client.query(PLP, {"first": 2})
        assert _kept(client) == 0
