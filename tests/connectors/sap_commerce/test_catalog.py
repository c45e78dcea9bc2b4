"""Catalog: batch lookups by code in one search, and cursor pages over OCC's numbered pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import pytest

from connectors.errors import RejectedByVendor
from connectors.sandbox import Samples
from connectors.sap_commerce.sandbox import SapCommerceSandbox

from .support import SEARCH_PATH, Connect, calls_to


async def _walk(connector: Any, first: int, query: str | None = None) -> list[str]:
    seen: list[str] = []
    after = None
    for _ in range(200):
        page = await connector.list_products(first=first, after=after, query=query)
        seen.extend(product.external_id for product in page.items)
        if not page.has_next_page:
            return seen
        after = page.next_cursor
    raise AssertionError("pagination did not end")


@pytest.mark.anyio
async def test_products_by_code_cost_one_search_with_or_terms(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    codes = [doc.code for doc in sandbox.state.index[:50]]
    products = await connector.products(codes)
    assert [p.external_id for p in products] == codes
    [request] = calls_to(sandbox, SEARCH_PATH)
    assert f":relevance:code:{codes[0]}:code:{codes[1]}:" in unquote(request.query)


@pytest.mark.anyio
async def test_a_variant_code_is_not_a_product_id(connector: Any, samples: Samples) -> None:
    [product] = await connector.products([samples.skus[0]])
    assert product is None


@pytest.mark.anyio
async def test_variants_by_sku_come_from_their_base_products(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    sku = samples.skus[0]
    [variant] = await connector.variants([sku])
    base, truth = sandbox.retailer.variant(sku)
    assert (variant.sku, variant.product_external_id) == (sku, base.code)
    assert variant.price.amount == truth.price
    assert variant.title == truth.title


@pytest.mark.anyio
async def test_a_code_with_a_colon_is_missing_without_breaking_the_query(
    connector: Any, sandbox: SapCommerceSandbox, samples: Samples
) -> None:
    results = await connector.products(["NL:1001", samples.product_ids[0]])
    assert [p.external_id if p else None for p in results] == [None, samples.product_ids[0]]
    [request] = calls_to(sandbox, SEARCH_PATH)
    assert "NL:1001" not in unquote(request.query)


@pytest.mark.anyio
async def test_pages_walk_the_catalog_when_the_server_caps_the_page_size(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    sandbox.occ_max_page_size = 4
    seen = await _walk(connector, first=10)
    assert seen == sorted(doc.code for doc in sandbox.state.index)


@pytest.mark.anyio
async def test_a_cursor_works_with_a_different_page_size(connector: Any) -> None:
    everything = await _walk(connector, first=100)
    first = await connector.list_products(first=7)
    second = await connector.list_products(first=5, after=first.next_cursor)
    assert [p.external_id for p in [*first.items, *second.items]] == everything[:12]
    assert second.total_count == len(everything)


@pytest.mark.anyio
async def test_the_last_page_has_no_cursor(connector: Any, samples: Samples) -> None:
    count = samples.extra["product_count"]
    first = await connector.list_products(first=count - 1)
    last = await connector.list_products(first=10, after=first.next_cursor)
    assert len(last.items) == 1
    assert last.next_cursor is None


@pytest.mark.anyio
async def test_free_text_search_pages_over_the_matches_only(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    jackets = await _walk(connector, first=3, query="jacket")
    expected = {p.code for p in sandbox.retailer.products if "Jacket" in p.title}
    assert set(jackets) == expected
    assert len(jackets) == len(expected)


@pytest.mark.anyio
async def test_colons_in_free_text_do_not_become_search_syntax(
    connector: Any, sandbox: SapCommerceSandbox
) -> None:
    page = await connector.list_products(first=50, query="rain:jacket")
    assert {p.title for p in page.items} == {
        p.title for p in sandbox.retailer.products if p.title.endswith("Rain Jacket")
    }


@pytest.mark.anyio
async def test_a_page_larger_than_the_cap_is_cut_to_the_cap(make_connector: Connect) -> None:
    async with make_connector(max_page_size=25) as connector:
        page = await connector.list_products(first=500)
    assert len(page.items) == 25
    assert page.next_cursor is not None


@pytest.mark.anyio
async def test_a_foreign_cursor_is_refused(connector: Any) -> None:
    with pytest.raises(RejectedByVendor) as caught:
        await connector.list_products(first=5, after="Y3Vyc29yOjEw")
    assert caught.value.code == "BAD_CURSOR"
    assert caught.value.field == ("after",)


@pytest.mark.anyio
async def test_first_must_be_positive(connector: Any) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        await connector.list_products(first=0)
