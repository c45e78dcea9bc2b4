"""The ASGI app: ``/graphql``, ``/healthz``, ``/readyz`` and ``/metrics`` over one gateway."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any, cast

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from gateway.config import GatewayConfig
from gateway.data import GatewayData
from gateway.errors import format_error
from gateway.graph import build_graph
from gateway.metrics import CONTENT_TYPE_LATEST
from gateway.redaction import install_redaction
from gateway.resilience.deadline import request_deadline
from gateway.runtime import Gateway, TransportFactory
from schema.context import GraphContext

__all__ = ["GraphQLEndpoint", "create_app"]


class GraphQLEndpoint(GraphQL[GraphContext, None]):
    """Strawberry's ASGI view: a fresh :class:`GatewayData` and deadline per request,
    coded errors, the data layer's notes in the response, orjson."""

    def __init__(self, gateway: Gateway, **options: Any) -> None:
        super().__init__(build_graph(), **options)
        self.gateway = gateway
        self.deadline = gateway.config.server.deadline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        metrics = self.gateway.metrics
        started = time.perf_counter()
        status = 500

        async def counting_send(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with request_deadline(self.deadline):
            try:
                await super().__call__(scope, receive, counting_send)
            finally:
                if scope["type"] == "http":
                    metrics.graphql_requests.labels(str(status)).inc()
                    metrics.graphql_seconds.observe(time.perf_counter() - started)

    async def get_context(self, request: Request | WebSocket, response: Any) -> GraphContext:
        data = GatewayData(self.gateway)
        request.state.data = data
        return GraphContext(data=data, extras={"request": request})

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # Every error leaves in its coded, client-safe form: parse and validation errors,
        # back-end failures and bugs alike (the log already has the originals).
        if result.errors:
            result.errors = [format_error(error) for error in result.errors]
        body: dict[str, Any] = dict(process_result(result))
        data: GatewayData | None = getattr(request.state, "data", None)
        if data is not None:
            if data.problems:
                body["errors"] = [*body.get("errors", []), *data.problems]
            if data.stale:
                body["extensions"] = {**(body.get("extensions") or {}), "stale": data.stale}
        errors = self.gateway.metrics.graphql_errors
        for error in body.get("errors") or []:
            errors.labels(error.get("extensions", {}).get("code", "")).inc()
        return cast(GraphQLHTTPResponse, body)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def create_app(
    config: GatewayConfig, *, transport_factory: TransportFactory | None = None
) -> Starlette:
    """The gateway as an ASGI app. Connectors start with the app and stop with it."""
    gateway = Gateway(config, transport_factory=transport_factory)
    dev = config.server.profile == "dev"
    graphql = GraphQLEndpoint(gateway, graphql_ide="graphiql" if dev else None)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        problems = await gateway.readiness()
        ready = not any(problems.values())
        body = {
            "status": "ready" if ready else "unavailable",
            "connectors": {name: problem or "ok" for name, problem in problems.items()},
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    async def metrics(request: Request) -> Response:
        return Response(gateway.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with install_redaction(config):
            async with gateway:
                yield

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    return app
