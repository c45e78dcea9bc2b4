"""Pytest fixtures for teams testing storefronts against the gateway with mocked vendors.

Installed with the package and registered as a pytest plugin, so a test just asks::

    def test_product_page(gateway_client, commerce_sandboxes):
        commerce_sandboxes["sap_commerce"].faults.down = True
        result = gateway_client.query("{ product(handle: \\"alpine-tee\\") { title } }")
        assert result.data["product"]["title"] == "Alpine Tee"

See ``docs/testing.md``.
"""

from __future__ import annotations

from gateway.testing.client import GatewayClient, GraphQLResponse

__all__ = ["GatewayClient", "GraphQLResponse"]
