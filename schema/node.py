"""``node(id:)``: any object by its global ID."""

from __future__ import annotations

import strawberry

from connectors.models import LocationRef
from schema.catalog.types import Product, Variant
from schema.context import GraphContext
from schema.customers.types import Customer
from schema.errors import InvalidId
from schema.ids import decode
from schema.inventory.types import Location
from schema.orders.types import Order
from schema.permissions import NODE_SCOPES, require
from schema.relay import Node

__all__ = ["NodeQuery"]


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null when it does not exist.")
    async def node(
        self, info: strawberry.Info[GraphContext, None], id: strawberry.ID
    ) -> Node | None:
        gid = decode(id)
        if gid.type not in NODE_SCOPES:
            raise InvalidId(id)
        require(info, NODE_SCOPES[gid.type])
        data = info.context.data
        if gid.type == "Product":
            product = await data.product(gid, at=info.path)
            return None if product is None else Product.of(product)
        if gid.type == "Variant":
            variant = await data.variant(gid.external_id, source=gid.source, at=info.path)
            return None if variant is None else Variant.of(variant)
        if gid.type == "Location":
            location = await data.location(LocationRef(gid.source, gid.external_id), at=info.path)
            return None if location is None else Location.of(location)
        if gid.type == "Customer":
            customer = await data.customer(gid, at=info.path)
            return None if customer is None else Customer.of(customer)
        if gid.type == "Order":
            order = await data.order(gid, at=info.path)
            return None if order is None else Order.of(order)
        raise InvalidId(id)
