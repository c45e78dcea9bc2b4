"""Vendor answers mapped once, at the boundary. The sandbox where it can say it; respx for
answers it never gives (403 permissions, 500 pages, odd shapes, a redirecting cursor)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import respx

from connectors.errors import (
    AuthFailed,
    ConnectorError,
    RejectedByVendor,
    UnexpectedResponse,
    UpstreamUnavailable,
)
from connectors.salesforce import SalesforceConnector, SalesforceSettings
from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.sandbox import Samples
from connectors.secrets import Secret

from .support import Connect, payload

BASE = "https://acme.my.salesforce.com"
DATA = "/services/data/v60.0"
QUERY = f"{BASE}{DATA}/query"
TOKEN = f"{BASE}/services/oauth2/token"
SECRET = "s3cret-value-7c1e"
ID = "0035g00000AbCdEAAV"


@pytest.fixture
async def mocked(anyio_backend: str) -> AsyncIterator[tuple[respx.MockRouter, SalesforceConnector]]:
    """A client-credentials connector against respx: a token route, the rest per test."""
    settings = SalesforceSettings(
        instance_url=BASE, client_id="3MVG9-gateway", client_secret=Secret(SECRET)
    )
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN).respond(json=payload("token"))
        async with httpx.AsyncClient() as client:
            yield router, SalesforceConnector(settings, client, instance="crm")


def _clean(error: ConnectorError) -> None:
    text = f"{error} {error!r}"
    assert SECRET not in text
    assert payload("token")["access_token"] not in text


# -- from the sandbox ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_custom_field_the_org_lacks_is_rejected_as_invalid_field(
    make_connector: Connect, samples: Samples
) -> None:
    async with make_connector(loyalty_points_field="Points__c") as connector:
        with pytest.raises(RejectedByVendor) as caught:
            await connector.customers([samples.customer_ids[0]])
    assert caught.value.code == "INVALID_FIELD"
    assert caught.value.message.startswith("No such column 'Points__c' on entity 'Contact'.")
    # Where in the query, as Salesforce counts (1-based), without the query itself
    assert caught.value.message.endswith("(Row:1:Column:160)")
    assert "SELECT" not in caught.value.message


@pytest.mark.anyio
async def test_an_api_version_salesforce_does_not_serve_is_rejected_as_not_found(
    make_connector: Connect, samples: Samples
) -> None:
    async with make_connector(api_version="v99.0") as connector:
        with pytest.raises(RejectedByVendor) as caught:
            await connector.customers([samples.customer_ids[0]])
    assert caught.value.code == "NOT_FOUND"
    assert "check instance_url and api_version" in caught.value.message


@pytest.mark.anyio
async def test_an_outage_is_upstream_unavailable(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    await connector.ping()
    sandbox.faults.down = True
    with pytest.raises(UpstreamUnavailable) as caught:
        await connector.customers([samples.customer_ids[0]])
    assert "503 SERVER_UNAVAILABLE" in str(caught.value)


# -- from respx ----------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "body", "error", "code"),
    [
        (400, "malformed_query", RejectedByVendor, "MALFORMED_QUERY"),
        (400, "invalid_field", RejectedByVendor, "INVALID_FIELD"),
        (404, "not_found", RejectedByVendor, "NOT_FOUND"),
        (403, "api_disabled", AuthFailed, None),
        (503, "server_unavailable", UpstreamUnavailable, None),
        (500, None, UpstreamUnavailable, None),
        (502, None, UpstreamUnavailable, None),
        (404, None, UnexpectedResponse, None),
        (300, None, UnexpectedResponse, None),
    ],
    ids=[
        "malformed-query",
        "invalid-field",
        "not-found",
        "api-disabled",
        "server-unavailable",
        "500-page",
        "502-page",
        "404-page",
        "300-multiple-choices",
    ],
)
async def test_error_answers_map_to_the_error_tree(
    mocked: tuple[respx.MockRouter, SalesforceConnector],
    status: int,
    body: str | None,
    error: type[ConnectorError],
    code: str | None,
) -> None:
    router, connector = mocked
    if body is None:
        router.get(QUERY).respond(
            status, text="<html>Error</html>", headers={"Content-Type": "text/html"}
        )
    else:
        router.get(QUERY).respond(status, json=payload("errors")[body])

    with pytest.raises(error) as caught:
        await connector.customers([ID])

    assert type(caught.value) is error
    assert caught.value.connector == "crm"
    if code is not None:
        assert isinstance(caught.value, RejectedByVendor)
        assert caught.value.code == code
    _clean(caught.value)


@pytest.mark.anyio
async def test_a_query_error_does_not_echo_the_query_into_logs(
    mocked: tuple[respx.MockRouter, SalesforceConnector],
) -> None:
    router, connector = mocked
    router.get(QUERY).respond(400, json=payload("errors")["malformed_query"])
    with pytest.raises(RejectedByVendor) as caught:
        await connector.customers_by_email(["max@example.com"])
    assert caught.value.message == "unexpected token: '<EOF>' (Row:1:Column:262)"
    assert "max@example.com" not in str(caught.value)


@pytest.mark.anyio
async def test_a_missing_permission_says_which(
    mocked: tuple[respx.MockRouter, SalesforceConnector],
) -> None:
    router, connector = mocked
    router.get(QUERY).respond(403, json=payload("errors")["api_disabled"])
    with pytest.raises(AuthFailed) as caught:
        await connector.customers([ID])
    assert "API_DISABLED_FOR_ORG" in str(caught.value)
    assert "permissions" in str(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "body",
    [
        b"<html>maintenance</html>",
        b'{"totalSize": 1, "done": true}',
        b'{"totalSize": 1, "done": true, "records": {"Id": "x"}}',
        b'{"totalSize": 1, "done": true, "records": [{"Email": "a@b.de"}]}',
        b'{"totalSize": 1, "done": true, "records": [{"Id": "x", "Loyalty_Points__c": true}]}',
        b'{"totalSize": 9, "done": false, "records": []}',
        b"[]",
    ],
    ids=[
        "html",
        "no-records",
        "records-not-a-list",
        "record-without-id",
        "points-not-a-number",
        "not-done-without-next-url",
        "array",
    ],
)
async def test_an_answer_of_the_wrong_shape_is_unexpected(
    mocked: tuple[respx.MockRouter, SalesforceConnector], body: bytes
) -> None:
    router, connector = mocked
    router.get(QUERY).respond(200, content=body)
    with pytest.raises(UnexpectedResponse):
        await connector.customers([ID])


@pytest.mark.anyio
async def test_a_cursor_that_loops_is_unexpected_not_endless(
    mocked: tuple[respx.MockRouter, SalesforceConnector],
) -> None:
    router, connector = mocked
    more = {"totalSize": 9, "done": False, "records": [], "nextRecordsUrl": f"{DATA}/query/01g-1"}
    router.get(QUERY).respond(json=more)
    again = router.get(f"{BASE}{DATA}/query/01g-1").respond(json=more)
    with pytest.raises(UnexpectedResponse):
        await connector.customers([ID])
    assert again.call_count == 1


@pytest.mark.anyio
async def test_a_next_records_url_off_the_instance_is_never_followed(
    mocked: tuple[respx.MockRouter, SalesforceConnector],
) -> None:
    router, connector = mocked
    elsewhere = router.get(url__startswith="https://evil.example.com").respond(json={})
    router.get(QUERY).respond(
        json={
            "totalSize": 4000,
            "done": False,
            "nextRecordsUrl": "https://evil.example.com/services/data/v60.0/query/01g-2000",
            "records": [],
        }
    )
    with pytest.raises(UnexpectedResponse):
        await connector.customers([ID])
    assert not elsewhere.called


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "body", "error", "says"),
    [
        (
            400,
            {"error": "invalid_grant", "error_description": "no client credentials user enabled"},
            AuthFailed,
            "invalid_grant",
        ),
        (401, None, AuthFailed, "no error code"),
        (500, None, UpstreamUnavailable, "token endpoint answered HTTP 500"),
        (200, {"token_type": "Bearer"}, UnexpectedResponse, "token response"),
    ],
    ids=["no-run-as-user", "401-page", "500", "no-access-token"],
)
async def test_token_endpoint_failures(
    mocked: tuple[respx.MockRouter, SalesforceConnector],
    status: int,
    body: dict[str, Any] | None,
    error: type[ConnectorError],
    says: str,
) -> None:
    router, connector = mocked
    if body is None:
        router.post(TOKEN).respond(status, text="<html>no</html>")
    else:
        router.post(TOKEN).respond(status, json=body)
    data = router.get(QUERY).respond(json={"totalSize": 0, "done": True, "records": []})

    with pytest.raises(error) as caught:
        await connector.customers([ID])

    assert says in str(caught.value)
    assert not data.called
    _clean(caught.value)


@pytest.mark.anyio
async def test_a_401_after_a_fresh_token_is_auth_failed_after_one_renewal(
    mocked: tuple[respx.MockRouter, SalesforceConnector],
) -> None:
    router, connector = mocked
    token_route = router.post(TOKEN).respond(json=payload("token"))
    router.get(QUERY).respond(401, json=payload("errors")["invalid_session"])

    with pytest.raises(AuthFailed) as caught:
        await connector.customers([ID])

    assert token_route.call_count == 2
    assert "newly issued access token" in str(caught.value)
    _clean(caught.value)
