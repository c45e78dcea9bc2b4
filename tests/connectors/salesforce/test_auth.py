"""Tokens: one client-credentials token for many calls, a refused one renewed once, a
static one never renewed, and no secret or token in any error."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

import pytest

from connectors.errors import AuthFailed
from connectors.salesforce import SalesforceConnector
from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.sandbox import Samples

from .support import Connect, token_calls


@pytest.mark.anyio
async def test_the_token_request_is_a_client_credentials_form_post(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    await connector.customers([samples.customer_ids[0]])

    [token_request] = token_calls(sandbox)
    assert token_request.method == "POST"
    assert token_request.path == "/services/oauth2/token"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token_request.body.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": [sandbox.client_id],
        "client_secret": [sandbox.client_secret],
    }


@pytest.mark.anyio
async def test_concurrent_first_calls_share_one_token(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    sandbox.faults.latency_ms = 20

    await asyncio.gather(*(connector.customers([i]) for i in samples.customer_ids))

    assert len(token_calls(sandbox)) == 1
    headers = {request.headers["authorization"] for request in sandbox.api_calls()}
    assert len(headers) == 1
    assert headers.pop().startswith("Bearer 00D")


@pytest.mark.anyio
async def test_an_expired_session_is_renewed_once_and_the_call_succeeds(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    await connector.customers([samples.customer_ids[0]])
    sandbox.expire_tokens()
    sandbox.requests.clear()

    [customer] = await connector.customers([samples.customer_ids[1]])

    assert customer is not None
    assert customer.external_id == samples.customer_ids[1]
    assert len(token_calls(sandbox)) == 1
    refused, retried = sandbox.api_calls()
    assert refused.headers["authorization"] != retried.headers["authorization"]
    assert refused.query == retried.query


@pytest.mark.anyio
async def test_several_calls_refused_together_renew_the_token_once(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    await connector.customers([samples.customer_ids[0]])
    sandbox.expire_tokens()
    sandbox.faults.latency_ms = 10
    sandbox.requests.clear()

    results = await asyncio.gather(*(connector.customers([i]) for i in samples.customer_ids))

    assert all(customer is not None for [customer] in results)
    assert len(token_calls(sandbox)) == 1


@pytest.mark.anyio
async def test_when_the_renewal_is_refused_too_the_call_fails_auth(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    # Given a working connector whose client secret is then rotated in Salesforce
    await connector.customers([samples.customer_ids[0]])
    old_secret = sandbox.client_secret
    sandbox.expire_tokens()
    sandbox.client_secret = "rotated-secret"
    sandbox.requests.clear()

    # When it reads again
    with pytest.raises(AuthFailed) as caught:
        await connector.customers([samples.customer_ids[1]])

    # Then one data call was refused, one renewal tried, and the error names no secret
    assert len(sandbox.api_calls()) == 1
    assert len(token_calls(sandbox)) == 1
    assert "invalid_client" in str(caught.value)
    assert sandbox.client_id in str(caught.value)
    assert old_secret not in str(caught.value)


@pytest.mark.anyio
async def test_a_token_refused_even_when_new_fails_auth_without_echoing_it(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    sandbox.token_ttl_seconds = 0  # sessions dead on arrival

    with pytest.raises(AuthFailed) as caught:
        await connector.customers([samples.customer_ids[0]])

    assert len(token_calls(sandbox)) == 2
    tokens = [r.headers["authorization"].split()[1] for r in sandbox.api_calls()]
    assert len(tokens) == 2
    assert not any(token in str(caught.value) for token in tokens)
    assert "INVALID_SESSION_ID" in str(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"client_id": "3MVG9-someone-else"}, "invalid_client_id"),
        ({"client_secret": "not-the-secret"}, "invalid_client"),
    ],
    ids=["unknown-client", "wrong-secret"],
)
async def test_wrong_client_credentials_fail_auth_before_any_data_call(
    make_connector: Connect,
    sandbox: SalesforceSandbox,
    samples: Samples,
    overrides: dict[str, str],
    error: str,
) -> None:
    async with make_connector(**overrides) as connector:
        with pytest.raises(AuthFailed) as caught:
            await connector.customers_by_email([samples.customer_emails[0]])
    assert f"HTTP 400, {error})" in str(caught.value)
    assert "not-the-secret" not in str(caught.value)
    assert sandbox.api_calls() == []


@pytest.mark.anyio
async def test_a_static_access_token_is_used_as_given(
    make_connector: Connect, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    token = sandbox.issue_token()

    async with make_connector(client_id=None, client_secret=None, access_token=token) as connector:
        [customer] = await connector.customers([samples.customer_ids[0]])

    assert customer is not None
    assert token_calls(sandbox) == []
    assert [r.headers["authorization"] for r in sandbox.api_calls()] == [f"Bearer {token}"]


@pytest.mark.anyio
async def test_an_expired_static_token_fails_auth_without_a_renewal(
    make_connector: Connect, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    token = sandbox.issue_token()
    sandbox.expire_tokens()

    async with make_connector(client_id=None, client_secret=None, access_token=token) as connector:
        with pytest.raises(AuthFailed) as caught:
            await connector.customers([samples.customer_ids[0]])

    assert token_calls(sandbox) == []
    assert len(sandbox.api_calls()) == 1
    assert "access_token" in str(caught.value)
    assert token not in str(caught.value)
