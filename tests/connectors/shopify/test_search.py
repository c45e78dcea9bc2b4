"""The connector's search quoting and the sandbox's search parser agree on every value."""

from __future__ import annotations

import pytest

from connectors.shopify import ShopifyConnector, ShopifySettings, ThrottleStatus, queries
from connectors.shopify.sandbox.search import Term, UnsupportedSearch, parse_search

TRICKY = [
    "NL-1001-BLK-S",
    'NL "LIMITED"',
    "back\\slash",
    "colon:inside",
    "(parens)",
    "OR",
    "-leading-minus",
    "it's",
    "two  spaces",
]


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_a_quoted_value_parses_back_to_itself(value: str) -> None:
    search = parse_search(queries.any_of("sku", [value, "other"]))
    assert search.groups == ((Term("sku", value),), (Term("sku", "other"),))


def test_free_text_is_words_that_must_all_match() -> None:
    search = parse_search(queries.free_text('rain "jacket" sku:x') or "")
    assert search.groups == ((Term(None, "rain"), Term(None, '"jacket"'), Term(None, "sku:x")),)
    assert queries.free_text("   ") is None


def test_and_binds_tighter_than_or() -> None:
    search = parse_search("vendor:Bergwerk AND product_type:Footwear OR tag:sale")
    assert search.groups == (
        (Term("vendor", "Bergwerk"), Term("product_type", "Footwear")),
        (Term("tag", "sale"),),
    )


@pytest.mark.parametrize(
    "query",
    ['sku:"open', "OR sku:a", "sku:", ":a"],
    ids=["unterminated", "leading-or", "no-value", "no-field"],
)
def test_malformed_searches_are_refused(query: str) -> None:
    with pytest.raises(UnsupportedSearch):
        parse_search(query)


def test_public_names_are_sorted_and_exported() -> None:
    import connectors.shopify as package

    assert package.__all__ == sorted(package.__all__)
    assert (package.ShopifyConnector, package.ShopifySettings, package.ThrottleStatus) == (
        ShopifyConnector,
        ShopifySettings,
        ThrottleStatus,
    )
