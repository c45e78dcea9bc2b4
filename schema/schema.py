"""The root types, composed from one mixin per domain."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension

from schema.catalog.queries import CatalogQuery
from schema.customers.queries import CustomerQuery
from schema.inventory.queries import InventoryQuery
from schema.node import NodeQuery
from schema.orders.queries import OrderQuery

__all__ = ["Query", "create_schema"]


@strawberry.type(description="The unified commerce graph.")
class Query(NodeQuery, CatalogQuery, InventoryQuery, CustomerQuery, OrderQuery):
    pass


def create_schema(
    extensions: Iterable[type[SchemaExtension] | Callable[[], SchemaExtension]] = (),
    *,
    schema_class: type[strawberry.Schema] = strawberry.Schema,
    **options: Any,
) -> strawberry.Schema:
    """The graph, with the gateway's cross-cutting extensions (limits, errors, caches)."""
    return schema_class(query=Query, extensions=list(extensions), **options)


def sdl() -> str:
    """The schema's SDL, as committed in ``schema/schema.graphql``."""
    return create_schema().as_str() + "\n"
