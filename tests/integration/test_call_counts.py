"""A page of products with variants and stock costs a bounded number of vendor calls.

One call per back end per nesting level, whatever the page size, except where the vendor
caps what one call may carry (Shopify's 1,000-point query cost): there the calls follow
the page's cost, each carrying as much as the vendor allows.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from connectors.sandbox import Sandbox
from connectors.shopify import queries
from gateway.testing import GatewayClient

PLP = """
query Plp($first: Int!) {
  products(first: $first) {
    nodes {
      id title handle priceRange { minVariantPrice { amount currencyCode } }
      variants {
        sku title price { amount currencyCode }
        inventory { available onHand reserved updatedAt location { id name kind pickupEnabled } }
      }
    }
  }
}
"""


def calls(sandboxes: dict[str, Sandbox]) -> Counter[str]:
    return Counter({name: len(sandbox.api_calls()) for name, sandbox in sandboxes.items()})


def shopify_documents(sandbox: Sandbox) -> Counter[str]:
    """Shopify calls by operation name (``query InventoryLevels(...)`` -> InventoryLevels)."""
    names = (
        call.json()["query"].split("query ", 1)[1].split("(")[0].split()[0]
        for call in sandbox.api_calls()
    )
    return Counter(names)


@pytest.mark.parametrize("first", [5, 20, 50])
def test_a_product_listing_page_costs_the_same_calls_whatever_its_size(
    gateway_client: GatewayClient, commerce_sandboxes: dict[str, Sandbox], first: int
) -> None:
    result = gateway_client.query(PLP, {"first": first})

    assert result.errors == []
    nodes = result.data["products"]["nodes"]
    assert len(nodes) == first
    kinds = Counter(
        level["location"]["kind"] for n in nodes for v in n["variants"] for level in v["inventory"]
    )
    assert kinds["STORE"] > 0, "store stock from Shopify"
    assert kinds["WAREHOUSE"] > 0, "warehouse stock from SAP and the ERP"

    # SAP: the stock of every SKU on the page, the locations. The ERP: its prices for
    # every SKU (it is the price authority), its stock, its locations. One call per system
    # per nesting level, for 5 products or 50.
    counted = calls(commerce_sandboxes)
    assert counted["sap_commerce"] == 2
    assert counted["odoo"] == 3
    assert counted["salesforce"] == 0

    # Shopify refuses any document over 1,000 cost points, and stock at every store costs
    # 34 points a SKU, so its calls follow the page's cost, never one per product or SKU:
    # each document carries as much as the limit allows.
    skus = sum(len(n["variants"]) for n in nodes)
    documents = shopify_documents(commerce_sandboxes["shopify"])
    assert documents["Products"] == math.ceil(first / queries.PRODUCTS_PER_QUERY)
    assert documents["InventoryLevels"] == math.ceil(skus / queries.SKUS_PER_LEVELS_QUERY)
    assert documents["Locations"] == 1
    assert sum(documents.values()) == (
        documents["Products"] + documents["InventoryLevels"] + documents["Locations"]
    )
