"""The ASGI app: ``/graphql``, ``/healthz`` and ``/readyz`` over one running gateway."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.types import ExecutionResult

from gateway.config import GatewayConfig
from gateway.data import GatewayData
from gateway.errors import format_error
from gateway.graph import build_graph
from gateway.runtime import ClientFactory, Gateway
from schema.context import GraphContext

__all__ = ["GraphQLEndpoint", "create_app"]


class GraphQLEndpoint(GraphQL[GraphContext, None]):
    """Strawberry's ASGI view, with a fresh :class:`GatewayData` per request and orjson."""

    def __init__(self, gateway: Gateway, **options: Any) -> None:
        super().__init__(build_graph(), **options)
        self.gateway = gateway

    async def get_context(self, request: Request | WebSocket, response: Any) -> GraphContext:
        return GraphContext(data=GatewayData(self.gateway), extras={"request": request})

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        # Every error leaves in its coded, client-safe form: parse and validation errors,
        # back-end failures and bugs alike (the log already has the originals).
        if result.errors:
            result.errors = [format_error(error) for error in result.errors]
        return process_result(result)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


def create_app(config: GatewayConfig, *, client_factory: ClientFactory | None = None) -> Starlette:
    """The gateway as an ASGI app. Connectors start with the app and stop with it."""
    gateway = Gateway(config, client_factory=client_factory)
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

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with gateway:
            yield

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    return app
