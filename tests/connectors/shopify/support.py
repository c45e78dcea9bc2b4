"""Helpers shared by the Shopify tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import respx

from connectors.settings import build_settings
from connectors.shopify import ShopifyConnector, ShopifySettings
from connectors.shopify.sandbox import ShopifySandbox
from connectors.testing import SandboxTransport


class FakeClock:
    """A monotonic clock the test moves by hand, so bucket refills are exact."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    """POST one document to the sandbox's Admin API endpoint."""
    return await client.post(
        ShopifySandbox.path, json={"query": query, "variables": variables or {}}
    )


@asynccontextmanager
async def client_for(sandbox: ShopifySandbox) -> AsyncIterator[httpx.AsyncClient]:
    """A raw client to ``sandbox``, with its token, for speaking GraphQL directly."""
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app),
        base_url=sandbox.base_url,
        headers={"X-Shopify-Access-Token": sandbox.access_token},
    ) as client:
        yield client


BASE_URL = "https://nordlicht.myshopify.com"


def shopify_router() -> respx.MockRouter:
    """Shopify as respx routes, for answers the sandbox never gives: the Admin API
    endpoint named ``graphql``, and Shopify's 404 for anything else."""
    router = respx.MockRouter(base_url=BASE_URL, assert_all_called=False)
    router.post(ShopifySandbox.path, name="graphql")
    router.route().respond(404, json={"errors": "Not Found"})
    return router


@asynccontextmanager
async def routed(router: respx.MockRouter) -> AsyncIterator[ShopifyConnector]:
    """A connector whose client speaks to ``router``."""
    settings = build_settings(
        ShopifySettings,
        {"shop": "nordlicht", "access_token": "shpat_test_token"},
        where="connectors.shopify",
    )
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as client:
        yield ShopifyConnector(settings, client)
