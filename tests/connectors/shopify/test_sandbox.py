"""The Shopify sandbox answers like Shopify: paths, auth, validation, search, pages, cost."""

from __future__ import annotations

import statistics
import time
from typing import Any

import httpx
import orjson
import pytest

from connectors.sandbox.retailer import demo_retailer
from connectors.shopify import queries
from connectors.shopify.sandbox import ShopifySandbox
from connectors.testing import SandboxTransport

from .support import FakeClock, client_for, graphql

PRODUCT_TITLES = """
query Titles($first: Int, $last: Int, $after: String, $before: String, $query: String, $reverse: Boolean) {
  products(first: $first, last: $last, after: $after, before: $before, query: $query, reverse: $reverse) {
    edges { cursor node { title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

#: A storefront's product listing page: 50 products with their variants.
PLP_QUERY = """
query Plp {
  products(first: 50, sortKey: TITLE) {
    nodes {
      id
      title
      handle
      featuredMedia { ... on MediaImage { image { url altText } } }
      variants(first: 5) {
        nodes { id sku price compareAtPrice selectedOptions { name value } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def _titles(http: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    response = await graphql(http, PRODUCT_TITLES, variables)
    body = response.json()
    assert "errors" not in body, body["errors"]
    connection: dict[str, Any] = body["data"]["products"]
    return connection


# -- the endpoint -----------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_wrong_token_gets_shopifys_401(sandbox: ShopifySandbox) -> None:
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app), base_url=sandbox.base_url
    ) as client:
        response = await client.post(
            ShopifySandbox.path,
            json={"query": "{ shop { id } }"},
            headers={"X-Shopify-Access-Token": "shpat_wrong"},
        )
    assert response.status_code == 401
    assert response.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }


@pytest.mark.anyio
async def test_only_the_pinned_version_is_served(http: httpx.AsyncClient) -> None:
    response = await http.post("/admin/api/2024-07/graphql.json", json={"query": "{ shop { id } }"})
    assert response.status_code == 404
    assert response.json() == {"errors": "Not Found"}


@pytest.mark.anyio
async def test_a_body_without_a_query_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.post(ShopifySandbox.path, json={"variables": {}})
    assert response.status_code == 400
    assert response.json() == {"errors": {"query": "Required parameter missing or invalid"}}


@pytest.mark.anyio
async def test_an_invalid_document_is_refused_like_shopify(http: httpx.AsyncClient) -> None:
    response = await graphql(http, "{ products(first: 1) { nodes { id sizeChart } } }")
    body = response.json()
    assert response.status_code == 200
    assert "data" not in body
    [error] = body["errors"]
    assert error["message"] == "Cannot query field 'sizeChart' on type 'Product'."
    assert error["extensions"] == {"code": "undefinedField"}
    assert error["locations"] == [{"line": 1, "column": 35}]


@pytest.mark.anyio
async def test_a_bad_argument_is_refused(http: httpx.AsyncClient) -> None:
    body = (await graphql(http, "{ products(first: 1, sortKey: PRICE) { nodes { id } } }")).json()
    assert "data" not in body
    assert body["errors"][0]["message"].startswith(
        "Value 'PRICE' does not exist in 'ProductSortKeys' enum."
    )


@pytest.mark.anyio
async def test_the_app_runs_alone(sandbox: ShopifySandbox) -> None:
    # What `commerce-gateway sandbox shopify` serves: the app, lifespan included.
    transport = httpx.ASGITransport(app=ShopifySandbox().app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9001") as client:
        response = await client.post(
            ShopifySandbox.path,
            json={"query": "{ shop { name currencyCode } }"},
            headers={"X-Shopify-Access-Token": sandbox.access_token},
        )
    assert response.json()["data"] == {
        "shop": {"name": "Nordlicht Outfitters", "currencyCode": "EUR"}
    }


# -- seeded state ----------------------------------------------------------------------------


def test_the_shop_holds_the_retailers_shopify_side(sandbox: ShopifySandbox) -> None:
    retailer = demo_retailer()
    state = sandbox.state
    assert len(state.products) == len(retailer.products) == 60
    assert [location["name"] for location in state.locations] == [
        location.name for location in retailer.locations_in("shopify")
    ]
    assert len(state.customers) == len(retailer.customers_in("shopify"))
    assert len(state.orders) == len(retailer.orders_in("shopify"))
    assert {order["sourceName"] for order in state.orders} == {"web", "pos"}
    assert all(order["retailLocation"] for order in state.orders if order["sourceName"] == "pos")


def test_ids_are_stable_across_sandboxes(sandbox: ShopifySandbox) -> None:
    again = ShopifySandbox()
    assert again.samples() == sandbox.samples()
    assert sandbox.samples().product_ids[0] == "gid://shopify/Product/8712300000001"


# -- search ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_search_or_and_quoted_values(http: httpx.AsyncClient) -> None:
    found = await _titles(
        http, first=10, query='handle:"alpine-tee" OR handle:\'coastal-hoodie\' OR title:"no such"'
    )
    assert [edge["node"]["title"] for edge in found["edges"]] == ["Alpine Tee", "Coastal Hoodie"]


@pytest.mark.anyio
async def test_search_terms_without_a_connective_must_all_match(http: httpx.AsyncClient) -> None:
    found = await _titles(http, first=10, query='"alpine" "jacket"')
    assert [edge["node"]["title"] for edge in found["edges"]] == [
        "Alpine Rain Jacket",
        "Alpine Down Jacket",
    ]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "complaint"),
    [
        ("(handle:a OR handle:b)", "parentheses"),
        ("-handle:alpine-tee", "'-' modifier"),
        ("NOT handle:alpine-tee", "NOT modifier"),
        ("created_at:>2026-01-01", "comparator ':>'"),
        ("title:alp*", "wildcards"),
        ("colour:red", "by colour"),
        ("handle:a OR", "ends with a connective"),
    ],
    ids=["parentheses", "minus", "not", "comparator", "wildcard", "unknown-field", "dangling-or"],
)
async def test_unsupported_search_is_refused_not_ignored(
    http: httpx.AsyncClient, query: str, complaint: str
) -> None:
    body = (await graphql(http, PRODUCT_TITLES, {"first": 5, "query": query})).json()
    assert body["data"] is None
    assert complaint in body["errors"][0]["message"]
    assert body["errors"][0]["path"] == ["products"]


# -- pages --------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_walking_pages_visits_every_product_once(http: httpx.AsyncClient) -> None:
    titles: list[str] = []
    after = None
    while True:
        page = await _titles(http, first=7, after=after)
        titles.extend(edge["node"]["title"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(titles) == len(set(titles)) == 60
    assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


@pytest.mark.anyio
async def test_an_empty_page_has_no_next_page_and_no_cursor(http: httpx.AsyncClient) -> None:
    empty = await _titles(http, first=5, query="handle:no-such-product")
    assert empty == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }
    last = await _titles(http, last=1)
    after_the_end = await _titles(http, first=5, after=last["pageInfo"]["endCursor"])
    assert after_the_end["edges"] == []
    assert after_the_end["pageInfo"]["hasNextPage"] is False
    assert after_the_end["pageInfo"]["endCursor"] is None


@pytest.mark.anyio
async def test_last_and_before_page_backwards(http: httpx.AsyncClient) -> None:
    first_three = await _titles(http, first=3)
    third_cursor = first_three["edges"][2]["cursor"]
    before = await _titles(http, last=5, before=third_cursor)
    assert [e["node"]["title"] for e in before["edges"]] == [
        e["node"]["title"] for e in first_three["edges"][:2]
    ]
    assert before["pageInfo"]["hasPreviousPage"] is False
    assert before["pageInfo"]["hasNextPage"] is True


@pytest.mark.anyio
async def test_reverse_pages_newest_id_first(http: httpx.AsyncClient) -> None:
    page = await _titles(http, first=2, reverse=True)
    assert [e["node"]["title"] for e in page["edges"]] == [
        "Glacier Enamel Mug",
        "Glacier Duffel 60L",
    ]
    following = await _titles(http, first=1, reverse=True, after=page["pageInfo"]["endCursor"])
    assert following["edges"][0]["node"]["title"] == "Glacier Daypack 22L"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("variables", "complaint"),
    [
        ({}, "you must provide one of first or last"),
        ({"first": 251}, "between 0 and 250"),
        ({"first": 1, "after": "not-a-cursor"}, "Invalid cursor"),
    ],
    ids=["no-size", "too-big", "bad-cursor"],
)
async def test_page_arguments_shopify_refuses(
    http: httpx.AsyncClient, variables: dict[str, Any], complaint: str
) -> None:
    body = (await graphql(http, PRODUCT_TITLES, variables)).json()
    assert body["data"] is None
    assert complaint in body["errors"][0]["message"]


@pytest.mark.anyio
async def test_more_than_250_ids_are_refused(http: httpx.AsyncClient) -> None:
    ids = [f"gid://shopify/Customer/{n}" for n in range(251)]
    body = (
        await graphql(http, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"


@pytest.mark.anyio
async def test_nodes_keep_order_with_null_for_missing(
    http: httpx.AsyncClient, sandbox: ShopifySandbox
) -> None:
    samples = sandbox.samples()
    ids = [samples.customer_ids[1], samples.missing_customer_id, samples.product_ids[0]]
    body = (
        await graphql(
            http, "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids}
        )
    ).json()
    assert body["data"]["nodes"] == [
        {"__typename": "Customer", "id": samples.customer_ids[1]},
        None,
        {"__typename": "Product", "id": samples.product_ids[0]},
    ]


# -- cost and throttling -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_every_answer_reports_cost_and_bucket(anyio_backend: str) -> None:
    sandbox = ShopifySandbox(clock=FakeClock())
    async with client_for(sandbox) as http:
        body = (await graphql(http, PLP_QUERY)).json()
    cost = body["extensions"]["cost"]
    # 2 + 50 products * (1 + featuredMedia 2 + variants (2 + 5 * (1 + selectedOptions 1))).
    assert cost["requestedQueryCost"] == 2 + 50 * (1 + 2 + 2 + 5 * 2) == 752
    # Fewer variants came back than asked for, so the actual cost is lower.
    assert 2 < cost["actualQueryCost"] < cost["requestedQueryCost"]
    assert cost["throttleStatus"] == {
        "maximumAvailable": 20000.0,
        "currentlyAvailable": 20000 - cost["actualQueryCost"],
        "restoreRate": 1000.0,
    }


@pytest.mark.anyio
async def test_a_query_over_1000_points_is_refused_before_it_runs(
    http: httpx.AsyncClient, sandbox: ShopifySandbox
) -> None:
    body = (await graphql(http, queries.PRODUCTS_QUERY, {"first": 50})).json()
    assert body == {
        "errors": [
            {
                "message": body["errors"][0]["message"],
                "extensions": {
                    "code": "MAX_COST_EXCEEDED",
                    "cost": 1253,
                    "maxCost": 1000,
                    "documentation": "https://shopify.dev/api/usage/rate-limits",
                },
            }
        ]
    }
    assert body["errors"][0]["message"].startswith(
        "Query cost is 1253, which exceeds the single query max cost limit (1000)."
    )
    assert sandbox.bucket.available() == 20000


@pytest.mark.anyio
async def test_the_bucket_throttles_and_refills(anyio_backend: str) -> None:
    clock = FakeClock()
    sandbox = ShopifySandbox(maximum_available=100, restore_rate=10, clock=clock)
    async with client_for(sandbox) as http:
        ok = (await graphql(http, queries.PRODUCTS_QUERY, {"first": 3})).json()
        # 3 + 3 * 25 = 78 requested; the 3 products have 4, 4 and 4 variants, not 10.
        spent = ok["extensions"]["cost"]["actualQueryCost"]
        assert ok["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 100 - spent

        throttled = await graphql(http, queries.PRODUCTS_QUERY, {"first": 3})
        assert throttled.status_code == 200
        assert throttled.json() == {
            "errors": [
                {
                    "message": "Throttled",
                    "extensions": {
                        "code": "THROTTLED",
                        "documentation": "https://shopify.dev/api/usage/rate-limits",
                    },
                }
            ],
            "extensions": {
                "cost": {
                    "requestedQueryCost": 78,
                    "actualQueryCost": None,
                    "throttleStatus": {
                        "maximumAvailable": 100.0,
                        "currentlyAvailable": 100 - spent,
                        "restoreRate": 10.0,
                    },
                }
            },
        }
        clock.advance((78 - (100 - spent)) / 10)
        again = (await graphql(http, queries.PRODUCTS_QUERY, {"first": 3})).json()
        assert "errors" not in again


@pytest.mark.anyio
async def test_forced_throttling_reports_an_empty_bucket(
    http: httpx.AsyncClient, sandbox: ShopifySandbox
) -> None:
    sandbox.faults.throttle = True
    body = (await graphql(http, queries.PING_QUERY)).json()
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 0


@pytest.mark.anyio
async def test_down_means_503_with_retry_after(
    http: httpx.AsyncClient, sandbox: ShopifySandbox
) -> None:
    sandbox.faults.down = True
    response = await graphql(http, queries.PING_QUERY)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1.0"


# -- speed -----------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_50_product_listing_is_fast(anyio_backend: str) -> None:
    sandbox = ShopifySandbox(maximum_available=1_000_000, restore_rate=1_000_000)
    async with client_for(sandbox) as http:
        await graphql(http, PLP_QUERY)  # parse + validate once, as a warm demo would
        timings = []
        for _ in range(7):
            start = time.perf_counter()
            body = (await graphql(http, PLP_QUERY)).json()
            timings.append(time.perf_counter() - start)
    assert len(body["data"]["products"]["nodes"]) == 50
    assert statistics.median(timings) < 0.050


def _realistic(sandbox: ShopifySandbox) -> list[tuple[str, str, dict[str, Any]]]:
    samples = sandbox.samples()
    skus = [variant["sku"] for variant in sandbox.state.variants[:29]]
    return [
        ("products-by-id", queries.PRODUCTS_BY_ID_QUERY, {"ids": list(samples.product_ids)}),
        ("products", queries.PRODUCTS_QUERY, {"first": queries.HANDLES_PER_QUERY}),
        ("variants", queries.VARIANTS_QUERY, {"first": 29, "query": queries.any_of("sku", skus)}),
        ("locations", queries.LOCATIONS_QUERY, {"first": queries.LOCATIONS_PER_QUERY}),
        (
            "levels",
            queries.INVENTORY_LEVELS_QUERY,
            {"first": 29, "query": queries.any_of("sku", skus)},
        ),
        (
            "levels-at",
            queries.levels_at_locations_query(3),
            {"first": 29, "query": queries.any_of("sku", skus)}
            | {f"location{i}": samples.location_ids[i] for i in range(3)},
        ),
        ("customers-by-id", queries.CUSTOMERS_BY_ID_QUERY, {"ids": list(samples.customer_ids)}),
        ("orders-by-id", queries.ORDERS_BY_ID_QUERY, {"ids": list(samples.order_ids)}),
    ]


REALISTIC = [
    "products-by-id",
    "products",
    "variants",
    "locations",
    "levels",
    "levels-at",
    "customers-by-id",
    "orders-by-id",
]


@pytest.mark.parametrize("name", REALISTIC)
def test_actual_cost_never_exceeds_the_requested(name: str) -> None:
    sandbox = ShopifySandbox(clock=FakeClock())
    [(document, variables)] = [(d, v) for n, d, v in _realistic(sandbox) if n == name]
    body = orjson.loads(sandbox.execute(document, variables).body)
    assert "errors" not in body
    cost = body["extensions"]["cost"]
    assert 0 < cost["actualQueryCost"] <= cost["requestedQueryCost"] <= 1000
    left = cost["throttleStatus"]["currentlyAvailable"]
    assert left == 20000 - cost["actualQueryCost"], "the unused part is refunded"
