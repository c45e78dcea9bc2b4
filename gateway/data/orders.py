"""Orders from every channel, newest first."""

from __future__ import annotations

import asyncio
from typing import Any

from graphql.pyutils import Path

from connectors.base import Connector
from connectors.capabilities import Capability
from connectors.models import (
    Customer,
    Identity,
    Order,
    OrderPageRequest,
    Page,
)
from gateway.data.customers import CustomerData
from gateway.federation import Position, merge_pages
from gateway.federation.orders import decode_positions, encode_positions
from gateway.loaders import (
    OrderByIdLoader,
    OrdersByCustomerLoader,
)
from schema.errors import InvalidCursor
from schema.ids import GlobalId

__all__ = ["OrderData"]


class OrderData(CustomerData):
    async def customer_orders(
        self, customer: Customer, *, first: int, after: str | None, at: Path | None = None
    ) -> Page[Order]:
        self._private()
        members = [
            (connector, identity.external_id)
            for identity in customer.identities
            or (Identity(customer.source, customer.external_id),)
            if (connector := self._gateway.owner(identity.system, Capability.ORDERS)) is not None
        ]
        if not members:
            return Page(items=())
        positions = (
            decode_positions(after) if after else {c.instance: Position() for c, _ in members}
        )
        if positions is None:
            raise InvalidCursor
        shown: list[Order] = []
        more = True
        for _ in range(8):
            live = [
                (c, who) for c, who in members if not positions.get(c.instance, Position()).done
            ]
            pages = await asyncio.gather(
                *(
                    self._order_page(
                        c, who, positions.get(c.instance, Position()), first - len(shown), at
                    )
                    for c, who in live
                )
            )
            items, positions, more = merge_pages(
                {c.instance: page for (c, _), page in zip(live, pages, strict=True)},
                positions,
                first=first - len(shown),
            )
            shown.extend(items)
            if len(shown) >= first or not more:
                break
        return Page(shown, next_cursor=encode_positions(positions) if more else None)

    async def _order_page(
        self,
        connector: Connector[Any],
        customer: str,
        position: Position,
        count: int,
        at: Path | None,
    ) -> Page[Order]:
        request = OrderPageRequest(customer, position.offset + count, position.cursor)
        loader = self._loader(OrdersByCustomerLoader, connector, private=True)
        page = await self._get(loader, request, connector.instance, at)
        return page if page is not None else Page(items=())

    async def order(self, id: GlobalId, *, at: Path | None = None) -> Order | None:
        self._private()
        connector = self._gateway.owner(id.source, Capability.ORDERS)
        if connector is None:
            return None
        loader = self._loader(OrderByIdLoader, connector, private=True)
        found: Order | None = await self._get(loader, id.external_id, connector.instance, at)
        return found if found is not None and await self._may_see_order(found, at) else None
