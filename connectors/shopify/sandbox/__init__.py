"""The Shopify sandbox: Shopify's Admin GraphQL API 2025-01 over the demo retailer.

Serve it alone with ``uvicorn`` (``ShopifySandbox().app`` is a complete ASGI app) or route
an ``httpx`` client to it in process (:func:`connectors.testing.connect`).
"""

from __future__ import annotations

from connectors.shopify.sandbox.server import DEFAULT_ACCESS_TOKEN, ShopifySandbox

__all__ = ["DEFAULT_ACCESS_TOKEN", "ShopifySandbox"]
