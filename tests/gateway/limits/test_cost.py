"""The static cost model, case by case (docs/limits.md has the same table)."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import OperationDefinitionNode, parse

from gateway.limits import LimitSettings, operation_cost
from schema import create_schema

SCHEMA = create_schema()._schema


def cost(
    document: str, variables: dict[str, Any] | None = None, settings: LimitSettings | None = None
) -> int:
    parsed = parse(document)
    operation = next(d for d in parsed.definitions if isinstance(d, OperationDefinitionNode))
    return operation_cost(SCHEMA, parsed, operation, settings or LimitSettings(), variables)


CASES: dict[str, tuple[str, dict[str, Any] | None, int]] = {
    # An object costs 1; scalars come with it.
    "one-object": ('{ product(handle: "x") { title handle vendor } }', None, 1),
    "scalars-only": ("{ __typename }", None, 0),
    "nested-objects": ('{ variant(sku: "x") { price { amount } product { id } } }', None, 3),
    # A list's size multiplies what each element selects.
    "first-literal": ("{ products(first: 3) { nodes { id } } }", None, 1 + 3 * 1),
    "first-default": ("{ products { nodes { id } } }", None, 1 + 20 * 1),
    "first-variable": ("query($n: Int!) { products(first: $n) { nodes { id } } }", {"n": 7}, 8),
    "first-variable-default": (
        "query($n: Int = 4) { products(first: $n) { nodes { id } } }",
        {},
        1 + 4,
    ),
    "first-variable-absent": ("query($n: Int) { products(first: $n) { nodes { id } } }", {}, 21),
    "first-not-known-yet": ("query($n: Int!) { products(first: $n) { nodes { id } } }", None, 2),
    "edges-and-node": ("{ products(first: 2) { edges { node { id } } } }", None, 1 + 2 * 2),
    "nested-first": (
        '{ customer(id: "x") { orders(first: 4) { nodes { lines { title } } } } }',
        None,
        1 + (1 + 4 * (1 + 5 * 1)),
    ),
    "list-of-objects": ('{ product(handle: "x") { variants { sku } } }', None, 1 + 5 * 1),
    "list-without-first": (
        '{ product(handle: "x") { variants { price { amount } } } }',
        None,
        1 + 5 * (1 + 1),
    ),
    "key-list-literal": (
        '{ inventory(skus: ["a", "b", "c"]) { location { name } } }',
        None,
        3 * (1 + 1),
    ),
    "two-key-lists": (
        '{ inventory(skus: ["a", "b"], locationIds: ["x", "y", "z"]) { location { name } } }',
        None,
        6 * (1 + 1),
    ),
    "key-list-variable": (
        "query($s: [String!]!) { inventory(skus: $s) { location { name } } }",
        {"s": ["a", "b", "c", "d"]},
        4 * 2,
    ),
    "single-key-for-a-list": ('{ inventory(skus: "a") { location { name } } }', None, 1 * 2),
    "fragments-count-where-spread": (
        '{ ...Q ...Q } fragment Q on Query { product(handle: "x") { id } }',
        None,
        2,
    ),
    "inline-fragments": (
        '{ node(id: "x") { ... on Product { variants { id } } ... on Customer { addresses { city } } } }',
        None,
        1 + 5 * 1 + 5 * 1,
    ),
    "introspection-is-free": ("{ __schema { types { fields { name } } } }", None, 0),
}


@pytest.mark.parametrize(("document", "variables", "expected"), CASES.values(), ids=CASES.keys())
def test_cost(document: str, variables: dict[str, Any] | None, expected: int) -> None:
    assert cost(document, variables) == expected


def test_the_default_list_size_is_a_setting() -> None:
    document = '{ product(handle: "x") { variants { price { amount } } } }'

    assert cost(document, settings=LimitSettings(default_list_size=10)) == 1 + 10 * 2


def test_a_storefront_listing_of_50_fits_the_default_limit() -> None:
    # The integration suite's listing: each product 1, its priceRange 2, and 5 variants
    # with each a price and stock at 5 locations (5 x (1 + 1 + 5 x 2)).
    listing = """query($first: Int!) { products(first: $first) { nodes {
      id title handle priceRange { minVariantPrice { amount currencyCode } }
      variants { sku title price { amount currencyCode }
        inventory { available onHand reserved updatedAt location { id name kind } } } } } }"""
    per_product = 1 + 2 + 5 * (1 + 1 + 5 * 2)

    assert cost(listing, {"first": 50}) == 1 + 50 * per_product == 3151
    assert cost(listing, {"first": 100}) == 6301 > LimitSettings().max_cost


def test_nesting_lists_multiplies() -> None:
    # 100 products x 5 variants x 5 variants of their product x 5 again.
    document = """{ products(first: 100) { nodes { variants { product {
      variants { product { variants { sku } } } } } } } }"""
    inner = 5 * (1 + (1 + 5 * (1 + (1 + 5 * 1))))

    assert cost(document) == 1 + 100 * (1 + inner) == 18601
