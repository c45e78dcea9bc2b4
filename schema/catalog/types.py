"""Products and variants."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import cast

import strawberry

from connectors import models
from schema.common import FieldSource, Image, Money
from schema.context import GraphContext
from schema.ids import GlobalId, decode_as, encode
from schema.inventory.types import InventoryLevel, inventory_levels, level_views
from schema.relay import Node, Paged, PageInfo

__all__ = ["PriceRange", "Product", "ProductConnection", "ProductEdge", "SelectedOption", "Variant"]

Info = strawberry.Info[GraphContext, None]


@strawberry.type
class SelectedOption:
    name: str
    value: str


@strawberry.type
class PriceRange:
    min_variant_price: Money
    max_variant_price: Money


@strawberry.type(description="One purchasable SKU of a product.")
class Variant(Node):
    sku: str = strawberry.field(description="The stock-keeping unit, the same in every system.")
    title: str
    price: Money
    compare_at_price: Money | None

    @strawberry.field
    def selected_options(self) -> list[SelectedOption]:
        # Built when asked for: most pages never show them.
        return [SelectedOption(name=o.name, value=o.value) for o in self._record.options]

    barcode: str | None
    _record: strawberry.Private[models.Variant]
    _product: strawberry.Private[Product | None]

    @classmethod
    def of(cls, variant: models.Variant, product: Product | None = None) -> Variant:
        # Field by field, as InventoryLevel.of and for the same reason: a listing builds
        # one per variant, and the dataclass __init__ with eight keywords costs twice as
        # much. Every field is set (tests/schema/test_views.py).
        view = _new(cls)
        view.id = strawberry.ID(encode("Variant", variant.source, variant.sku))
        view.sku = variant.sku
        view.title = variant.title
        view.price = Money.of(variant.price)
        view.compare_at_price = Money.maybe(variant.compare_at_price)
        view.barcode = variant.barcode
        view._record = variant
        view._product = product
        return view

    @strawberry.field(
        description="Which system gave which field, where not the catalog (the price, "
        "from the configured price authority)."
    )
    def sources(self, info: Info) -> list[FieldSource]:
        return [
            FieldSource(field=s.field, system=s.system, external_id=s.external_id)
            for s in info.context.data.sources(self._record)
        ]

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        if self._product is not None:
            return self._product
        found = await info.context.data.product_of(self._record, at=info.path)
        return None if found is None else Product.of(found)

    @strawberry.field(
        description="Stock of this SKU at every location (or at `locationIds`), "
        "from every system that holds stock."
    )
    def inventory(
        self, info: Info, location_ids: list[strawberry.ID] | None = None
    ) -> list[InventoryLevel] | None:
        # Not ``async``: where the stock was fetched ahead (a page read ``with_stock``) it
        # is at hand, and the field completes at once - without the task, loader future
        # and coroutines per variant that were most of a listing's execution. Otherwise
        # it returns an awaitable, which the executor awaits as it would an async field.
        locations = (
            None if location_ids is None else [decode_as(i, "Location") for i in location_ids]
        )
        data = info.context.data
        at = info.path
        levels = data.inventory_now(self._record.sku, locations, at=at)
        if levels is None:
            return _awaited(self._inventory(info, locations))
        places = data.places_now(levels, at=at)
        if places is None:
            return _awaited(inventory_levels(info, levels))
        return level_views(info, levels, places)

    async def _inventory(
        self, info: Info, locations: list[GlobalId] | None
    ) -> list[InventoryLevel]:
        levels = await info.context.data.inventory(
            self._record.sku, locations, at=info.path, with_places=True
        )
        return await inventory_levels(info, levels)


_new = object.__new__


def _awaited(pending: Awaitable[list[InventoryLevel]]) -> list[InventoryLevel]:
    """``pending`` returned from a resolver declared to return its result: GraphQL
    executors await what a resolver returns, whichever way it is declared."""
    return cast(list[InventoryLevel], pending)


@strawberry.type
class Product(Node):
    handle: str
    title: str
    description: str
    vendor: str | None
    categories: list[str]
    images: list[Image]
    updated_at: datetime | None
    _record: strawberry.Private[models.Product]

    @classmethod
    def of(cls, product: models.Product) -> Product:
        return cls(
            id=strawberry.ID(encode("Product", product.source, product.external_id)),
            handle=product.handle,
            title=product.title,
            description=product.description,
            vendor=product.vendor,
            categories=list(product.categories),
            images=[Image.of(image) for image in product.images],
            updated_at=product.updated_at,
            _record=product,
        )

    @strawberry.field
    def variants(self) -> list[Variant]:
        return [Variant.of(variant, self) for variant in self._record.variants]

    @strawberry.field
    def price_range(self) -> PriceRange | None:
        prices = [variant.price for variant in self._record.variants]
        if not prices:
            return None
        low = min(prices, key=lambda money: money.amount)
        high = max(prices, key=lambda money: money.amount)
        return PriceRange(min_variant_price=Money.of(low), max_variant_price=Money.of(high))

    @strawberry.field(description="Whether any variant has stock available at any location.")
    async def available_for_sale(self, info: Info) -> bool | None:
        data = info.context.data
        per_variant = await asyncio.gather(
            *(data.inventory(variant.sku, at=info.path) for variant in self._record.variants)
        )
        return any(level.available > 0 for levels in per_variant for level in levels)


@strawberry.type
class ProductEdge:
    cursor: str
    node: Product


@strawberry.type
class ProductConnection:
    edges: list[ProductEdge]
    nodes: list[Product]
    page_info: PageInfo

    @classmethod
    def of(cls, paged: Paged[models.Product]) -> ProductConnection:
        nodes = [Product.of(product) for product in paged.items]
        edges = [ProductEdge(cursor=c, node=n) for c, n in zip(paged.cursors, nodes, strict=True)]
        return cls(edges=edges, nodes=nodes, page_info=paged.page_info)
