"""The whole graph answers the same on the planned executor as on graphql-core's.

Two gateways over the same demo sandboxes, one built as the gateway ships (planned
execution) and one with strawberry's default execution context, answer the storefront's
and the back office's questions — healthy, with a back end down, as a customer session and
as an admin — and their HTTP answers must be identical, errors included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

import gateway.graph
from connectors.sandbox import Sandbox
from gateway.app import create_app
from gateway.sandboxes import DEMO_ADMIN_KEY, create_sandboxes, demo_customer_token, sandbox_config
from gateway.testing import GatewayClient
from gateway.testing.plugin import sandbox_transports
from schema.ids import encode

PLP = """
query Plp($first: Int!) {
  products(first: $first) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id handle title availableForSale
      priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount } }
      images { url altText }
      variants { __typename id sku title price { amount currencyCode } compareAtPrice { amount }
        selectedOptions { name value } sources { field system }
        inventory { sku available onHand reserved incoming updatedAt
          location { __typename id name kind pickupEnabled shipsFrom address { city countryCode } } } }
    } }
  }
}
"""

PDP = """
query Pdp($handle: String!, $withStock: Boolean!) {
  product(handle: $handle) {
    title description vendor categories
    variants { sku price { amount }
      inventory @include(if: $withStock) { available location { name pickupEnabled } }
      product { handle } }
  }
}
"""

ACCOUNT = """
{ customer(email: "yusuf.vogel@example.com") {
    id email firstName lastName phones loyalty { points tier }
    identities { system externalId } sources { field system } warnings { code }
    defaultAddress { line1 city countryCode }
    orders(first: 10) { pageInfo { hasNextPage endCursor }
      nodes { id number channel status createdAt
        lines { sku title quantity unitPrice { amount } total { amount currencyCode } }
        totals { subtotal { amount } total { amount currencyCode } } } } } }
"""

QUERIES: dict[str, tuple[str, dict[str, Any] | None, str | None]] = {
    "plp": (PLP, {"first": 12}, None),
    "pdp": (PDP, {"handle": "alpine-trail-runner", "withStock": True}, None),
    "pdp without stock": (PDP, {"handle": "alpine-trail-runner", "withStock": False}, None),
    "missing product": (PDP, {"handle": "no-such-product", "withStock": True}, None),
    "locations and stock": (
        '{ locations { id name kind } inventory(skus: ["NL-1001-NVY-S", "nope"]) '
        "{ sku available location { name } } }",
        None,
        None,
    ),
    "node lookups": (
        "query($ids: ID!, $bad: ID!) { a: node(id: $ids) { __typename id "
        "... on Location { name kind } ... on Product { title } } b: node(id: $bad) { id } }",
        {"ids": encode("Location", "shopify", "gid://shopify/Location/1"), "bad": "garbage"},
        None,
    ),
    "account as admin": (ACCOUNT, None, "admin"),
    "account as that customer": (ACCOUNT, None, "customer"),
    "account as someone else": (ACCOUNT, None, "other"),
    "customers page": (
        "{ customers(first: 5) { nodes { email loyalty { tier } orders(first: 2) "
        "{ nodes { number channel } } } pageInfo { endCursor } } }",
        None,
        "admin",
    ),
    "customers without the scope": ("{ customers(first: 2) { nodes { email } } }", None, None),
}

FAULTS = [None, "sap_commerce=down", "shopify=error-rate:1"]


def _headers(who: str | None) -> dict[str, str]:
    if who == "admin":
        return {"x-api-key": DEMO_ADMIN_KEY}
    if who == "customer":
        return {"authorization": f"Bearer {demo_customer_token('yusuf.vogel@example.com')}"}
    if who == "other":
        return {"authorization": f"Bearer {demo_customer_token('ben.brandt@example.com')}"}
    return {}


def _client(
    sandboxes: dict[str, Sandbox], monkeypatch: pytest.MonkeyPatch, planned: bool
) -> GatewayClient:
    if not planned:
        monkeypatch.setattr(gateway.graph, "PlannedExecutor", StrawberryGraphQLCoreExecutionContext)
    try:
        config = sandbox_config(sandboxes, {n: s.base_url for n, s in sandboxes.items()})
        return GatewayClient(create_app(config, transport_factory=sandbox_transports(sandboxes)))
    finally:
        monkeypatch.undo()


@pytest.fixture(params=FAULTS, ids=lambda fault: fault or "healthy")
def both(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[GatewayClient, GatewayClient]]:
    sandboxes = create_sandboxes()
    if request.param:
        name, _, fault = request.param.partition("=")
        sandboxes[name].faults.apply(fault)
    planned = _client(sandboxes, monkeypatch, planned=True)
    reference = _client(sandboxes, monkeypatch, planned=False)
    with planned, reference:
        yield planned, reference


def test_every_answer_matches_graphql_core(both: tuple[GatewayClient, GatewayClient]) -> None:
    planned, reference = both
    for name, (document, variables, who) in QUERIES.items():
        expected = reference.post(
            "/graphql", json={"query": document, "variables": variables}, headers=_headers(who)
        )
        actual = planned.post(
            "/graphql", json={"query": document, "variables": variables}, headers=_headers(who)
        )
        assert actual.status_code == expected.status_code, name
        assert _canonical(actual.json()) == _canonical(expected.json()), name


def _canonical(body: dict[str, Any]) -> dict[str, Any]:
    """The answer with its error lists in a stable order (the two executors may report
    errors in a different order; the spec leaves it open) and without ``retryAfter``, which
    counts down between the two requests."""
    errors = body.get("errors")
    if errors is not None:
        for error in errors:
            error.get("extensions", {}).pop("retryAfter", None)
        body = {**body, "errors": sorted(errors, key=repr)}
    extensions = body.get("extensions")
    if extensions and "stale" in extensions:
        body = {
            **body,
            "extensions": {**extensions, "stale": sorted(extensions["stale"], key=repr)},
        }
    return body
