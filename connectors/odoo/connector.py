"""Odoo 19: catalog, stock, customers and orders over the JSON-2 external API.

Calls per batch (see ``docs/connectors/odoo.md``), whatever the number of keys:

    products / products_by_handle      1 product.template/web_search_read (variants nested)
    list_products                      1 product.template/web_search_read
    variants                           1 product.product/web_search_read
    locations                          1 stock.location/web_search_read (warehouse nested)
    levels                             1 stock.quant/web_search_read (product SKU nested)
    customers / customers_by_email     1 res.partner/web_search_read
    list_customers                     1 res.partner/web_search_read
    customers_by_identity              1 res.partner/web_search_read (customer numbers);
                                       none when no key is a customer number
    orders                             1 sale.order/web_search_read (lines nested)
    orders_for_customers               1 sale.order/search_read (ids only, every customer),
                                       then 1 sale.order/web_search_read for the pages
    ping                               1 res.company/search_read
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx

from connectors.base import Connector
from connectors.capabilities import Capability
from connectors.errors import RejectedByVendor
from connectors.http import reading
from connectors.models import (
    Customer,
    Identity,
    InventoryLevel,
    Location,
    Order,
    OrderPageRequest,
    Page,
    Product,
    Variant,
)
from connectors.odoo import mapping, specs
from connectors.odoo.api import OdooApi
from connectors.odoo.query import (
    Domain,
    any_of,
    decode_cursor,
    decode_id_cursor,
    encode_cursor,
    encode_id_cursor,
    like_literal,
    record_id,
    record_ids,
    unslug,
)
from connectors.odoo.settings import OdooSettings

__all__ = ["OdooConnector"]

JSON = Mapping[str, Any]

#: Only what the ERP sells is in its catalog.
_SOLD: Domain = [["sale_ok", "=", True]]
#: Stock is counted at internal locations only (not at vendors, customers, in transit).
_INTERNAL: Domain = [["location_id.usage", "=", "internal"]]
#: The partners that are customers: ``account`` raises the rank with each sale or invoice.
_CUSTOMERS: Domain = [["customer_rank", ">", 0]]
#: Stable orders for paging: Odoo's default orders end in a name, not always in the id.
_PRODUCT_ORDER = "id"
_ORDER_ORDER = "date_order desc, id desc"


def _normal_email(value: str) -> str:
    return value.strip().lower()


class OdooConnector(Connector[OdooSettings]):
    """Odoo 19 over the JSON-2 API (``POST /json/2/{model}/{method}``)."""

    name = "odoo"
    settings_type = OdooSettings
    capabilities = frozenset(
        {Capability.CATALOG, Capability.INVENTORY, Capability.CUSTOMERS, Capability.ORDERS}
    )
    sandbox = "connectors.odoo.sandbox:OdooSandbox"

    def __init__(
        self, settings: OdooSettings, client: httpx.AsyncClient, *, instance: str = ""
    ) -> None:
        super().__init__(settings, client, instance=instance)
        self._api = OdooApi(settings, client, connector=self.instance)
        self._customer_spec = specs.customer(
            number_field=settings.customer_number_field, phone_fields=settings.phone_fields
        )
        self._order_spec = specs.order(
            shipping_lines=settings.shipping_lines, delivery_status=settings.delivery_status
        )

    async def ping(self) -> None:
        """One company's id: authenticated, and as cheap as a read gets."""
        data = await self._api.call("res.company", "search_read", fields=["id"], limit=1)
        with reading(self.instance, "res.company/search_read"):
            if not isinstance(data, list):
                raise TypeError("search_read answers a list")

    # -- helpers -----------------------------------------------------------------------

    def _size(self, first: int) -> int:
        if first < 1:
            raise ValueError(f"first must be at least 1, got {first}")
        return min(first, self.settings.max_page_size)

    def _offset(self, after: str | None) -> int:
        try:
            return decode_cursor(after)
        except ValueError as exc:
            raise RejectedByVendor(
                str(exc), connector=self.instance, code="BAD_CURSOR", field=("after",)
            ) from exc

    def _after_id(self, after: str | None) -> int | None:
        try:
            return decode_id_cursor(after)
        except ValueError as exc:
            raise RejectedByVendor(
                str(exc), connector=self.instance, code="BAD_CURSOR", field=("after",)
            ) from exc

    def _products(self, records: Iterable[JSON]) -> dict[str, Product]:
        with reading(self.instance, "product.template"):
            mapped = (mapping.product(record, source=self.instance) for record in records)
            return {product.external_id: product for product in mapped}

    # -- catalog -----------------------------------------------------------------------

    async def _templates(self, ids: Sequence[int]) -> dict[str, Product]:
        if not ids:
            return {}
        records, _ = await self._api.web_search_read(
            "product.template", [["id", "in", list(ids)], *_SOLD], specs.TEMPLATE
        )
        return self._products(records)

    async def products(self, ids: Sequence[str]) -> list[Product | None]:
        """Templates the ERP sells, by id; ``None`` for unknown or unsold ones."""
        found = await self._templates(record_ids(ids))
        return [found.get(str(n)) if (n := record_id(i)) else None for i in ids]

    async def products_by_handle(self, handles: Sequence[str]) -> list[Product | None]:
        """A handle is the website slug ``{name}-{id}``: the id is read, and the handle
        must then match the product's current one exactly."""
        found = await self._templates(
            list(dict.fromkeys(n for h in handles if (n := unslug(h)) is not None))
        )
        results: list[Product | None] = []
        for handle in handles:
            number = unslug(handle)
            product = found.get(str(number)) if number is not None else None
            results.append(product if product and product.handle == handle else None)
        return results

    async def list_products(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Product]:
        """Sold templates by id; ``query`` matches the name or a variant's SKU (``ilike``)."""
        size = self._size(first)
        offset = self._offset(after)
        domain: Domain = list(_SOLD)
        text = " ".join((query or "").split())
        if text:
            domain += any_of(
                [["name", "ilike", text], ["product_variant_ids.default_code", "ilike", text]]
            )
        records, length = await self._api.web_search_read(
            "product.template",
            domain,
            specs.TEMPLATE,
            offset=offset,
            limit=size,
            order=_PRODUCT_ORDER,
        )
        products = list(self._products(records).values())
        end = offset + len(records)
        cursor = encode_cursor(end) if records and end < length else None
        # Odoo answers length 0 for a page past the end; the total is unknown there.
        total = length if records or not offset else None
        return Page(items=products, next_cursor=cursor, total_count=total)

    async def variants(self, skus: Sequence[str]) -> list[Variant | None]:
        """Variants by internal reference; ``None`` where the ERP has none or does not
        sell it (``sale_ok`` false), so the catalog's price stands."""
        wanted = list(dict.fromkeys(sku for sku in skus if sku))
        if not wanted:
            return [None for _ in skus]
        records, _ = await self._api.web_search_read(
            "product.product",
            [["default_code", "in", wanted], *_SOLD],
            specs.VARIANT,
            order="id",
        )
        by_sku: dict[str, Variant] = {}
        with reading(self.instance, "product.product"):
            for record in records:
                found = mapping.variant(record, source=self.instance)
                if found is not None:
                    by_sku.setdefault(found.sku, found)  # a duplicated SKU: the oldest wins
        return [by_sku.get(sku) for sku in skus]

    # -- inventory ---------------------------------------------------------------------

    async def locations(self) -> list[Location]:
        """Every internal location (where Odoo counts stock), with its warehouse."""
        records, _ = await self._api.web_search_read(
            "stock.location", [["usage", "=", "internal"]], specs.LOCATION, order="id"
        )
        with reading(self.instance, "stock.location"):
            return [
                mapping.location(
                    record,
                    source=self.instance,
                    kind=self.settings.kind_of(str(record["id"])),
                )
                for record in records
            ]

    async def levels(
        self, skus: Sequence[str], location_ids: Sequence[str] | None = None
    ) -> list[list[InventoryLevel]]:
        """One ``stock.quant`` read for every SKU (and location) of the batch."""
        wanted = list(dict.fromkeys(sku for sku in skus if sku))
        domain: Domain = [["product_id.default_code", "in", wanted], *_INTERNAL]
        if location_ids is not None:
            places = record_ids(location_ids)
            if not places:
                return [[] for _ in skus]
            domain.append(["location_id", "in", places])
        if not wanted:
            return [[] for _ in skus]
        records, _ = await self._api.web_search_read("stock.quant", domain, specs.QUANT)
        with reading(self.instance, "stock.quant"):
            by_sku = mapping.inventory_levels(records, source=self.instance)
        return [list(by_sku.get(sku, ())) for sku in skus]

    # -- customers ---------------------------------------------------------------------

    def _customers(self, records: Iterable[JSON]) -> list[Customer]:
        settings = self.settings
        with reading(self.instance, "res.partner"):
            return [
                mapping.customer(
                    record,
                    source=self.instance,
                    email_verified=settings.emails_verified,
                    number_field=settings.customer_number_field,
                    phone_fields=settings.phone_fields,
                )
                for record in records
            ]

    async def customers(self, ids: Sequence[str]) -> list[Customer | None]:
        wanted = record_ids(ids)
        if not wanted:
            return [None for _ in ids]
        records, _ = await self._api.web_search_read(
            "res.partner", [["id", "in", wanted]], self._customer_spec
        )
        found = {customer.external_id: customer for customer in self._customers(records)}
        return [found.get(str(n)) if (n := record_id(i)) else None for i in ids]

    async def customers_by_email(self, emails: Sequence[str]) -> list[list[Customer]]:
        """Partners whose e-mail equals the key once both are trimmed and lower-cased.

        Odoo stores e-mails as typed (``"  Ben.Brandt@Example.Com "``), which ``=ilike``
        would miss; so the domain asks ``ilike`` (contains, any case, wildcards escaped)
        for each key, and the answer is filtered to exact matches here.
        """
        keys = [_normal_email(email) for email in emails]
        wanted = list(dict.fromkeys(key for key in keys if key))
        if not wanted:
            return [[] for _ in emails]
        records, _ = await self._api.web_search_read(
            "res.partner",
            any_of([["email", "ilike", like_literal(key)] for key in wanted]),
            self._customer_spec,
            order="id",
        )
        by_email: dict[str, list[Customer]] = {}
        for customer in self._customers(records):
            if customer.email:
                by_email.setdefault(_normal_email(customer.email), []).append(customer)
        return [list(by_email.get(key, ())) if key else [] for key in keys]

    async def list_customers(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Customer]:
        """Partners with a customer rank, by id. ``query`` matches the name or the e-mail
        (``ilike``, its ``%``, ``_`` and ``\\`` matching only themselves).

        The cursor is the last id seen (keyset): the next page is ``id > last``, so
        partners created or archived meanwhile do not shift it, as an offset would.
        """
        size = self._size(first)
        last = self._after_id(after)
        domain: Domain = list(_CUSTOMERS)
        if last is not None:
            domain.append(["id", ">", last])
        text = " ".join((query or "").split())
        if text:
            pattern = like_literal(text)
            domain += any_of([["name", "ilike", pattern], ["email", "ilike", pattern]])
        # Counting stops one past the page: enough to know whether another page exists.
        records, length = await self._api.web_search_read(
            "res.partner",
            domain,
            self._customer_spec,
            limit=size,
            order="id",
            count_limit=size + 1,
        )
        customers = self._customers(records)
        more = len(records) == size and length > size
        cursor = encode_id_cursor(int(customers[-1].external_id)) if more else None
        return Page(items=customers, next_cursor=cursor)

    async def customers_by_identity(self, identities: Sequence[Identity]) -> list[list[Customer]]:
        """Partners by the retailer's customer number (``customer_number_field``, exact
        match), all numbers in one call; identities of other systems find nothing here
        and cost no call."""
        field = self.settings.customer_number_field
        keys = [
            identity.external_id
            if field and identity.system == mapping.CUSTOMER_NUMBER and identity.external_id.strip()
            else ""
            for identity in identities
        ]
        wanted = list(dict.fromkeys(key for key in keys if key))
        if not wanted:
            return [[] for _ in identities]
        records, _ = await self._api.web_search_read(
            "res.partner", [[field, "in", wanted]], self._customer_spec, order="id"
        )
        by_number: dict[str, list[Customer]] = {}
        for customer in self._customers(records):
            for identity in customer.identities:
                if identity.system == mapping.CUSTOMER_NUMBER:
                    by_number.setdefault(identity.external_id, []).append(customer)
        return [list(by_number.get(key, ())) if key else [] for key in keys]

    # -- orders ------------------------------------------------------------------------

    async def _orders(self, ids: Sequence[int]) -> dict[str, Order]:
        if not ids:
            return {}
        records, _ = await self._api.web_search_read(
            "sale.order", [["id", "in", list(ids)]], self._order_spec
        )
        pos_teams = self.settings.pos_teams
        with reading(self.instance, "sale.order"):
            mapped = (
                mapping.order(record, source=self.instance, pos_teams=pos_teams)
                for record in records
            )
            return {order.external_id: order for order in mapped}

    async def orders(self, ids: Sequence[str]) -> list[Order | None]:
        found = await self._orders(record_ids(ids))
        return [found.get(str(n)) if (n := record_id(i)) else None for i in ids]

    async def orders_for_customers(self, requests: Sequence[OrderPageRequest]) -> list[Page[Order]]:
        """Two calls for the whole batch: every order id of every customer, newest first
        (ids and partners only), then the orders on the requested pages, in full."""
        windows = [(self._offset(r.after), self._size(r.first)) for r in requests]
        customers = record_ids(r.customer_external_id for r in requests)
        by_customer: dict[str, list[int]] = {}
        if customers:
            rows = await self._api.call(
                "sale.order",
                "search_read",
                domain=[["partner_id", "in", customers]],
                fields=["partner_id"],
                order=_ORDER_ORDER,
            )
            with reading(self.instance, "sale.order/search_read"):
                for row in rows:
                    partner = mapping.many2one_id(row["partner_id"])
                    by_customer.setdefault(str(partner), []).append(int(row["id"]))
        pages: list[tuple[list[int], int, int]] = []
        for request, (offset, size) in zip(requests, windows, strict=True):
            customer = record_id(request.customer_external_id)
            ids = by_customer.get(str(customer), []) if customer else []
            pages.append((ids[offset : offset + size], offset, len(ids)))
        found = await self._orders(list(dict.fromkeys(i for page, _, _ in pages for i in page)))
        results: list[Page[Order]] = []
        for page, offset, total in pages:
            items = [found[str(i)] for i in page if str(i) in found]
            end = offset + len(page)
            cursor = encode_cursor(end) if page and end < total else None
            results.append(Page(items=items, next_cursor=cursor, total_count=total))
        return results
