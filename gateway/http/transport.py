"""An httpx transport over aiohttp's connection pool and C HTTP parser.

Connectors keep speaking httpx; only the bytes move through aiohttp::

    client = httpx.AsyncClient(transport=AiohttpTransport(max_connections=50))

aiohttp's failures are mapped once, here, to the class httpx's own transport raises for the
same failure, with the request attached, so callers catch ``httpx.TimeoutException`` and
``httpx.TransportError`` as usual::

    httpx.TransportError
    ├── httpx.TimeoutException
    │   ├── httpx.ConnectTimeout      no connection within the ``connect`` timeout
    │   ├── httpx.ReadTimeout         no byte from the server within the ``read`` timeout
    │   └── httpx.PoolTimeout         no free connection within the ``pool`` timeout
    ├── httpx.NetworkError
    │   ├── httpx.ConnectError        refused, unreachable, DNS or TLS failure
    │   ├── httpx.ReadError           the connection broke while reading
    │   └── httpx.WriteError          the connection broke while sending
    ├── httpx.RemoteProtocolError     the server hung up early or sent malformed HTTP
    └── httpx.UnsupportedProtocol     not an http(s) URL, or no host

``connect`` and ``read`` timeouts are enforced by aiohttp, ``pool`` by the transport; aiohttp
has no ``write`` timer, so that one is not honoured.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import Any, Final, TypeAlias, TypeGuard

import aiohttp
import httpx
from yarl import URL

__all__ = ["AiohttpTransport", "map_error"]

# Most specific first: the first match wins.
_ERRORS: Final[tuple[tuple[type[BaseException], type[httpx.TransportError]], ...]] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),
    (aiohttp.ClientConnectionResetError, httpx.WriteError),
    (aiohttp.ClientConnectionError, httpx.ReadError),
    (aiohttp.NonHttpUrlClientError, httpx.UnsupportedProtocol),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
)

_CONTENT_TYPE: Final = ("Content-Type",)
# aiohttp warns on bytes bodies over 1 MiB; larger ones go out in slices, with back-pressure.
_LARGE_BODY: Final = 2**20
_SLICE: Final = 2**18
_TIMEOUTS_KEPT: Final = 64

_Open: TypeAlias = tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession, asyncio.Semaphore]


def map_error(exc: BaseException, request: httpx.Request) -> httpx.TransportError | None:
    """The httpx error a caller should see for aiohttp's ``exc``, or ``None`` if not aiohttp's."""
    for source, target in _ERRORS:
        if isinstance(exc, source):
            return target(str(exc) or type(exc).__name__, request=request)
    return None


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Send httpx requests through one ``aiohttp.ClientSession``.

    The session and its keep-alive pool are made on the first request, inside the running
    loop, and closed by :meth:`aclose`; the transport belongs to that loop from then on.
    Responses come back fully read, the connection already back in the pool. Their body is
    the bytes on the wire, so httpx decodes ``Content-Encoding`` exactly as with its own
    transport, and ``Content-Length`` and ``Content-Encoding`` still describe the body.
    """

    def __init__(
        self,
        *,
        max_connections: int = 100,
        keepalive_expiry: float = 5.0,
        dns_cache_ttl: int = 10,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        """``max_connections`` bounds both open connections per host and requests in flight.

        ``keepalive_expiry`` (seconds an idle connection is kept) defaults to httpx's value;
        ``verify`` is ``True`` for httpx's certificate bundle, ``False`` for none, or a context.
        """
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._dns_cache_ttl = dns_cache_ttl
        self._verify = verify
        self._open_in: _Open | None = None
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}
        self._closed = False

    def _open(self, loop: asyncio.AbstractEventLoop) -> _Open:
        if self._closed:
            raise RuntimeError("Cannot send a request, as the transport has been closed.")
        if self._open_in is not None:
            raise RuntimeError("The transport is in use by another event loop; make one per loop.")
        verify = self._verify
        connector = aiohttp.TCPConnector(
            limit=self._max_connections,
            limit_per_host=self._max_connections,
            keepalive_timeout=self._keepalive_expiry,
            ttl_dns_cache=self._dns_cache_ttl,
            ssl=httpx.create_ssl_context(trust_env=False) if verify is True else verify,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            # httpx keeps cookies on the client; a second jar here would only cost time.
            cookie_jar=aiohttp.DummyCookieJar(),
            # Pass the body as sent, so Content-Encoding/-Length stay true; httpx decodes.
            auto_decompress=False,
            timeout=aiohttp.ClientTimeout(total=None),
        )
        self._open_in = (loop, session, asyncio.Semaphore(self._max_connections))
        return self._open_in

    def _timeout(self, timeouts: dict[str, float | None]) -> aiohttp.ClientTimeout:
        # A client's requests share a handful of timeout settings; build each once.
        key = (timeouts.get("connect"), timeouts.get("read"))
        timeout = self._timeouts.get(key)
        if timeout is None:
            if len(self._timeouts) >= _TIMEOUTS_KEPT:  # per-request deadlines: don't hoard
                self._timeouts.clear()
            timeout = aiohttp.ClientTimeout(total=None, sock_connect=key[0], sock_read=key[1])
            self._timeouts[key] = timeout
        return timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` and read the whole response.

        Raises the ``httpx.TransportError`` subclass that matches the failure (see the
        module docstring); ``RuntimeError`` once the transport is closed, or when called
        from another event loop than the first request's.
        """
        loop = asyncio.get_running_loop()
        open_in = self._open_in
        if open_in is None or open_in[0] is not loop:
            open_in = self._open(loop)
        _, session, slots = open_in
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        if slots.locked():
            try:
                async with asyncio.timeout(timeouts.get("pool")):
                    await slots.acquire()
            except TimeoutError:
                raise httpx.PoolTimeout("no free connection in time", request=request) from None
        else:
            await slots.acquire()
        try:
            body, response = await self._send(session, request, timeouts)
        finally:
            slots.release()
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            stream=httpx.ByteStream(body),
            extensions={
                "http_version": b"HTTP/1.0" if response.version == (1, 0) else b"HTTP/1.1",
                "reason_phrase": (response.reason or "").encode("ascii", "replace"),
            },
        )

    async def _send(
        self,
        session: aiohttp.ClientSession,
        request: httpx.Request,
        timeouts: dict[str, float | None],
    ) -> tuple[bytes, aiohttp.ClientResponse]:
        headers = request.headers
        encoding = headers.encoding
        options: dict[str, Any] = {}
        data: bytes | AsyncIterator[bytes | memoryview] | None
        try:
            data = request.content or None
            if data is not None and len(data) > _LARGE_BODY:
                data = _slices(data)
            pairs = [(k.decode(encoding), v.decode(encoding)) for k, v in headers.raw]
        except httpx.RequestNotRead:
            if not isinstance(request.stream, httpx.AsyncByteStream):
                raise RuntimeError("An async transport needs an async request body.") from None
            data = _chunks(request.stream)
            # aiohttp frames a body of unknown length itself; the header would clash.
            pairs = [
                (k.decode(encoding), v.decode(encoding))
                for k, v in headers.raw
                if k.lower() != b"transfer-encoding"
            ]
        if data is not None and "content-type" not in headers:
            options["skip_auto_headers"] = _CONTENT_TYPE  # httpx sent none; add none
        # httpx has already percent-encoded the URL: parse it, don't re-quote it.
        url = URL(str(request.url), encoded=True)
        if url.raw_user is not None:
            url = url.with_user(None)  # httpx turned it into an Authorization header
        try:
            response = await session.request(
                request.method,
                url,
                headers=pairs,
                data=data,
                allow_redirects=False,
                timeout=self._timeout(timeouts),
                **options,
            )
            # Reads to the end and hands the connection back (closed, if the read failed).
            body = await response.read()
        except Exception as exc:
            cause = exc.__cause__
            if type(exc) is aiohttp.ClientConnectionError and _not_network(cause):
                # The request body's own iterator failed: the caller's error, not the network's.
                raise cause from None
            mapped = map_error(exc, request)
            if mapped is None:
                raise
            raise mapped from exc
        return body, response

    async def aclose(self) -> None:
        """Close the pool's connections; a later request raises ``RuntimeError``."""
        self._closed = True
        open_in, self._open_in = self._open_in, None
        if open_in is not None:
            await open_in[1].close()


async def _slices(body: bytes) -> AsyncIterator[memoryview]:
    view = memoryview(body)
    for start in range(0, len(view), _SLICE):
        yield view[start : start + _SLICE]


async def _chunks(stream: httpx.AsyncByteStream) -> AsyncIterator[bytes]:
    async for chunk in stream:
        yield chunk


def _not_network(cause: BaseException | None) -> TypeGuard[BaseException]:
    return cause is not None and not isinstance(cause, OSError | aiohttp.ClientError)
