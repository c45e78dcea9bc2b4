"""A synchronous GraphQL client over an in-process gateway app, for tests.

It runs the app — lifespan included, so connectors start and stop — on an event loop in a
background thread and talks to it through ``httpx.ASGITransport``: no port, no network.
"""

from __future__ import annotations

import contextlib
import copy
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio.from_thread
import httpx
from starlette.applications import Starlette

__all__ = ["GatewayClient", "GraphQLResponse"]


@dataclass(frozen=True)
class GraphQLResponse:
    status_code: int
    data: Any
    errors: list[dict[str, Any]] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)

    @property
    def error_codes(self) -> list[str]:
        """``extensions.code`` of every error, in order."""
        return [error.get("extensions", {}).get("code", "") for error in self.errors]


class GatewayClient:
    """``with GatewayClient(app) as client: client.query("{ ... }")``."""

    def __init__(
        self,
        app: Starlette,
        *,
        base_url: str = "http://gateway.test",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self.base_url = base_url
        #: Sent with every request (credentials, say); a request's own headers win.
        self.headers = dict(headers or {})
        self._stack = contextlib.ExitStack()
        self._portal: anyio.from_thread.BlockingPortal | None = None
        self._http: httpx.AsyncClient | None = None

    def __enter__(self) -> GatewayClient:
        portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal("asyncio"))
        self._portal = portal
        lifespan = self.app.router.lifespan_context(self.app)
        self._stack.enter_context(portal.wrap_async_context_manager(lifespan))

        async def open_client() -> httpx.AsyncClient:
            return httpx.AsyncClient(
                transport=httpx.ASGITransport(app=self.app), base_url=self.base_url
            )

        self._http = portal.call(open_client)
        self._stack.callback(portal.call, self._http.aclose)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stack.close()
        self._portal = self._http = None

    def with_headers(self, headers: Mapping[str, str]) -> GatewayClient:
        """The same running app, sending ``headers`` too: ``client.with_headers({"x-api-key":
        key})`` asks as that key. Use it inside the original client's ``with`` block."""
        other = copy.copy(self)
        other.headers = {**self.headers, **headers}
        return other

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Any HTTP request to the app (``client.request("GET", "/readyz")``)."""
        if self._portal is None or self._http is None:
            raise RuntimeError("use the client inside `with GatewayClient(app) as client:`")
        if self.headers:
            given = httpx.Headers(kwargs.get("headers"))
            for name, value in self.headers.items():
                if name not in given:
                    given[name] = value
            kwargs["headers"] = given
        call = functools.partial(self._http.request, method, path, **kwargs)
        return self._portal.call(call)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def query(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        path: str = "/graphql",
    ) -> GraphQLResponse:
        """POST a GraphQL document; returns the parsed answer."""
        body: dict[str, Any] = {"query": document}
        if variables is not None:
            body["variables"] = dict(variables)
        if operation_name is not None:
            body["operationName"] = operation_name
        response = self.post(path, json=body, headers=dict(headers or {}))
        payload = response.json()
        return GraphQLResponse(
            status_code=response.status_code,
            data=payload.get("data"),
            errors=payload.get("errors") or [],
            extensions=payload.get("extensions") or {},
        )
