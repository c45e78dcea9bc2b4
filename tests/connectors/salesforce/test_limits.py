"""API usage: ``Sforce-Limit-Info`` read on every answer, and a spent allowance reported as
``RateLimited`` with an honest ``retry_after``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
import respx

from connectors.errors import RateLimited
from connectors.salesforce import ApiUsage, SalesforceConnector, SalesforceSettings
from connectors.salesforce.api import UsageQuota, parse_api_usage
from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.sandbox import Samples
from connectors.secrets import Secret

from .support import Connect, payload

BASE = "https://acme.my.salesforce.com"
QUERY = f"{BASE}/services/data/v60.0/query"
AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
async def mocked(anyio_backend: str) -> AsyncIterator[tuple[respx.MockRouter, SalesforceConnector]]:
    """A connector with a static token against respx; every route is the test's."""
    settings = SalesforceSettings(instance_url=BASE, access_token=Secret("00D!static-token"))
    with respx.mock(assert_all_called=False) as router:
        async with httpx.AsyncClient() as client:
            yield router, SalesforceConnector(settings, client, instance="crm")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("api-usage=18/5000", (18, 5000)),
        ("api-usage=25/5000; per-app-api-usage=17/250(appName=sample-app)", (25, 5000)),
        ("per-app-api-usage=17/250(appName=x); api-usage=3/15000", (3, 15000)),
        ("", None),
        ("api-usage=abc/5000", None),
    ],
    ids=["plain", "with-per-app", "per-app-first", "empty", "garbage"],
)
def test_the_limit_header_is_parsed(header: str, expected: tuple[int, int] | None) -> None:
    usage = parse_api_usage(header, at=AT)
    assert (None if usage is None else (usage.used, usage.limit)) == expected


@pytest.mark.anyio
async def test_every_answer_updates_the_usage_the_gateway_paces_on(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    sandbox.api_used = 4_000
    assert connector.api_usage is None

    await connector.customers([samples.customer_ids[0]])
    first = connector.api_usage
    await connector.customers_by_email([samples.customer_emails[0]])
    second = connector.api_usage

    assert first is not None
    assert second is not None
    assert (first.used, first.limit) == (4_001, 15_000)
    assert (second.used, second.limit, second.remaining) == (4_002, 15_000, 10_998)
    assert second.observed_at >= first.observed_at
    assert second.observed_at.tzinfo is UTC
    assert connector.quota.wait_before(None) == 0.0


@pytest.mark.anyio
async def test_a_spent_allowance_is_rate_limited_and_holds_further_calls(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    # Given an org one call short of its 24-hour allowance
    sandbox.api_limit = 50
    sandbox.api_used = 49

    # When the connector makes that call, and one more
    await connector.customers([samples.customer_ids[0]])
    with pytest.raises(RateLimited) as caught:
        await connector.customers([samples.customer_ids[1]])

    # Then Salesforce's 403 is RateLimited, waiting the configured default (it names no time)
    assert caught.value.retry_after == 600.0
    assert "REQUEST_LIMIT_EXCEEDED" in str(caught.value)
    usage = connector.api_usage
    assert usage is not None
    assert usage == ApiUsage(50, 50, usage.observed_at)
    # and the quota tells the gateway's transport to hold calls rather than spend them
    assert 590 < connector.quota.wait_before(None) <= 600


@pytest.mark.anyio
async def test_the_retry_after_default_is_a_setting(
    make_connector: Connect, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    sandbox.api_used = sandbox.api_limit
    async with make_connector(request_limit_retry_after=60.0) as connector:
        with pytest.raises(RateLimited) as caught:
            await connector.customers([samples.customer_ids[0]])
    assert caught.value.retry_after == 60.0


@pytest.mark.anyio
async def test_a_retry_after_header_wins_over_the_default(
    mocked: tuple[respx.MockRouter, SalesforceConnector],
) -> None:
    router, connector = mocked
    router.get(QUERY).respond(
        403,
        json=payload("errors")["request_limit"],
        headers={"Retry-After": "120", "Sforce-Limit-Info": "api-usage=5001/5000"},
    )
    with pytest.raises(RateLimited) as caught:
        await connector.customers(["0035g00000AbCdEAAV"])
    assert caught.value.retry_after == 120.0
    assert caught.value.connector == "crm"


@pytest.mark.anyio
async def test_the_concurrent_request_limit_clears_sooner(
    mocked: tuple[respx.MockRouter, SalesforceConnector],
) -> None:
    router, connector = mocked
    router.get(QUERY).respond(403, json=payload("errors")["concurrent_limit"])
    with pytest.raises(RateLimited) as caught:
        await connector.customers(["0035g00000AbCdEAAV"])
    assert caught.value.retry_after == 20.0


def test_usage_at_the_limit_holds_calls_before_salesforce_refuses_one() -> None:
    now = [100.0]
    quota = UsageQuota(clock=lambda: now[0], now=lambda: AT, retry_after=600.0)

    quota.observe(httpx.Response(200, headers={"Sforce-Limit-Info": "api-usage=4999/5000"}))
    assert quota.wait_before(None) == 0.0
    quota.observe(httpx.Response(200, headers={"Sforce-Limit-Info": "api-usage=5000/5000"}))
    assert quota.wait_before(1.0) == 600.0
    now[0] += 599.5
    assert quota.wait_before(None) == pytest.approx(0.5)
    assert quota.throttled(httpx.Response(403, json=payload("errors")["request_limit"])) is None


@pytest.mark.anyio
async def test_ping_reads_the_limits_resource(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    await connector.ping()

    [call] = sandbox.api_calls()
    assert call.path == "/services/data/v60.0/limits"
    assert connector.api_usage is not None
    assert connector.api_usage.used == 1
