"""Products and variants, with prices from the price authority."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from graphql.pyutils import Path

from connectors.base import Connector
from connectors.capabilities import (
    Capability,
)
from connectors.errors import ConnectorError
from connectors.models import (
    Identity,
    Page,
    Product,
    Variant,
)
from gateway.data.inventory import InventoryData
from gateway.loaders import (
    ListingRequest,
    ProductByHandleLoader,
    ProductByIdLoader,
    ProductPageLoader,
    VariantBySkuLoader,
)
from schema.ids import GlobalId

__all__ = ["CatalogData"]


class CatalogData(InventoryData):
    """The catalog, priced; with ``with_stock``, its variants' stock is fetched beside the
    price authority's call instead of after the products are returned."""

    def _catalog(self) -> Connector[Any]:
        return self._gateway.serving(Capability.CATALOG)[0]

    async def _authority_prices(
        self, variants: Sequence[Variant], at: Path | None
    ) -> dict[str, Variant]:
        """The price authority's variants for these SKUs (one batched call); on its
        failure, none — the catalog's prices stand and the answer says so."""
        authority = self._gateway.price_authority
        if authority is None or not variants:
            return {}
        loader = self._loader(VariantBySkuLoader, authority)
        skus = list(dict.fromkeys(v.sku for v in variants))
        answers = await asyncio.gather(
            *(self._get(loader, sku, authority.instance, at) for sku in skus),
            return_exceptions=True,
        )
        priced: dict[str, Variant] = {}
        failure: ConnectorError | None = None
        for sku, answer in zip(skus, answers, strict=True):
            if isinstance(answer, ConnectorError):
                failure = answer
            elif isinstance(answer, BaseException):
                raise answer
            elif answer is not None:
                priced[sku] = answer
        if failure is not None:
            self._problem(failure, at)
        return priced

    def _with_price(self, variant: Variant, priced: dict[str, Variant]) -> Variant:
        found = priced.get(variant.sku)
        if found is None or found.price.currency != variant.price.currency:
            return variant
        self._price_sources[(variant.source, variant.sku)] = Identity(
            found.source, found.external_id
        )
        return replace(variant, price=found.price)

    async def _priced(self, products: Sequence[Product], at: Path | None) -> list[Product]:
        """Products with every variant's price from the price authority, where it has one."""
        priced = await self._authority_prices([v for p in products for v in p.variants], at)
        if not priced:
            return list(products)
        return [
            replace(p, variants=tuple(self._with_price(v, priced) for v in p.variants))
            for p in products
        ]

    async def _finished(
        self, products: Sequence[Product], at: Path | None, with_stock: bool
    ) -> list[Product]:
        """``products`` priced and, ``with_stock``, their variants' stock fetched at once."""
        if not with_stock or not products:
            return await self._priced(products, at)
        skus = [v.sku for p in products for v in p.variants]
        stock = asyncio.ensure_future(self._fetch_stock_ahead(skus))
        try:
            priced = await self._priced(products, at)
        except BaseException:
            stock.cancel()
            raise
        await stock
        return priced

    async def _one(
        self, product: Product | None, at: Path | None, with_stock: bool
    ) -> Product | None:
        return None if product is None else (await self._finished([product], at, with_stock))[0]

    async def product(
        self, id: GlobalId, *, at: Path | None = None, with_stock: bool = False
    ) -> Product | None:
        connector = self._gateway.owner(id.source, Capability.CATALOG)
        if connector is None:
            return None
        loader = self._loader(ProductByIdLoader, connector)
        found = await self._get(loader, id.external_id, connector.instance, at)
        return await self._one(found, at, with_stock)

    async def product_by_handle(
        self, handle: str, *, at: Path | None = None, with_stock: bool = False
    ) -> Product | None:
        connector = self._catalog()
        loader = self._loader(ProductByHandleLoader, connector)
        found = await self._get(loader, handle, connector.instance, at)
        return await self._one(found, at, with_stock)

    async def product_of(self, variant: Variant, *, at: Path | None = None) -> Product | None:
        return await self.product(
            GlobalId("Product", variant.source, variant.product_external_id), at=at
        )

    async def products(
        self,
        *,
        first: int,
        after: str | None,
        query: str | None,
        at: Path | None = None,
        with_stock: bool = False,
    ) -> Page[Product]:
        # A page is cached whole with the owner's cursor (``listing``): the next page's
        # cursor stays the owner's, valid as long as the owner honours it.
        catalog = self._catalog()
        loader = self._loader(ProductPageLoader, catalog)
        page = await self._get(loader, ListingRequest(first, after, query), catalog.instance, at)
        assert page is not None  # an owner always answers a page, if an empty one
        return replace(page, items=await self._finished(page.items, at, with_stock))

    async def variant(
        self, sku: str, *, source: str | None = None, at: Path | None = None
    ) -> Variant | None:
        connector = (
            self._catalog() if source is None else self._gateway.owner(source, Capability.CATALOG)
        )
        if connector is None:
            return None
        found = await self._get(
            self._loader(VariantBySkuLoader, connector), sku, connector.instance, at
        )
        if found is None:
            return None
        return self._with_price(found, await self._authority_prices([found], at))
