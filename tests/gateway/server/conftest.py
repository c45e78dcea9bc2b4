"""A small schema behind the endpoint, so each HTTP behaviour is tested on its own.

``Query.hello`` and the mutations count their calls in ``backend_calls``: a request the
endpoint refuses must leave it empty.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from strawberry.types import Info

from gateway.auth.principal import Principal
from gateway.resilience.deadline import remaining
from gateway.server import EndpointSettings, GraphQLEndpoint
from schema.context import GraphContext


@dataclass
class Notes:
    """What GatewayData notes for a response (problems, stale)."""

    problems: list[dict[str, Any]] = field(default_factory=list)
    stale: list[dict[str, Any]] = field(default_factory=list)


def _calls(info: Info[GraphContext, None]) -> list[str]:
    calls: list[str] = info.context.extras["calls"]
    return calls


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, info: strawberry.Info[GraphContext, None], name: str = "world") -> str:
        _calls(info).append("hello")
        return f"Hello, {name}"

    @strawberry.field
    def boom(self, info: strawberry.Info[GraphContext, None]) -> str | None:
        _calls(info).append("boom")
        raise RuntimeError("database password is hunter2")

    @strawberry.field
    def noted(self, info: strawberry.Info[GraphContext, None]) -> str:
        notes: Notes = info.context.data  # type: ignore[assignment]
        notes.problems.append(
            {"message": "erp is unavailable", "path": ["noted"], "extensions": {"code": "X"}}
        )
        notes.stale.append({"path": ["noted"], "connector": "erp", "age": 12.0})
        return "partly"

    @strawberry.field
    def deadline(self) -> float | None:
        return remaining()

    @strawberry.field
    def viewer(self, info: strawberry.Info[GraphContext, None]) -> str:
        principal: Principal = info.context.extras["principal"]
        return principal.key


@strawberry.type
class Mutation:
    @strawberry.mutation
    def redeem(self, info: strawberry.Info[GraphContext, None], code: str) -> bool:
        _calls(info).append(f"redeem:{code}")
        return True

    @strawberry.mutation
    def subscribe(self, info: strawberry.Info[GraphContext, None], email: str) -> bool:
        _calls(info).append(f"subscribe:{email}")
        return True


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation)


class Harness:
    """An endpoint over :data:`SCHEMA`, an httpx client to it and what it called."""

    def __init__(self, **options: Any) -> None:
        self.calls: list[str] = []
        self.contexts: list[GraphContext] = []
        options.setdefault("settings", EndpointSettings())
        self.endpoint = GraphQLEndpoint(SCHEMA, context_factory=self._context, **options)
        self.app = Starlette(routes=[Route("/graphql", self.endpoint)])
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://gateway.test"
        )

    def _context(self, request: Request, principal: Principal) -> GraphContext:
        context = GraphContext(
            data=Notes(),  # type: ignore[arg-type]
            extras={"calls": self.calls, "principal": principal, "request": request},
        )
        self.contexts.append(context)
        return context

    async def post(
        self, body: Any, *, headers: dict[str, str] | None = None, path: str = "/graphql"
    ) -> httpx.Response:
        return await self.http.post(path, json=body, headers=headers or {})

    async def get(self, params: dict[str, str], **headers: str) -> httpx.Response:
        return await self.http.get(
            "/graphql",
            params=params,
            headers={"Apollo-Require-Preflight": "true", **headers},
        )

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.endpoint.aclose()


@pytest.fixture
async def make_harness() -> AsyncIterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def make(**options: Any) -> Harness:
        harness = Harness(**options)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        await harness.aclose()


@pytest.fixture
async def harness(make_harness: Callable[..., Harness]) -> Harness:
    return make_harness()


def codes(response: httpx.Response) -> list[str]:
    """``extensions.code`` of every error in a response."""
    return [e.get("extensions", {}).get("code") for e in response.json().get("errors", [])]
