"""Every document the connector can send is valid Admin API 2025-01 and fits Shopify's
1000-point single-query limit; the batch sizes are the largest that fit."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from graphql import build_ast_schema, build_schema, parse, validate_schema

from connectors.models import OrderPageRequest
from connectors.shopify import ShopifyConnector, queries
from connectors.shopify.sandbox import ShopifySandbox
from connectors.shopify.sandbox.cost import requested_cost
from connectors.shopify.sandbox.schema import (
    KNOWN_SCHEMA_VIOLATIONS,
    SchemaDefectError,
    admin_schema,
    admin_sdl,
    check_schema,
    validate_document,
)
from connectors.testing import connect

GENERATED = [
    (name, generate, size)
    for name, (generate, largest) in queries.GENERATED_DOCUMENTS.items()
    for size in sorted({1, 2, largest})
]


def _errors(document: str) -> list[str]:
    return [error.message for error in validate_document(parse(document))]


def _cost(document: str, variables: dict[str, Any]) -> int:
    return requested_cost(admin_schema(), parse(document), variables)


@pytest.mark.parametrize("name", sorted(queries.DOCUMENTS))
def test_document_is_valid_against_the_admin_sdl(name: str) -> None:
    assert _errors(queries.DOCUMENTS[name]) == []


@pytest.mark.parametrize(
    ("name", "generate", "size"),
    GENERATED,
    ids=[f"{name}-{size}" for name, _, size in GENERATED],
)
def test_generated_document_is_valid_at_every_batch_size(
    name: str, generate: Any, size: int
) -> None:
    assert _errors(generate(size)) == []


def test_a_wrong_document_is_rejected_with_shopifys_complaint() -> None:
    wrong = queries.PRODUCTS_BY_ID_QUERY.replace("productType", "productKind")
    assert _errors(wrong) == [
        "Cannot query field 'productKind' on type 'Product'. Did you mean 'productType'?"
    ]
    [unknown_argument] = _errors("query { products(limit: 5) { nodes { id } } }")
    assert unknown_argument.startswith("Unknown argument 'limit' on field 'QueryRoot.products'.")


def test_every_query_constant_is_registered() -> None:
    constants = {
        name
        for name, value in vars(queries).items()
        if name.endswith("_QUERY") and isinstance(value, str)
    }
    assert constants == set(queries.DOCUMENTS)


def test_the_sdl_copy_is_the_published_one() -> None:
    digest = hashlib.sha256(admin_sdl().encode("utf-8")).hexdigest()
    assert digest.startswith("995346e2a71cf7f6"), "see connectors/shopify/sandbox/PROVENANCE.md"


def test_the_published_schema_has_exactly_the_two_known_violations() -> None:
    published = build_ast_schema(parse(admin_sdl(), no_location=True), assume_valid_sdl=True)
    assert {error.message for error in validate_schema(published)} == KNOWN_SCHEMA_VIOLATIONS
    check_schema(published)  # accepted as published
    assert admin_schema().query_type is not None


def test_a_schema_with_any_other_violation_is_refused() -> None:
    broken = build_schema(
        """
        interface Node { id: ID! }
        type Thing implements Node { id: ID! @deprecated(reason: "no") }
        type Query { thing: Thing }
        """
    )
    with pytest.raises(SchemaDefectError) as caught:
        check_schema(broken)
    assert "Thing.id" in str(caught.value)


# -- cost -------------------------------------------------------------------------------

IDS = [f"gid://shopify/Product/{n}" for n in range(1, 251)]

COSTS = [
    (
        "products-by-id",
        queries.PRODUCTS_BY_ID_QUERY,
        lambda n: {"ids": IDS[:n]},
        queries.PRODUCTS_PER_QUERY,
        lambda n: 1 + n * queries.PRODUCT_NODE_COST,
    ),
    (
        "products",
        queries.PRODUCTS_QUERY,
        lambda n: {"first": n},
        queries.HANDLES_PER_QUERY,
        lambda n: 1 + 2 + n * queries.PRODUCT_NODE_COST,
    ),
    (
        "customers-by-id",
        queries.CUSTOMERS_BY_ID_QUERY,
        lambda n: {"ids": IDS[:n]},
        queries.CUSTOMERS_PER_QUERY,
        lambda n: n * queries.CUSTOMER_NODE_COST,
    ),
    (
        "customers",
        queries.CUSTOMERS_QUERY,
        lambda n: {"first": n, "query": "x"},
        queries.CUSTOMERS_PAGE,
        lambda n: 2 + n * queries.CUSTOMER_NODE_COST,
    ),
    (
        "customer-list",
        queries.CUSTOMERS_QUERY,
        lambda n: {"first": n},
        queries.CUSTOMERS_PAGE,
        lambda n: 2 + n * queries.CUSTOMER_NODE_COST,
    ),
    (
        "orders-by-id",
        queries.ORDERS_BY_ID_QUERY,
        lambda n: {"ids": IDS[:n]},
        queries.ORDERS_PER_QUERY,
        lambda n: n * queries.ORDER_NODE_COST,
    ),
    (
        "inventory-levels",
        queries.INVENTORY_LEVELS_QUERY,
        lambda n: {"first": n, "query": "x"},
        queries.SKUS_PER_LEVELS_QUERY,
        lambda n: 2 + n * (4 + queries.LEVELS_FIRST * queries.LEVEL_NODE_COST),
    ),
]


@pytest.mark.parametrize(
    ("document", "variables", "largest", "expected"),
    [(doc, variables, largest, expected) for _, doc, variables, largest, expected in COSTS],
    ids=[name for name, *_ in COSTS],
)
def test_batches_are_the_largest_that_fit_shopifys_cost_limit(
    document: str, variables: Any, largest: int, expected: Any
) -> None:
    assert _cost(document, variables(largest)) == expected(largest)
    assert expected(largest) <= queries.MAX_QUERY_COST
    if largest < queries.MAX_INPUT_ARRAY:
        assert expected(largest + 1) > queries.MAX_QUERY_COST


def test_variant_and_location_pages_fit() -> None:
    variants = _cost(queries.VARIANTS_QUERY, {"first": queries.VARIANTS_PER_QUERY, "query": "x"})
    locations = _cost(queries.LOCATIONS_QUERY, {"first": queries.LOCATIONS_PER_QUERY})
    assert variants == 1 + 2 + 250 * 3 == 753
    assert locations == 2 + 50 * 3 == 152 == queries.LOCATIONS_COST
    # Declared, so the transport reserves it in the bucket and releases it on the answer.
    assert _cost(queries.PING_QUERY, {}) == queries.PING_COST


@pytest.mark.parametrize("locations", [1, 3, queries.MAX_ALIASED_LOCATIONS])
def test_levels_at_a_few_locations_cost_what_the_connector_budgets(locations: int) -> None:
    per_variant = queries.levels_at_locations_variant_cost(locations)
    first = (queries.MAX_QUERY_COST - 2) // per_variant
    variables = {"first": first, "query": "x"} | {f"location{i}": "x" for i in range(locations)}
    cost = _cost(queries.levels_at_locations_query(locations), variables)
    assert cost == 2 + first * per_variant <= queries.MAX_QUERY_COST


def test_customer_orders_cost_what_the_connector_budgets() -> None:
    largest = queries.max_orders_per_customer()
    variables = {"customer0": "x", "first0": largest, "customer1": "y", "first1": 1}
    cost = _cost(queries.customer_orders_query(2), variables)
    per = queries.CUSTOMER_ORDERS_OVERHEAD
    assert cost == (per + largest * queries.ORDER_NODE_COST) + (per + queries.ORDER_NODE_COST)
    assert per + largest * queries.ORDER_NODE_COST <= queries.MAX_QUERY_COST


@pytest.mark.parametrize(
    ("generate", "size"),
    [
        (queries.more_levels_query, queries.MORE_LEVELS_PER_QUERY),
        (queries.more_line_items_query, queries.MORE_LINE_ITEMS_PER_QUERY),
    ],
    ids=["more-levels", "more-line-items"],
)
def test_follow_up_pages_fit(generate: Any, size: int) -> None:
    variables = {f"{key}{i}": "x" for i in range(size) for key in ("item", "order", "after")}
    assert _cost(generate(size), variables) <= queries.MAX_QUERY_COST


# -- what actually goes on the wire ----------------------------------------------------------


@pytest.mark.anyio
async def test_the_connector_sends_only_registered_documents(anyio_backend: str) -> None:
    sandbox = ShopifySandbox()
    samples = sandbox.samples()
    async with connect(ShopifyConnector, sandbox) as connector:
        await connector.ping()
        await connector.products(list(samples.product_ids))
        await connector.products_by_handle(list(samples.product_handles))
        await connector.list_products(first=3, query="alpine")
        await connector.variants(list(samples.skus))
        await connector.locations()
        await connector.levels(list(samples.skus))
        await connector.levels(list(samples.skus), list(samples.location_ids[:2]))
        await connector.customers(list(samples.customer_ids))
        await connector.customers_by_email(list(samples.customer_emails))
        await connector.list_customers(first=3, query="becker")
        await connector.orders(list(samples.order_ids))
        assert samples.customer_with_orders
        await connector.orders_for_customers([OrderPageRequest(samples.customer_with_orders, 2)])
    known = set(queries.DOCUMENTS.values()) | {
        generate(size)
        for generate, largest in queries.GENERATED_DOCUMENTS.values()
        for size in range(1, largest + 1)
    }
    sent = [request.json()["query"] for request in sandbox.api_calls()]
    assert len(sent) == 13
    assert all(query in known for query in sent)
