"""Customers and orders from the Integration API: a batch in one call, the shared window of
orders and its bounds, escaping, cursors that work in both modes, the customer directory."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from connectors.capabilities import CustomerDirectory
from connectors.models import OrderPageRequest, Page
from connectors.sandbox.retailer import (
    Retailer,
    RetailerCustomer,
    RetailerOrder,
    RetailerOrderLine,
    demo_retailer,
)
from connectors.sap_commerce import SapCommerceConnector
from connectors.sap_commerce.sandbox import SapCommerceSandbox
from connectors.testing import connect

from .support import CUSTOMERS_PATH, OCC_ONLY, ORDERS_PATH, Connect, calls_to, odata_params

QUOTED = "o'neil.kay@example.com"
START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _shop(orders: dict[str, list[datetime]]) -> Retailer:
    """The demo catalog with only these SAP customers (e-mail -> when each order was placed)."""
    base = demo_retailer()
    line = RetailerOrderLine("NL-1001-NVY-S", "Fjord Rain Jacket - Navy / S", 1, Decimal("89.00"))
    customers: list[RetailerCustomer] = []
    placed: list[RetailerOrder] = []
    for number, (email, moments) in enumerate(orders.items(), start=1):
        key = f"C{number:03d}"
        first, _, last = email.split("@")[0].partition(".")
        customers.append(
            RetailerCustomer(
                key,
                email,
                first.title(),
                last.title() or "Doe",
                "+49 30 1234567",
                "Hauptstrasse 1",
                "Berlin",
                "10115",
                "DE",
                False,
                START,
                ("sap_commerce",),
            )
        )
        for moment in moments:
            placed.append(
                RetailerOrder(
                    f"{9000 + len(placed):08d}",
                    "sap_commerce",
                    "WEB",
                    "OPEN",
                    key,
                    moment,
                    (line,),
                    Decimal("4.90"),
                )
            )
    return dataclasses.replace(base, customers=tuple(customers), orders=tuple(placed))


def _hours(first: int, count: int) -> list[datetime]:
    """``count`` moments an hour apart, the newest ``first`` hours after START."""
    return [START + timedelta(hours=first - i) for i in range(count)]


async def _pages(
    sandbox: SapCommerceSandbox, requests: list[OrderPageRequest], **overrides: Any
) -> list[Page[Any]]:
    async with connect(SapCommerceConnector, sandbox, overrides=overrides) as connector:
        sap: Any = connector
        pages: list[Page[Any]] = await sap.orders_for_customers(requests)
    return pages


async def _walk(connector: Any, uid: str, first: int) -> list[str]:
    """Every order number of ``uid``, ``first`` at a time."""
    numbers: list[str] = []
    after = None
    for _ in range(100):
        [page] = await connector.orders_for_customers([OrderPageRequest(uid, first, after)])
        assert len(page.items) <= first
        numbers.extend(order.number for order in page.items)
        if not page.has_next_page:
            return numbers
        after = page.next_cursor
    raise AssertionError("the pages never ended")


# -- one call per batch ----------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("first", [1, 5, 20], ids=["first-1", "first-5", "first-20"])
async def test_twenty_customers_first_order_pages_cost_one_call(
    connector: Any, sandbox: SapCommerceSandbox, first: int, anyio_backend: str
) -> None:
    # Given a page of 20 customers: the 18 SAP knows and two it does not
    uids = [*sandbox.state.users, "nobody.a@example.com", "nobody.b@example.com"]
    requests = [OrderPageRequest(uid, first) for uid in uids]

    # When their first order pages are read
    pages = await connector.orders_for_customers(requests)

    # Then it took one Integration API call, within the URL budget
    [call] = sandbox.api_calls()
    assert call.path == ORDERS_PATH
    params = odata_params(call)
    assert params["$orderby"] == "date desc,code desc"
    assert all(f"user/uid eq '{uid}'" in params["$filter"] for uid in uids)
    assert len(sandbox.base_url + call.path + "?" + call.query) <= connector.settings.max_url_bytes
    # And the pages are what OCC gives, one call per customer and order later
    assert pages == await _pages(SapCommerceSandbox(), requests, **OCC_ONLY)
    orders = sandbox.state.orders
    assert [len(page.items) for page in pages] == [
        min(first, len(orders.get(uid, ()))) for uid in uids
    ]


@pytest.mark.anyio
async def test_customers_and_emails_cost_one_call_each(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    uids = list(sandbox.state.users)
    customers = await connector.customers([*uids, "nobody@example.com"])
    by_email = await connector.customers_by_email([uid.upper() for uid in uids])
    assert [call.path for call in sandbox.api_calls()] == [CUSTOMERS_PATH, CUSTOMERS_PATH]
    assert [c.external_id if c else None for c in customers] == [*uids, None]
    assert [[c.external_id for c in found] for found in by_email] == [[uid] for uid in uids]
    # Beyond OCC: when the customer record was created
    assert all(c.created_at is not None for c in customers if c)


@pytest.mark.anyio
async def test_orders_by_id_cost_one_call_and_must_name_the_orders_user(
    connector: Any, sandbox: SapCommerceSandbox, samples: Any
) -> None:
    a, b = samples.order_ids[:2]
    user_b, code_b = b.split("|")
    someone_else = next(uid for uid in sandbox.state.users if uid != user_b)
    found = await connector.orders([a, f"{someone_else}|{code_b}", b, "not-an-id"])
    assert [order.external_id if order else None for order in found] == [a, None, b, None]
    [call] = sandbox.api_calls()
    assert call.path == ORDERS_PATH


@pytest.mark.anyio
async def test_a_long_batch_is_cut_into_url_sized_chunks(
    make_connector: Connect, sandbox: SapCommerceSandbox
) -> None:
    uids = list(sandbox.state.users)
    async with make_connector(max_url_bytes=1024) as connector:
        customers = await connector.customers(uids)
        pages = await connector.orders_for_customers([OrderPageRequest(uid, 1) for uid in uids])
    assert [c.external_id if c else None for c in customers] == uids
    assert all(page.items for page in pages)
    for path in (CUSTOMERS_PATH, ORDERS_PATH):
        calls = calls_to(sandbox, path)
        assert len(calls) > 1, "1 KB holds a few uids, not 18"
        assert all(len(sandbox.base_url + r.path + "?" + r.query) <= 1024 for r in calls)


# -- paging a customer's orders ------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("overrides", [{}, OCC_ONLY], ids=["integration-api", "occ"])
async def test_paging_with_first_1_visits_each_order_once_newest_first(
    overrides: dict[str, Any], anyio_backend: str
) -> None:
    # Given a customer with five orders, two of them placed in the same minute
    moments = _hours(10, 4)
    sandbox = SapCommerceSandbox(retailer=_shop({"busy.bee@example.com": [*moments, moments[1]]}))
    async with connect(SapCommerceConnector, sandbox, overrides=overrides) as connector:
        # When they are read one page of one at a time
        numbers = await _walk(connector, "busy.bee@example.com", 1)

    # Then each comes once, newest first
    assert sorted(numbers) == ["00009000", "00009001", "00009002", "00009003", "00009004"]
    assert numbers[0] == "00009000"
    assert numbers[-2:] == ["00009002", "00009003"]
    if not overrides:
        # the tie broken by code, newest code first; one call a page
        assert numbers[1:3] == ["00009004", "00009001"]
        assert len(sandbox.api_calls()) == 5


@pytest.mark.anyio
async def test_a_cursor_from_occ_pages_on_with_the_integration_api(
    sandbox: SapCommerceSandbox, samples: Any, anyio_backend: str
) -> None:
    uid = samples.customer_with_orders
    async with connect(SapCommerceConnector, sandbox, overrides=OCC_ONLY) as occ_connector:
        occ: Any = occ_connector
        [first] = await occ.orders_for_customers([OrderPageRequest(uid, 1)])
        [then_occ] = await occ.orders_for_customers([OrderPageRequest(uid, 5, first.next_cursor)])
    sandbox.requests.clear()
    async with connect(SapCommerceConnector, sandbox) as integration_connector:
        integration: Any = integration_connector
        [then] = await integration.orders_for_customers(
            [OrderPageRequest(uid, 5, first.next_cursor)]
        )
        again = await integration.orders([order.external_id for order in first.items])
    assert then.items
    assert then == then_occ
    assert again == list(first.items)
    later, by_id = sandbox.api_calls()
    assert (odata_params(later)["$skip"], odata_params(later)["$top"]) == ("1", "5")
    assert odata_params(by_id)["$filter"] == f"code eq '{first.items[0].number}'"


@pytest.mark.anyio
async def test_customers_with_older_orders_cost_one_more_shared_call(anyio_backend: str) -> None:
    # Given one customer whose 20 orders are all newer than three others' single orders
    sandbox = SapCommerceSandbox(
        retailer=_shop(
            {
                "busy.bee@example.com": _hours(100, 20),
                "quiet.one@example.com": _hours(50, 1),
                "quiet.two@example.com": _hours(49, 1),
                "quiet.three@example.com": _hours(48, 1),
            }
        )
    )
    uids = list(sandbox.state.users)

    # When their first pages of one are read
    pages = await _pages(sandbox, [OrderPageRequest(uid, 1) for uid in uids])

    # Then the first window is all the busy customer's, and one more call serves the rest
    first, second = sandbox.api_calls()
    assert odata_params(first)["$top"] == str(2 * 4 * 2)
    assert "busy.bee" not in odata_params(second)["$filter"]
    assert [[o.number for o in page.items] for page in pages] == [
        ["00009000"],
        ["00009020"],
        ["00009021"],
        ["00009022"],
    ]
    assert [page.has_next_page for page in pages] == [True, False, False, False]
    assert [page.total_count for page in pages] == [None, 1, 1, 1]


@pytest.mark.anyio
async def test_a_page_the_window_only_just_holds_is_not_taken_for_the_last(
    anyio_backend: str,
) -> None:
    # Given a customer whose newest order falls inside a busier customer's window and
    # whose second is far older
    recent, old = START + timedelta(hours=95, minutes=30), START + timedelta(hours=10)
    sandbox = SapCommerceSandbox(
        retailer=_shop(
            {"busy.bee@example.com": _hours(100, 20), "two.orders@example.com": [recent, old]}
        )
    )

    # When both first pages of one are read
    busy, two = await _pages(sandbox, [OrderPageRequest(uid, 1) for uid in sandbox.state.users])

    # Then the window's one order is not mistaken for all: a second call says there is more
    assert [o.created_at for o in two.items] == [recent]
    assert two.has_next_page
    assert two.total_count == 2
    assert busy.has_next_page
    assert len(sandbox.api_calls()) == 2


@pytest.mark.anyio
async def test_pages_no_shared_window_fills_get_their_own_call(anyio_backend: str) -> None:
    # Given two busy customers, each newer than the next, and two quiet ones
    sandbox = SapCommerceSandbox(
        retailer=_shop(
            {
                "busy.one@example.com": _hours(200, 20),
                "busy.two@example.com": _hours(150, 20),
                "quiet.one@example.com": _hours(50, 1),
                "quiet.two@example.com": _hours(49, 2),
            }
        )
    )
    uids = list(sandbox.state.users)
    requests = [OrderPageRequest(uid, 1) for uid in uids]

    pages = await _pages(sandbox, requests)

    # Then two shared windows (each filled by one busy customer), then a call per quiet one
    calls = sandbox.api_calls()
    assert len(calls) == 4
    assert [odata_params(call)["$top"] for call in calls[2:]] == ["1", "1"]
    occ = await _pages(SapCommerceSandbox(retailer=sandbox.retailer), requests, **OCC_ONLY)
    assert [(p.items, p.next_cursor) for p in pages] == [(p.items, p.next_cursor) for p in occ]
    assert [p.total_count for p in pages] == [None, None, 1, 2]


@pytest.mark.anyio
async def test_a_service_serving_smaller_windows_still_pages_correctly(
    sandbox: SapCommerceSandbox, anyio_backend: str
) -> None:
    sandbox.odata_max_top = 3
    truth = {uid: [o["code"] for o in orders] for uid, orders in sandbox.state.orders.items()}
    async with connect(SapCommerceConnector, sandbox) as sap:
        connector: Any = sap
        pages = await connector.orders_for_customers([OrderPageRequest(uid, 2) for uid in truth])
        walked = {uid: await _walk(connector, uid, 2) for uid in truth}
    assert [[o.number for o in page.items] for page in pages] == [
        codes[:2] for codes in truth.values()
    ]
    assert walked == truth


# -- escaping ------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_quote_in_a_uid_is_doubled_and_still_matches(anyio_backend: str) -> None:
    sandbox = SapCommerceSandbox(
        retailer=_shop({QUOTED: _hours(5, 2), "plain.jane@example.com": _hours(3, 1)})
    )
    async with connect(SapCommerceConnector, sandbox) as connector:
        sap: Any = connector
        [customer] = await sap.customers([QUOTED])
        [[by_email]] = await sap.customers_by_email([QUOTED.upper()])
        [page] = await sap.orders_for_customers([OrderPageRequest(QUOTED, 5)])
        [order] = await sap.orders([page.items[0].external_id])
        listed = await sap.list_customers(first=5, query="O'Neil")
    assert customer is not None
    assert customer.external_id == by_email.external_id == QUOTED
    assert [o.number for o in page.items] == ["00009000", "00009001"]
    assert order.customer_external_id == QUOTED
    assert [c.external_id for c in listed.items] == [QUOTED]
    filters = [odata_params(call)["$filter"] for call in sandbox.api_calls()]
    assert filters[0] == "uid eq 'o''neil.kay@example.com'"
    assert filters[2] == "user/uid eq 'o''neil.kay@example.com'"
    assert "substringof('o''neil', uid) eq true" in filters[4]
    assert "substringof('O''Neil', name) eq true" in filters[4]


# -- the customer directory ----------------------------------------------------------------


@pytest.mark.anyio
async def test_list_customers_walks_every_shopper_by_uid_one_call_a_page(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    seen: list[str] = []
    totals = set()
    after = None
    while True:
        page = await connector.list_customers(first=5, after=after)
        seen.extend(customer.external_id for customer in page.items)
        totals.add(page.total_count)
        if not page.has_next_page:
            break
        after = page.next_cursor
    assert seen == sorted(sandbox.state.users)
    assert "anonymous" not in seen  # SAP's anonymous customer is served, not listed
    assert totals == {18}
    assert len(sandbox.api_calls()) == 4
    params = odata_params(sandbox.api_calls()[-1])
    assert (params["$orderby"], params["$skip"], params["$top"]) == ("uid", "15", "5")
    assert params["$filter"] == "substringof('@', uid) eq true"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("pohl", ["wim.pohl@example.com"]),
        ("Pohl", ["wim.pohl@example.com"]),
        ("  Wim   Pohl ", ["wim.pohl@example.com"]),
        ("@example.com", "everyone"),
        ("nobody-here", []),
    ],
    ids=["in-the-uid", "in-the-name", "spaces-squeezed", "in-every-uid", "nothing"],
)
async def test_free_text_finds_customers_by_uid_or_name(
    connector: Any, sandbox: SapCommerceSandbox, query: str, expected: Any
) -> None:
    page = await connector.list_customers(first=50, query=query)
    wanted = sorted(sandbox.state.users) if expected == "everyone" else expected
    assert [customer.external_id for customer in page.items] == wanted
    assert page.total_count == len(wanted)


@pytest.mark.anyio
async def test_anonymous_is_nobody_and_costs_no_call(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    assert await connector.customers(["anonymous", ""]) == [None, None]
    assert await connector.customers_by_email(["anonymous"]) == [[]]
    assert sandbox.api_calls() == []


@pytest.mark.anyio
async def test_only_the_customer_object_makes_a_directory(make_connector: Connect) -> None:
    async with make_connector() as with_object, make_connector(**OCC_ONLY) as occ_only:
        assert isinstance(with_object, CustomerDirectory)
        assert not isinstance(occ_only, CustomerDirectory)
