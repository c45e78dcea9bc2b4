"""The graph over two in-memory back ends: routing, union, batching, paging, errors."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence

import pytest

from connectors import UpstreamUnavailable
from connectors.models import InventoryLevel, Location, Variant
from gateway.testing import GatewayClient
from schema.ids import encode
from tests.fakes import FakeConnector, FakeState
from tests.gateway.conftest import ADMIN, FAKE_RAW, fake_app, fake_config

PLP = """
query Plp($first: Int!) {
  products(first: $first) {
    nodes {
      id title
      variants { sku price { amount currencyCode }
        inventory { available onHand reserved location { name kind } } }
    }
  }
}
"""

PDP = """
{ product(handle: "product-1") {
    variants { sku inventory { available location { name } } } } }
"""


def calls_by(state: FakeState) -> Counter[tuple[str, str]]:
    return Counter((instance, method) for instance, method, _ in state.calls)


@pytest.mark.parametrize("first", [5, 50])
def test_a_page_of_products_costs_the_same_calls_for_any_size(
    fake_client: GatewayClient, fake_state: FakeState, first: int
) -> None:
    result = fake_client.query(PLP, {"first": first})

    assert result.errors == []
    nodes = result.data["products"]["nodes"]
    assert len(nodes) == first
    levels = nodes[0]["variants"][0]["inventory"]
    assert sorted((lv["location"]["name"], lv["location"]["kind"]) for lv in levels) == [
        ("Store 1", "STORE"),
        ("Store 2", "STORE"),
        ("Warehouse 1", "WAREHOUSE"),
    ]
    assert calls_by(fake_state) == {
        ("stores", "list_products"): 1,
        ("stores", "levels"): 1,
        ("warehouses", "levels"): 1,
        ("stores", "locations"): 1,
        ("warehouses", "locations"): 1,
    }


def test_stock_is_asked_for_every_sku_in_one_batch(
    fake_client: GatewayClient, fake_state: FakeState
) -> None:
    fake_client.query(PLP, {"first": 20})
    [levels_call] = [
        args
        for inst, method, args in fake_state.calls
        if (inst, method) == ("warehouses", "levels")
    ]
    assert len(levels_call[0]) == 60  # 20 products x 3 variants


@pytest.mark.parametrize("query", [PLP, PDP], ids=["listing", "product"])
def test_locations_are_asked_for_beside_the_stock_not_after_it(
    fake_client: GatewayClient, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    # Every level shown carries its location: waiting for the stock before asking where
    # it is would add a back-end round trip to a cold listing. So no system answers its
    # stock here until its locations have been asked for; asked after, the query stalls.
    asked: dict[str, asyncio.Event] = {}
    levels, locations = FakeConnector.levels, FakeConnector.locations

    async def levels_once_located(
        self: FakeConnector, skus: Sequence[str], location_ids: Sequence[str] | None = None
    ) -> list[list[InventoryLevel]]:
        await asyncio.wait_for(asked.setdefault(self.instance, asyncio.Event()).wait(), 5)
        return await levels(self, skus, location_ids)

    async def located(self: FakeConnector) -> list[Location]:
        asked.setdefault(self.instance, asyncio.Event()).set()
        return await locations(self)

    monkeypatch.setattr(FakeConnector, "levels", levels_once_located)
    monkeypatch.setattr(FakeConnector, "locations", located)
    result = fake_client.query(query, {"first": 5})
    assert result.errors == []
    assert set(asked) == {"stores", "warehouses"}


STOCK_SELECTIONS = {
    "nodes": "{ products(first: 5) { nodes { variants { inventory { available } } } } }",
    "edges": "{ products(first: 5) { edges { node { variants { inventory { available } } } } } }",
    "fragment": "{ products(first: 5) { nodes { ...Stock } } } "
    "fragment Stock on Product { variants { inventory { available } } }",
    "inline fragment": "{ products(first: 5) { ... on ProductConnection { nodes { variants "
    "{ ... { inventory { available } } } } } } }",
    "product": '{ product(handle: "product-1") { variants { inventory { available } } } }',
}


@pytest.mark.parametrize("query", STOCK_SELECTIONS.values(), ids=STOCK_SELECTIONS.keys())
def test_stock_is_asked_for_beside_the_prices_not_after_them(
    fake_state: FakeState, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    # The price authority and the stock systems both need only the page's SKUs: asked
    # one after the other, a listing would wait for two round trips instead of one. So
    # the price authority does not answer here until the stock has been asked for.
    raw = {**FAKE_RAW, "federation": {"prices": {"authority": "warehouses"}}}
    stock_asked: list[asyncio.Event] = []
    variants, levels = FakeConnector.variants, FakeConnector.levels

    def event() -> asyncio.Event:
        if not stock_asked:
            stock_asked.append(asyncio.Event())
        return stock_asked[0]

    async def prices_once_stock_is_asked(
        self: FakeConnector, skus: Sequence[str]
    ) -> list[Variant | None]:
        await asyncio.wait_for(event().wait(), 5)
        return await variants(self, skus)

    async def levels_noted(
        self: FakeConnector, skus: Sequence[str], location_ids: Sequence[str] | None = None
    ) -> list[list[InventoryLevel]]:
        event().set()
        return await levels(self, skus, location_ids)

    monkeypatch.setattr(FakeConnector, "variants", prices_once_stock_is_asked)
    monkeypatch.setattr(FakeConnector, "levels", levels_noted)
    with GatewayClient(fake_app(fake_config(raw)), headers=ADMIN) as client:
        result = client.query(query)
    assert result.errors == []
    assert ("warehouses", "variants") in calls_by(fake_state)
    assert ("warehouses", "levels") in calls_by(fake_state)


def test_a_document_whose_stock_is_included_by_a_variable_decides_per_request(
    fake_state: FakeState, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whether a listing fetches stock ahead is kept per document, except where an
    # @include takes a variable: the same text then decides again on every request.
    query = (
        "query($on: Boolean!) { products(first: 5) { nodes { variants "
        "{ inventory @include(if: $on) { available } } } } }"
    )
    raw = {**FAKE_RAW, "federation": {"prices": {"authority": "warehouses"}}}
    with GatewayClient(fake_app(fake_config(raw)), headers=ADMIN) as client:
        assert client.query(query, {"on": False}).errors == []
    assert ("warehouses", "levels") not in calls_by(fake_state)

    stock_asked = asyncio.Event()
    variants, levels = FakeConnector.variants, FakeConnector.levels

    async def prices_once_stock_is_asked(
        self: FakeConnector, skus: Sequence[str]
    ) -> list[Variant | None]:
        await asyncio.wait_for(stock_asked.wait(), 5)
        return await variants(self, skus)

    async def levels_noted(
        self: FakeConnector, skus: Sequence[str], location_ids: Sequence[str] | None = None
    ) -> list[list[InventoryLevel]]:
        stock_asked.set()
        return await levels(self, skus, location_ids)

    monkeypatch.setattr(FakeConnector, "variants", prices_once_stock_is_asked)
    monkeypatch.setattr(FakeConnector, "levels", levels_noted)
    with GatewayClient(fake_app(fake_config(raw)), headers=ADMIN) as client:
        result = client.query(query, {"on": True})
    assert result.errors == []
    assert all(
        variant["inventory"]
        for node in result.data["products"]["nodes"]
        for variant in node["variants"]
    )


@pytest.mark.parametrize(
    "query",
    [
        "{ products(first: 5) { nodes { title variants { sku } } } }",
        "{ products(first: 5) { nodes { variants { inventory @skip(if: true) { available } } } } }",
        "query($on: Boolean!) { products(first: 5) { nodes { variants "
        "{ inventory @include(if: $on) { available } } } } }",
    ],
    ids=["not selected", "skipped", "not included"],
)
def test_a_page_that_shows_no_stock_asks_for_none(
    fake_client: GatewayClient, fake_state: FakeState, query: str
) -> None:
    result = fake_client.query(query, {"on": False})
    assert result.errors == []
    assert {method for _, method, _ in fake_state.calls} == {"list_products"}


def test_stock_without_locations_asks_for_no_locations(
    fake_client: GatewayClient, fake_state: FakeState
) -> None:
    result = fake_client.query("{ products(first: 5) { nodes { availableForSale } } }")
    assert result.errors == []
    assert ("stores", "levels") in calls_by(fake_state)
    assert not [call for call in fake_state.calls if call[1] == "locations"]


def test_paging_with_end_cursor_visits_every_product_once(fake_client: GatewayClient) -> None:
    seen: list[str] = []
    after = None
    for _ in range(20):
        result = fake_client.query(
            "query($after: String) { products(first: 7, after: $after) "
            "{ edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }",
            {"after": after},
        )
        page = result.data["products"]
        seen.extend(edge["node"]["title"] for edge in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"Product {n}" for n in range(1, 61)]


def test_resuming_after_a_middle_edge_continues_from_that_edge(fake_client: GatewayClient) -> None:
    first = fake_client.query("{ products(first: 5) { edges { cursor node { title } } } }")
    third_cursor = first.data["products"]["edges"][2]["cursor"]
    result = fake_client.query(
        "query($a: String) { products(first: 2, after: $a) { nodes { title } } }",
        {"a": third_cursor},
    )
    assert [n["title"] for n in result.data["products"]["nodes"]] == ["Product 4", "Product 5"]


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ('{ products(first: 2, after: "bm90LWEtY3Vyc29y") { nodes { id } } }', "INVALID_CURSOR"),
        ("{ products(first: 0) { nodes { id } } }", "BAD_USER_INPUT"),
        ("{ products(first: 101) { nodes { id } } }", "BAD_USER_INPUT"),
        ('{ product(id: "x", handle: "y") { id } }', "BAD_USER_INPUT"),
        ('{ node(id: "definitely not an id") { id } }', "INVALID_ID"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ products(first: ", "GRAPHQL_PARSE_FAILED"),
    ],
    ids=[
        "bad-cursor",
        "first-zero",
        "first-too-big",
        "id-and-handle",
        "bad-id",
        "unknown-field",
        "syntax",
    ],
)
def test_bad_input_gets_a_coded_error(fake_client: GatewayClient, document: str, code: str) -> None:
    result = fake_client.query(document)
    assert result.status_code == 200
    assert result.error_codes == [code]


def test_an_id_of_another_type_is_refused(fake_client: GatewayClient) -> None:
    order_id = encode("Order", "stores", "c1-o1")
    result = fake_client.query("query($id: ID!) { product(id: $id) { id } }", {"id": order_id})
    assert result.error_codes == ["INVALID_ID"]
    assert "is not a Product ID" in result.errors[0]["message"]


def test_node_finds_every_type_by_its_id(fake_client: GatewayClient) -> None:
    product = fake_client.query('{ product(handle: "product-3") { id variants { id sku } } }').data[
        "product"
    ]
    location = fake_client.query("{ locations(kind: WAREHOUSE) { id name } }").data["locations"][0]
    customer = fake_client.query(
        '{ customer(email: "c7@example.com") { id orders(first: 1) { nodes { id number } } } }'
    ).data["customer"]
    order = customer["orders"]["nodes"][0]
    ids = {
        product["id"]: "Product",
        product["variants"][1]["id"]: "Variant",
        location["id"]: "Location",
        customer["id"]: "Customer",
        order["id"]: "Order",
    }
    for gid, expected in ids.items():
        result = fake_client.query(
            "query($id: ID!) { node(id: $id) { __typename id } }", {"id": gid}
        )
        assert result.data["node"] == {"__typename": expected, "id": gid}


def test_node_for_a_record_that_does_not_exist_is_null(fake_client: GatewayClient) -> None:
    result = fake_client.query(
        "query($id: ID!) { node(id: $id) { id } }", {"id": encode("Product", "stores", "p999")}
    )
    assert result.errors == []
    assert result.data == {"node": None}


def test_customer_orders_page_newest_first(fake_client: GatewayClient) -> None:
    query = """query($after: String) { customer(id: "%s") {
        orders(first: 2, after: $after) { nodes { number } pageInfo { hasNextPage endCursor } } } }"""
    query %= encode("Customer", "stores", "c1")
    numbers: list[str] = []
    after = None
    while True:
        page = fake_client.query(query, {"after": after}).data["customer"]["orders"]
        numbers.extend(n["number"] for n in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert numbers == ["#5", "#4", "#3", "#2", "#1"]


def test_a_back_end_down_leaves_the_others_stock_and_says_so(
    fake_client: GatewayClient, fake_state: FakeState
) -> None:
    fake_state.failing["warehouses"] = UpstreamUnavailable(
        "HTTP 503 from https://erp.internal:8443 token=sk_live_SECRET", connector="warehouses"
    )
    result = fake_client.query(
        '{ product(handle: "product-1") { title variants { sku inventory { location { name } } } } }'
    )

    assert result.status_code == 200
    product = result.data["product"]
    assert product["title"] == "Product 1"
    for variant in product["variants"]:
        names = [level["location"]["name"] for level in variant["inventory"]]
        assert names == ["Store 1", "Store 2"], "the stores' stock still arrives"
    assert sorted(tuple(e["path"]) for e in result.errors) == [
        ("product", "variants", i, "inventory") for i in range(3)
    ]
    for error in result.errors:
        assert error["message"] == "warehouses is unavailable"
        assert error["extensions"] == {
            "code": "UPSTREAM_UNAVAILABLE",
            "connector": "warehouses",
            "partial": True,
        }
    body = str(result.errors)
    assert "SECRET" not in body
    assert "erp.internal" not in body


def test_every_stock_system_down_nulls_the_stock_not_the_product(
    fake_client: GatewayClient, fake_state: FakeState
) -> None:
    for name in ("stores", "warehouses"):
        fake_state.failing[(name, "levels")] = UpstreamUnavailable("down", connector=name)
    result = fake_client.query(
        '{ product(handle: "product-1") { title variants { sku inventory { available } } } }'
    )

    product = result.data["product"]
    assert product["title"] == "Product 1"
    assert [v["inventory"] for v in product["variants"]] == [None, None, None]
    assert sorted(tuple(e["path"]) for e in result.errors) == [
        ("product", "variants", i, "inventory") for i in range(3)
    ]
    assert {e["extensions"]["code"] for e in result.errors} == {"UPSTREAM_UNAVAILABLE"}
    assert all("partial" not in e["extensions"] for e in result.errors)


def test_healthz_and_readyz(fake_client: GatewayClient, fake_state: FakeState) -> None:
    assert fake_client.get("/healthz").json() == {"status": "ok"}
    ready = fake_client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["connectors"] == {"stores": "ok", "warehouses": "ok"}
    fake_state.failing["stores"] = UpstreamUnavailable("down", connector="stores")
    unready = fake_client.get("/readyz")
    assert unready.status_code == 503
    assert unready.json()["connectors"] == {"stores": "UpstreamUnavailable", "warehouses": "ok"}
