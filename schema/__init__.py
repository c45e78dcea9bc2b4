"""The unified commerce graph: GraphQL types and root fields that render records.

Knows no vendor. Resolvers reach data only through ``info.context.data``
(:class:`~schema.context.DataAccess`), which the gateway provides per request.
"""

from __future__ import annotations

from schema.context import DataAccess, GraphContext
from schema.errors import BadUserInput, GraphError, InvalidCursor, InvalidId, NotConfigured
from schema.ids import GlobalId
from schema.schema import Query, create_schema, sdl

__all__ = [
    "BadUserInput",
    "DataAccess",
    "GlobalId",
    "GraphContext",
    "GraphError",
    "InvalidCursor",
    "InvalidId",
    "NotConfigured",
    "Query",
    "create_schema",
    "sdl",
]
