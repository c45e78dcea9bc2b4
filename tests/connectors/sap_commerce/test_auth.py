"""OAuth: one token for many calls, a refused token renewed once, secrets kept out of errors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from connectors.errors import AuthFailed
from connectors.sandbox import Samples
from connectors.sap_commerce import SapCommerceSettings
from connectors.sap_commerce.api import TokenSource
from connectors.sap_commerce.sandbox import SapCommerceSandbox
from connectors.secrets import Secret
from connectors.testing import SandboxTransport

from .support import Connect, token_calls


@pytest.mark.anyio
async def test_concurrent_first_calls_share_one_token(
    make_connector: Connect, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    # Given a connector that has no token yet, and a sandbox slow enough for calls to overlap
    sandbox.faults.latency_ms = 20
    async with make_connector() as connector:
        # When ten reads start at once
        await asyncio.gather(*(connector.products([code]) for code in samples.product_ids * 2))

    # Then the token endpoint was asked once, and every call carried that token
    assert len(token_calls(sandbox)) == 1
    headers = {request.headers["authorization"] for request in sandbox.api_calls()}
    assert len(headers) == 1
    assert headers.pop().startswith("Bearer ")


@pytest.mark.anyio
async def test_a_token_the_vendor_refuses_is_renewed_once_and_the_call_succeeds(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    await connector.products([samples.product_ids[0]])
    sandbox.expire_tokens()
    sandbox.requests.clear()

    [product] = await connector.products([samples.product_ids[1]])

    assert product is not None
    assert product.external_id == samples.product_ids[1]
    assert len(token_calls(sandbox)) == 1
    # The refused call and its retry, with different tokens
    first, retry = sandbox.api_calls()
    assert first.headers["authorization"] != retry.headers["authorization"]
    assert first.query == retry.query


@pytest.mark.anyio
async def test_several_calls_refused_together_renew_the_token_once(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    await connector.products([samples.product_ids[0]])
    sandbox.expire_tokens()
    sandbox.faults.latency_ms = 10
    sandbox.requests.clear()

    results = await asyncio.gather(*(connector.products([code]) for code in samples.product_ids))

    assert all(product is not None for [product] in results)
    assert len(token_calls(sandbox)) == 1


@pytest.mark.anyio
async def test_when_the_renewal_is_refused_too_the_call_fails_auth(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    # Given a working connector whose client secret is then rotated at the vendor
    await connector.products([samples.product_ids[0]])
    sandbox.expire_tokens()
    sandbox.client_secret = "rotated-secret"
    sandbox.requests.clear()

    # When it reads again
    with pytest.raises(AuthFailed) as caught:
        await connector.products([samples.product_ids[1]])

    # Then one data call was refused, one renewal tried, and the error names no secret
    assert len(sandbox.api_calls()) == 1
    assert len(token_calls(sandbox)) == 1
    assert "invalid_client" in str(caught.value)
    assert "sandbox-secret" not in str(caught.value)


@pytest.mark.anyio
async def test_a_token_refused_even_when_new_fails_auth_without_echoing_it(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    # Tokens that are dead on arrival: the vendor refuses the renewed one as well
    sandbox.token_ttl_seconds = 0
    with pytest.raises(AuthFailed) as caught:
        await connector.products([samples.product_ids[0]])
    assert len(token_calls(sandbox)) == 2
    tokens = [r.headers["authorization"].split()[1] for r in sandbox.api_calls()]
    assert len(tokens) == 2
    assert not any(token in str(caught.value) for token in tokens)


@pytest.mark.anyio
async def test_the_token_is_renewed_shortly_before_it_expires(
    sandbox: SapCommerceSandbox, anyio_backend: str
) -> None:
    # Given tokens that live 120 s and a clock the test moves
    sandbox.token_ttl_seconds = 120
    now = [1000.0]
    settings = SapCommerceSettings(
        base_url=sandbox.base_url,
        base_site="nordlicht",
        client_id=sandbox.client_id,
        client_secret=Secret(sandbox.client_secret),
    )
    async with httpx.AsyncClient(transport=SandboxTransport(sandbox.app)) as client:
        tokens = TokenSource(settings, client, connector="sap", clock=lambda: now[0])
        first = await tokens.get()

        now[0] += 100  # inside the lifetime, before the renewal margin (12 s)
        assert await tokens.get() == first

        now[0] += 10  # 10 s left: too close to expiry to send
        renewed = await tokens.get()

    assert renewed != first
    assert len(token_calls(sandbox)) == 2
    form = token_calls(sandbox)[0].body.decode()
    assert "grant_type=client_credentials" in form
    assert f"client_id={sandbox.client_id}" in form


@pytest.mark.anyio
async def test_wrong_client_credentials_fail_auth_naming_the_client(
    make_connector: Connect, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    async with make_connector(client_secret="not-the-secret") as connector:
        with pytest.raises(AuthFailed) as caught:
            await connector.products([samples.product_ids[0]])
    assert "commerce-gateway" in str(caught.value)
    assert "not-the-secret" not in str(caught.value)
    assert sandbox.api_calls() == []
