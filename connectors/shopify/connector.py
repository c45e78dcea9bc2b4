"""The Shopify connector: catalog, store stock, customers and orders from the Admin API.

Every read is one GraphQL document per batch (``nodes(ids:)``, a search joined with
``OR``, or one aliased field per key), split only where Shopify's 1000-point query limit
requires it; the split documents run concurrently. Vendor failures are mapped once, in
:meth:`ShopifyConnector._read`, to :mod:`connectors.errors`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import InvalidOperation
from typing import Any, ClassVar, TypeVar

import httpx
import orjson

from connectors.base import Connector
from connectors.capabilities import Capability
from connectors.errors import (
    AuthFailed,
    RateLimited,
    RejectedByVendor,
    UnexpectedResponse,
    UpstreamUnavailable,
)
from connectors.http import json_body, retry_after, send
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
from connectors.shopify import mapping, queries
from connectors.shopify.settings import ShopifySettings
from connectors.shopify.throttle import CostQuota, ThrottleStatus, throttled_wait

__all__ = ["ShopifyConnector"]

T = TypeVar("T")
Node = dict[str, Any]

#: Terms per search for follow-up lookups by product (``product_id:1 OR ...``).
_PRODUCT_TERMS_PER_SEARCH = 50


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _chunks(values: Sequence[T], size: int) -> list[Sequence[T]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


@dataclass
class _FirstLevels:
    """An inventory item found by a stock search: its first page of levels, as sent and
    mapped, and whether more pages follow."""

    item_id: str
    page: Node
    levels: list[InventoryLevel]
    more: bool


class ShopifyConnector(Connector[ShopifySettings]):
    """Shopify over the Admin GraphQL API (version pinned in settings, 2025-01)."""

    name: ClassVar[str] = "shopify"
    settings_type: ClassVar[type[Any]] = ShopifySettings
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.CATALOG, Capability.INVENTORY, Capability.CUSTOMERS, Capability.ORDERS}
    )
    sandbox: ClassVar[str | None] = "connectors.shopify.sandbox:ShopifySandbox"

    def __init__(
        self, settings: ShopifySettings, client: httpx.AsyncClient, *, instance: str = ""
    ) -> None:
        super().__init__(settings, client, instance=instance)
        #: Shopify's cost bucket as last seen; the gateway's resilient transport paces on it.
        self.quota: CostQuota = CostQuota()

    @property
    def throttle_status(self) -> ThrottleStatus | None:
        """Shopify's bucket as of the latest answer (``None`` before the first)."""
        return self.quota.status

    # -- transport -------------------------------------------------------------------------

    async def _query(
        self, document: str, variables: Mapping[str, Any] | None = None, *, cost: int | None = None
    ) -> Node:
        """Send one document; its ``data``, or the vendor's refusal as a ``ConnectorError``.

        ``cost`` is the document's requested cost: the gateway's transport waits, before
        sending, until Shopify's bucket (as last seen) can hold it, and retries a read
        Shopify throttles anyway once the bucket has refilled.
        """
        request = self.client.build_request(
            "POST",
            self.settings.endpoint,
            content=orjson.dumps({"query": document, "variables": dict(variables or {})}),
            headers={
                "X-Shopify-Access-Token": self.settings.access_token.reveal(),
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        response = await send(
            self.client, request, connector=self.instance, idempotent=True, cost=cost
        )
        return self._read(response)

    def _read(self, response: httpx.Response) -> Node:
        status = response.status_code
        if status in (401, 403):
            raise AuthFailed(
                f"Shopify refused the access token (HTTP {status}); check the token and "
                f"its access scopes",
                connector=self.instance,
            )
        if status == 429:
            wait = retry_after(response)
            if wait is None:
                wait = self._throttled_wait_from(response)
            raise RateLimited(
                f"Shopify throttled the call (HTTP 429); retry in {wait:.1f}s",
                connector=self.instance,
                retry_after=wait,
            )
        if status >= 500:
            hint = retry_after(response)
            suffix = f"; it asks to retry in {hint:.1f}s" if hint is not None else ""
            raise UpstreamUnavailable(
                f"Shopify answered HTTP {status}{suffix}", connector=self.instance
            )
        if status == 404:
            raise RejectedByVendor(
                f"no Admin API at {self.settings.endpoint} (HTTP 404); check shop and api_version",
                connector=self.instance,
                code="NOT_FOUND",
            )
        if status >= 400:
            raise RejectedByVendor(
                f"Shopify refused the request (HTTP {status})",
                connector=self.instance,
                code=f"HTTP_{status}",
            )
        body = json_body(response, connector=self.instance)
        if not isinstance(body, dict):
            raise UnexpectedResponse(
                "Shopify answered with JSON that is not an object", connector=self.instance
            )
        self._observe(body)
        errors = body.get("errors")
        if errors:
            self._raise_for(errors, body)
        data = body.get("data")
        if not isinstance(data, dict):
            raise UnexpectedResponse("Shopify answered without data", connector=self.instance)
        return data

    def _observe(self, body: Mapping[str, Any]) -> None:
        self.quota.observe(body)

    def _throttled_wait_from(self, response: httpx.Response) -> float:
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        if isinstance(body, dict):
            self._observe(body)
            return throttled_wait(body)
        return throttled_wait({})

    def _raise_for(self, errors: Any, body: Mapping[str, Any]) -> None:
        listed: list[Any] = errors if isinstance(errors, list) else [{"message": str(errors)}]
        codes = [
            (error.get("extensions") or {}).get("code") if isinstance(error, dict) else None
            for error in listed
        ]
        if "THROTTLED" in codes:
            wait = throttled_wait(body)
            raise RateLimited(
                f"Shopify throttled the query (cost above the bucket); retry in {wait:.2f}s",
                connector=self.instance,
                retry_after=wait,
            )
        first = listed[0] if isinstance(listed[0], dict) else {"message": str(listed[0])}
        code = codes[0]
        message = str(first.get("message", "unknown error")).split("\n", 1)[0]
        if code == "ACCESS_DENIED":
            raise AuthFailed(f"Shopify denied access: {message}", connector=self.instance)
        raise RejectedByVendor(
            f"Shopify refused the query: {message}", connector=self.instance, code=code
        )

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Payloads that do not match the documents become ``UnexpectedResponse``."""
        try:
            yield
        except (KeyError, TypeError, ValueError, AttributeError, InvalidOperation) as exc:
            raise UnexpectedResponse(
                f"could not read Shopify's answer ({type(exc).__name__}: {exc})",
                connector=self.instance,
            ) from exc

    async def _all(self, calls: Sequence[tuple[int, Coroutine[Any, Any, T]]]) -> list[T]:
        """Run ``(requested cost, call)`` pairs; the first failure is raised.

        Concurrently when Shopify's bucket (as last seen) holds all their costs at once;
        otherwise one at a time, so each is refunded what it did not use before the next
        asks — fired together they would only overdraw the bucket and be throttled.
        """
        if len(calls) == 1:
            return [await calls[0][1]]
        status = self.throttle_status
        needed = sum(cost for cost, _ in calls)
        if status is not None and needed > status.available_at(time.monotonic()):
            results: list[T] = []
            try:
                for _, call in calls:
                    results.append(await call)
            finally:
                for _, call in calls[len(results) + 1 :]:
                    call.close()
            return results
        gathered = await asyncio.gather(*(call for _, call in calls), return_exceptions=True)
        for result in gathered:
            if isinstance(result, BaseException):
                raise result
        return gathered  # type: ignore[return-value]

    def _paced_query(
        self, cost: int, document: str, variables: Mapping[str, Any]
    ) -> tuple[int, Coroutine[Any, Any, Node]]:
        """A call for :meth:`_all`: its requested cost, and the query carrying it."""
        return cost, self._query(document, variables, cost=cost)

    def _paced_pages(
        self,
        cost: int,
        document: str,
        variables: Mapping[str, Any],
        connection: Callable[[Node], Node],
    ) -> tuple[int, Coroutine[Any, Any, tuple[list[Node], list[Node]]]]:
        """A paged search for :meth:`_all`: its requested cost, and the search."""
        return cost, self._pages(document, variables, connection, cost=cost)

    async def _pages(
        self,
        document: str,
        variables: Mapping[str, Any],
        connection: Callable[[Node], Node],
        *,
        cost: int | None = None,
    ) -> tuple[list[Node], list[Node]]:
        """Every node of one search, paging ``after`` to the end; also each page's data."""
        nodes: list[Node] = []
        pages: list[Node] = []
        after: str | None = None
        while True:
            data = await self._query(document, {**variables, "after": after}, cost=cost)
            pages.append(data)
            with self._reading():
                found = connection(data)
                nodes.extend(found["nodes"])
                more = bool(found["pageInfo"]["hasNextPage"])
                after = found["pageInfo"]["endCursor"]
            if not more or not after:
                return nodes, pages

    # -- checks ----------------------------------------------------------------------------

    async def ping(self) -> None:
        await self._query(queries.PING_QUERY, cost=queries.PING_COST)

    # -- catalog ---------------------------------------------------------------------------

    async def products(self, ids: Sequence[str]) -> list[Product | None]:
        wanted = [i for i in _unique(ids) if mapping.is_gid(i, "Product")]
        found: dict[str, Product] = {}
        if wanted:
            answers = await self._all(
                [
                    self._paced_query(
                        1 + len(chunk) * queries.PRODUCT_NODE_COST,
                        queries.PRODUCTS_BY_ID_QUERY,
                        {"ids": list(chunk)},
                    )
                    for chunk in _chunks(wanted, queries.PRODUCTS_PER_QUERY)
                ]
            )
            with self._reading():
                currency = answers[0]["shop"]["currencyCode"]
                nodes = [
                    node
                    for data in answers
                    for node in data["nodes"]
                    if node and node.get("__typename") == "Product"
                ]
            for result in await self._products_from(nodes, currency):
                found[result.external_id] = result
        return [found.get(i) for i in ids]

    async def products_by_handle(self, handles: Sequence[str]) -> list[Product | None]:
        wanted = _unique(handles)
        found: dict[str, Product] = {}
        if wanted:
            searches = await self._all(
                [
                    self._paced_pages(
                        3 + len(chunk) * queries.PRODUCT_NODE_COST,
                        queries.PRODUCTS_QUERY,
                        {"first": len(chunk), "query": queries.any_of("handle", chunk)},
                        lambda data: data["products"],
                    )
                    for chunk in _chunks(wanted, queries.HANDLES_PER_QUERY)
                ]
            )
            with self._reading():
                currency = searches[0][1][0]["shop"]["currencyCode"]
                nodes = [node for found_nodes, _ in searches for node in found_nodes]
            for result in await self._products_from(nodes, currency):
                found.setdefault(result.handle, result)
        return [found.get(h) for h in handles]

    async def list_products(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Product]:
        search = queries.free_text(query) if query else None
        nodes: list[Node] = []
        cursor = after
        more = True
        currency = ""
        # Shopify's cost limit caps one document's page; a bigger page takes several.
        while more and len(nodes) < first:
            size = min(first - len(nodes), queries.HANDLES_PER_QUERY)
            data = await self._query(
                queries.PRODUCTS_QUERY,
                {"first": size, "after": cursor, "query": search},
                cost=3 + size * queries.PRODUCT_NODE_COST,
            )
            with self._reading():
                currency = data["shop"]["currencyCode"]
                connection = data["products"]
                page_nodes = connection["nodes"]
                nodes.extend(page_nodes)
                more = bool(connection["pageInfo"]["hasNextPage"]) and bool(page_nodes)
                cursor = connection["pageInfo"]["endCursor"]
        items = await self._products_from(nodes, currency) if nodes else []
        return Page(items=items, next_cursor=cursor if more else None)

    async def variants(self, skus: Sequence[str]) -> list[Variant | None]:
        wanted = _unique(skus)
        found: dict[str, Variant] = {}
        if wanted:
            searches = await self._all(
                [
                    self._paced_pages(
                        3 + len(chunk) * (queries.VARIANT_NODE_COST + 1),
                        queries.VARIANTS_QUERY,
                        {"first": len(chunk), "query": queries.any_of("sku", chunk)},
                        lambda data: data["productVariants"],
                    )
                    for chunk in _chunks(wanted, queries.VARIANTS_PER_QUERY)
                ]
            )
            asked = set(wanted)
            with self._reading():
                for nodes, pages in searches:
                    currency = pages[0]["shop"]["currencyCode"]
                    for node in nodes:
                        sku = node.get("sku") or ""
                        # Search matching is Shopify's; the join key must match exactly.
                        if sku in found or sku not in asked:
                            continue
                        found[sku] = mapping.variant(
                            node,
                            source=self.instance,
                            currency=currency,
                            product_id=node["product"]["id"],
                        )
        return [found.get(s) for s in skus]

    async def _products_from(self, nodes: Sequence[Node], currency: str) -> list[Product]:
        """Map product nodes, first fetching the rest of any product's variants."""
        with self._reading():
            longer = [node["id"] for node in nodes if node["variants"]["pageInfo"]["hasNextPage"]]
        all_variants: dict[str, list[Node]] = {}
        if longer:
            searches = await self._all(
                [
                    self._paced_pages(
                        3 + queries.VARIANTS_PER_QUERY * (queries.VARIANT_NODE_COST + 1),
                        queries.VARIANTS_QUERY,
                        {
                            "first": queries.VARIANTS_PER_QUERY,
                            "query": queries.any_of(
                                "product_id", [mapping.gid_number(i) for i in chunk]
                            ),
                        },
                        lambda data: data["productVariants"],
                    )
                    for chunk in _chunks(longer, _PRODUCT_TERMS_PER_SEARCH)
                ]
            )
            with self._reading():
                for variant_nodes, _ in searches:
                    for node in variant_nodes:
                        all_variants.setdefault(node["product"]["id"], []).append(node)
        with self._reading():
            return [
                mapping.product(
                    node,
                    source=self.instance,
                    currency=currency,
                    variants=all_variants.get(node["id"]),
                )
                for node in nodes
            ]

    # -- inventory -------------------------------------------------------------------------

    async def locations(self) -> list[Location]:
        nodes, _ = await self._pages(
            queries.LOCATIONS_QUERY,
            {"first": queries.LOCATIONS_PER_QUERY},
            lambda data: data["locations"],
            cost=queries.LOCATIONS_COST,
        )
        settings = self.settings
        with self._reading():
            return [
                mapping.location(
                    node,
                    source=self.instance,
                    kind=settings.location_kinds.get(node["id"], settings.default_location_kind),
                )
                for node in nodes
            ]

    async def levels(
        self, skus: Sequence[str], location_ids: Sequence[str] | None = None
    ) -> list[list[InventoryLevel]]:
        wanted = _unique(skus)
        places: list[str] | None = None
        if location_ids is not None:
            places = [i for i in _unique(location_ids) if mapping.is_gid(i, "Location")]
        if not wanted or places == []:
            return [[] for _ in skus]
        if places and len(places) <= queries.MAX_ALIASED_LOCATIONS:
            found = await self._levels_at(wanted, places)
        else:
            found = await self._levels_everywhere(wanted)
            if places:
                allowed = set(places)
                found = {
                    sku: [level for level in levels if level.location.external_id in allowed]
                    for sku, levels in found.items()
                }
        return [list(found.get(sku, [])) for sku in skus]

    async def _levels_at(
        self, skus: list[str], places: list[str]
    ) -> dict[str, list[InventoryLevel]]:
        """Stock at a few locations: one aliased ``inventoryLevel`` per location."""
        document = queries.levels_at_locations_query(len(places))
        per_variant = queries.levels_at_locations_variant_cost(len(places))
        per_query = min(queries.MAX_PAGE, (queries.MAX_QUERY_COST - 2) // per_variant)
        at = {f"location{i}": place for i, place in enumerate(places)}
        searches = await self._all(
            [
                self._paced_pages(
                    2 + len(chunk) * per_variant,
                    document,
                    {"first": len(chunk), "query": queries.any_of("sku", chunk), **at},
                    lambda data: data["productVariants"],
                )
                for chunk in _chunks(skus, per_query)
            ]
        )
        found: dict[str, list[InventoryLevel]] = {}
        asked = set(skus)
        with self._reading():
            for nodes, _ in searches:
                for node in nodes:
                    sku = node.get("sku") or ""
                    if sku in found or sku not in asked:
                        continue
                    item = node["inventoryItem"]
                    found[sku] = [
                        mapping.inventory_level(
                            sku, item[alias], source=self.instance, location_id=place
                        )
                        for alias, place in at.items()
                        if item.get(alias) is not None
                    ]
        return found

    async def _levels_everywhere(self, skus: list[str]) -> dict[str, list[InventoryLevel]]:
        """Stock at every location, paging further for items stocked in many places."""
        asked = set(skus)
        searches = await self._all(
            [
                (cost, self._first_levels(chunk, asked, cost))
                for chunk in _chunks(skus, queries.SKUS_PER_LEVELS_QUERY)
                for cost in [2 + len(chunk) * queries.LEVELS_VARIANT_COST]
            ]
        )
        items: dict[str, _FirstLevels] = {}
        for found in searches:  # in order: a SKU two searches match keeps the first's item
            for sku, item in found.items():
                items.setdefault(sku, item)
        unfinished = {sku: item for sku, item in items.items() if item.more}
        if unfinished:
            level_nodes = await self._rest_of(
                {item.item_id: item.page for item in unfinished.values()},
                queries.more_levels_query,
                queries.MORE_LEVELS_COST,
                "item",
                "inventoryLevels",
            )
            with self._reading():
                for sku, item in unfinished.items():
                    later = level_nodes[item.item_id][len(item.levels) :]  # after the first
                    item.levels.extend(
                        mapping.inventory_level(sku, level, source=self.instance) for level in later
                    )
        return {sku: item.levels for sku, item in items.items()}

    async def _first_levels(
        self, chunk: Sequence[str], asked: set[str], cost: int
    ) -> dict[str, _FirstLevels]:
        """One search's items and their first page of levels, mapped as soon as it arrives:
        while Shopify answers the other searches, not after the last."""
        nodes, _ = await self._pages(
            queries.INVENTORY_LEVELS_QUERY,
            {"first": len(chunk), "query": queries.any_of("sku", chunk)},
            lambda data: data["productVariants"],
            cost=cost,
        )
        items: dict[str, _FirstLevels] = {}
        with self._reading():
            for node in nodes:
                sku = node.get("sku") or ""
                if sku in asked and sku not in items:
                    item = node["inventoryItem"]
                    page = item["inventoryLevels"]
                    levels = [
                        mapping.inventory_level(sku, level, source=self.instance)
                        for level in page["nodes"]
                    ]
                    more = bool(page["pageInfo"]["hasNextPage"])
                    items[sku] = _FirstLevels(item["id"], page, levels, more)
        return items

    async def _rest_of(
        self,
        firsts: Mapping[str, Node],
        document: Callable[[int], str],
        owner_cost: int,
        alias: str,
        field: str,
    ) -> dict[str, list[Node]]:
        """Complete nested connections: ``firsts`` maps an owner's GID to the first page of
        its connection; later pages come from ``document(n)``, as many owners to a document
        as ``owner_cost`` points each allow."""
        per_query = queries.MAX_QUERY_COST // owner_cost
        with self._reading():
            nodes = {owner: list(page["nodes"]) for owner, page in firsts.items()}
            open_ = {
                owner: page["pageInfo"]["endCursor"]
                for owner, page in firsts.items()
                if page["pageInfo"]["hasNextPage"]
            }
        while open_:
            batches = _chunks(list(open_.items()), per_query)
            answers = await self._all(
                [
                    self._paced_query(
                        len(batch) * owner_cost,
                        document(len(batch)),
                        {
                            **{f"{alias}{i}": owner for i, (owner, _) in enumerate(batch)},
                            **{f"after{i}": cursor for i, (_, cursor) in enumerate(batch)},
                        },
                    )
                    for batch in batches
                ]
            )
            open_ = {}
            with self._reading():
                for batch, data in zip(batches, answers, strict=True):
                    for i, (owner, _) in enumerate(batch):
                        owner_node = data[f"{alias}{i}"]
                        if owner_node is None:
                            continue
                        page = owner_node[field]
                        nodes[owner].extend(page["nodes"])
                        if page["pageInfo"]["hasNextPage"]:
                            open_[owner] = page["pageInfo"]["endCursor"]
        return nodes

    # -- customers -------------------------------------------------------------------------

    async def customers(self, ids: Sequence[str]) -> list[Customer | None]:
        wanted = [i for i in _unique(ids) if mapping.is_gid(i, "Customer")]
        found: dict[str, Customer] = {}
        if wanted:
            answers = await self._all(
                [
                    self._paced_query(
                        len(chunk) * queries.CUSTOMER_NODE_COST,
                        queries.CUSTOMERS_BY_ID_QUERY,
                        {"ids": list(chunk)},
                    )
                    for chunk in _chunks(wanted, queries.CUSTOMERS_PER_QUERY)
                ]
            )
            with self._reading():
                for data in answers:
                    for node in data["nodes"]:
                        if node and node.get("__typename") == "Customer":
                            found[node["id"]] = mapping.customer(node, source=self.instance)
        return [found.get(i) for i in ids]

    async def customers_by_email(self, emails: Sequence[str]) -> list[list[Customer]]:
        wanted = _unique(email.strip().casefold() for email in emails)
        found: dict[str, list[Customer]] = {}
        if wanted:
            searches = await self._all(
                [
                    self._paced_pages(
                        2
                        + min(queries.CUSTOMERS_PAGE, 2 * len(chunk)) * queries.CUSTOMER_NODE_COST,
                        queries.CUSTOMERS_QUERY,
                        {
                            "first": min(queries.CUSTOMERS_PAGE, 2 * len(chunk)),
                            "query": queries.any_of("email", chunk),
                        },
                        lambda data: data["customers"],
                    )
                    for chunk in _chunks(wanted, queries.EMAILS_PER_QUERY)
                ]
            )
            with self._reading():
                for nodes, _ in searches:
                    for node in nodes:
                        key = (node.get("email") or "").casefold()
                        if key in wanted:
                            found.setdefault(key, []).append(
                                mapping.customer(node, source=self.instance)
                            )
        return [list(found.get(email.strip().casefold(), [])) for email in emails]

    async def list_customers(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Customer]:
        """Customers in ID order; ``query`` is free text, every word quoted (so none is
        search syntax) and every word required. The cursor is Shopify's ``endCursor``."""
        search = queries.free_text(query) if query else None
        nodes: list[Node] = []
        cursor = after
        more = True
        # Shopify's cost limit caps one document's page; a bigger page takes several.
        while more and len(nodes) < first:
            size = min(first - len(nodes), queries.CUSTOMERS_PAGE)
            data = await self._query(
                queries.CUSTOMERS_QUERY,
                {"first": size, "after": cursor, "query": search},
                cost=2 + size * queries.CUSTOMER_NODE_COST,
            )
            with self._reading():
                connection = data["customers"]
                page_nodes = connection["nodes"]
                nodes.extend(page_nodes)
                more = bool(connection["pageInfo"]["hasNextPage"]) and bool(page_nodes)
                cursor = connection["pageInfo"]["endCursor"]
        with self._reading():
            items = [mapping.customer(node, source=self.instance) for node in nodes]
        return Page(items=items, next_cursor=cursor if more else None)

    # -- orders ----------------------------------------------------------------------------

    async def orders(self, ids: Sequence[str]) -> list[Order | None]:
        wanted = [i for i in _unique(ids) if mapping.is_gid(i, "Order")]
        if not wanted:
            return [None for _ in ids]
        answers = await self._all(
            [
                self._paced_query(
                    len(chunk) * queries.ORDER_NODE_COST,
                    queries.ORDERS_BY_ID_QUERY,
                    {"ids": list(chunk)},
                )
                for chunk in _chunks(wanted, queries.ORDERS_PER_QUERY)
            ]
        )
        with self._reading():
            nodes = [
                node
                for data in answers
                for node in data["nodes"]
                if node and node.get("__typename") == "Order"
            ]
        found = {order.external_id: order for order in await self._orders_from(nodes)}
        return [found.get(i) for i in ids]

    async def orders_for_customers(self, requests: Sequence[OrderPageRequest]) -> list[Page[Order]]:
        pages: list[Page[Order]] = [Page(items=[]) for _ in requests]
        limit = queries.max_orders_per_customer()
        asked = [
            (index, request, min(request.first, limit))
            for index, request in enumerate(requests)
            if request.first > 0 and mapping.is_gid(request.customer_external_id, "Customer")
        ]
        if not asked:
            return pages
        # Pack aliased customers into as few documents as the cost limit allows.
        batches: list[list[tuple[int, OrderPageRequest, int]]] = [[]]
        budgets = [0]
        for entry in asked:
            cost = queries.CUSTOMER_ORDERS_OVERHEAD + entry[2] * queries.ORDER_NODE_COST
            if batches[-1] and budgets[-1] + cost > queries.MAX_QUERY_COST:
                batches.append([])
                budgets.append(0)
            batches[-1].append(entry)
            budgets[-1] += cost
        answers = await self._all(
            [
                self._paced_query(
                    budget,
                    queries.customer_orders_query(len(batch)),
                    {
                        key: value
                        for i, (_, request, first) in enumerate(batch)
                        for key, value in (
                            (f"customer{i}", request.customer_external_id),
                            (f"first{i}", first),
                            (f"after{i}", request.after),
                        )
                    },
                )
                for batch, budget in zip(batches, budgets, strict=True)
            ]
        )
        found: list[tuple[int, list[Node], str | None]] = []
        with self._reading():
            for batch, data in zip(batches, answers, strict=True):
                for i, (index, _, _) in enumerate(batch):
                    customer = data[f"customer{i}"]
                    if customer is None:
                        continue
                    connection = customer["orders"]
                    info = connection["pageInfo"]
                    found.append(
                        (
                            index,
                            connection["nodes"],
                            info["endCursor"] if info["hasNextPage"] else None,
                        )
                    )
        orders = iter(await self._orders_from([node for _, nodes, _ in found for node in nodes]))
        for index, nodes, cursor in found:
            pages[index] = Page(items=[next(orders) for _ in nodes], next_cursor=cursor)
        return pages

    async def _orders_from(self, nodes: Sequence[Node]) -> list[Order]:
        """Map order nodes, first fetching the rest of any order's lines."""
        with self._reading():
            firsts = {node["id"]: node["lineItems"] for node in nodes}
        lines = await self._rest_of(
            firsts,
            queries.more_line_items_query,
            queries.MORE_LINE_ITEMS_COST,
            "order",
            "lineItems",
        )
        with self._reading():
            return [
                mapping.order(node, source=self.instance, lines=lines[node["id"]]) for node in nodes
            ]
