"""An in-process transport to a sandbox that behaves like a network one."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import ASGIApp

__all__ = ["SandboxTransport"]


class SandboxTransport(httpx.AsyncBaseTransport):
    """``httpx.ASGITransport`` that honours the client's read timeout, as a socket would.

    Plain ``ASGITransport`` ignores timeouts, so a hanging sandbox would hang the test.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {}).get("read")
        try:
            async with asyncio.timeout(timeout):
                return await self._inner.handle_async_request(request)
        except TimeoutError:
            raise httpx.ReadTimeout("sandbox did not answer in time", request=request) from None

    async def aclose(self) -> None:
        await self._inner.aclose()
