"""Vendor answers mapped once, at the boundary: the sandbox where it can say it; respx for
answers it never gives (a planted secret in ``debug``, a 502 page, odd shapes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

from connectors.errors import (
    AuthFailed,
    ConnectorError,
    RateLimited,
    RejectedByVendor,
    UnexpectedResponse,
    UpstreamUnavailable,
)
from connectors.odoo import OdooConnector, OdooSettings
from connectors.odoo.sandbox import OdooSandbox
from connectors.sandbox import Samples
from connectors.secrets import Secret

from .support import Connect, payload

BASE = "https://erp.example.com"
API_KEY = "0123456789abcdef0123456789abcdef01234567"
PLANTED = "postgres://odoo:Sup3rS3cret@db:5432"
QUANT = f"{BASE}/json/2/stock.quant/web_search_read"


@pytest.fixture
async def mocked(anyio_backend: str) -> AsyncIterator[tuple[respx.MockRouter, Any]]:
    """A connector against respx; every call is unrouted (an error) unless a test routes it."""
    settings = OdooSettings(base_url=BASE, api_key=Secret(API_KEY), database="prod")
    with respx.mock(assert_all_called=False) as router:
        async with httpx.AsyncClient() as client:
            yield router, OdooConnector(settings, client, instance="erp")


def _with_planted_debug(body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "debug": body["debug"] + f"\n  dsn = {PLANTED!r}\n  key = {API_KEY!r}\n"}


def _leaks(error: ConnectorError) -> bool:
    text = f"{error} {error!r} {error.message}"
    return any(secret in text for secret in (PLANTED, API_KEY, "Traceback", 'File "'))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "body", "expected", "code"),
    [
        (401, "unauthorized", AuthFailed, None),
        (403, "access_error", AuthFailed, None),
        (404, "unknown_model", RejectedByVendor, "werkzeug.exceptions.NotFound"),
        (422, "bad_argument", RejectedByVendor, "werkzeug.exceptions.UnprocessableEntity"),
        (422, "validation_error", RejectedByVendor, "odoo.exceptions.ValidationError"),
        (500, "invalid_field", UpstreamUnavailable, None),
    ],
    ids=["bad-key", "access-error", "unknown-model", "bad-argument", "validation", "server-error"],
)
async def test_odoo_errors_map_to_the_tree_and_never_leak_debug(
    mocked: tuple[respx.MockRouter, Any],
    status: int,
    body: str,
    expected: type[ConnectorError],
    code: str | None,
) -> None:
    router, connector = mocked
    router.post(QUANT).respond(status, json=_with_planted_debug(payload("errors")[body]))

    with pytest.raises(expected) as caught:
        await connector.levels(["NL-1001-NVY-S"])

    error = caught.value
    assert error.connector == "erp"
    assert not _leaks(error)
    if code is not None:
        assert isinstance(error, RejectedByVendor)
        assert error.code == code
        assert payload("errors")[body]["message"].split("\n")[0] in error.message


@pytest.mark.anyio
async def test_an_access_error_says_it_is_the_users_rights(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    # AccessError is a UserError: some versions answer it with 422, not 403.
    router.post(QUANT).respond(422, json=payload("errors")["access_error"])
    with pytest.raises(AuthFailed) as caught:
        await connector.levels(["NL-1001-NVY-S"])
    assert "access rights" in caught.value.message
    assert "odoo.exceptions.AccessError" in caught.value.message


@pytest.mark.anyio
async def test_a_server_error_names_the_exception_for_the_log(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    router.post(QUANT).respond(500, json=_with_planted_debug(payload("errors")["invalid_field"]))
    with pytest.raises(UpstreamUnavailable) as caught:
        await connector.levels(["NL-1001-NVY-S"])
    assert not isinstance(caught.value, UnexpectedResponse)
    assert "HTTP 500 (builtins.ValueError) to stock.quant/web_search_read" in caught.value.message


@pytest.mark.anyio
async def test_the_api_key_is_cut_out_of_a_message_that_echoes_it(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    body = {**payload("errors")["validation_error"], "message": f"bad key {API_KEY} given"}
    router.post(QUANT).respond(422, json=body)
    with pytest.raises(RejectedByVendor) as caught:
        await connector.levels(["NL-1001-NVY-S"])
    assert API_KEY not in str(caught.value)
    assert "bad key ********** given" in caught.value.message


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "expected"),
    [(502, UpstreamUnavailable), (503, UpstreamUnavailable), (404, UnexpectedResponse)],
    ids=["bad-gateway", "unavailable", "not-found-page"],
)
async def test_html_answers_are_unavailable_or_unexpected(
    mocked: tuple[respx.MockRouter, Any], status: int, expected: type[ConnectorError]
) -> None:
    router, connector = mocked
    router.post(QUANT).respond(status, html="<html><h1>nginx</h1></html>")
    with pytest.raises(expected) as caught:
        await connector.levels(["NL-1001-NVY-S"])
    if status == 404:
        assert "check base_url and database" in caught.value.message


@pytest.mark.anyio
async def test_an_http_date_retry_after_becomes_seconds(
    mocked: tuple[respx.MockRouter, Any],
) -> None:
    router, connector = mocked
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    router.post(QUANT).respond(429, headers={"Retry-After": later}, text="Too Many Requests")
    with pytest.raises(RateLimited) as caught:
        await connector.levels(["NL-1001-NVY-S"])
    assert caught.value.retry_after is not None
    assert 25 <= caught.value.retry_after <= 30


@pytest.mark.anyio
@pytest.mark.parametrize(
    "body",
    [
        [{"id": 1}],
        {"length": 1},
        {"length": 1, "records": ["not a record"]},
        {"length": 1, "records": [{"id": 1, "product_id": {"id": 2, "default_code": "A"}}]},
        {
            "length": 1,
            "records": [
                {
                    "id": 1,
                    "product_id": {"id": 2, "default_code": "A"},
                    "location_id": 9,
                    "quantity": "12",
                    "reserved_quantity": 0.0,
                }
            ],
        },
    ],
    ids=["a-list", "no-records", "record-not-an-object", "no-quantity", "quantity-a-string"],
)
async def test_json_of_the_wrong_shape_is_an_unexpected_response(
    mocked: tuple[respx.MockRouter, Any], body: Any
) -> None:
    router, connector = mocked
    router.post(QUANT).respond(json=body)
    with pytest.raises(UnexpectedResponse):
        await connector.levels(["A"])


@pytest.mark.anyio
async def test_ping_expects_a_list(mocked: tuple[respx.MockRouter, Any]) -> None:
    router, connector = mocked
    router.post(f"{BASE}/json/2/res.company/search_read").respond(json={"id": 1})
    with pytest.raises(UnexpectedResponse):
        await connector.ping()


# -- the sandbox's own refusals, end to end ------------------------------------------------


@pytest.mark.anyio
async def test_an_unknown_database_says_what_to_check(
    make_connector: Connect, samples: Samples
) -> None:
    async with make_connector(database="nordlicht-staging") as connector:
        with pytest.raises(UnexpectedResponse) as caught:
            await connector.levels(list(samples.skus[:1]))
    assert "HTTP 404" in caught.value.message
    assert "check base_url and database" in caught.value.message


@pytest.mark.anyio
async def test_a_model_the_user_may_not_read_fails_auth(
    make_connector: Connect, sandbox: OdooSandbox, samples: Samples
) -> None:
    sandbox.forbidden_models.add("sale.order")
    async with make_connector() as connector:
        with pytest.raises(AuthFailed) as caught:
            await connector.orders(list(samples.order_ids[:1]))
        # Other models still answer.
        assert await connector.customers(list(samples.customer_ids[:1])) != [None]
    assert "sale.order" in caught.value.message


@pytest.mark.anyio
async def test_asking_odoo_19_for_the_mobile_it_dropped_is_a_server_error(
    make_connector: Connect, samples: Samples
) -> None:
    async with make_connector(phone_fields=["phone", "mobile"]) as connector:
        with pytest.raises(UpstreamUnavailable) as caught:
            await connector.customers(list(samples.customer_ids[:1]))
    assert "builtins.ValueError" in caught.value.message


@pytest.mark.anyio
async def test_a_database_without_the_delivery_module_needs_shipping_lines_off(
    make_connector: Connect, sandbox: OdooSandbox, samples: Samples
) -> None:
    del sandbox.registry.models["sale.order.line"].fields["is_delivery"]
    async with make_connector() as connector:
        with pytest.raises(UpstreamUnavailable):
            await connector.orders(list(samples.order_ids[:1]))
    async with make_connector(shipping_lines=False) as connector:
        [order] = await connector.orders(list(samples.order_ids[:1]))
    assert order is not None
    assert order.totals.shipping is None


@pytest.mark.anyio
async def test_a_foreign_cursor_is_rejected(connector: Any) -> None:
    with pytest.raises(RejectedByVendor) as caught:
        await connector.list_products(first=5, after="b2NjOjEw")  # SAP's "occ:10"
    assert caught.value.code == "BAD_CURSOR"
    assert caught.value.field == ("after",)
