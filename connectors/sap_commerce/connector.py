"""SAP Commerce Cloud: catalog, stock, customers and orders over OCC v2 and the Integration API.

Calls per batch (see ``docs/connectors/sap_commerce.md``):

    products / products_by_handle / variants   1 product search per URL-sized chunk of codes
    list_products                              1 product search (2 when a page straddles two)
    locations                                  1 stores call per 100 points of service
    levels                                     1 Integration API call per URL-sized chunk of
                                               SKUs (a 50-product page: 1); with named
                                               locations, 1 stores call first

Customers and orders, with ``customer_api_path`` / ``order_api_path`` set (the Integration
API) and without (OCC):

                                   Integration API                  OCC
    customers / customers_by_email 1 call per URL-sized chunk       1 user call per key
    list_customers                 1 call                           (not offered)
    orders                         1 call per URL-sized chunk       1 order call per key
    orders_for_customers           first pages: 1 call per chunk    per customer: 1 history
                                   of customers, at most 1 more,    call + 1 per order
                                   then 1 per customer left;
                                   later pages: 1 per customer
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from connectors.base import Connector
from connectors.capabilities import Capability
from connectors.errors import RejectedByVendor
from connectors.http import reading
from connectors.models import (
    Customer,
    InventoryLevel,
    Location,
    Order,
    OrderPageRequest,
    Page,
    Product,
    Variant,
)
from connectors.sap_commerce import mapping
from connectors.sap_commerce.api import OccApi
from connectors.sap_commerce.query import (
    any_of,
    chunk_terms,
    decode_cursor,
    encode_cursor,
    encoded_len,
    odata_string,
    search_query,
    searchable_code,
    stock_filter,
    substring_of,
)
from connectors.sap_commerce.settings import SapCommerceSettings

__all__ = ["SapCommerceConnector"]

T = TypeVar("T")
JSON = Mapping[str, Any]

PRODUCT_FIELDS = (
    "products(code,name,summary,description,manufacturer,categories(code,name),"
    "images(DEFAULT),price(DEFAULT),"
    "variantOptions(code,priceData(DEFAULT),variantOptionQualifiers(DEFAULT))),"
    "pagination(DEFAULT)"
)
STORE_FIELDS = (
    "stores(name,displayName,address(DEFAULT),geoPoint(DEFAULT),warehouseCodes),pagination(DEFAULT)"
)
HISTORY_FIELDS = "orders(code,placed),pagination(DEFAULT)"
#: Integration API page size; the server may serve fewer (its page-size cap), and the
#: connector pages on with ``$skip`` until ``__count`` is reached.
ODATA_PAGE_SIZE = 1000
CUSTOMER_EXPAND = (
    "defaultShipmentAddress,defaultShipmentAddress/country,defaultShipmentAddress/region,"
    "addresses,addresses/country,addresses/region"
)
ORDER_EXPAND = "user,currency,status,deliveryStatus,salesApplication,entries,entries/product"
#: Newest first; the code breaks ties, so every order has one place and offsets are stable.
ORDER_SORT = "date desc,code desc"
#: A shared window of orders holds this many rows per row its pages need (``first + 1``
#: each): the slack fills, in the same call, the pages of customers whose orders are older
#: than other customers' recent ones.
WINDOW_SLACK = 2
#: Shared windows before the customers still unfilled get a call each.
WINDOW_ROUNDS = 2


class SapCommerceConnector(Connector[SapCommerceSettings]):
    """SAP Commerce Cloud over OCC v2 (REST) and the Integration API (OData v2)."""

    name = "sap_commerce"
    settings_type = SapCommerceSettings
    capabilities = frozenset(
        {Capability.CATALOG, Capability.INVENTORY, Capability.CUSTOMERS, Capability.ORDERS}
    )
    sandbox = "connectors.sap_commerce.sandbox:SapCommerceSandbox"

    #: :class:`~connectors.capabilities.CustomerDirectory`'s method, bound in ``__init__``
    #: only when ``customer_api_path`` is set: OCC cannot list users, and the gateway asks
    #: ``isinstance(connector, CustomerDirectory)``, which a method on the class would
    #: always answer yes.
    list_customers: Callable[..., Awaitable[Page[Customer]]]

    def __init__(
        self, settings: SapCommerceSettings, client: httpx.AsyncClient, *, instance: str = ""
    ) -> None:
        super().__init__(settings, client, instance=instance)
        self._api = OccApi(settings, client, connector=self.instance)
        self._per_key = asyncio.Semaphore(settings.max_concurrency)
        if settings.customer_api_path is not None:
            self.list_customers = partial(self._list_customers, settings.customer_api_path)

    async def ping(self) -> None:
        """A token, then the cheapest authenticated read the connector relies on."""
        await self._api.get(
            self._api.occ_url(
                "/stores", [("currentPage", 0), ("pageSize", 1), ("fields", "pagination(DEFAULT)")]
            )
        )

    # -- helpers -----------------------------------------------------------------------

    async def _all(self, calls: Iterable[Awaitable[T]]) -> list[T]:
        """Run ``calls`` together; the first failure cancels the rest and is raised as is."""
        tasks: list[asyncio.Task[T]] = []
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(_wrap(call)) for call in calls]
        except BaseExceptionGroup as failed:
            raise _first(failed) from None
        return [task.result() for task in tasks]

    async def _get_one(self, url: str) -> Any:
        """A call made once per key: capped at ``max_concurrency`` at a time."""
        async with self._per_key:
            return await self._api.get(url, missing_ok=True)

    async def _odata_page(
        self, url: str, what: str, *, skip: int, top: int
    ) -> tuple[list[JSON], int]:
        """One Integration API page and the count of every match (``$inlinecount``). A
        service that leaves the count out is taken to have more whenever the page is full."""
        data = await self._api.get(url)
        with reading(self.instance, what):
            body = data["d"]
            rows = list(body["results"])
            more = 1 if len(rows) >= top else 0
            count = int(body.get("__count", skip + len(rows) + more))
        return rows, count

    async def _odata_all(self, url: Callable[[int], str], what: str) -> list[JSON]:
        """Every match, paging on with ``$skip`` (``url(skip)``) until the count is reached."""
        rows: list[JSON] = []
        while True:
            batch, count = await self._odata_page(
                url(len(rows)), what, skip=len(rows), top=ODATA_PAGE_SIZE
            )
            rows.extend(batch)
            if not batch or len(rows) >= count:
                return rows

    async def _odata_keys(
        self,
        service: str,
        entity_set: str,
        path: str,
        keys: Sequence[str],
        extra: Sequence[tuple[str, str]],
    ) -> list[JSON]:
        """Entities whose ``path`` is one of ``keys``: one call per URL-sized chunk."""

        def url(chunk: Sequence[str], skip: int) -> str:
            return self._api.odata_url(
                service,
                entity_set,
                [
                    ("$filter", any_of(path, chunk)),
                    *extra,
                    ("$top", ODATA_PAGE_SIZE),
                    ("$skip", skip),
                    ("$inlinecount", "allpages"),
                ],
            )

        budget = self.settings.max_url_bytes - len(url([], 10**6))
        chunks = chunk_terms(
            keys, budget=budget, cost=lambda key: encoded_len(f"{path} eq {odata_string(key)} or ")
        )
        pages = await self._all(
            self._odata_all(partial(url, chunk), entity_set) for chunk in chunks
        )
        return [row for page in pages for row in page]

    async def _window(
        self,
        fetch: Callable[[int, int], Awaitable[JSON | None]],
        key: str,
        *,
        offset: int,
        size: int,
    ) -> tuple[list[JSON], int]:
        """Items ``[offset, offset + size)`` of an OCC paged list, and the list's total.

        OCC pages by number (``currentPage`` x ``pageSize``); the cursor is an offset, so a
        page may straddle two OCC pages. If the server serves a smaller page than asked,
        its page size is used from then on. At most three calls; fewer items is allowed.
        """
        items: list[JSON] = []
        page_size = size
        total = 0
        for _ in range(3):
            position = offset + len(items)
            page = position // page_size
            data = await fetch(page, page_size)
            if data is None:
                return [], 0
            with reading(self.instance, key):
                rows = list(data.get(key) or ())
                pagination = data.get("pagination") or {}
                total = int(pagination.get("totalResults", len(rows)))
                served = int(pagination.get("pageSize") or page_size)
            start = page * served
            page_size = max(1, served)
            if start <= position < start + len(rows):
                wanted = size - len(items)
                items.extend(rows[position - start : position - start + wanted])
            if len(items) >= size or offset + len(items) >= total or not rows:
                break
        return items, total

    def _page(self, items: list[T], *, offset: int, consumed: int, total: int) -> Page[T]:
        end = offset + consumed
        cursor = encode_cursor(end) if consumed and end < total else None
        return Page(items=items, next_cursor=cursor, total_count=total)

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

    # -- catalog -----------------------------------------------------------------------

    def _search_url(self, query: str, page: int, size: int) -> str:
        return self._api.occ_url(
            "/products/search",
            [
                ("query", query),
                ("currentPage", page),
                ("pageSize", size),
                ("fields", PRODUCT_FIELDS),
            ],
        )

    async def _find(self, codes: Iterable[str]) -> list[JSON]:
        """Base products matching any of ``codes`` (their own code or a variant's)."""
        wanted = [code for code in dict.fromkeys(codes) if searchable_code(code)]
        if not wanted:
            return []
        size = self.settings.max_page_size
        budget = self.settings.max_url_bytes - len(self._search_url(search_query(), 0, size))
        chunks = chunk_terms(wanted, budget=budget, cost=lambda c: encoded_len(f":code:{c}"))
        pages = await self._all(self._search_chunk(chunk) for chunk in chunks)
        return [product for page in pages for product in page]

    async def _search_chunk(self, codes: list[str]) -> list[JSON]:
        query = search_query(codes=codes)
        size = min(len(codes), self.settings.max_page_size)
        found: list[JSON] = []
        page = 0
        while True:
            data = await self._api.get(self._search_url(query, page, size))
            with reading(self.instance, "product search"):
                found.extend(data.get("products") or ())
                total_pages = int((data.get("pagination") or {}).get("totalPages", 1))
            page += 1
            if page >= total_pages or not data.get("products"):
                return found

    def _products(self, found: Iterable[JSON]) -> dict[str, Product]:
        with reading(self.instance, "product"):
            products = (
                mapping.product(item, source=self.instance, root=self.settings.root)
                for item in found
            )
            return {product.external_id: product for product in products}

    async def products(self, ids: Sequence[str]) -> list[Product | None]:
        if not ids:
            return []
        by_code = self._products(await self._find(ids))
        return [by_code.get(code) for code in ids]

    async def products_by_handle(self, handles: Sequence[str]) -> list[Product | None]:
        """SAP Commerce has no URL handle: a product's handle is its code."""
        return await self.products(handles)

    async def list_products(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Product]:
        size = self._size(first)
        offset = self._offset(after)
        text = search_query(query or "")

        async def fetch(page: int, page_size: int) -> JSON:
            data: JSON = await self._api.get(self._search_url(text, page, page_size))
            return data

        rows, total = await self._window(fetch, "products", offset=offset, size=size)
        products = list(self._products(rows).values())
        return self._page(products, offset=offset, consumed=len(rows), total=total)

    async def variants(self, skus: Sequence[str]) -> list[Variant | None]:
        if not skus:
            return []
        by_sku = {
            variant.sku: variant
            for product in self._products(await self._find(skus)).values()
            for variant in product.variants
        }
        return [by_sku.get(sku) for sku in skus]

    # -- inventory ---------------------------------------------------------------------

    async def _stores(self) -> list[JSON]:
        """Every point of service of the base site, all pages walked."""
        stores: dict[str, JSON] = {}
        page = 0
        while True:
            url = self._api.occ_url(
                "/stores",
                [
                    ("currentPage", page),
                    ("pageSize", self.settings.max_page_size),
                    ("fields", STORE_FIELDS),
                ],
            )
            data = await self._api.get(url)
            with reading(self.instance, "stores"):
                batch = list(data.get("stores") or ())
                for store in batch:
                    stores.setdefault(str(store["name"]), store)
                total_pages = int((data.get("pagination") or {}).get("totalPages", 1))
            page += 1
            if page >= total_pages or not batch:
                return list(stores.values())

    async def locations(self) -> list[Location]:
        stores = await self._stores()
        with reading(self.instance, "stores"):
            return [
                mapping.location(
                    store, source=self.instance, kind=self.settings.kind_of(str(store["name"]))
                )
                for store in stores
            ]

    async def levels(
        self, skus: Sequence[str], location_ids: Sequence[str] | None = None
    ) -> list[list[InventoryLevel]]:
        """Stock from the Integration API's ``StockLevels``, summed per point of service
        over its warehouses. OCC itself has stock per product and store only.

        For all locations, the stock call expands each warehouse's points of service, so
        it needs nothing else; for named ones, the stores are read first, so the stock call
        asks only for their warehouses.
        """
        if not skus:
            return []
        codes = list(dict.fromkeys(sku for sku in skus if sku))
        if location_ids is None:
            rows = await self._stock_rows(codes, None)
            with reading(self.instance, "stock levels"):
                by_store = mapping.stores_in_stock(rows)
        else:
            wanted = set(location_ids)
            if not wanted:
                return [[] for _ in skus]
            stores = [store for store in await self._stores() if store.get("name") in wanted]
            with reading(self.instance, "stores"):
                by_store = {str(store["name"]): _warehouses(store) for store in stores}
            warehouses = sorted({code for codes in by_store.values() for code in codes})
            if not warehouses:
                return [[] for _ in skus]
            rows = await self._stock_rows(codes, warehouses)
        with reading(self.instance, "stock levels"):
            by_sku = mapping.inventory_levels(rows, by_store, source=self.instance)
        return [list(by_sku.get(sku, ())) for sku in skus]

    def _stock_url(self, codes: Sequence[str], warehouses: Sequence[str] | None, skip: int) -> str:
        # Without a warehouse filter, the warehouses' stores come along (see ``levels``).
        expand = "warehouse" if warehouses else "warehouse,warehouse/pointsOfService"
        return self._api.odata_url(
            self.settings.stock_api_path,
            "StockLevels",
            [
                ("$filter", stock_filter(codes, warehouses)),
                ("$expand", expand),
                ("$top", ODATA_PAGE_SIZE),
                ("$skip", skip),
                ("$inlinecount", "allpages"),
            ],
        )

    async def _stock_rows(
        self, codes: Sequence[str], warehouses: Sequence[str] | None
    ) -> list[JSON]:
        if (
            warehouses
            and len(self._stock_url([], warehouses, 0)) > self.settings.max_url_bytes // 2
        ):
            warehouses = None  # too many to name: fetch every warehouse, keep the wanted ones
        budget = self.settings.max_url_bytes - len(self._stock_url([], warehouses, 10**6))
        around = encoded_len("productCode eq  or ")  # the same for every code
        chunks = chunk_terms(
            codes, budget=budget, cost=lambda code: around + encoded_len(odata_string(code))
        )
        pages = await self._all(
            self._odata_all(partial(self._stock_url, chunk, warehouses), "stock levels")
            for chunk in chunks
        )
        return [row for page in pages for row in page]

    # -- customers ---------------------------------------------------------------------

    def _user_url(self, uid: str) -> str:
        return self._api.occ_url(f"/users/{quote(uid, safe='@')}", [("fields", "FULL")])

    async def _user(self, uid: str) -> Customer | None:
        if not uid:
            return None
        data = await self._get_one(self._user_url(uid))
        if data is None:
            return None
        with reading(self.instance, "user"):
            return mapping.customer(
                data, source=self.instance, email_verified=self.settings.emails_verified
            )

    async def _users(self, uids: Sequence[str]) -> dict[str, Customer | None]:
        """One OCC ``/users/{uid}`` call per uid: OCC has no bulk user lookup."""
        unique = list(dict.fromkeys(uids))
        return dict(zip(unique, await self._all(self._user(uid) for uid in unique), strict=True))

    async def _integration_customers(
        self, service: str, uids: Sequence[str]
    ) -> dict[str, Customer | None]:
        """Customers by uid from the customer integration object: one call per URL-sized
        chunk. Only shoppers (:func:`~connectors.sap_commerce.mapping.is_customer_uid`)."""
        wanted = [uid for uid in dict.fromkeys(uids) if uid and mapping.is_customer_uid(uid)]
        rows = (
            await self._odata_keys(
                service, "Customers", "uid", wanted, [("$expand", CUSTOMER_EXPAND)]
            )
            if wanted
            else []
        )
        found = self._customers_from(rows)
        return {customer.external_id: customer for customer in found}

    def _customers_from(self, rows: Iterable[JSON]) -> list[Customer]:
        with reading(self.instance, "customers"):
            return [
                mapping.integration_customer(
                    row, source=self.instance, email_verified=self.settings.emails_verified
                )
                for row in rows
            ]

    async def _customers_by_uid(self, uids: Sequence[str]) -> dict[str, Customer | None]:
        service = self.settings.customer_api_path
        if service is None:
            return await self._users(uids)
        return await self._integration_customers(service, uids)

    async def customers(self, ids: Sequence[str]) -> list[Customer | None]:
        """Customers by uid: one call per URL-sized chunk from the customer integration
        object, else one OCC ``/users/{uid}`` call each."""
        found = await self._customers_by_uid(ids)
        return [found.get(uid) for uid in ids]

    async def customers_by_email(self, emails: Sequence[str]) -> list[list[Customer]]:
        """A customer's uid is their e-mail, lower-cased, so this is :meth:`customers`."""
        keys = [email.strip().lower() for email in emails]
        found = await self._customers_by_uid(keys)
        return [
            [customer]
            if (customer := found.get(key)) and (customer.email or "").lower() == key
            else []
            for key in keys
        ]

    async def _list_customers(
        self, service: str, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Customer]:
        """Shoppers by uid from the customer integration object at ``service`` (bound as
        ``list_customers`` when ``customer_api_path`` is set): their uid holds an ``@``
        (which leaves out ``anonymous`` and employees), and free text is found in the uid
        (lower-cased, as uids are) or in the name (as typed)."""
        size = self._size(first)
        offset = self._offset(after)
        condition = substring_of("@", "uid")
        text = " ".join((query or "").split())
        if text:
            either = f"{substring_of(text.lower(), 'uid')} or {substring_of(text, 'name')}"
            condition = f"{condition} and ({either})"
        url = self._api.odata_url(
            service,
            "Customers",
            [
                ("$filter", condition),
                ("$orderby", "uid"),
                ("$expand", CUSTOMER_EXPAND),
                ("$top", size),
                ("$skip", offset),
                ("$inlinecount", "allpages"),
            ],
        )
        rows, total = await self._odata_page(url, "customers", skip=offset, top=size)
        customers = self._customers_from(rows)
        return self._page(customers, offset=offset, consumed=len(rows), total=total)

    # -- orders: OCC -------------------------------------------------------------------

    async def _order(self, user_id: str, code: str) -> Order | None:
        url = self._api.occ_url(
            f"/users/{quote(user_id, safe='@')}/orders/{quote(code, safe='')}",
            [("fields", "FULL")],
        )
        data = await self._get_one(url)
        if data is None:
            return None
        with reading(self.instance, "order"):
            return mapping.order(data, source=self.instance, user_id=user_id)

    async def orders(self, ids: Sequence[str]) -> list[Order | None]:
        """Orders by ``"{uid}|{code}"``: from the order integration object, one call per
        URL-sized chunk of codes; from OCC, one call per ID (it reads orders only under
        their user). An ID whose uid is not the order's user's names nothing."""
        service = self.settings.order_api_path
        if service is not None:
            return await self._integration_orders(service, ids)

        async def one(external_id: str) -> Order | None:
            parts = mapping.split_order_id(external_id)
            return await self._order(*parts) if parts else None

        unique = list(dict.fromkeys(ids))
        found = dict(zip(unique, await self._all(one(i) for i in unique), strict=True))
        return [found[i] for i in ids]

    async def orders_for_customers(self, requests: Sequence[OrderPageRequest]) -> list[Page[Order]]:
        """One page of each customer's orders, newest first. From the order integration
        object, see :meth:`_integration_order_pages`; from OCC, per customer one
        order-history page, then each order's details (the history lists neither lines nor
        totals beyond the grand total)."""
        service = self.settings.order_api_path
        if service is not None:
            return await self._integration_order_pages(service, requests)
        return await self._all(self._history(request) for request in requests)

    async def _history(self, request: OrderPageRequest) -> Page[Order]:
        user_id = request.customer_external_id
        size = self._size(request.first)
        offset = self._offset(request.after)
        if not user_id:
            return Page(items=[], total_count=0)

        async def fetch(page: int, page_size: int) -> JSON | None:
            data: JSON | None = await self._get_one(
                self._api.occ_url(
                    f"/users/{quote(user_id, safe='@')}/orders",
                    [
                        ("currentPage", page),
                        ("pageSize", page_size),
                        ("sort", "byDate"),
                        ("fields", HISTORY_FIELDS),
                    ],
                )
            )
            return data

        rows, total = await self._window(fetch, "orders", offset=offset, size=size)
        with reading(self.instance, "order history"):
            codes = [str(row["code"]) for row in rows]
        details = await self._all(self._order(user_id, code) for code in codes)
        orders = [order for order in details if order is not None]
        return self._page(orders, offset=offset, consumed=len(rows), total=total)

    # -- orders: Integration API -------------------------------------------------------

    def _orders_from(self, rows: Iterable[JSON]) -> list[Order]:
        with reading(self.instance, "orders"):
            return [mapping.integration_order(row, source=self.instance) for row in rows]

    async def _integration_orders(self, service: str, ids: Sequence[str]) -> list[Order | None]:
        codes = [parts[1] for i in dict.fromkeys(ids) if (parts := mapping.split_order_id(i))]
        rows = (
            await self._odata_keys(
                service, "Orders", "code", list(dict.fromkeys(codes)), [("$expand", ORDER_EXPAND)]
            )
            if codes
            else []
        )
        found = {order.external_id: order for order in self._orders_from(rows)}
        return [found.get(i) for i in ids]

    def _order_url(self, service: str, uids: Sequence[str], *, top: int, skip: int) -> str:
        return self._api.odata_url(
            service,
            "Orders",
            [
                ("$filter", any_of("user/uid", uids)),
                ("$orderby", ORDER_SORT),
                ("$expand", ORDER_EXPAND),
                ("$top", top),
                ("$skip", skip),
                ("$inlinecount", "allpages"),
            ],
        )

    async def _integration_order_pages(
        self, service: str, requests: Sequence[OrderPageRequest]
    ) -> list[Page[Order]]:
        """First pages come from shared windows (:meth:`_first_pages`); a page after a
        cursor is the customer's own call, ``$skip`` = the cursor's offset."""
        plans = [
            (r.customer_external_id, self._size(r.first), self._offset(r.after)) for r in requests
        ]
        firsts: dict[str, int] = {}
        for uid, size, offset in plans:
            if uid and offset == 0:
                firsts[uid] = max(size, firsts.get(uid, 0))
        later = list(dict.fromkeys(plan for plan in plans if plan[0] and plan[2] > 0))
        known: dict[str, _Known] = {}
        pages: dict[tuple[str, int, int], Page[Order]] = {}

        async def first_pages() -> None:
            known.update(await self._first_pages(service, firsts))

        async def page_after(uid: str, size: int, offset: int) -> None:
            orders, total = await self._own_page(service, uid, size=size, skip=offset)
            pages[uid, size, offset] = self._page(
                orders, offset=offset, consumed=len(orders), total=total
            )

        await self._all([first_pages(), *(page_after(*plan) for plan in later)])

        def answer(uid: str, size: int, offset: int) -> Page[Order]:
            if not uid:
                return Page(items=[], total_count=0)
            return known[uid].page(size) if offset == 0 else pages[uid, size, offset]

        return [answer(*plan) for plan in plans]

    async def _first_pages(self, service: str, sizes: Mapping[str, int]) -> dict[str, _Known]:
        """The first page of each customer's orders (``sizes``: uid -> page size).

        One query for a chunk of customers, newest first, holds each customer's newest
        orders: restricted to one customer, a prefix of that customer's own list. A page is
        settled when the window holds every match (the count says so) or more of the
        customer's orders than the page (so it is full and has a next page). Customers left
        are asked again together, once; then each on their own.
        """
        known: dict[str, _Known] = {}
        pending = dict(sizes)
        for _ in range(WINDOW_ROUNDS):
            if not pending:
                break
            chunks = self._window_chunks(service, pending)
            windows = await self._all(
                self._shared_window(service, chunk, pending) for chunk in chunks
            )
            for chunk, (orders, whole) in zip(chunks, windows, strict=True):
                by_uid: dict[str, list[Order]] = {}
                for order in orders:
                    by_uid.setdefault(order.customer_external_id or "", []).append(order)
                for uid in chunk:
                    mine = by_uid.get(uid, [])
                    if whole:
                        known[uid] = _Known(mine, len(mine))
                    elif len(mine) > pending[uid]:
                        known[uid] = _Known(mine, None)
            pending = {uid: size for uid, size in pending.items() if uid not in known}
        left = list(pending.items())
        own = await self._all(self._own_page(service, uid, size=size, skip=0) for uid, size in left)
        for (uid, _), (orders, total) in zip(left, own, strict=True):
            known[uid] = _Known(orders, total)
        return known

    def _window_chunks(self, service: str, sizes: Mapping[str, int]) -> list[list[str]]:
        """Customers in groups whose window fits in one Integration API page, each cut into
        chunks whose URL fits in ``max_url_bytes``."""
        groups: list[list[str]] = [[]]
        rows = 0
        for uid, size in sizes.items():
            need = WINDOW_SLACK * (size + 1)
            if groups[-1] and rows + need > ODATA_PAGE_SIZE:
                groups.append([])
                rows = 0
            groups[-1].append(uid)
            rows += need
        budget = self.settings.max_url_bytes - len(
            self._order_url(service, [], top=ODATA_PAGE_SIZE, skip=0)
        )
        return [
            chunk
            for group in groups
            for chunk in chunk_terms(
                group,
                budget=budget,
                cost=lambda uid: encoded_len(f"user/uid eq {odata_string(uid)} or "),
            )
        ]

    async def _shared_window(
        self, service: str, uids: Sequence[str], sizes: Mapping[str, int]
    ) -> tuple[list[Order], bool]:
        """The newest orders of ``uids`` together, and whether they are all of them."""
        top = min(ODATA_PAGE_SIZE, WINDOW_SLACK * sum(sizes[uid] + 1 for uid in uids))
        url = self._order_url(service, uids, top=top, skip=0)
        rows, count = await self._odata_page(url, "orders", skip=0, top=top)
        return self._orders_from(rows), len(rows) >= count

    async def _own_page(
        self, service: str, uid: str, *, size: int, skip: int
    ) -> tuple[list[Order], int]:
        """Orders ``[skip, skip + size)`` of one customer, and how many they have."""
        url = self._order_url(service, [uid], top=size, skip=skip)
        async with self._per_key:
            rows, count = await self._odata_page(url, "orders", skip=skip, top=size)
        return self._orders_from(rows), count


@dataclass(frozen=True)
class _Known:
    """The newest of a customer's orders, newest first, and how many they have (``None``:
    more than these, how many more unknown)."""

    orders: list[Order]
    total: int | None

    def page(self, size: int) -> Page[Order]:
        items = self.orders[:size]
        more = len(self.orders) > len(items) if self.total is None else self.total > len(items)
        cursor = encode_cursor(len(items)) if more and items else None
        return Page(items=items, next_cursor=cursor, total_count=self.total)


def _warehouses(store: JSON) -> tuple[str, ...]:
    return mapping.store_warehouses(store)


async def _wrap(call: Awaitable[T]) -> T:
    return await call


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc
