"""The committed SDL is the schema: any change shows up in review."""

from __future__ import annotations

from pathlib import Path

from schema import sdl

COMMITTED = Path(__file__).parents[2] / "schema" / "schema.graphql"


def test_the_committed_sdl_matches_the_schema() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == sdl(), (
        "schema/schema.graphql is stale; regenerate it with "
        "`commerce-gateway schema > schema/schema.graphql` and review the diff"
    )


def test_the_storefront_names_clients_rely_on_exist() -> None:
    text = sdl()
    for fragment in [
        "product(id: ID = null, handle: String = null): Product",
        "products(first: Int! = 20, after: String = null, query: String = null): ProductConnection",
        "variant(sku: String!): Variant",
        "locations(kind: LocationKind = null): [Location!]",
        "inventory(skus: [String!]!, locationIds: [ID!] = null): [InventoryLevel!]",
        "customer(id: ID = null, email: String = null): Customer",
        "order(id: ID!): Order",
        "node(id: ID!): Node",
        "inventory(locationIds: [ID!] = null): [InventoryLevel!]",
        "orders(first: Int! = 10, after: String = null): OrderConnection",
    ]:
        assert fragment in text, fragment
