"""The sandbox refuses what SAP Commerce refuses and answers in its shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from connectors.sandbox import Samples
from connectors.sap_commerce.sandbox import SapCommerceSandbox
from connectors.sap_commerce.sandbox.fields import FieldsError, parse, select
from connectors.sap_commerce.sandbox.odata import ODataError, compile_filter
from connectors.testing import SandboxTransport

OCC = "/occ/v2/nordlicht"
STOCK = "/odata2webservices/InboundStockLevel/StockLevels"
CUSTOMERS = "/odata2webservices/InboundCustomer/Customers"
ORDERS = "/odata2webservices/InboundOrder/Orders"


@pytest.fixture
async def http(sandbox: SapCommerceSandbox, anyio_backend: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client with a valid token, talking to the sandbox as the ASGI app it is."""
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app), base_url=sandbox.base_url
    ) as client:
        answer = await client.post(
            "/authorizationserver/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": sandbox.client_id,
                "client_secret": sandbox.client_secret,
            },
        )
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        yield client


def _error_type(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["type"])


# -- OAuth -------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_token_endpoint_refuses_bad_clients_and_grants(
    sandbox: SapCommerceSandbox, anyio_backend: str
) -> None:
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app), base_url=sandbox.base_url
    ) as client:
        wrong = await client.post(
            "/authorizationserver/oauth/token",
            data={"grant_type": "client_credentials", "client_id": "x", "client_secret": "y"},
        )
        password = await client.post(
            "/authorizationserver/oauth/token",
            data={
                "grant_type": "password",
                "client_id": sandbox.client_id,
                "client_secret": sandbox.client_secret,
            },
        )
        basic = await client.post(
            "/authorizationserver/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(sandbox.client_id, sandbox.client_secret),
        )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    assert (password.status_code, password.json()["error"]) == (400, "unsupported_grant_type")
    assert basic.status_code == 200
    assert basic.json()["token_type"] == "bearer"
    assert basic.json()["expires_in"] == 43199


@pytest.mark.anyio
async def test_every_data_path_wants_a_live_bearer_token(
    sandbox: SapCommerceSandbox, http: httpx.AsyncClient
) -> None:
    paths = (f"{OCC}/products/search", f"{OCC}/stores", STOCK, CUSTOMERS, ORDERS, f"{OCC}/users/x")
    for path in paths:
        missing = await http.get(path, headers={"Authorization": ""})
        wrong = await http.get(path, headers={"Authorization": "Bearer nope"})
        assert (missing.status_code, _error_type(missing)) == (401, "InvalidTokenError"), path
        assert (wrong.status_code, _error_type(wrong)) == (401, "InvalidTokenError"), path
    sandbox.expire_tokens()
    assert (await http.get(f"{OCC}/stores")).status_code == 401


@pytest.mark.anyio
async def test_unknown_paths_are_404(http: httpx.AsyncClient) -> None:
    occ = await http.get(f"{OCC}/catalogs/nope/things")
    other = await http.get("/nothing-here")
    assert (occ.status_code, _error_type(occ)) == (404, "UnknownResourceError")
    assert other.status_code == 404


# -- OCC -------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    "query",
    ["currentPage=-1", "pageSize=0", "currentPage=abc"],
    ids=["negative-page", "empty-page", "not-a-number"],
)
async def test_paging_parameters_occ_refuses(http: httpx.AsyncClient, query: str) -> None:
    response = await http.get(f"{OCC}/products/search?{query}")
    assert (response.status_code, _error_type(response)) == (400, "IllegalArgumentError")


@pytest.mark.anyio
async def test_pages_are_numbered_from_zero(http: httpx.AsyncClient) -> None:
    first = (await http.get(f"{OCC}/products/search?currentPage=0&pageSize=7")).json()
    last = (await http.get(f"{OCC}/products/search?currentPage=8&pageSize=7")).json()
    beyond = (await http.get(f"{OCC}/products/search?currentPage=9&pageSize=7")).json()
    assert first["pagination"] == {
        "currentPage": 0,
        "pageSize": 7,
        "totalPages": 9,
        "totalResults": 60,
        "sort": "relevance",
    }
    assert first["products"][0]["code"] == "NL-1001"
    assert len(last["products"]) == 4
    assert "products" not in beyond  # empty lists are left out, as OCC does


@pytest.mark.anyio
async def test_fields_levels_and_explicit_lists(http: httpx.AsyncClient) -> None:
    basic = (await http.get(f"{OCC}/products/NL-1001?fields=BASIC")).json()
    default = (await http.get(f"{OCC}/products/NL-1001")).json()
    full = (await http.get(f"{OCC}/products/NL-1001?fields=FULL")).json()
    listed = (
        await http.get(f"{OCC}/products/NL-1001?fields=code,price(value),variantOptions")
    ).json()
    assert set(basic) == {"code", "name", "url", "purchasable"}
    assert "description" in default
    assert "variantOptions" not in default
    assert "variantOptions" in full
    assert listed["price"] == {"value": 24.9}
    assert set(listed["variantOptions"][0]) == {"code"}  # named without a list: BASIC


@pytest.mark.anyio
async def test_a_fields_value_that_does_not_parse_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.get(f"{OCC}/products/NL-1001?fields=code,price(value")
    assert response.status_code == 400


@pytest.mark.anyio
async def test_unknown_identifiers_are_400_with_the_subject(http: httpx.AsyncClient) -> None:
    product = await http.get(f"{OCC}/products/NL-9999")
    user = await http.get(f"{OCC}/users/ghost@example.com")
    [error] = product.json()["errors"]
    assert product.status_code == 400
    assert error == {
        "message": "Product with code 'NL-9999' not found!",
        "type": "UnknownIdentifierError",
        "subject": "NL-9999",
        "subjectType": "product",
        "reason": "notFound",
    }
    assert (user.status_code, _error_type(user)) == (400, "UnknownIdentifierError")


@pytest.mark.anyio
async def test_code_terms_or_together_and_match_variant_codes(http: httpx.AsyncClient) -> None:
    response = await http.get(
        f"{OCC}/products/search",
        params={
            "query": ":relevance:code:NL-1002:code:NL-1001-BLK-S:code:NL-1001-NVY-S",
            "fields": "products(code)",
        },
    )
    assert [p["code"] for p in response.json()["products"]] == ["NL-1001", "NL-1002"]


@pytest.mark.anyio
async def test_single_store_stock(sandbox: SapCommerceSandbox, http: httpx.AsyncClient) -> None:
    record = next(
        r for r in sandbox.retailer.stock_in("sap_commerce") if r.location_code == "dc-kassel"
    )
    answer = await http.get(f"{OCC}/products/{record.sku}/stock/dc-kassel")
    unknown_store = await http.get(f"{OCC}/products/{record.sku}/stock/nowhere")
    assert answer.json()["stockLevel"] == record.available
    assert answer.json()["stockLevelStatus"] in {"inStock", "lowStock", "outOfStock"}
    assert (unknown_store.status_code, _error_type(unknown_store)) == (
        400,
        "UnknownIdentifierError",
    )


# -- Integration API ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_odata_filter_escaping_paging_and_count(http: httpx.AsyncClient) -> None:
    response = await http.get(
        STOCK,
        params={
            "$filter": "(productCode eq 'NL-1001-NVY-S' or productCode eq 'O''Neil') and warehouse/code eq 'wh-leipzig'",
            "$expand": "warehouse",
            "$inlinecount": "allpages",
            "$top": "5",
        },
    )
    body = response.json()["d"]
    assert body["__count"] == "1"
    [row] = body["results"]
    assert (row["productCode"], row["warehouse"]["code"]) == ("NL-1001-NVY-S", "wh-leipzig")
    assert row["__metadata"]["type"] == "HybrisCommerceOData.StockLevel"


@pytest.mark.anyio
async def test_odata_expands_a_warehouses_points_of_service(http: httpx.AsyncClient) -> None:
    response = await http.get(
        STOCK,
        params={
            "$filter": "productCode eq 'NL-1001-NVY-S'",
            "$expand": "warehouse/pointsOfService",
        },
    )
    rows = response.json()["d"]["results"]
    assert {
        row["warehouse"]["code"]: [
            s["name"] for s in row["warehouse"]["pointsOfService"]["results"]
        ]
        for row in rows
    } == {"dc-kassel": ["dc-kassel"], "wh-dortmund": ["wh-dortmund"], "wh-leipzig": ["wh-leipzig"]}


@pytest.mark.anyio
async def test_odata_without_expand_defers_the_warehouse_and_pages_by_default(
    sandbox: SapCommerceSandbox, http: httpx.AsyncClient
) -> None:
    body = (await http.get(STOCK)).json()["d"]
    assert len(body["results"]) == sandbox.odata_default_top
    assert "__count" not in body
    assert "__deferred" in body["results"][0]["warehouse"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"$filter": "productCode ne 'A'"}, "not_supported"),
        ({"$filter": "startswith(productCode, 'A')"}, "not_supported"),
        ({"$filter": "color eq 'red'"}, "not_supported"),
        ({"$filter": "productCode eq 'A' or"}, "invalid_query"),
        ({"$filter": "(productCode eq 'A'"}, "invalid_query"),
        ({"$orderby": "warehouse"}, "not_supported"),
        ({"$orderby": "productCode upwards"}, "invalid_query"),
        ({"$select": "productCode"}, "not_supported"),
        ({"$top": "-1"}, "invalid_query"),
        ({"$expand": "product"}, "invalid_query"),
    ],
    ids=[
        "ne",
        "function",
        "unknown-property",
        "dangling-or",
        "unclosed",
        "orderby-navigation",
        "orderby-direction",
        "select",
        "negative-top",
        "bad-expand",
    ],
)
async def test_odata_refuses_what_it_cannot_evaluate(
    http: httpx.AsyncClient, params: dict[str, str], code: str
) -> None:
    response = await http.get(STOCK, params=params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


@pytest.mark.anyio
async def test_customers_by_substring_sorted_and_expanded_two_levels(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get(
        CUSTOMERS,
        params={
            "$filter": "substringof('@', uid) eq true and (substringof('Pohl', name) "
            "or substringof('wim.', uid))",
            "$orderby": "uid desc",
            "$expand": "defaultShipmentAddress/country",
            "$inlinecount": "allpages",
        },
    )
    body = response.json()["d"]
    assert body["__count"] == "1"
    [row] = body["results"]
    assert (row["uid"], row["name"]) == ("wim.pohl@example.com", "Wim Pohl")
    assert row["__metadata"]["type"] == "HybrisCommerceOData.Customer"
    assert row["creationtime"] == "/Date(1747126800000)/"
    address = row["defaultShipmentAddress"]
    assert (address["streetname"], address["country"]["isocode"]) == ("Gartenweg 119", "AT")
    # Expanding a path expands its steps, and nothing else
    assert "__deferred" in address["region"]
    assert "__deferred" in row["addresses"]


@pytest.mark.anyio
async def test_customers_sort_by_uid_and_hold_the_anonymous_customer(
    sandbox: SapCommerceSandbox, http: httpx.AsyncClient
) -> None:
    everyone = (await http.get(CUSTOMERS, params={"$orderby": "uid", "$top": "100"})).json()
    nobody = await http.get(CUSTOMERS, params={"$filter": "substringof('@', uid) eq false"})
    uids = [row["uid"] for row in everyone["d"]["results"]]
    assert uids == sorted([*sandbox.state.users, "anonymous"])
    assert [row["uid"] for row in nobody.json()["d"]["results"]] == ["anonymous"]


@pytest.mark.anyio
async def test_orders_by_user_newest_first_with_entries_and_enums(
    sandbox: SapCommerceSandbox, samples: Samples, http: httpx.AsyncClient
) -> None:
    uid = samples.customer_with_orders or ""
    response = await http.get(
        ORDERS,
        params={
            "$filter": f"user/uid eq '{uid}'",
            "$orderby": "date desc,code desc",
            "$expand": "entries/product,status",
        },
    )
    rows = response.json()["d"]["results"]
    assert [row["code"] for row in rows] == [o["code"] for o in sandbox.state.orders[uid]]
    first, occ = rows[0], sandbox.state.orders[uid][0]
    assert first["status"]["code"] == occ["status"]
    assert "__deferred" in first["user"]
    assert first["date"].startswith("/Date(")
    # Edm.Double and Edm.Int64 travel as strings, Edm.Int32 as a number
    assert first["totalPrice"] == repr(occ["totalPrice"]["value"])
    [entry, *_] = first["entries"]["results"]
    assert (entry["entryNumber"], entry["quantity"]) == (0, str(occ["entries"][0]["quantity"]))
    assert entry["product"]["code"] == occ["entries"][0]["product"]["code"]
    oldest_first = await http.get(
        ORDERS, params={"$filter": f"user/uid eq '{uid}'", "$orderby": "date"}
    )
    assert [row["code"] for row in oldest_first.json()["d"]["results"]] == [
        row["code"] for row in reversed(rows)
    ]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        (CUSTOMERS, {"$filter": "startswith(uid, 'a')"}, "not_supported"),
        (CUSTOMERS, {"$filter": "substringof(uid, 'a')"}, "invalid_query"),
        (CUSTOMERS, {"$filter": "substringof('a', uid) eq 'yes'"}, "invalid_query"),
        (CUSTOMERS, {"$filter": "substringof('a', password)"}, "not_supported"),
        (ORDERS, {"$filter": "user/uid ne 'a'"}, "not_supported"),
        (ORDERS, {"$expand": "entries/order"}, "invalid_query"),
        (ORDERS, {"$orderby": "entries"}, "not_supported"),
    ],
    ids=[
        "other-function",
        "substringof-arguments-swapped",
        "substringof-against-a-string",
        "substringof-unknown-property",
        "ne-on-a-navigation-path",
        "expand-not-modelled",
        "orderby-collection",
    ],
)
async def test_customer_and_order_objects_refuse_what_they_cannot_evaluate(
    http: httpx.AsyncClient, path: str, params: dict[str, str], code: str
) -> None:
    response = await http.get(path, params=params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


@pytest.mark.anyio
async def test_an_object_serves_only_its_own_entity_sets(http: httpx.AsyncClient) -> None:
    response = await http.get("/odata2webservices/InboundCustomer/Orders")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_filter_precedence_and_binds_tighter_than_or() -> None:
    matches = compile_filter("a eq 1 or a eq 2 and b eq 3", {"a", "b"})
    assert matches({"a": 1, "b": 0})
    assert not matches({"a": 2, "b": 0})
    assert matches({"a": 2, "b": 3})


def test_filter_errors_name_the_problem() -> None:
    with pytest.raises(ODataError, match="Operator 'gt'"):
        compile_filter("a gt 1", {"a"})
    with pytest.raises(ODataError, match="Invalid token"):
        compile_filter("a eq 'unterminated", {"a"})


# -- fields --------------------------------------------------------------------------


def test_fields_parse_nested_lists_and_levels() -> None:
    assert parse("products(code,price(DEFAULT)),pagination(DEFAULT)") == (
        None,
        {
            "products": (None, {"code": None, "price": ("DEFAULT", {})}),
            "pagination": ("DEFAULT", {}),
        },
    )
    assert parse("BASIC,description") == ("BASIC", {"description": None})


@pytest.mark.parametrize("text", ["", "a,", "a(b", "a)b", "a(,b)"], ids=repr)
def test_fields_that_do_not_parse(text: str) -> None:
    with pytest.raises(FieldsError):
        parse(text)


def test_a_level_carries_into_nested_objects() -> None:
    product: dict[str, Any] = {
        "code": "A",
        "summary": "s",
        "price": {"value": 1, "currencyIso": "EUR", "formattedValue": "€1", "maxQuantity": 9},
    }
    assert select(product, "Product", parse("DEFAULT")) == {
        "code": "A",
        "summary": "s",
        "price": {"value": 1, "currencyIso": "EUR", "formattedValue": "€1"},
    }


def test_samples_name_what_exists(sandbox: SapCommerceSandbox) -> None:
    samples = sandbox.samples()
    assert samples.extra["product_count"] == 60
    assert samples.extra["customer_count"] == len(sandbox.state.users) == 18
    assert len(sandbox.state.orders[samples.customer_with_orders or ""]) >= 2
    assert samples.missing_product_id not in sandbox.state.products
    assert samples.missing_customer_id not in sandbox.state.users
    assert set(samples.location_ids) == {"wh-leipzig", "wh-dortmund", "dc-kassel"}
