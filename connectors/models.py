"""The records every connector returns and the gateway renders.

Plain frozen dataclasses: no GraphQL, no vendor fields beyond ``source`` (the connector's
name) and ``external_id`` (the vendor's own ID, as the vendor spells it). Money is a
``Decimal`` with an ISO 4217 code, never a float. Times are aware UTC datetimes.

Every field added later gets a default, so a connector written today keeps working when
payments, fulfillments, returns and carts arrive.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

__all__ = [
    "Address",
    "Channel",
    "Customer",
    "Identity",
    "Image",
    "InventoryLevel",
    "Location",
    "LocationKind",
    "LocationRef",
    "Loyalty",
    "Money",
    "Order",
    "OrderLine",
    "OrderPageRequest",
    "OrderStatus",
    "OrderTotals",
    "Page",
    "Product",
    "SelectedOption",
    "Variant",
]

_CURRENCY = re.compile(r"^[A-Z]{3}$")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency: ``Money(Decimal("19.90"), "EUR")``."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money.amount must be a Decimal, not {type(self.amount).__name__}")
        if not _CURRENCY.match(self.currency):
            raise ValueError(f"Money.currency must be an ISO 4217 code, got {self.currency!r}")

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Build from a vendor's string or integer amount without passing through float."""
        return cls(Decimal(str(amount)), currency.upper())


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    alt_text: str | None = None


@dataclass(frozen=True, slots=True)
class Address:
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    #: ISO 3166-1 alpha-2.
    country_code: str | None = None
    company: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class SelectedOption:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class Variant:
    """One purchasable SKU. ``sku`` is the key that joins systems."""

    source: str
    external_id: str
    sku: str
    title: str
    price: Money
    product_external_id: str
    compare_at_price: Money | None = None
    options: tuple[SelectedOption, ...] = ()
    barcode: str | None = None


@dataclass(frozen=True, slots=True)
class Product:
    source: str
    external_id: str
    title: str
    handle: str
    description: str = ""
    vendor: str | None = None
    categories: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    variants: tuple[Variant, ...] = ()
    updated_at: datetime | None = None


class LocationKind(enum.Enum):
    STORE = "STORE"
    WAREHOUSE = "WAREHOUSE"
    DISTRIBUTION_CENTER = "DISTRIBUTION_CENTER"


@dataclass(frozen=True, slots=True)
class LocationRef:
    """Which system's location a stock level belongs to."""

    source: str
    external_id: str


@dataclass(frozen=True, slots=True)
class Location:
    source: str
    external_id: str
    name: str
    kind: LocationKind
    address: Address | None = None
    pickup_enabled: bool = False
    ships_from: bool = False

    @property
    def ref(self) -> LocationRef:
        return LocationRef(self.source, self.external_id)


@dataclass(frozen=True, slots=True)
class InventoryLevel:
    """Stock of one SKU at one location. Quantities a system does not track are ``None``."""

    sku: str
    location: LocationRef
    available: int
    on_hand: int | None = None
    reserved: int | None = None
    incoming: int | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Loyalty:
    points: int
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """One record of a person in one system."""

    system: str
    external_id: str


@dataclass(frozen=True, slots=True)
class Customer:
    source: str
    external_id: str
    email: str | None
    #: Whether the system has confirmed the customer owns ``email``; merging relies on it.
    email_verified: bool = False
    first_name: str | None = None
    last_name: str | None = None
    phones: tuple[str, ...] = ()
    addresses: tuple[Address, ...] = ()
    default_address: Address | None = None
    accepts_marketing: bool | None = None
    loyalty: Loyalty | None = None
    created_at: datetime | None = None
    identities: tuple[Identity, ...] = ()


class Channel(enum.Enum):
    WEB = "WEB"
    APP = "APP"
    POS = "POS"
    MARKETPLACE = "MARKETPLACE"
    B2B = "B2B"
    CALL_CENTER = "CALL_CENTER"


class OrderStatus(enum.Enum):
    PENDING = "PENDING"
    OPEN = "OPEN"
    PARTIALLY_FULFILLED = "PARTIALLY_FULFILLED"
    FULFILLED = "FULFILLED"
    CANCELLED = "CANCELLED"
    RETURNED = "RETURNED"


@dataclass(frozen=True, slots=True)
class OrderLine:
    sku: str | None
    title: str
    quantity: int
    unit_price: Money
    total: Money
    variant_external_id: str | None = None


@dataclass(frozen=True, slots=True)
class OrderTotals:
    subtotal: Money
    total: Money
    shipping: Money | None = None
    tax: Money | None = None
    discounts: Money | None = None


@dataclass(frozen=True, slots=True)
class Order:
    source: str
    external_id: str
    #: The number a customer sees on a receipt ("#1001", "00004711").
    number: str
    channel: Channel
    status: OrderStatus
    created_at: datetime
    totals: OrderTotals
    lines: tuple[OrderLine, ...] = ()
    customer_external_id: str | None = None
    customer_email: str | None = None


@dataclass(frozen=True, slots=True)
class OrderPageRequest:
    """One customer's page of orders, newest first: a batch key for ``orders_for_customers``."""

    customer_external_id: str
    first: int
    after: str | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list. ``next_cursor`` is the connector's opaque cursor, ``None`` at the end."""

    items: Sequence[T]
    next_cursor: str | None = None
    total_count: int | None = field(default=None)

    @property
    def has_next_page(self) -> bool:
        return self.next_cursor is not None
