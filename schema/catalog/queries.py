"""Root fields for the catalog."""

from __future__ import annotations

import strawberry

from connectors import models
from connectors.models import Page
from schema.catalog.types import Product, ProductConnection, Variant
from schema.context import GraphContext
from schema.errors import BadUserInput
from schema.ids import decode_as
from schema.lookahead import selects_any
from schema.permissions import CanReadCatalog
from schema.relay import paginate

__all__ = ["CatalogQuery"]

Info = strawberry.Info[GraphContext, None]

#: Selections that read every variant's stock, below a product and below a listing: a
#: query that asks for them has the stock fetched beside the products, not after them.
_PRODUCT_STOCK = [("variants", "inventory")]
_LISTING_STOCK = [("nodes", *path) for path in _PRODUCT_STOCK] + [
    ("edges", "node", *path) for path in _PRODUCT_STOCK
]


@strawberry.type
class CatalogQuery:
    @strawberry.field(
        description="One product, by `id` or by `handle` (give exactly one).",
        permission_classes=[CanReadCatalog],
    )
    async def product(
        self, info: Info, id: strawberry.ID | None = None, handle: str | None = None
    ) -> Product | None:
        if (id is None) == (handle is None):
            raise BadUserInput("give exactly one of `id` and `handle`")
        data = info.context.data
        stock = selects_any(info, _PRODUCT_STOCK)
        if id is not None:
            found = await data.product(decode_as(id, "Product"), at=info.path, with_stock=stock)
        else:
            assert handle is not None
            found = await data.product_by_handle(handle, at=info.path, with_stock=stock)
        return None if found is None else Product.of(found)

    @strawberry.field(
        description="Products, a page at a time; `query` filters by free text.",
        permission_classes=[CanReadCatalog],
    )
    async def products(
        self, info: Info, first: int = 20, after: str | None = None, query: str | None = None
    ) -> ProductConnection | None:
        data = info.context.data
        stock = selects_any(info, _LISTING_STOCK)

        async def fetch(count: int, cursor: str | None) -> Page[models.Product]:
            return await data.products(
                first=count, after=cursor, query=query, at=info.path, with_stock=stock
            )

        return ProductConnection.of(await paginate(fetch, first=first, after=after))

    @strawberry.field(description="One variant by its SKU.", permission_classes=[CanReadCatalog])
    async def variant(self, info: Info, sku: str) -> Variant | None:
        found = await info.context.data.variant(sku, at=info.path)
        return None if found is None else Variant.of(found)
