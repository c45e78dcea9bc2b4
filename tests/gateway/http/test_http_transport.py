"""AiohttpTransport under a plain httpx.AsyncClient, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import socket
import sys
import time
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING

import aiohttp
import httpx
import pytest

from gateway.http import AiohttpTransport
from gateway.http.transport import map_error

if TYPE_CHECKING:
    from conftest import Server

pytestmark = pytest.mark.anyio

BIG = 5 * 1024 * 1024


@contextlib.asynccontextmanager
async def client_for(server: Server, **options: int) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=server.url, transport=AiohttpTransport(**options)
    ) as client:
        yield client


async def test_get_returns_status_headers_and_json(server: Server) -> None:
    async with client_for(server) as client:
        response = await client.get("/json")

    assert response.status_code == 200
    assert response.json() == server.json
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.http_version == "HTTP/1.1"
    assert response.reason_phrase == "OK"
    assert response.request.url == f"{server.url}/json"
    assert response.elapsed.total_seconds() > 0


async def test_post_json_round_trip(server: Server) -> None:
    payload = {"lines": [{"sku": "TR-42-BLK", "quantity": 2}], "note": "Grüße"}
    async with client_for(server) as client:
        response = await client.post("/echo", json=payload)

    assert response.json() == {"json": payload, "content_type": "application/json"}


async def test_large_body_is_uploaded_whole(server: Server) -> None:
    body = server.body(BIG)
    async with client_for(server) as client:
        response = await client.post("/upload", content=body)

    assert response.json() == {
        "size": BIG,
        "sha256": hashlib.sha256(body).hexdigest(),
        "chunked": False,
        "content_type": None,  # httpx sent none, so none is invented on the way
    }


async def test_streamed_body_of_unknown_length_is_uploaded_chunked(server: Server) -> None:
    body = server.body(BIG)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, BIG, 65536):
            yield body[start : start + 65536]

    async with client_for(server) as client:
        response = await client.post("/upload", content=chunks())

    assert response.json()["size"] == BIG
    assert response.json()["sha256"] == hashlib.sha256(body).hexdigest()
    assert response.json()["chunked"] is True


async def test_a_failing_body_iterator_raises_its_own_error(server: Server) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"lines": ['
        raise ValueError("the order was edited while it was being sent")

    async with client_for(server) as client:
        with pytest.raises(ValueError, match="edited while it was being sent"):
            await client.post("/upload", content=chunks())
        after = await client.get("/json")

    assert after.json() == server.json


async def test_large_body_is_downloaded_whole(server: Server) -> None:
    async with client_for(server) as client:
        response = await client.get("/download", params={"size": BIG})

    assert response.headers["content-length"] == str(BIG)
    assert response.content == server.body(BIG)


async def test_multipart_upload_arrives_whole(server: Server) -> None:
    image = server.body(300_000)
    async with client_for(server) as client:
        response = await client.post(
            "/form", data={"sku": "TR-42-BLK"}, files={"image": ("shoe.jpg", image, "image/jpeg")}
        )

    assert response.json() == {"sku": "TR-42-BLK", "image": hashlib.sha256(image).hexdigest()}


async def test_redirects_are_left_to_httpx(server: Server) -> None:
    async with client_for(server) as client:
        kept = await client.get("/redirect")
        followed = await client.get("/redirect", follow_redirects=True)

    assert kept.status_code == 302
    assert kept.next_request is not None
    assert kept.next_request.url == f"{server.url}/json"
    assert followed.json() == server.json
    assert [r.status_code for r in followed.history] == [302]


async def test_credentials_in_the_url_are_sent_once_as_basic_auth(server: Server) -> None:
    url = server.url.replace("http://", "http://shop:s3cret@")
    async with client_for(server) as client:
        response = await client.get(f"{url}/seen")

    sent = response.json()["headers"]
    assert [v for k, v in sent if k.lower() == "authorization"] == ["Basic c2hvcDpzM2NyZXQ="]
    assert response.json()["path_qs"] == "/seen"


async def test_duplicate_response_headers_are_all_kept(server: Server) -> None:
    async with client_for(server) as client:
        response = await client.get("/cookies")
        cookies = dict(client.cookies)

    assert response.headers.get_list("x-tag") == ["one", "two"]
    assert response.headers.get_list("set-cookie") == [
        "session=abc; Path=/",
        "region=eu; Path=/",
    ]
    assert cookies == {"session": "abc", "region": "eu"}


async def test_gzip_body_is_decoded_once(server: Server) -> None:
    async with client_for(server) as client:
        response = await client.get("/gzip")

    assert response.json() == [server.json] * 50
    # The headers still describe the bytes on the wire, as with httpx's own transport.
    assert response.headers["content-encoding"] == "gzip"
    assert response.num_bytes_downloaded == int(response.headers["content-length"])
    assert response.num_bytes_downloaded < len(response.content) / 10


@pytest.mark.parametrize("code", [204, 304], ids=["no-content", "not-modified"])
async def test_empty_responses_have_no_body_and_leave_the_connection_usable(
    server: Server, code: int
) -> None:
    async with client_for(server) as client:
        empty = await client.get(f"/status/{code}")
        after = await client.get("/json")

    assert empty.status_code == code
    assert empty.content == b""
    assert empty.headers["etag"] == '"v1"'
    assert after.json() == server.json
    assert len(set(server.peers)) == 1


async def test_head_has_headers_but_no_body(server: Server) -> None:
    async with client_for(server) as client:
        response = await client.head("/download", params={"size": 1000})

    assert response.status_code == 200
    assert response.headers["content-length"] == "1000"
    assert response.content == b""


async def test_sequential_requests_share_one_connection(server: Server) -> None:
    async with client_for(server) as client:
        for _ in range(5):
            assert (await client.get("/json")).status_code == 200

    assert len(server.peers) == 5
    assert len(set(server.peers)) == 1


async def test_url_reaches_the_server_exactly_as_httpx_encoded_it(server: Server) -> None:
    async with client_for(server) as client:
        response = await client.get("/seen", params={"q": "a/b c", "tag": "100%", "sku": "TR+42"})

    assert response.json()["path_qs"] == response.request.url.raw_path.decode()
    assert response.json()["path_qs"] == "/seen?q=a%2Fb+c&tag=100%25&sku=TR%2B42"


async def test_request_headers_are_sent_as_given_and_nothing_is_added(server: Server) -> None:
    async with client_for(server) as client:
        response = await client.get("/seen", headers=[("X-Tag", "one"), ("X-Tag", "two")])

    sent = response.json()["headers"]
    assert [v for k, v in sent if k == "X-Tag"] == ["one", "two"]
    assert ["User-Agent", f"python-httpx/{httpx.__version__}"] in sent
    assert sent == [[k.decode(), v.decode()] for k, v in response.request.headers.raw]


async def test_read_timeout_raises_httpx_read_timeout_in_time(server: Server) -> None:
    async with client_for(server) as client:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout) as caught:
            await client.get("/wait", timeout=httpx.Timeout(5.0, read=0.2))
        waited = time.monotonic() - started

    assert 0.2 <= waited < 1.5
    assert caught.value.request.url == f"{server.url}/wait"


async def test_refused_connection_raises_httpx_connect_error(
    anyio_backend: str, closed_port: int
) -> None:
    port = closed_port
    async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
        with pytest.raises(httpx.ConnectError) as caught:
            await client.get(f"http://127.0.0.1:{port}/json")

    assert caught.value.request.url == f"http://127.0.0.1:{port}/json"


@pytest.mark.skipif(
    sys.platform != "linux", reason="relies on Linux dropping connections to a full backlog"
)
async def test_connect_timeout_raises_httpx_connect_timeout_in_time(anyio_backend: str) -> None:
    with contextlib.ExitStack() as stack:
        listener = stack.enter_context(socket.socket())
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)  # never accepted: once the backlog is full, connecting hangs
        port = listener.getsockname()[1]
        for _ in range(8):
            filler = stack.enter_context(socket.socket())
            filler.setblocking(False)
            filler.connect_ex(("127.0.0.1", port))
        async with httpx.AsyncClient(transport=AiohttpTransport()) as client:
            started = time.monotonic()
            with pytest.raises(httpx.ConnectTimeout):
                await client.get(f"http://127.0.0.1:{port}/", timeout=httpx.Timeout(5, connect=0.2))
            waited = time.monotonic() - started

    assert 0.2 <= waited < 1.5


async def test_no_more_than_max_connections_are_used(server: Server) -> None:
    async with client_for(server, max_connections=2) as client:
        responses = await asyncio.gather(
            *(client.get("/wait", params={"seconds": 0.1}) for _ in range(6))
        )

    assert [r.status_code for r in responses] == [200] * 6
    assert server.max_in_flight == 2
    assert len(set(server.peers)) == 2


async def test_waiting_longer_than_the_pool_timeout_raises_pool_timeout(server: Server) -> None:
    async with client_for(server, max_connections=1) as client:
        busy = asyncio.ensure_future(client.get("/wait"))
        await server.arrived.wait()
        started = time.monotonic()
        with pytest.raises(httpx.PoolTimeout):
            await client.get("/json", timeout=httpx.Timeout(5.0, pool=0.2))
        waited = time.monotonic() - started
        server.release.set()
        assert (await busy).status_code == 200

    assert 0.2 <= waited < 1.5


async def _hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.close()


async def _truncate(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
    await writer.drain()
    writer.close()


async def _garble(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"this is not HTTP\r\n\r\n")
    await writer.drain()
    writer.close()


@pytest.mark.parametrize(
    "misbehave",
    [_hang_up, _truncate, _garble],
    ids=["hangs-up-before-answering", "truncates-the-body", "answers-garbage"],
)
async def test_broken_responses_raise_remote_protocol_error(
    anyio_backend: str,
    misbehave: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> None:
    broken = await asyncio.start_server(misbehave, "127.0.0.1", 0)
    port = broken.sockets[0].getsockname()[1]
    async with broken, httpx.AsyncClient(transport=AiohttpTransport()) as client:
        with pytest.raises(httpx.RemoteProtocolError) as caught:
            await client.get(f"http://127.0.0.1:{port}/json")

    assert caught.value.request.url == f"http://127.0.0.1:{port}/json"


async def test_closing_releases_every_connection_without_warnings(server: Server) -> None:
    transport = AiohttpTransport()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with httpx.AsyncClient(base_url=server.url, transport=transport) as client:
            await asyncio.gather(*(client.get("/json") for _ in range(3)))
        del client
        gc.collect()
        await asyncio.sleep(0.05)  # let the server notice the closed sockets

    assert [str(w.message) for w in caught] == []
    assert len(server.transports) == 3
    assert all(t.is_closing() for t in server.transports)
    with pytest.raises(RuntimeError, match="closed"):
        await transport.handle_async_request(httpx.Request("GET", f"{server.url}/json"))


async def test_unused_transport_closes_without_opening_anything(anyio_backend: str) -> None:
    transport = AiohttpTransport()
    await transport.aclose()

    with pytest.raises(RuntimeError, match="closed"):
        await transport.handle_async_request(httpx.Request("GET", "http://127.0.0.1:9/"))


def test_a_transport_serves_one_event_loop(closed_port: int) -> None:
    transport = AiohttpTransport()
    request = httpx.Request("GET", f"http://127.0.0.1:{closed_port}/")
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        with pytest.raises(httpx.ConnectError):
            first.run_until_complete(transport.handle_async_request(request))
        with pytest.raises(RuntimeError, match="another event loop"):
            second.run_until_complete(transport.handle_async_request(request))
        first.run_until_complete(transport.aclose())
    finally:
        first.close()
        second.close()


async def test_a_sync_body_is_refused_with_a_clear_error(anyio_backend: str) -> None:
    request = httpx.Request("POST", "http://127.0.0.1:9/", content=iter([b"{}"]))

    async with AiohttpTransport() as transport:
        with pytest.raises(RuntimeError, match="needs an async request body"):
            await transport.handle_async_request(request)


def test_max_connections_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AiohttpTransport(max_connections=0)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
        (aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout),
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (aiohttp.ClientPayloadError("truncated"), httpx.RemoteProtocolError),
        (aiohttp.ClientConnectionResetError("reset"), httpx.WriteError),
        (aiohttp.ClientOSError(104, "reset by peer"), httpx.ReadError),
        (aiohttp.NonHttpUrlClientError("ftp://x/"), httpx.UnsupportedProtocol),
        (aiohttp.InvalidUrlClientError("http:///"), httpx.UnsupportedProtocol),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else v.__name__,
)
def test_aiohttp_errors_map_to_the_matching_httpx_error(
    error: Exception, expected: type[httpx.TransportError]
) -> None:
    request = httpx.Request("GET", "http://shop.example/")

    mapped = map_error(error, request)

    assert type(mapped) is expected
    assert mapped.request is request


def test_errors_not_from_aiohttp_are_not_mapped() -> None:
    assert map_error(ValueError("a bug"), httpx.Request("GET", "http://shop.example/")) is None
