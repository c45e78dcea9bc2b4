"""Who may read what, over the demo's sandboxes; and the production profile's locks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import httpx
import pytest
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from connectors.sandbox import Sandbox
from connectors.testing import SandboxTransport
from gateway.app import create_app
from gateway.config import ConnectorConfig
from gateway.limits import LimitSettings
from gateway.sandboxes import DEMO_ADMIN_KEY, create_sandboxes, sandbox_config
from gateway.testing import GatewayClient
from schema.ids import encode

ME = "yusuf.vogel@example.com"
SOMEONE_ELSE = "ben.brandt@example.com"
PROFILE = "query($email: String!) { customer(email: $email) { id email orders(first: 50) { nodes { id } } } }"


@pytest.fixture
def other(admin_client: GatewayClient) -> dict[str, object]:
    """Another customer's IDs, as an admin sees them."""
    found = admin_client.query(PROFILE, {"email": SOMEONE_ELSE}).data["customer"]
    assert found["orders"]["nodes"], "the other customer has orders"
    return found


def test_a_customer_reads_their_own_profile_and_orders(
    customer_client: Callable[[str], GatewayClient],
) -> None:
    me = customer_client(ME)
    found = me.query(PROFILE, {"email": ME})
    assert found.errors == []
    assert found.data["customer"]["email"] == ME
    orders = found.data["customer"]["orders"]["nodes"]
    assert orders
    mine = me.query(
        "query($id: ID!) { order(id: $id) { id customer { email } } }", {"id": orders[0]["id"]}
    )
    assert mine.data["order"]["customer"]["email"] == ME


@pytest.mark.parametrize(
    ("path", "document", "variables"),
    [
        ("customer-by-email", PROFILE, lambda o: {"email": SOMEONE_ELSE}),
        ("customer-by-email-other-case", PROFILE, lambda o: {"email": SOMEONE_ELSE.upper()}),
        (
            "customer-by-id",
            "query($id: ID!) { customer(id: $id) { id } }",
            lambda o: {"id": o["id"]},
        ),
        ("node-customer", "query($id: ID!) { node(id: $id) { id } }", lambda o: {"id": o["id"]}),
        (
            "order-by-id",
            "query($id: ID!) { order(id: $id) { id } }",
            lambda o: {"id": o["orders"]["nodes"][0]["id"]},
        ),
        (
            "node-order",
            "query($id: ID!) { node(id: $id) { id } }",
            lambda o: {"id": o["orders"]["nodes"][0]["id"]},
        ),
        (
            "nested-orders",
            "query($id: ID!) { customer(id: $id) { orders { nodes { id } } } }",
            lambda o: {"id": o["id"]},
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_customer_cannot_read_anyone_elses_data_by_any_path(
    customer_client: Callable[[str], GatewayClient],
    other: dict[str, object],
    path: str,
    document: str,
    variables: Callable[[dict[str, object]], dict[str, object]],
) -> None:
    result = customer_client(ME).query(document, variables(other))
    # Exactly as if it did not exist: null, and no error to tell it apart.
    assert result.errors == []
    assert list(result.data.values()) == [None]


def test_a_missing_customer_and_someone_elses_answer_alike(
    customer_client: Callable[[str], GatewayClient],
) -> None:
    me = customer_client(ME)
    missing = me.query(PROFILE, {"email": "nobody-at-all@example.com"})
    someone = me.query(PROFILE, {"email": SOMEONE_ELSE})
    assert (missing.status_code, missing.data, missing.errors) == (
        someone.status_code,
        someone.data,
        someone.errors,
    )


def test_what_an_admin_cached_is_not_served_to_a_customer(
    admin_client: GatewayClient, customer_client: Callable[[str], GatewayClient]
) -> None:
    assert admin_client.query(PROFILE, {"email": SOMEONE_ELSE}).data["customer"] is not None
    assert customer_client(ME).query(PROFILE, {"email": SOMEONE_ELSE}).data["customer"] is None


@pytest.mark.parametrize(
    ("document", "scope"),
    [
        ('{ customer(email: "x@example.com") { id } }', "customer"),
        ("{ customers(first: 2) { nodes { id } } }", "admin"),
        ('{ order(id: "T3JkZXI6c2hvcGlmeTp4") { id } }', "customer"),
    ],
    ids=["customer", "customers", "order"],
)
def test_anonymous_requests_are_forbidden_customer_data(
    gateway_client: GatewayClient, document: str, scope: str
) -> None:
    result = gateway_client.query(document)
    assert result.error_codes == ["FORBIDDEN"]
    assert f"needs the {scope} scope" in result.errors[0]["message"]


def test_a_customer_session_cannot_list_customers(
    customer_client: Callable[[str], GatewayClient],
) -> None:
    result = customer_client(ME).query("{ customers(first: 2) { nodes { id } } }")
    assert result.error_codes == ["FORBIDDEN"]


def test_the_catalog_is_open_to_the_storefront(gateway_client: GatewayClient) -> None:
    result = gateway_client.query('{ product(handle: "alpine-tee") { title } }')
    assert result.data == {"product": {"title": "Alpine Tee"}}


def test_a_node_id_of_a_private_type_needs_its_scope(gateway_client: GatewayClient) -> None:
    result = gateway_client.query(
        "query($id: ID!) { node(id: $id) { id } }", {"id": encode("Customer", "shopify", "1")}
    )
    assert result.error_codes == ["FORBIDDEN"]


# -- the production profile ------------------------------------------------------------------

CANARIES = [f"canary-{i:02d}-s3cr3t-{'x' * 8}" for i in range(20)]
STATUSES = [400, 401, 403, 404, 422, 500, 502, 503, 429, 200]


def canary_app(name: str, index: int, sandbox: Sandbox) -> Callable[[Scope, Receive, Send], object]:
    """The sandbox, but every answer is an error whose text carries a canary secret."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await sandbox.app(scope, receive, send)
            return
        canary = CANARIES[(index * 5 + app.calls) % len(CANARIES)]  # type: ignore[attr-defined]
        status = STATUSES[(index + app.calls) % len(STATUSES)]  # type: ignore[attr-defined]
        app.calls += 1  # type: ignore[attr-defined]
        body = (
            f'{{"errors":[{{"message":"db password={canary} on db-7.internal","errorCode":"X",'
            f'"type":"ServerError","debug":"Traceback {canary}"}}],"error":"{canary}"}}'
        )
        await Response(body, status, media_type="application/json")(scope, receive, send)

    app.calls = 0  # type: ignore[attr-defined]
    return app


@pytest.fixture
def production() -> Iterator[tuple[GatewayClient, dict[str, Sandbox]]]:
    sandboxes = create_sandboxes()
    config = sandbox_config(
        sandboxes, {n: s.base_url for n, s in sandboxes.items()}, profile="production"
    )
    config = dataclasses.replace(config, limits=LimitSettings.for_profile("production"))
    names = list(sandboxes)

    def transport(spec: ConnectorConfig) -> httpx.AsyncBaseTransport:
        index = names.index(spec.instance)
        return SandboxTransport(canary_app(spec.instance, index, sandboxes[spec.instance]))  # type: ignore[arg-type]

    app = create_app(config, transport_factory=transport)
    with GatewayClient(app, headers={"x-api-key": DEMO_ADMIN_KEY}) as client:
        yield client, sandboxes


def test_production_never_returns_back_end_error_text(
    production: tuple[GatewayClient, dict[str, Sandbox]],
) -> None:
    client, _ = production
    documents = [
        '{ product(handle: "alpine-tee") { title variants { price { amount } inventory { available } } } }',
        "{ products(first: 5) { nodes { title } } }",
        '{ variant(sku: "NL-1001-NVY-M") { price { amount } inventory { location { name } } } }',
        "{ locations { name } }",
        '{ customer(email: "yusuf.vogel@example.com") { email orders { nodes { number } } } }',
        "{ customers(first: 3) { nodes { email } } }",
    ]
    seen = ""
    for _ in range(4):  # enough calls for every canary to have been served
        for document in documents:
            response = client.post("/graphql", json={"query": document})
            assert response.status_code < 500
            seen += response.text
    for canary in CANARIES:
        assert canary not in seen
    assert "db-7.internal" not in seen
    assert "Traceback" not in seen


def test_production_locks_introspection_suggestions_and_graphiql(
    production: tuple[GatewayClient, dict[str, Sandbox]],
) -> None:
    client, _ = production
    introspection = client.query("{ __schema { types { name } } }")
    assert introspection.error_codes == ["INTROSPECTION_DISABLED"]
    typo = client.query("{ prodcts(first: 1) { nodes { title } } }")
    assert typo.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Did you mean" not in typo.errors[0]["message"]
    assert client.get("/graphql", headers={"accept": "text/html"}).status_code == 404
    assert client.query("{ __typename }").data == {"__typename": "Query"}
