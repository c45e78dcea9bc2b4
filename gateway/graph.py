"""The executable graph: the schema plus the gateway's cross-cutting extensions."""

from __future__ import annotations

from typing import Any, cast

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from gateway.errors import log_error
from gateway.execution import PlannedExecutor
from gateway.limits import DEFAULT_LIMITS, LimitSettings, OperationLimits
from gateway.server.responses import NoteOperationType
from schema import create_schema

__all__ = ["GatewaySchema", "build_graph"]


class GatewaySchema(strawberry.Schema):
    #: The limits the graph enforces; ``limits.suggestions`` is for
    #: :func:`gateway.errors.format_error`, which the HTTP layer calls.
    limits: LimitSettings = DEFAULT_LIMITS

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Sees the original errors; the HTTP layer sends the client their coded form.
        for error in errors:
            log_error(error)


def build_graph(limits: LimitSettings = DEFAULT_LIMITS, **options: Any) -> GatewaySchema:
    """The schema with the operation limits, and the parse and validation caches that
    :class:`~gateway.limits.OperationLimits` keeps (see :mod:`gateway.limits`)."""
    # A factory: strawberry builds fresh extensions per request; the caches behind
    # OperationLimits are shared by every instance with equal settings, across requests.
    schema = cast(
        GatewaySchema,
        create_schema(
            extensions=[lambda: OperationLimits(limits), NoteOperationType],
            schema_class=GatewaySchema,
            execution_context_class=options.pop("execution_context_class", PlannedExecutor),
            **options,
        ),
    )
    schema.limits = limits
    return schema
