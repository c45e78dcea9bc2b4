"""The schema's data access, implemented over routed connectors with per-request loaders.

One :class:`GatewayData` per request. It decides which connector answers (the catalog's
owner, the system a global ID names, every inventory system at once) and asks through
DataLoaders backed by the entity cache, so N products with variants and stock cost the same
few back-end calls as one — and none while the cache is fresh.

Besides answers it keeps notes the response carries: ``problems`` (errors for the part of
an answer one system could not give, the rest kept) and ``stale`` (values served from the
cache because their owner failed, with their ages).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar, cast

import orjson
from aiodataloader import DataLoader
from graphql.pyutils import Path

from connectors.base import Connector
from connectors.capabilities import (
    Capability,
    CatalogSource,
    CustomerDirectory,
    CustomerLinks,
)
from connectors.errors import ConnectorError
from connectors.models import (
    Customer,
    Identity,
    InventoryLevel,
    Location,
    LocationKind,
    LocationRef,
    Order,
    OrderPageRequest,
    Page,
    Product,
    Variant,
)
from gateway.cache import EntityCache, Lookup
from gateway.errors import describe
from gateway.federation import MERGED_FIELDS, Merge, Position, match, merge, merge_pages
from gateway.federation.customers import normalise_email
from gateway.federation.orders import decode_positions, encode_positions
from gateway.loaders import (
    CustomerByIdLoader,
    CustomersByEmailLoader,
    CustomersByIdentityLoader,
    InventoryBySkuLoader,
    LocationsBySystemLoader,
    OrderByIdLoader,
    OrdersByCustomerLoader,
    ProductByHandleLoader,
    ProductByIdLoader,
    Stock,
    VariantBySkuLoader,
)
from gateway.runtime import Gateway
from schema.context import FieldSource, Notice
from schema.errors import InvalidCursor
from schema.ids import GlobalId

__all__ = ["GatewayData"]

L = TypeVar("L", bound=DataLoader[Any, Any])
V = TypeVar("V")


class GatewayData:
    """:class:`schema.context.DataAccess` for one request.

    ``scope`` keeps private records (customers, orders) apart in the cache: one principal's
    answers are never served to another.
    """

    def __init__(self, gateway: Gateway, *, scope: str = "anonymous") -> None:
        self._gateway = gateway
        self._cache: EntityCache = gateway.cache
        self._scope = scope
        self._loaders: dict[tuple[Callable[..., Any], str], DataLoader[Any, Any]] = {}
        self._inventory: InventoryBySkuLoader | None = None
        self.problems: list[dict[str, Any]] = []
        self.stale: list[dict[str, Any]] = []
        #: Merged customers this request answered with, by their (source, external_id).
        self._merges: dict[tuple[str, str], Merge] = {}
        #: (source, sku) -> where the variant's price came from, when not the catalog.
        self._price_sources: dict[tuple[str, str], Identity] = {}

    # -- plumbing ------------------------------------------------------------------------

    def _loader(
        self,
        kind: Callable[[Connector[Any], EntityCache, str], L],
        connector: Connector[Any],
        *,
        private: bool = False,
    ) -> L:
        key = (kind, connector.instance)
        loader = self._loaders.get(key)
        if loader is None:
            scope = self._scope if private else "public"
            loader = self._loaders[key] = kind(connector, self._cache, scope)
        return cast(L, loader)

    def _note(self, lookup: Lookup[Any], connector: str, at: Path | None) -> None:
        if lookup.outcome == "stale_if_error" and lookup.age is not None:
            self._stale(connector, lookup.age, at)

    def _stale(self, connector: str, age: float, at: Path | None) -> None:
        self.stale.append(
            {"path": at.as_list() if at else None, "connector": connector, "age": round(age, 1)}
        )

    def _problem(self, error: ConnectorError, at: Path | None) -> None:
        message, extensions = describe(error)
        extensions["partial"] = True
        note: dict[str, Any] = {"message": message, "extensions": extensions}
        if at is not None:
            note["path"] = at.as_list()
        self.problems.append(note)

    async def _get(
        self, loader: DataLoader[Any, Lookup[V]], key: Any, connector: str, at: Path | None
    ) -> V | None:
        lookup = await loader.load(key)
        if lookup.error is not None:
            raise lookup.error
        self._note(lookup, connector, at)
        return lookup.value

    # -- catalog -------------------------------------------------------------------------

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

    async def _one_priced(self, product: Product | None, at: Path | None) -> Product | None:
        return None if product is None else (await self._priced([product], at))[0]

    async def product(self, id: GlobalId, *, at: Path | None = None) -> Product | None:
        connector = self._gateway.owner(id.source, Capability.CATALOG)
        if connector is None:
            return None
        loader = self._loader(ProductByIdLoader, connector)
        found = await self._get(loader, id.external_id, connector.instance, at)
        return await self._one_priced(found, at)

    async def product_by_handle(self, handle: str, *, at: Path | None = None) -> Product | None:
        connector = self._catalog()
        loader = self._loader(ProductByHandleLoader, connector)
        found = await self._get(loader, handle, connector.instance, at)
        return await self._one_priced(found, at)

    async def product_of(self, variant: Variant, *, at: Path | None = None) -> Product | None:
        return await self.product(
            GlobalId("Product", variant.source, variant.product_external_id), at=at
        )

    async def products(
        self, *, first: int, after: str | None, query: str | None, at: Path | None = None
    ) -> Page[Product]:
        # Pages are not cached: their cursors are the vendor's, and a listing is cheap.
        catalog = cast(CatalogSource, self._catalog())
        page = await catalog.list_products(first=first, after=after, query=query)
        return replace(page, items=await self._priced(page.items, at))

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

    # -- inventory -----------------------------------------------------------------------

    async def _locations_of(self, connector: Connector[Any], at: Path | None) -> list[Location]:
        found = await self._get(
            self._loader(LocationsBySystemLoader, connector), "all", connector.instance, at
        )
        return list(found or ())

    async def locations(
        self, kind: LocationKind | None = None, *, at: Path | None = None
    ) -> list[Location]:
        systems = self._gateway.serving(Capability.INVENTORY)
        answers = await asyncio.gather(
            *(self._locations_of(c, at) for c in systems), return_exceptions=True
        )
        found: list[Location] = []
        failures: list[ConnectorError] = []
        for answer in answers:
            if isinstance(answer, ConnectorError):
                failures.append(answer)
            elif isinstance(answer, BaseException):
                raise answer
            else:
                found.extend(answer)
        if failures and len(failures) == len(systems):
            raise failures[0]
        for failure in failures:
            self._problem(failure, at)
        aliases = self._gateway.location_aliases
        return [
            loc for loc in found if loc.ref not in aliases and (kind is None or loc.kind is kind)
        ]

    async def location(self, ref: LocationRef, *, at: Path | None = None) -> Location | None:
        connector = self._gateway.owner(ref.source, Capability.INVENTORY)
        if connector is None:
            return None
        locations = await self._locations_of(connector, at)
        return next((loc for loc in locations if loc.external_id == ref.external_id), None)

    async def inventory(
        self,
        sku: str,
        location_ids: Sequence[GlobalId] | None = None,
        *,
        at: Path | None = None,
    ) -> list[InventoryLevel]:
        if self._inventory is None:
            self._inventory = InventoryBySkuLoader(
                self._gateway.serving(Capability.INVENTORY),
                self._cache,
                aliases=self._gateway.location_aliases,
            )
        scope = (
            None
            if location_ids is None
            else frozenset(LocationRef(gid.source, gid.external_id) for gid in location_ids)
        )
        stock: Stock = await self._inventory.load((sku, scope))
        if stock.failures and not stock.levels:
            # Nothing to show: the field is null with the first system's error.
            raise stock.failures[0]
        for failure in stock.failures:
            self._problem(failure, at)
        for system, age in stock.ages.items():
            self._stale(system, age, at)
        return stock.levels

    # -- customers: one per person, merged across systems ------------------------------

    def _people_settings(self) -> tuple[tuple[str, ...], list[str], dict[str, tuple[str, ...]]]:
        federation = self._gateway.config.federation
        systems = [c.instance for c in self._gateway.serving(Capability.CUSTOMERS)]
        precedence = {"default": tuple(systems), **federation.precedence}
        return federation.link_on, systems, precedence

    async def _by_email(self, emails: set[str], at: Path | None) -> list[Customer]:
        systems = self._gateway.serving(Capability.CUSTOMERS)
        asks = [
            self._get(self._loader(CustomersByEmailLoader, c, private=True), email, c.instance, at)
            for c in systems
            for email in sorted(emails)
        ]
        return [record for found in await asyncio.gather(*asks) for record in found or ()]

    async def _by_identity(self, identities: set[Identity], at: Path | None) -> list[Customer]:
        asks: list[Awaitable[list[Customer] | None]] = []
        for connector in self._gateway.serving(Capability.CUSTOMERS):
            if isinstance(connector, CustomerLinks):
                loader = self._loader(CustomersByIdentityLoader, connector, private=True)
                asks.extend(
                    self._get(loader, identity, connector.instance, at)
                    for identity in sorted(identities, key=lambda i: (i.system, i.external_id))
                )
        return [record for found in await asyncio.gather(*asks) for record in found or ()]

    async def _by_reference(self, refs: set[Identity], at: Path | None) -> list[Customer]:
        asks: list[Awaitable[Customer | None]] = []
        for ref in sorted(refs, key=lambda i: (i.system, i.external_id)):
            connector = self._gateway.owner(ref.system, Capability.CUSTOMERS)
            if connector is not None:
                loader = self._loader(CustomerByIdLoader, connector, private=True)
                asks.append(self._get(loader, ref.external_id, connector.instance, at))
        return [record for record in await asyncio.gather(*asks) if record is not None]

    async def _expand(self, seeds: Sequence[Customer], at: Path | None) -> list[Customer]:
        """Seeds plus every record linked to them: by verified email, by shared keys, by
        IDs of other systems they name — two rounds, each one batched call per system."""
        link_on, systems, _ = self._people_settings()
        found = {(r.source, r.external_id): r for r in seeds}
        asked_emails: set[str] = set()
        asked_keys: set[Identity] = set()
        for _ in range(2):
            records = list(found.values())
            emails = {normalise_email(r.email) for r in records if r.email and r.email_verified}
            keys = {i for r in records for i in r.identities if i.system in link_on}
            refs = {
                i
                for r in records
                for i in r.identities
                if i.system in systems and (i.system, i.external_id) not in found
            }
            emails -= asked_emails
            keys -= asked_keys
            if not (emails or keys or refs):
                break
            asked_emails |= emails
            asked_keys |= keys
            more = await asyncio.gather(
                self._by_email(emails, at),
                self._by_identity(keys, at),
                self._by_reference(refs, at),
            )
            for record in (r for batch in more for r in batch):
                found.setdefault((record.source, record.external_id), record)
        return list(found.values())

    def _people(self, records: Sequence[Customer]) -> list[tuple[list[Customer], Merge]]:
        """Group records into people and merge each (remembered for ``sources`` and
        ``notices``); best first by default precedence."""
        link_on, systems, precedence = self._people_settings()
        rank = {system: i for i, system in enumerate(precedence["default"])}
        people = []
        for group, warnings in match(records, link_on=link_on, systems=systems):
            result = merge(group, precedence, warnings=warnings)
            self._merges[(result.customer.source, result.customer.external_id)] = result
            people.append((group, result))
        return sorted(
            people,
            key=lambda p: (rank.get(p[1].customer.source, len(rank)), p[1].customer.external_id),
        )

    async def customer(self, id: GlobalId, *, at: Path | None = None) -> Customer | None:
        connector = self._gateway.owner(id.source, Capability.CUSTOMERS)
        if connector is None:
            return None
        loader = self._loader(CustomerByIdLoader, connector, private=True)
        seed = await self._get(loader, id.external_id, connector.instance, at)
        if seed is None:
            return None
        people = self._people(await self._expand([seed], at))
        return next((m.customer for group, m in people if seed in group), None)

    async def customer_by_email(self, email: str, *, at: Path | None = None) -> Customer | None:
        key = normalise_email(email)
        seeds = await self._by_email({key}, at)
        if not seeds:
            return None
        people = self._people(await self._expand(seeds, at))

        def shows(group: list[Customer], *, verified: bool) -> bool:
            return any(
                r.email is not None
                and normalise_email(r.email) == key
                and (r.email_verified or not verified)
                for r in group
            )

        # A person whose verified email it is; failing that, a record that merely shows it.
        for verified in (True, False):
            for group, merged in people:
                if shows(group, verified=verified):
                    return merged.customer
        return None

    async def customers(
        self, *, first: int, after: str | None, query: str | None, at: Path | None = None
    ) -> Page[Customer]:
        """Every person once: each listing system in precedence order, skipping people an
        earlier system already showed."""
        _, _, precedence = self._people_settings()
        connectors = self._gateway.connectors
        directories = [
            connectors[name]
            for name in precedence["default"]
            if isinstance(connectors.get(name), CustomerDirectory)
        ]
        index, cursor = _decode_directory(after, len(directories))
        shown: dict[tuple[str, str], Customer] = {}
        for _ in range(8):
            if index >= len(directories) or len(shown) >= first:
                break
            directory = directories[index]
            page = await cast(CustomerDirectory, directory).list_customers(
                first=first - len(shown), after=cursor, query=query
            )
            earlier = {d.instance for d in directories[:index]}
            people = self._people(await self._expand(list(page.items), at))
            for seed in page.items:
                group, merged = next(p for p in people if seed in p[0])
                if any(record.source in earlier for record in group):
                    continue  # shown already, from an earlier system
                shown.setdefault(
                    (merged.customer.source, merged.customer.external_id), merged.customer
                )
            if page.next_cursor is not None:
                cursor = page.next_cursor
            else:
                index, cursor = index + 1, None
        more = index < len(directories)
        return Page(
            list(shown.values()), next_cursor=_encode_directory(index, cursor) if more else None
        )

    def sources(self, record: Customer | Variant) -> list[FieldSource]:
        if isinstance(record, Variant):
            origin = self._price_sources.get((record.source, record.sku))
            return (
                [] if origin is None else [FieldSource("price", origin.system, origin.external_id)]
            )
        found = self._merges.get((record.source, record.external_id))
        if found is None:
            return [FieldSource(name, record.source, record.external_id) for name in MERGED_FIELDS]
        return [
            FieldSource(name, identity.system, identity.external_id)
            for name, identity in found.sources.items()
        ]

    def notices(self, record: Customer) -> list[Notice]:
        found = self._merges.get((record.source, record.external_id))
        return [] if found is None else [Notice(w.code, w.message) for w in found.warnings]

    # -- orders: every channel's, newest first --------------------------------------------

    async def customer_orders(
        self, customer: Customer, *, first: int, after: str | None, at: Path | None = None
    ) -> Page[Order]:
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
        connector = self._gateway.owner(id.source, Capability.ORDERS)
        if connector is None:
            return None
        loader = self._loader(OrderByIdLoader, connector, private=True)
        return await self._get(loader, id.external_id, connector.instance, at)


def _encode_directory(index: int, cursor: str | None) -> str:
    raw = orjson.dumps([index, cursor])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode_directory(cursor: str | None, systems: int) -> tuple[int, str | None]:
    if cursor is None:
        return 0, None
    try:
        index, inner = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError):
        raise InvalidCursor from None
    if not (
        isinstance(index, int)
        and 0 <= index <= systems
        and (inner is None or isinstance(inner, str))
    ):
        raise InvalidCursor
    return index, inner
