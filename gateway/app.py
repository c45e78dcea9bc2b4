"""The ASGI app: ``/graphql``, ``/healthz``, ``/readyz`` and ``/metrics`` over one gateway."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.auth.authenticate import Authenticator
from gateway.auth.principal import Principal
from gateway.config import GatewayConfig
from gateway.data import GatewayData
from gateway.errors import format_error
from gateway.graph import build_graph
from gateway.metrics import CONTENT_TYPE_LATEST
from gateway.redaction import install_redaction
from gateway.runtime import Gateway, TransportFactory
from gateway.server import (
    Authenticate,
    ContextFactory,
    EndpointSettings,
    GraphQLEndpoint,
)
from schema.context import GraphContext

__all__ = ["create_app"]


def gateway_context(gateway: Gateway) -> ContextFactory:
    """A fresh :class:`GatewayData` (its loaders, its notes) for every request, reading as
    the request's principal."""

    def build(request: Request, principal: Principal) -> GraphContext:
        data = GatewayData(gateway, principal=principal)
        return GraphContext(data=data, viewer=principal, extras={"request": request})

    return build


def authenticate_with(config: GatewayConfig) -> Authenticate:
    """The request's principal, from its API key or bearer token (``[auth]``)."""
    authenticator = Authenticator(config.auth, production=config.server.profile == "production")

    def authenticate(request: Request) -> Principal:
        client = request.client.host if request.client else "unknown"
        return authenticator(request.headers, client)

    return authenticate


def create_app(
    config: GatewayConfig,
    *,
    transport_factory: TransportFactory | None = None,
    http: EndpointSettings | None = None,
    authenticate: Authenticate | None = None,
    context_factory: ContextFactory | None = None,
) -> Starlette:
    """The gateway as an ASGI app. Connectors start with the app and stop with it.

    ``http`` overrides ``[http]`` (the /graphql endpoint), ``authenticate`` the ``[auth]``
    principal resolution, ``context_factory`` each request's context (a fresh
    :class:`GatewayData` reading as the request's principal).
    """
    gateway = Gateway(config, transport_factory=transport_factory)
    graph = build_graph(config.limits)
    graphql = GraphQLEndpoint(
        graph,
        context_factory=context_factory or gateway_context(gateway),
        settings=http or config.http,
        authenticate=authenticate or authenticate_with(config),
        metrics=gateway.metrics,
        deadline=config.server.deadline,
        error_formatter=functools.partial(format_error, suggestions=graph.limits.suggestions),
    )

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
                try:
                    yield
                finally:
                    await graphql.aclose()

    app = Starlette(
        routes=[
            # Every method: the endpoint answers the ones it does not serve with a coded 405.
            Route("/graphql", graphql),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    app.state.graph = graph
    app.state.graphql = graphql
    return app
