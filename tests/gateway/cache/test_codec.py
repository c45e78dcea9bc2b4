"""Records survive a trip through the cache's byte format exactly, and nothing else decodes."""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import orjson
import pytest

from connectors import models
from connectors.models import (
    Address,
    Channel,
    Customer,
    Identity,
    Image,
    InventoryLevel,
    Location,
    LocationKind,
    LocationRef,
    Loyalty,
    Money,
    Order,
    OrderLine,
    OrderPageRequest,
    OrderStatus,
    OrderTotals,
    Page,
    Product,
    SelectedOption,
    Variant,
)
from gateway.cache import CodecError, RecordCodec
from gateway.cache.codec import RECORDS, decode, encode

WHEN = datetime(2025, 1, 31, 9, 30, 15, 123456, tzinfo=UTC)
EUR = Money(Decimal("149.00"), "EUR")

VARIANT = Variant(
    source="shop",
    external_id="gid://shopify/ProductVariant/4711",
    sku="PARKA-NAVY-M",
    title="Navy / M",
    price=EUR,
    product_external_id="gid://shopify/Product/1",
    compare_at_price=Money(Decimal("199.9"), "EUR"),
    options=(SelectedOption("Colour", "Navy"), SelectedOption("Size", "M")),
    barcode="4006381333931",
)
PRODUCT = Product(
    source="shop",
    external_id="gid://shopify/Product/1",
    title="Fjällräven Parka «Nord»",
    handle="parka-nord",
    description='Warm.\nWaterproof "enough".',
    vendor="Nordlicht",
    categories=("Outerwear", "Winter"),
    images=(Image("https://cdn.example/p1.jpg", "Front"), Image("https://cdn.example/p2.jpg")),
    variants=(VARIANT, dataclasses.replace(VARIANT, sku="PARKA-NAVY-L", compare_at_price=None)),
    updated_at=WHEN,
)
ADDRESS = Address(
    line1="Hauptstraße 1",
    line2="2. OG",
    city="München",
    postal_code="80331",
    region="BY",
    country_code="DE",
    company="Nordlicht GmbH",
    first_name="Ana",
    last_name="Ruiz",
    phone="+49 89 123456",
)
LOCATION = Location(
    source="erp",
    external_id="WH-1",
    name="Central warehouse",
    kind=LocationKind.WAREHOUSE,
    address=ADDRESS,
    pickup_enabled=False,
    ships_from=True,
)
LEVEL = InventoryLevel(
    sku="PARKA-NAVY-M",
    location=LocationRef("erp", "WH-1"),
    available=3,
    on_hand=5,
    reserved=2,
    incoming=0,
    updated_at=WHEN,
)
CUSTOMER = Customer(
    source="crm",
    external_id="003XX",
    email="ana@example.com",
    email_verified=True,
    first_name="Ana",
    last_name="Ruiz",
    phones=("+49 89 123456",),
    addresses=(ADDRESS, Address(city="Berlin", country_code="DE")),
    default_address=ADDRESS,
    accepts_marketing=False,
    loyalty=Loyalty(points=1200, tier="gold"),
    created_at=WHEN - timedelta(days=400),
    identities=(Identity("shop", "gid://shopify/Customer/9"), Identity("crm", "003XX")),
)
ORDER = Order(
    source="shop",
    external_id="gid://shopify/Order/1001",
    number="#1001",
    channel=Channel.POS,
    status=OrderStatus.PARTIALLY_FULFILLED,
    created_at=WHEN,
    totals=OrderTotals(
        subtotal=Money(Decimal("298.00"), "EUR"),
        total=Money(Decimal("303.95"), "EUR"),
        shipping=Money(Decimal("5.95"), "EUR"),
        tax=Money(Decimal("48.53"), "EUR"),
        discounts=Money(Decimal("0"), "EUR"),
    ),
    lines=(
        OrderLine(
            sku="PARKA-NAVY-M",
            title="Parka",
            quantity=2,
            unit_price=EUR,
            total=Money(Decimal("298.00"), "EUR"),
            variant_external_id="gid://shopify/ProductVariant/4711",
        ),
        OrderLine(
            sku=None,
            title="Gift wrap",
            quantity=1,
            unit_price=Money.of(0, "EUR"),
            total=Money.of(0, "EUR"),
        ),
    ),
    customer_external_id="gid://shopify/Customer/9",
    customer_email="ana@example.com",
)

EXAMPLES: dict[str, Any] = {
    "money, trailing zeros": EUR,
    "money, exponent and sign": Money(Decimal("-1.50E+3"), "JPY"),
    "money, many places": Money(Decimal("0.000000000000000000000001"), "USD"),
    "image without alt text": Image("https://cdn.example/x.png"),
    "address, every field": ADDRESS,
    "address, no field": Address(),
    "selected option": SelectedOption("Size", "M"),
    "variant": VARIANT,
    "product with variants and images": PRODUCT,
    "product, defaults only": Product(source="sap", external_id="300", title="T", handle="t"),
    "location kinds": tuple(LocationKind),
    "location ref": LocationRef("shop", "gid://shopify/Location/1"),
    "location": LOCATION,
    "inventory level": LEVEL,
    "inventory level, untracked quantities": InventoryLevel("X", LocationRef("pos", "1"), 0),
    "loyalty without tier": Loyalty(points=0),
    "identity": Identity("crm", "003XX"),
    "customer": CUSTOMER,
    "customer, unknown email": Customer(source="shop", external_id="1", email=None),
    "channels and statuses": (tuple(Channel), tuple(OrderStatus)),
    "order": ORDER,
    "order page request": OrderPageRequest("gid://shopify/Customer/9", 10, after="cursor=="),
    "page of orders, list items": Page(items=[ORDER], next_cursor="abc", total_count=31),
    "page, tuple items, last": Page(items=(PRODUCT,), next_cursor=None),
    "page, empty": Page(items=()),
    "levels per sku, a list": [
        LEVEL,
        dataclasses.replace(LEVEL, location=LocationRef("pos", "S1")),
    ],
    "nothing": None,
    "nested lists and tuples": [[1, (2, [3])], (), []],
    "scalars": (True, False, 0, -(2**63), 2**64 - 1, 2**200, -(2**70), 1.5, -0.0, "", "ü\x00\n"),
    "dict with any keys": {"a": 1, 2: "b", ("t", 1): [None]},
    "datetime in another offset": datetime(
        2024, 2, 29, 23, 59, 59, tzinfo=timezone(timedelta(hours=2))
    ),
    "naive datetime": datetime(2024, 1, 1),
    "decimal specials": (Decimal("-Infinity"), Decimal("-0"), Decimal("1E-30")),
}


def _types_in(value: Any) -> set[type]:
    found = {type(value)}
    if isinstance(value, tuple | list):
        for item in value:
            found |= _types_in(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            found |= _types_in(key) | _types_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            found |= _types_in(getattr(value, field.name))
    return found


def test_the_examples_cover_every_record_type() -> None:
    # A record added to connectors.models must get an example here.
    covered = set().union(*(_types_in(value) for value in EXAMPLES.values()))
    exported = {getattr(models, name) for name in models.__all__}
    assert RECORDS.types == exported
    assert exported - covered == set()


@pytest.mark.parametrize("value", list(EXAMPLES.values()), ids=list(EXAMPLES))
def test_round_trip_is_exact(value: Any) -> None:
    restored = decode(encode(value))

    assert type(restored) is type(value)
    assert restored == value
    # repr tells tuples from lists, Decimal("1.0") from Decimal("1.00"), and time zones apart.
    assert repr(restored) == repr(value)


def test_decimal_digits_and_aware_times_survive() -> None:
    restored = decode(encode(ORDER))

    assert str(restored.totals.subtotal.amount) == "298.00"
    assert restored.created_at.tzinfo is not None
    assert restored.created_at.utcoffset() == timedelta(0)
    assert restored.created_at.microsecond == 123456
    assert restored.channel is Channel.POS


def test_the_format_is_tagged_json_anyone_can_read() -> None:
    assert orjson.loads(encode(Money(Decimal("19.90"), "EUR"))) == {
        "$": "Money",
        "f": {"amount": {"$": "decimal", "v": "19.90"}, "currency": "EUR"},
    }
    assert orjson.loads(encode((LocationKind.STORE, [1]))) == [
        {"$": "LocationKind", "v": "STORE"},
        {"$": "list", "v": [1]},
    ]


POISONED = {
    "not json": b"\x80\x04\x95 pickle?",
    "unknown class": b'{"$": "os.system", "v": "id"}',
    "unknown class with fields": b'{"$": "subprocess.Popen", "f": {"args": ["id"]}}',
    "dunder tag": b'{"$": "__import__", "v": "os"}',
    "tag that is not a string": b'{"$": ["Money"], "f": {}}',
    "untagged object": b'{"url": "https://x"}',
    "field the record lacks": b'{"$": "Image", "f": {"url": "x", "__class__": "y"}}',
    "missing required field": b'{"$": "Image", "f": {}}',
    "fields not an object": b'{"$": "Image", "f": ["x"]}',
    "record validation fails": b'{"$": "Money", "f": {"amount": {"$": "decimal", "v": "1"}, "currency": "eur"}}',
    "float where Decimal belongs": b'{"$": "Money", "f": {"amount": 1.5, "currency": "EUR"}}',
    "bad decimal": b'{"$": "decimal", "v": "one"}',
    "bad datetime": b'{"$": "datetime", "v": 5}',
    "unknown enum member": b'{"$": "LocationKind", "v": "MOON"}',
    "list that is not an array": b'{"$": "list", "v": {"a": 1}}',
    "dict of non-pairs": b'{"$": "dict", "v": [[1]]}',
    "unhashable dict key": b'{"$": "dict", "v": [[{"$": "list", "v": []}, 1]]}',
    "bad big int": b'{"$": "int", "v": "12x"}',
    "nested too deep": b"[" * 5000 + b"]" * 5000,
}


@pytest.mark.parametrize("data", list(POISONED.values()), ids=list(POISONED))
def test_anything_but_known_records_fails_to_decode(data: bytes) -> None:
    with pytest.raises(CodecError):
        decode(data)


@dataclasses.dataclass(frozen=True)
class Foreign:
    name: str


class Colour(enum.Enum):
    RED = "RED"


@pytest.mark.parametrize(
    "value",
    [Foreign("x"), Colour.RED, {1, 2}, object(), date(2025, 1, 1), float("nan"), float("inf")],
    ids=["unregistered dataclass", "unregistered enum", "set", "object", "date", "nan", "inf"],
)
def test_values_it_cannot_restore_exactly_are_refused(value: object) -> None:
    with pytest.raises(CodecError):
        encode(value)


def test_a_codec_can_be_built_for_other_records() -> None:
    codec = RecordCodec([Foreign, Colour])

    assert codec.decode(codec.encode((Foreign("x"), Colour.RED))) == (Foreign("x"), Colour.RED)
    with pytest.raises(CodecError):
        codec.decode(encode(EUR))


def test_record_names_must_be_unique_and_records() -> None:
    with pytest.raises(ValueError, match="taken"):
        RecordCodec([Foreign, dataclasses.make_dataclass("Foreign", ["a"])])
    with pytest.raises(ValueError, match="taken"):
        RecordCodec([dataclasses.make_dataclass("decimal", ["a"])])
    with pytest.raises(TypeError, match="neither"):
        RecordCodec([float])
