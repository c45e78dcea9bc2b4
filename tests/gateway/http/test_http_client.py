"""build_client: the client a connector is given, over the fast transport or a test's."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx
import pytest
import respx

import gateway.http
from connectors.errors import UpstreamTimeout, UpstreamUnavailable
from connectors.http import send
from gateway.http import AiohttpTransport, ConnectorClient, build_client

if TYPE_CHECKING:
    from conftest import Server

pytestmark = pytest.mark.anyio


def test_exports_are_sorted_and_resolve() -> None:
    assert gateway.http.__all__ == sorted(gateway.http.__all__)
    assert all(hasattr(gateway.http, name) for name in gateway.http.__all__)


async def test_defaults_give_the_fast_transport_and_the_documented_timeouts(
    anyio_backend: str,
) -> None:
    async with build_client(base_url="https://shop.example/api") as client:
        assert isinstance(client, ConnectorClient)
        assert isinstance(client._transport, AiohttpTransport)
        assert client.timeout == httpx.Timeout(10.0, connect=3.0)
        assert client.base_url == "https://shop.example/api/"


async def test_real_server_sees_the_default_headers_and_the_base_path(server: Server) -> None:
    async with build_client(
        base_url=f"{server.url}/", headers={"X-Shopify-Access-Token": "shpat_test"}
    ) as client:
        response = await client.get("seen", params={"ids": "1,2"})

    assert response.json()["path_qs"] == "/seen?ids=1%2C2"
    assert ["X-Shopify-Access-Token", "shpat_test"] in response.json()["headers"]


async def test_max_connections_caps_requests_in_flight(server: Server) -> None:
    async with build_client(base_url=server.url, max_connections=3) as client:
        responses = await asyncio.gather(
            *(client.get("/wait", params={"seconds": 0.1}) for _ in range(9))
        )

    assert {r.status_code for r in responses} == {200}
    assert server.max_in_flight == 3


async def test_a_timeout_reaches_the_connector_as_upstream_timeout(server: Server) -> None:
    async with build_client(base_url=server.url, timeout=0.2) as client:
        with pytest.raises(UpstreamTimeout, match="shopify: no answer in time"):
            await send(client, client.build_request("GET", "/wait"), connector="shopify")


async def test_a_refused_connection_reaches_the_connector_as_unavailable(
    anyio_backend: str, closed_port: int
) -> None:
    async with build_client(base_url=f"http://127.0.0.1:{closed_port}") as client:
        with pytest.raises(UpstreamUnavailable, match="could not reach the back end"):
            await send(client, client.build_request("GET", "/"), connector="shopify")


def _recorder(urls: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, json={"ok": True})

    return httpx.MockTransport(handle)


async def test_a_given_transport_is_used_instead(anyio_backend: str) -> None:
    urls: list[str] = []
    async with build_client(base_url="https://shop.example/api", transport=_recorder(urls)) as c:
        response = await c.get("products.json", params={"ids": "1"})

    assert response.json() == {"ok": True}
    assert urls == ["https://shop.example/api/products.json?ids=1"]


async def test_urls_follow_a_change_of_base_url(anyio_backend: str) -> None:
    urls: list[str] = []
    async with build_client(base_url="https://eu.shop.example", transport=_recorder(urls)) as c:
        await c.get("/products")
        await c.get("/products")
        c.base_url = httpx.URL("https://us.shop.example/v2")
        await c.get("/products")
        await c.get("https://other.example/x")

    assert urls == [
        "https://eu.shop.example/products",
        "https://eu.shop.example/products",
        "https://us.shop.example/v2/products",
        "https://other.example/x",
    ]


async def test_httpx_still_merges_urls_through_the_cached_hook(anyio_backend: str) -> None:
    # If a new httpx stopped calling ``_merge_url``, every request would pay ~10 µs again.
    async with build_client(base_url="https://shop.example", transport=_recorder([])) as c:
        c.build_request("GET", "/products")

        assert list(c._urls) == ["/products"]


async def test_urls_stay_right_past_the_cache_size(anyio_backend: str) -> None:
    urls: list[str] = []
    async with build_client(base_url="https://shop.example", transport=_recorder(urls)) as c:
        for n in range(2100):
            await c.get(f"/products/{n}")
        await c.get("/products/7")
        kept = len(c._urls)  # a long-running gateway must not hoard one URL per record

    assert urls[2047:2050] == [f"https://shop.example/products/{n}" for n in (2047, 2048, 2049)]
    assert urls[-1] == "https://shop.example/products/7"
    assert kept <= 2048


async def test_cookies_a_server_sets_are_sent_back_as_with_httpx(anyio_backend: str) -> None:
    cookies_sent: list[str | None] = []

    def handle(request: httpx.Request) -> httpx.Response:
        cookies_sent.append(request.headers.get("cookie"))
        if request.url.path == "/login":
            return httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"})
        return httpx.Response(200)

    async with build_client(
        base_url="https://sap.example", transport=httpx.MockTransport(handle)
    ) as client:
        await client.get("/login")
        await client.get("/orders")  # sets no cookie: the jar keeps what it had
        await client.get("/orders")
        client.cookies = {"region": "eu"}
        await client.get("/orders")

    assert cookies_sent == [None, "session=abc", "session=abc", "region=eu"]


async def test_respx_routes_work_through_the_built_client(anyio_backend: str) -> None:
    router = respx.MockRouter(base_url="https://shop.example/admin", assert_all_called=True)
    router.get("/products/1.json", name="product").respond(json={"product": {"id": 1}})

    async with build_client(
        base_url="https://shop.example/admin", transport=httpx.MockTransport(router.async_handler)
    ) as client:
        response = await client.get("/products/1.json")

    assert response.json() == {"product": {"id": 1}}
    assert router["product"].call_count == 1


async def test_respx_mock_patches_the_built_client_with_using_httpx(anyio_backend: str) -> None:
    async with (
        respx.mock(base_url="https://shop.example", using="httpx") as router,
        build_client(base_url="https://shop.example") as client,
    ):
        router.get("/ping").respond(text="pong")
        response = await client.get("/ping")

    assert response.text == "pong"
