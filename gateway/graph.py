"""The executable graph: the schema plus the gateway's cross-cutting extensions."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from gateway.errors import log_error
from schema import create_schema

__all__ = ["GatewaySchema", "build_graph"]


class GatewaySchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Sees the original errors; the HTTP layer sends the client their coded form.
        for error in errors:
            log_error(error)


def build_graph(**options: Any) -> strawberry.Schema:
    """The schema with parse and validation caches and basic limits."""
    # Factories: strawberry builds fresh extensions per request; the caches behind
    # ParserCache and ValidationCache are module-level, so they still span requests.
    return create_schema(
        extensions=[
            lambda: ParserCache(maxsize=1024),
            lambda: ValidationCache(maxsize=1024),
            lambda: QueryDepthLimiter(max_depth=12),
            lambda: MaxAliasesLimiter(max_alias_count=30),
            lambda: MaxTokensLimiter(max_token_count=5000),
        ],
        schema_class=GatewaySchema,
        **options,
    )
