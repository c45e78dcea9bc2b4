"""The benchmark peer's config, without node: its OpenAPI descriptions name paths the
sandboxes really serve, the Shopify documents Mesh sends are valid and within Shopify's
cost limit, the joins in mesh.config.ts use real operations and parameters, and the
canonical forms agree with our gateway's on recorded answers (tests/benchmarks/peer_samples,
recorded from a peer and our gateway over the same sandboxes)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import FieldNode, OperationDefinitionNode, SelectionSetNode, parse, print_ast

import benchmarks.peer as peer
from benchmarks import scenarios
from connectors.odoo.sandbox import OdooSandbox
from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.sandbox import Sandbox
from connectors.sap_commerce.sandbox import SapCommerceSandbox
from connectors.shopify.sandbox import ShopifySandbox

PEER = Path(peer.__file__).parent
SAMPLES = Path(__file__).parent / "peer_samples"
SPECS = {
    "sap_commerce": PEER / "openapi" / "sap_commerce.json",
    "salesforce": PEER / "openapi" / "salesforce.json",
    "odoo": PEER / "openapi" / "odoo.json",
}
MESH_CONFIG = (PEER / "mesh.config.ts").read_text()
#: A SAP SKU and user that exist in the sandbox.
SKU = "NL-1001-NVY-S"

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _spec(name: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(SPECS[name].read_text())
    return spec


def _client(sandbox: Sandbox, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=sandbox.app),
        base_url=sandbox.base_url,
        headers=headers or {},
    )


async def _token(client: httpx.AsyncClient, path: str, settings: dict[str, Any]) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": settings["client_id"],
        "client_secret": settings["client_secret"],
    }
    response = await client.post(path, data=form)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _schema_properties(spec: dict[str, Any], path: str, method: str) -> set[str]:
    """The top-level properties of the 200 answer the spec promises."""
    schema = spec["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    schema = schema["schema"]
    if schema.get("type") == "array":
        schema = schema["items"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return set(schema.get("properties", {}))


# -- the OpenAPI descriptions -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SPECS))
def test_openapi_files_are_openapi_3_with_operation_ids(name: str) -> None:
    spec = _spec(name)
    assert spec["openapi"].startswith("3.")
    operations = [op for item in spec["paths"].values() for op in item.values()]
    assert operations
    assert all(re.fullmatch(r"[a-zA-Z]+", op["operationId"]) for op in operations)


async def test_sap_paths_are_served() -> None:
    sandbox = SapCommerceSandbox()
    settings = sandbox.connector_settings(sandbox.base_url)
    spec = _spec("sap_commerce")
    async with _client(sandbox) as client:
        token = await _token(client, "/authorizationserver/oauth/token", settings)
        client.headers["Authorization"] = f"Bearer {token}"
        site, user = settings["base_site"], peer.ACCOUNT_EMAIL
        calls: dict[str, tuple[str, dict[str, str | int]]] = {
            "/occ/v2/{baseSiteId}/stores": (
                f"/occ/v2/{site}/stores",
                {"pageSize": 100, "fields": "stores(name,displayName)"},
            ),
            "/occ/v2/{baseSiteId}/users/{userId}/orders": (
                f"/occ/v2/{site}/users/{user}/orders",
                {"pageSize": 10, "sort": "byDate"},
            ),
            "/odata2webservices/InboundStockLevel/StockLevels": (
                "/odata2webservices/InboundStockLevel/StockLevels",
                {
                    "$filter": f"productCode eq '{SKU}'",
                    "$expand": "warehouse,warehouse/pointsOfService",
                },
            ),
        }
        assert set(calls) == set(spec["paths"])
        for path, (url, params) in calls.items():
            response = await client.get(url, params=params)
            assert response.status_code == 200, (path, response.text)
            body = response.json()
            assert set(body) <= _schema_properties(spec, path, "get"), path
            assert all(
                p["name"] in params or not p.get("required") or p["in"] == "path"
                for p in spec["paths"][path]["get"]["parameters"]
            )
    rows = body["d"]["results"]
    assert {row["productCode"] for row in rows} == {SKU}
    assert all(row["warehouse"]["pointsOfService"]["results"] for row in rows)


async def test_salesforce_query_is_served() -> None:
    sandbox = SalesforceSandbox()
    settings = sandbox.connector_settings(sandbox.base_url)
    spec = _spec("salesforce")
    [path] = spec["paths"]
    async with _client(sandbox) as client:
        token = await _token(client, "/services/oauth2/token", settings)
        soql = re.search(r'q: "(SELECT [^"]+)"', peer.ACCOUNT_QUERY)
        assert soql is not None
        response = await client.get(
            path, params={"q": soql.group(1)}, headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) <= _schema_properties(spec, path, "get")
    [record] = body["records"]
    contact = spec["components"]["schemas"]["Contact"]["properties"]
    assert set(record) <= set(contact)
    assert record["Loyalty_Tier__c"]


async def test_odoo_sale_orders_are_served() -> None:
    sandbox = OdooSandbox()
    settings = sandbox.connector_settings(sandbox.base_url)
    spec = _spec("odoo")
    [path] = spec["paths"]
    headers = {
        "Authorization": f"bearer {settings['api_key']}",
        "X-Odoo-Database": settings["database"],
    }
    body = {
        "domain": [["partner_id.email", "=ilike", peer.ACCOUNT_EMAIL]],
        "fields": ["name", "date_order", "amount_total", "team_id"],
        "limit": 10,
        "order": "date_order desc",
    }
    assert set(body) <= set(spec["components"]["schemas"]["SearchRead"]["properties"])
    async with _client(sandbox, headers) as client:
        response = await client.post(path, json=body)
    assert response.status_code == 200, response.text
    orders = response.json()
    assert orders
    assert all(set(order) <= _schema_properties(spec, path, "post") for order in orders)


# -- mesh.config.ts -----------------------------------------------------------------------


def test_sap_join_uses_a_real_operation_and_its_parameters() -> None:
    """``sapStock`` resolves to ``stockLevels`` with ``$filter`` and ``$expand`` (Mesh names
    them ``_DOLLAR_filter``, ``_DOLLAR_expand``)."""
    spec = _spec("sap_commerce")
    operations = {op["operationId"]: op for item in spec["paths"].values() for op in item.values()}
    join = re.search(r"sapStock: \[StockLevel\]\s+@resolveTo\((.*?)\n\s+\)", MESH_CONFIG, re.S)
    assert join is not None
    field = re.search(r'sourceFieldName: "(\w+)"', join.group(1))
    assert field is not None
    assert field.group(1) in operations
    parameters = {p["name"] for p in operations[field.group(1)]["parameters"]}
    arguments = re.findall(r"_DOLLAR_(\w+):", join.group(1))
    assert arguments
    assert {f"${name}" for name in arguments} <= parameters
    assert "StockLevel" in spec["components"]["schemas"]


def test_gateway_runs_as_one_process_without_batching_shopify_documents() -> None:
    command = peer.gateway_command(Path("/tmp/supergraph.graphql"), 8300)
    assert Path(command[0]).name == "node"
    assert command[1] == "node_modules/@graphql-hive/gateway/dist/bin.js"
    assert command[command.index("--fork") + 1] == "1"
    assert command[command.index("--host") + 1] == "127.0.0.1"
    gateway_config = (PEER / "gateway.config.ts").read_text()
    assert "__experimental__batchExecution: false" in gateway_config
    assert "logging: 'error'" in gateway_config


def test_package_versions_are_pinned() -> None:
    package = json.loads((PEER / "package.json").read_text())
    lock = json.loads((PEER / "package-lock.json").read_text())
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert package["dependencies"]["@graphql-hive/gateway"] == "2.15.1"
    assert package["dependencies"]["@graphql-mesh/compose-cli"] == "1.8.2"


# -- the Shopify documents Mesh sends -----------------------------------------------------


def _field(selections: SelectionSetNode, name: str) -> FieldNode:
    return next(
        s for s in selections.selections if isinstance(s, FieldNode) and s.name.value == name
    )


def _without(node: Any, names: set[str]) -> Any:
    """``node`` with the fields in ``names`` left out, at any depth."""
    if isinstance(node, SelectionSetNode):
        kept = [
            s for s in node.selections if not (isinstance(s, FieldNode) and s.name.value in names)
        ]
        return SelectionSetNode(selections=tuple(_without(s, names) for s in kept))
    if isinstance(node, FieldNode) and node.selection_set is not None:
        return FieldNode(
            alias=node.alias,
            name=node.name,
            arguments=node.arguments,
            directives=node.directives,
            selection_set=_without(node.selection_set, names),
        )
    return node


def _shopify_documents(query: str) -> list[str]:
    """The Shopify documents Hive Gateway sends for ``query``: the Shopify fields, and for
    each ``shopifyStock`` the product read again by ID with what was asked under it."""
    [operation] = parse(query).definitions
    assert isinstance(operation, OperationDefinitionNode)
    others = {"sapStock", "occStores", "shopifyStock"}
    documents = [f"query {print_ast(_without(operation.selection_set, others))}"]
    nodes = _field(_field(operation.selection_set, "products").selection_set, "nodes")  # type: ignore[arg-type]
    assert nodes.selection_set is not None
    stock = [
        s
        for s in nodes.selection_set.selections
        if isinstance(s, FieldNode) and s.name.value == "shopifyStock"
    ]
    for field in stock:
        assert field.selection_set is not None
        inner = print_ast(_without(field.selection_set, others))
        documents.append(f"query ($id: ID!) {{ product(id: $id) {inner} }}")
    return documents


@pytest.mark.parametrize("scenario", sorted(peer.SCENARIOS))
async def test_shopify_documents_are_valid_and_within_the_cost_limit(scenario: str) -> None:
    sandbox = ShopifySandbox()
    settings = sandbox.connector_settings(sandbox.base_url)
    documents = _shopify_documents(peer.request(scenario)[0]["query"])
    assert len(documents) == (2 if scenario == "plp" else 1)
    product_id = sandbox.samples().product_ids[0]
    async with _client(sandbox, {"X-Shopify-Access-Token": settings["access_token"]}) as client:
        for document in documents:
            response = await client.post(
                ShopifySandbox.path, json={"query": document, "variables": {"id": product_id}}
            )
            body = response.json()
            assert response.status_code == 200
            assert not body.get("errors"), (document, body)
            assert body["extensions"]["cost"]["requestedQueryCost"] <= 1000


# -- requests and canonical forms ---------------------------------------------------------


def test_the_peer_asks_what_the_benchmark_asks() -> None:
    assert set(scenarios.SCENARIOS) >= peer.SCENARIOS
    assert "account" not in peer.SCENARIOS
    assert peer.PDP_HANDLE == scenarios.PDP_HANDLE
    assert peer.ACCOUNT_EMAIL == scenarios.ACCOUNT_EMAIL
    for name in (*sorted(peer.SCENARIOS), "account"):
        body, headers = peer.request(name)
        assert body["query"].lstrip().startswith("query ")
        parse(body["query"])
        assert headers["Content-Type"] == "application/json"
    assert f"first: {peer.PLP_FIRST}" in peer.request("plp")[0]["query"]
    assert f"handle:{peer.PDP_HANDLE}" in peer.request("pdp")[0]["query"]
    with pytest.raises(ValueError, match="no question"):
        peer.request("checkout")


def _sample(name: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads((SAMPLES / f"{name}.json").read_text())
    return answer


@pytest.mark.parametrize("scenario", sorted(peer.SCENARIOS))
def test_canonical_forms_agree_on_recorded_answers(scenario: str) -> None:
    ours = scenarios.SCENARIOS[scenario].normalise(_sample(f"{scenario}_ours"))
    theirs = peer.normalise(scenario, _sample(f"{scenario}_peer"))
    assert theirs == ours
    assert type(theirs) is type(ours)


def test_sap_stock_is_sellable_stock_per_named_point_of_service() -> None:
    answer = _sample("pdp_peer")
    canonical = peer.normalise("pdp", answer)
    assert isinstance(canonical, tuple)
    title, variants = canonical
    assert title == "Alpine Tee"
    assert len(variants) == 4
    names = {level[0] for _, _, _, levels in variants for level in levels}
    assert {"Lager Leipzig", "Lager Dortmund", "Zentrallager Kassel"} <= names
    assert ("Nordlicht Frankfurt Sachsenhausen", 5, False) in variants[1][3]
    # Reserved stock is not sellable; a level forced out of stock sells nothing.
    row = answer["data"]["products"]["nodes"][0]["variants"]["nodes"][1]["sapStock"][0]
    assert (row["available"], row["reserved"]) == (18, 1)
    assert ("Zentrallager Kassel", 17, False) in variants[1][3]
    row["inStockStatus"] = "forceOutOfStock"
    forced = peer.normalise("pdp", answer)
    assert isinstance(forced, tuple)
    assert ("Zentrallager Kassel", 0, False) in forced[1][1][3]


def test_answers_with_errors_and_account_have_no_canonical_form() -> None:
    with pytest.raises(ValueError, match="errors"):
        peer.normalise("plp", {"errors": [{"message": "MAX_COST_EXCEEDED"}], "data": None})
    with pytest.raises(ValueError, match="side by side"):
        peer.normalise("account", _sample("pdp_peer"))
