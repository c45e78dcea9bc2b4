"""Listing customers: ID order, stable cursors, pages cut to the cost limit, free text that
is only ever a value. Shopify stores no customer number, so there is no identity lookup."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

from connectors.capabilities import CustomerDirectory, CustomerLinks
from connectors.sandbox.retailer import demo_retailer
from connectors.shopify import ShopifyConnector, queries
from connectors.shopify.sandbox import ShopifySandbox
from connectors.shopify.sandbox.state import gid_number
from connectors.testing import connect

TRICKY_NAME = "O'Hara_50%\\Nord"


def _walk_ids(pages: list[Any]) -> list[str]:
    return [customer.external_id for page in pages for customer in page.items]


async def _walk(connector: Any, first: int, query: str | None = None) -> list[Any]:
    pages = []
    after = None
    for _ in range(100):
        page = await connector.list_customers(first=first, after=after, query=query)
        pages.append(page)
        if not page.has_next_page:
            return pages
        after = page.next_cursor
    raise AssertionError("the walk did not end")


@pytest.fixture
def crowded() -> ShopifySandbox:
    """The demo shop with 200 more customers than it has: more than one document holds."""
    base = demo_retailer()
    template = base.customers_in("shopify")[0]
    extra = tuple(
        dataclasses.replace(
            template,
            key=f"x{n:03d}",
            email=f"walk.in.{n}@example.com",
            first_name="Walk",
            last_name=f"In {n}",
            systems=("shopify",),
        )
        for n in range(200)
    )
    return ShopifySandbox(retailer=dataclasses.replace(base, customers=base.customers + extra))


@pytest.fixture
async def crowded_connector(crowded: ShopifySandbox, anyio_backend: str) -> AsyncIterator[Any]:
    async with connect(ShopifyConnector, crowded) as connector:
        yield connector


def test_lists_customers_but_links_none() -> None:
    # Shopify has no field for the retailer's customer number (a metafield would be one;
    # it is not read), so the connector offers no identity lookup.
    assert issubclass(ShopifyConnector, CustomerDirectory)
    assert not issubclass(ShopifyConnector, CustomerLinks)


@pytest.mark.anyio
async def test_customers_come_in_id_order_and_the_same_walk_twice(
    connector: Any, sandbox: ShopifySandbox
) -> None:
    first_walk = _walk_ids(await _walk(connector, 5))
    second_walk = _walk_ids(await _walk(connector, 5))

    numbers = [gid_number(i) or 0 for i in first_walk]
    assert numbers == sorted(numbers)
    assert first_walk == second_walk
    assert len(first_walk) == len(sandbox.state.customers)


@pytest.mark.anyio
async def test_a_cursor_survives_a_customer_added_before_it(
    connector: Any, sandbox: ShopifySandbox
) -> None:
    page = await connector.list_customers(first=3)
    # Shopify's cursors are keyset cursors (the last ID seen): a customer that sorts before
    # the cursor does not shift the next page.
    newcomer = dict(sandbox.state.customers[0], id="gid://shopify/Customer/1")
    sandbox.state.customers.append(newcomer)

    rest = _walk_ids(await _walk_after(connector, page.next_cursor))

    assert "gid://shopify/Customer/1" not in rest
    expected = [c["id"] for c in sandbox.state.customers[3:] if c is not newcomer]
    assert rest == expected


async def _walk_after(connector: Any, after: str | None) -> list[Any]:
    pages = []
    while True:
        page = await connector.list_customers(first=10, after=after)
        pages.append(page)
        if not page.has_next_page:
            return pages
        after = page.next_cursor


@pytest.mark.anyio
async def test_a_page_bigger_than_one_document_takes_two(
    crowded_connector: Any, crowded: ShopifySandbox
) -> None:
    page = await crowded_connector.list_customers(first=200)

    sent = crowded.api_calls()
    firsts = [call.json()["variables"]["first"] for call in sent]
    assert firsts == [queries.CUSTOMERS_PAGE, 200 - queries.CUSTOMERS_PAGE]  # 124 + 76
    assert all(2 + n * queries.CUSTOMER_NODE_COST <= queries.MAX_QUERY_COST for n in firsts)
    assert [c.external_id for c in page.items] == [c["id"] for c in crowded.state.customers[:200]]
    assert page.has_next_page


@pytest.mark.anyio
async def test_free_text_reaches_shopify_quoted_and_matches_only_itself(
    connector: Any, sandbox: ShopifySandbox
) -> None:
    target = sandbox.state.customers[3]
    target["lastName"] = TRICKY_NAME

    page = await connector.list_customers(first=10, query=f"  {TRICKY_NAME.lower()} ")
    wildcard_like = await connector.list_customers(first=10, query="%")
    underscore = await connector.list_customers(first=10, query="_")

    # Inside double quotes only '\' and '"' are escaped; ', % and _ are plain characters.
    sent = sandbox.api_calls()[0].json()["variables"]["query"]
    assert sent == '"o\'hara_50%\\\\nord"'
    assert [c.external_id for c in page.items] == [target["id"]]
    assert [c.last_name for c in page.items] == [TRICKY_NAME]
    assert [c.external_id for c in wildcard_like.items] == [target["id"]]
    assert [c.external_id for c in underscore.items] == [target["id"]]


@pytest.mark.anyio
async def test_search_syntax_in_free_text_is_only_words(
    connector: Any, sandbox: ShopifySandbox
) -> None:
    someone = sandbox.state.customers[0]

    by_name = await connector.list_customers(first=50, query=someone["firstName"])
    injected = await connector.list_customers(first=50, query=f"x OR email:{someone['email']}")

    assert someone["id"] in [c.external_id for c in by_name.items]
    assert list(injected.items) == []
    assert sandbox.api_calls()[-1].json()["variables"]["query"] == (
        f'"x" "OR" "email:{someone["email"]}"'
    )


@pytest.mark.anyio
async def test_a_filtered_walk_pages_within_the_filter(
    crowded_connector: Any, crowded: ShopifySandbox
) -> None:
    pages = await _walk(crowded_connector, 30, query="walk")

    ids = _walk_ids(pages)
    assert [len(page.items) for page in pages] == [30] * 6 + [20]
    assert len(set(ids)) == 200
    assert all(crowded.state.by_id[i]["firstName"] == "Walk" for i in ids)
