"""The connector contract, run against the Shopify sandbox."""

from __future__ import annotations

from connectors.shopify import ShopifyConnector
from connectors.testing import ConnectorContract


class TestShopifyContract(ConnectorContract):
    connector_class = ShopifyConnector
