"""The Shopify connector: catalog, store stock (Shopify POS locations), customers and
orders from Shopify's Admin GraphQL API. See ``docs/connectors/shopify.md``."""

from __future__ import annotations

from connectors.shopify.connector import ShopifyConnector
from connectors.shopify.settings import ShopifySettings
from connectors.shopify.throttle import ThrottleStatus

__all__ = ["ShopifyConnector", "ShopifySettings", "ThrottleStatus"]
