"""An in-memory back end for gateway tests that should not depend on a vendor's sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from connectors import (
    Capability,
    Connector,
    ConnectorError,
    Customer,
    InventoryLevel,
    Location,
    LocationKind,
    LocationRef,
    Money,
    Order,
    OrderLine,
    OrderPageRequest,
    OrderStatus,
    OrderTotals,
    Page,
    Product,
    Secret,
    Variant,
)
from connectors.models import Channel


@dataclass(frozen=True)
class FakeSettings:
    token: Secret
    #: Which locations this system holds stock at: "stores" or "warehouses".
    holds: str = "stores"


@dataclass
class FakeState:
    """Shared by every FakeConnector instance, so a test can reach in."""

    calls: list[tuple[str, str, tuple[object, ...]]] = field(default_factory=list)
    #: instance, or (instance, method) -> the exception those calls raise
    failing: dict[str | tuple[str, str], ConnectorError] = field(default_factory=dict)


STATE = FakeState()
SKUS = [f"SKU-{p}-{v}" for p in range(1, 61) for v in ("S", "M", "L")]


def _product(number: int) -> Product:
    variants = tuple(
        Variant(
            source="",
            external_id=f"v{number}-{size}",
            sku=f"SKU-{number}-{size}",
            title=size,
            price=Money(Decimal("10.00") + number, "EUR"),
            product_external_id=f"p{number}",
        )
        for size in ("S", "M", "L")
    )
    return Product(
        source="",
        external_id=f"p{number}",
        title=f"Product {number}",
        handle=f"product-{number}",
        variants=variants,
    )


class FakeConnector(Connector[FakeSettings]):
    name = "fake"
    settings_type = FakeSettings
    capabilities = frozenset(Capability)
    sandbox = None

    def _record(self, method: str, *args: object) -> None:
        STATE.calls.append((self.instance, method, args))
        for key in (self.instance, (self.instance, method)):
            if key in STATE.failing:
                raise STATE.failing[key]

    def _own(self, product: Product) -> Product:
        variants = tuple(
            Variant(
                v.source or self.instance,
                v.external_id,
                v.sku,
                v.title,
                v.price,
                v.product_external_id,
            )
            for v in product.variants
        )
        return Product(
            self.instance, product.external_id, product.title, product.handle, variants=variants
        )

    async def ping(self) -> None:
        self._record("ping")

    async def products(self, ids: Sequence[str]) -> list[Product | None]:
        self._record("products", tuple(ids))
        return [
            self._own(_product(int(i[1:]))) if i[1:].isdigit() and 0 < int(i[1:]) <= 60 else None
            for i in ids
        ]

    async def products_by_handle(self, handles: Sequence[str]) -> list[Product | None]:
        self._record("products_by_handle", tuple(handles))
        out: list[Product | None] = []
        for handle in handles:
            number = handle.removeprefix("product-")
            out.append(
                self._own(_product(int(number)))
                if number.isdigit() and 0 < int(number) <= 60
                else None
            )
        return out

    async def list_products(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Product]:
        self._record("list_products", first, after)
        start = int(after or 0)
        items = [self._own(_product(n)) for n in range(start + 1, min(start + first, 60) + 1)]
        end = start + len(items)
        return Page(items, next_cursor=str(end) if end < 60 else None)

    async def variants(self, skus: Sequence[str]) -> list[Variant | None]:
        self._record("variants", tuple(skus))
        found = {v.sku: v for n in range(1, 61) for v in self._own(_product(n)).variants}
        return [found.get(sku) for sku in skus]

    def _locations(self) -> list[Location]:
        if self.settings.holds == "stores":
            return [
                Location(
                    self.instance,
                    f"store-{i}",
                    f"Store {i}",
                    LocationKind.STORE,
                    pickup_enabled=True,
                )
                for i in (1, 2)
            ]
        return [
            Location(self.instance, "wh-1", "Warehouse 1", LocationKind.WAREHOUSE, ships_from=True)
        ]

    async def locations(self) -> list[Location]:
        self._record("locations")
        return self._locations()

    async def levels(
        self, skus: Sequence[str], location_ids: Sequence[str] | None = None
    ) -> list[list[InventoryLevel]]:
        self._record("levels", tuple(skus), tuple(location_ids or ()))
        wanted = [
            loc
            for loc in self._locations()
            if location_ids is None or loc.external_id in location_ids
        ]
        return [
            [
                InventoryLevel(
                    sku,
                    LocationRef(self.instance, loc.external_id),
                    available=3,
                    on_hand=4,
                    reserved=1,
                )
                for loc in wanted
            ]
            if sku in SKUS
            else []
            for sku in skus
        ]

    async def customers(self, ids: Sequence[str]) -> list[Customer | None]:
        self._record("customers", tuple(ids))
        return [
            Customer(self.instance, i, f"{i}@example.com", first_name=i.upper())
            if i.startswith("c")
            else None
            for i in ids
        ]

    async def customers_by_email(self, emails: Sequence[str]) -> list[list[Customer]]:
        self._record("customers_by_email", tuple(emails))
        return [
            [Customer(self.instance, e.split("@")[0], e)] if e.endswith("@example.com") else []
            for e in emails
        ]

    def _order(self, customer: str, n: int) -> Order:
        money = Money(Decimal(n), "EUR")
        line = OrderLine("SKU-1-S", "Product 1", 1, money, money)
        return Order(
            self.instance,
            f"{customer}-o{n}",
            f"#{n}",
            Channel.WEB,
            OrderStatus.OPEN,
            datetime(2026, 1, 1, tzinfo=UTC).replace(day=n),
            OrderTotals(money, money),
            (line,),
            customer,
        )

    async def orders(self, ids: Sequence[str]) -> list[Order | None]:
        self._record("orders", tuple(ids))
        out: list[Order | None] = []
        for order_id in ids:
            customer, _, number = order_id.partition("-o")
            out.append(
                self._order(customer, int(number))
                if number.isdigit() and 1 <= int(number) <= 5
                else None
            )
        return out

    async def orders_for_customers(self, requests: Sequence[OrderPageRequest]) -> list[Page[Order]]:
        self._record("orders_for_customers", tuple(requests))
        pages = []
        for request in requests:
            newest_first = [self._order(request.customer_external_id, n) for n in range(5, 0, -1)]
            start = int(request.after or 0)
            items = newest_first[start : start + request.first]
            end = start + len(items)
            pages.append(Page(items, next_cursor=str(end) if end < 5 else None))
        return pages


def find_connector(name: str) -> type[Connector[FakeSettings]]:
    assert name == "fake"
    return FakeConnector
