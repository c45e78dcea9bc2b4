"""A storefront team's tests, written against the gateway with mocked vendors.

The `gateway_client` and `commerce_sandboxes` fixtures come with commerce-gateway (its
pytest plugin); nothing here starts a server or needs a credential. CI runs this file.
"""

from __future__ import annotations

from connectors.sandbox import Sandbox
from gateway.testing import GatewayClient

PRODUCT_PAGE = """
query ProductPage($handle: String!) {
  product(handle: $handle) {
    title
    priceRange { minVariantPrice { amount currencyCode } }
    variants {
      sku
      inventory { available location { name kind pickupEnabled } }
    }
  }
}
"""


def test_the_product_page_shows_store_and_warehouse_stock(gateway_client: GatewayClient) -> None:
    result = gateway_client.query(PRODUCT_PAGE, {"handle": "alpine-tee"})

    assert result.errors == []
    product = result.data["product"]
    assert product["title"] == "Alpine Tee"
    assert product["priceRange"]["minVariantPrice"] == {"amount": "24.90", "currencyCode": "EUR"}
    kinds = {level["location"]["kind"] for v in product["variants"] for level in v["inventory"]}
    assert kinds == {"STORE", "WAREHOUSE", "DISTRIBUTION_CENTER"}


def test_the_page_still_renders_when_the_warehouse_system_is_down(
    gateway_client: GatewayClient, commerce_sandboxes: dict[str, Sandbox]
) -> None:
    commerce_sandboxes["sap_commerce"].faults.down = True

    result = gateway_client.query(PRODUCT_PAGE, {"handle": "alpine-tee"})

    assert result.status_code == 200
    assert result.data["product"]["title"] == "Alpine Tee"
    assert set(result.error_codes) == {"UPSTREAM_UNAVAILABLE"}
    assert {e["extensions"]["connector"] for e in result.errors} == {"sap_commerce"}


def test_the_gateway_asks_shopify_once_for_the_product(
    gateway_client: GatewayClient, commerce_sandboxes: dict[str, Sandbox]
) -> None:
    gateway_client.query('{ product(handle: "alpine-tee") { title } }')

    calls = commerce_sandboxes["shopify"].api_calls()
    assert len(calls) == 1
    assert calls[0].path == "/admin/api/2025-01/graphql.json"
