"""Every limit, through the real app: a document at the limit is served, one over it is
refused with its code before any back-end call, and the next normal request is served."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from graphql import get_introspection_query

from gateway.limits import CACHE_TOKENS, DEFAULT_LIMITS, LimitSettings, OperationLimits
from gateway.testing import GatewayClient
from tests.fakes import FakeState
from tests.gateway.limits.conftest import (
    assert_normal_request_served,
    assert_rejected,
    assert_served,
    serve,
    timed,
)


def _comments(count: int) -> str:
    # graphql-core counts comments as tokens (since 3.2.14 / 3.3.2): padding a document
    # with them moves its token count one at a time.
    return "\n#" * count


SMALL = '{ product(handle: "product-1") { title } }'  # 11 tokens


def _aliases(count: int) -> str:
    return " ".join(f"a{i}: title" for i in range(count))


def _root_fields(count: int) -> str:
    return " ".join(f'p{i}: product(handle: "product-1") {{ title }}' for i in range(count))


def _included(count: int) -> str:
    return " ".join("... @include(if: true) { title }" for _ in range(count))


CHAIN_8 = """{ variant(sku: "SKU-1-S") { product { variants { product { variants {
  product { variants { sku } } } } } } } }"""
CHAIN_9 = """{ variant(sku: "SKU-1-S") { product { variants { product { variants {
  product { variants { product { id } } } } } } } } }"""
# The same depths through a named fragment and an inline fragment.
FRAGMENT_8 = """{ variant(sku: "SKU-1-S") { ...V } }
fragment V on Variant { product { variants { ... on Variant { product { variants {
  product { variants { sku } } } } } } } }"""
FRAGMENT_9 = """{ variant(sku: "SKU-1-S") { ...V } }
fragment V on Variant { product { variants { ... on Variant { product { variants {
  product { variants { product { id } } } } } } } } }"""

# Five aliases, spread three times: each spread counts again.
SPREAD_15 = """{ product(handle: "product-1") { ...A ...A ...A } }
fragment A on Product { t: title h: handle d: description v: vendor i: id }"""
SPREAD_16 = """{ product(handle: "product-1") { ...A ...A ...A x: title } }
fragment A on Product { t: title h: handle d: description v: vendor i: id }"""

ROOT_FRAGMENT_10 = f"{{ ...R ...R }} fragment R on Query {{ {_root_fields(5)} }}"
ROOT_FRAGMENT_11 = f"{{ ...R ...R __typename }} fragment R on Query {{ {_root_fields(5)} }}"

# 25 spreads with a directive each, of a fragment holding one more: 50.
SPREADS_50 = (
    '{ product(handle: "product-1") { '
    + "...F @include(if: true) " * 25
    + "} } fragment F on Product { title @skip(if: false) }"
)
SPREADS_51 = SPREADS_50.replace("{ ...F", "{ handle @include(if: true) ...F", 1)


@dataclass(frozen=True)
class Boundary:
    at_limit: str
    over_limit: str
    code: str
    message: str


BOUNDARIES = {
    "depth": Boundary(CHAIN_8, CHAIN_9, "MAX_DEPTH", "depth 9 exceeds the limit of 8"),
    "depth-through-fragments": Boundary(
        FRAGMENT_8, FRAGMENT_9, "MAX_DEPTH", "depth 9 exceeds the limit of 8"
    ),
    "aliases": Boundary(
        f'{{ product(handle: "product-1") {{ {_aliases(15)} }} }}',
        f'{{ product(handle: "product-1") {{ {_aliases(16)} }} }}',
        "MAX_ALIASES",
        "alias count 16 exceeds the limit of 15",
    ),
    "aliases-in-a-fragment-spread-three-times": Boundary(
        SPREAD_15, SPREAD_16, "MAX_ALIASES", "alias count 16 exceeds the limit of 15"
    ),
    "document-length": Boundary(
        SMALL + " " * (65_536 - len(SMALL)),
        SMALL + " " * (65_537 - len(SMALL)),
        "MAX_DOCUMENT_LENGTH",
        "document length 65537 exceeds the limit of 65536 characters; "
        "send large values as variables",
    ),
    "tokens": Boundary(
        SMALL + _comments(1989),
        SMALL + _comments(1990),
        "MAX_TOKENS",
        "token count exceeds the limit of 2000",
    ),
    "root-fields": Boundary(
        f"{{ {_root_fields(10)} }}",
        f"{{ {_root_fields(11)} }}",
        "MAX_ROOT_FIELDS",
        "root field count 11 exceeds the limit of 10",
    ),
    "root-fields-through-fragments": Boundary(
        ROOT_FRAGMENT_10,
        ROOT_FRAGMENT_11,
        "MAX_ROOT_FIELDS",
        "root field count 11 exceeds the limit of 10",
    ),
    "directives": Boundary(
        f'{{ product(handle: "product-1") {{ {_included(50)} }} }}',
        f'{{ product(handle: "product-1") {{ {_included(51)} }} }}',
        "MAX_DIRECTIVES",
        "directive count 51 exceeds the limit of 50",
    ),
    "directives-through-fragment-spreads": Boundary(
        SPREADS_50, SPREADS_51, "MAX_DIRECTIVES", "directive count 51 exceeds the limit of 50"
    ),
}


@pytest.mark.parametrize("boundary", BOUNDARIES.values(), ids=BOUNDARIES.keys())
def test_a_document_at_the_limit_passes_and_one_over_is_refused(
    client: GatewayClient, fake_state: FakeState, boundary: Boundary
) -> None:
    assert_served(client.query(boundary.at_limit))
    fake_state.calls.clear()

    refused = timed(client, boundary.over_limit)

    assert_rejected(refused, {boundary.code}, fake_state)
    [error] = refused.response.errors
    assert error["message"] == boundary.message
    assert_normal_request_served(client)


# Cost: 1 for `product`, and 1 + n x 51 for `products`: each node is 1 object, plus its
# 5 images, plus its 5 variants with each their price, compareAtPrice, product and
# 5 inventory levels (5 x 9).
LISTING = """
query Listing($n: Int!) {
  product(handle: "product-1") { title }
  products(first: $n) {
    nodes {
      title
      images { url }
      variants {
        sku
        price { amount }
        compareAtPrice { amount }
        product { id }
        inventory { available }
      }
    }
  }
}
"""


def test_cost_reads_first_from_the_variables_of_each_request(
    client: GatewayClient, fake_state: FakeState
) -> None:
    served = client.query(LISTING, {"n": 98})  # 2 + 98 x 51 = 5,000
    assert_served(served)
    assert len(served.data["products"]["nodes"]) == 60  # all the fake back end holds
    fake_state.calls.clear()

    # The same document: its cached validation says "valid"; the cost is still checked.
    refused = timed(client, LISTING, {"n": 99})

    assert_rejected(refused, {"MAX_COST"}, fake_state)
    assert refused.response.errors[0]["message"] == "cost 5051 exceeds the limit of 5000"
    assert_normal_request_served(client)


def test_a_literal_first_over_the_cost_is_refused_before_validation(
    client: GatewayClient, fake_state: FakeState
) -> None:
    document = LISTING.replace("query Listing($n: Int!)", "").replace("$n", "99")

    for _ in range(2):  # the second time from the verdict kept with the document
        refused = timed(client, document)

        assert_rejected(refused, {"MAX_COST"}, fake_state)
        assert refused.response.errors[0]["message"] == "cost 5051 exceeds the limit of 5000"


def test_a_fragment_spread_many_times_counts_every_time(
    client: GatewayClient, fake_state: FakeState
) -> None:
    # Each fragment spreads the one before twice: F4 holds 2 x 2^4 = 32 aliases.
    fragments = " ".join(
        f"fragment F{i} on Product {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 5)
    )
    document = (
        '{ product(handle: "product-1") { ...F4 } } '
        f"fragment F0 on Product {{ t: title h: handle }} {fragments}"
    )

    refused = timed(client, document)

    assert_rejected(refused, {"MAX_ALIASES"}, fake_state)
    assert refused.response.errors[0]["message"] == "alias count 32 exceeds the limit of 15"


def test_a_fan_of_fragments_is_counted_in_linear_time(
    client: GatewayClient, fake_state: FakeState
) -> None:
    # 2^30 root fields, measured by walking each of the 31 fragments once.
    fragments = " ".join(
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 31)
    )
    document = f"{{ ...F30 }} fragment F0 on Query {{ __typename }} {fragments}"

    refused = timed(client, document)

    assert_rejected(refused, {"MAX_ROOT_FIELDS"}, fake_state)
    message = refused.response.errors[0]["message"]
    assert message == f"root field count {2**30} exceeds the limit of 10"


def test_a_fragment_cycle_is_measured_and_refused(
    client: GatewayClient, fake_state: FakeState
) -> None:
    document = """{ product(handle: "product-1") { ...A } }
    fragment A on Product { a: title ...B } fragment B on Product { b: handle ...A }"""

    refused = timed(client, document)

    assert_rejected(refused, {"GRAPHQL_VALIDATION_FAILED"}, fake_state)
    assert "Cannot spread fragment 'A' within itself" in refused.response.errors[0]["message"]


def test_duplicated_fields_too_many_to_check_are_refused(
    client: GatewayClient, fake_state: FakeState
) -> None:
    # 400 identical selections: graphql-core would compare every pair (0.5 s of CPU for
    # a 2,000-token document); its budget stops it.
    document = '{ product(handle: "product-1") { ' + "variants { sku } " * 400 + "} }"

    refused = timed(client, document)

    assert_rejected(refused, {"MAX_OVERLAPPING_FIELDS"}, fake_state)
    assert_normal_request_served(client)


def test_thirty_fragments_that_select_the_same_fields_are_served(client: GatewayClient) -> None:
    # As component-based clients send them: each component's fragment repeats `id`.
    spreads = " ".join(f"...Card{i}" for i in range(30))
    fragments = " ".join(
        f"fragment Card{i} on Product {{ id title variants {{ sku price {{ amount currencyCode }} }} }}"
        for i in range(30)
    )

    response = client.query(f"{{ products(first: 5) {{ nodes {{ {spreads} }} }} }} {fragments}")

    assert_served(response)
    assert len(response.data["products"]["nodes"]) == 5


def test_graphiql_can_introspect_the_schema_in_the_dev_profile(client: GatewayClient) -> None:
    # Depth 13 through `ofType`: introspection is exempt from depth and cost.
    response = client.query(get_introspection_query(descriptions=True))

    assert_served(response)
    names = {t["name"] for t in response.data["__schema"]["types"]}
    assert {"Product", "Variant", "Query"} <= names


def test_introspection_that_nests_lists_of_types_is_refused(
    client: GatewayClient, fake_state: FakeState
) -> None:
    document = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"

    refused = timed(client, document)

    assert_rejected(refused, {"MAX_DEPTH"}, fake_state)


PRODUCTION = LimitSettings.for_profile("production")


@pytest.mark.parametrize(
    "document",
    [
        "{ __schema { queryType { name } } }",
        '{ __type(name: "Product") { fields { name } } }',
        '{ product(handle: "product-1") { title } ...I } fragment I on Query { __schema { types { name } } }',
    ],
    ids=["__schema", "__type", "through-a-fragment"],
)
def test_introspection_off_refuses_schema_and_type(fake_state: FakeState, document: str) -> None:
    with serve(PRODUCTION) as client:
        refused = timed(client, document)

        assert_rejected(refused, {"INTROSPECTION_DISABLED"}, fake_state)
        assert "introspection is disabled" in refused.response.errors[0]["message"]
        # __typename is not introspection.
        response = client.query('{ __typename product(handle: "product-1") { __typename } }')
        assert_served(response)
        assert response.data == {"__typename": "Query", "product": {"__typename": "Product"}}


def test_custom_limits_apply(fake_state: FakeState) -> None:
    with serve(LimitSettings(max_depth=3, max_cost=4)) as client:
        assert_served(client.query('{ product(handle: "product-1") { title } }'))
        fake_state.calls.clear()

        deep = timed(
            client,
            '{ variant(sku: "SKU-1-S") { product { priceRange { minVariantPrice { amount } } } } }',
        )
        costly = timed(client, "{ products(first: 4) { nodes { title } } }")

        assert_rejected(deep, {"MAX_DEPTH"}, fake_state)
        assert deep.response.errors[0]["message"] == "depth 5 exceeds the limit of 3"
        assert_rejected(costly, {"MAX_COST"}, fake_state)
        assert costly.response.errors[0]["message"] == "cost 5 exceeds the limit of 4"


def test_a_document_over_several_limits_gets_one_error_per_limit(
    client: GatewayClient, fake_state: FakeState
) -> None:
    document = f"{{ {_root_fields(16)} }}"

    refused = timed(client, document)

    assert_rejected(refused, {"MAX_ALIASES", "MAX_ROOT_FIELDS"}, fake_state)
    assert sorted(refused.response.error_codes) == ["MAX_ALIASES", "MAX_ROOT_FIELDS"]


def test_a_document_seen_before_is_neither_parsed_nor_validated_again(
    client: GatewayClient,
) -> None:
    pipeline = OperationLimits(DEFAULT_LIMITS).pipeline
    document = '{ product(handle: "product-7") { title handle } }'
    client.query(document)
    before = (pipeline.parsed, pipeline.validated)

    assert_served(client.query(document))
    assert_served(client.query(document))

    assert (pipeline.parsed, pipeline.validated) == before


def test_the_cache_holds_a_bounded_number_of_tokens() -> None:
    pipeline = OperationLimits(LimitSettings(max_depth=7)).pipeline  # a cache of its own
    for n in range(30):  # 30 documents of 2,000 tokens: 60,000
        pipeline.prepare(f"{{ f{n} " + "x " * 1996 + "}")

    assert pipeline.cache.currsize <= CACHE_TOKENS
    assert len(pipeline.cache) == CACHE_TOKENS // 2000


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"max_depth": 0}, "limits.max_depth must be a positive integer, got 0"),
        ({"max_cost": True}, "limits.max_cost must be a positive integer, got True"),
        ({"max_tokens": "2000"}, "limits.max_tokens must be a positive integer, got '2000'"),
        ({"introspection": "no"}, "limits.introspection must be true or false, got 'no'"),
    ],
    ids=["zero", "bool", "string", "not-a-bool"],
)
def test_settings_refuse_nonsense(settings: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match="^" + problem.replace("(", r"\(") + "$"):
        LimitSettings(**settings)


def test_the_production_profile_turns_off_introspection_and_suggestions() -> None:
    flipped = LimitSettings(introspection=False, suggestions=False)
    assert LimitSettings.for_profile("production") == flipped
    assert LimitSettings.for_profile("dev") == LimitSettings()
    assert LimitSettings.for_profile("production", introspection=True).introspection is True
