"""Odoo JSON -> records, on payloads shaped as Odoo 19's JSON-2 API answers them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from connectors.models import (
    Address,
    Channel,
    Identity,
    LocationKind,
    LocationRef,
    Money,
    OrderStatus,
    SelectedOption,
)
from connectors.odoo import mapping

from .support import payload


def _records(name: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = payload(name)["records"]
    return records


# -- values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (24.9, {"id": 1, "name": "EUR", "decimal_places": 2}, Money(Decimal("24.90"), "EUR")),
        (
            153.89999999999998,
            {"id": 1, "name": "EUR", "decimal_places": 2},
            Money(Decimal("153.90"), "EUR"),
        ),
        (0.1 + 0.2, {"id": 1, "name": "EUR", "decimal_places": 2}, Money(Decimal("0.30"), "EUR")),
        (2.675, {"id": 1, "name": "EUR", "decimal_places": 2}, Money(Decimal("2.68"), "EUR")),
        (1200.0, {"id": 9, "name": "JPY", "decimal_places": 0}, Money(Decimal("1200"), "JPY")),
        (1.2345, {"id": 4, "name": "KWD", "decimal_places": 3}, Money(Decimal("1.235"), "KWD")),
        (7, {"id": 1, "name": "EUR", "decimal_places": False}, Money(Decimal("7.00"), "EUR")),
    ],
    ids=["padded", "float-noise", "float-sum", "half-up", "no-decimals", "three-decimals", "int"],
)
def test_money_rounds_odoos_floats_to_the_currency(
    amount: float, currency: dict[str, Any], expected: Money
) -> None:
    money = mapping.money(amount, currency)
    assert money == expected
    assert str(money.amount) == str(expected.amount)


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(24.9, False), ("24.90", {"id": 1, "name": "EUR"}), (True, {"id": 1, "name": "EUR"})],
    ids=["no-currency", "string-amount", "boolean"],
)
def test_money_refuses_what_is_not_an_odoo_monetary(amount: Any, currency: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        mapping.money(amount, currency)


def test_odoo_datetimes_are_utc_without_a_zone() -> None:
    assert mapping.parse_time("2026-03-01 10:15:00") == datetime(2026, 3, 1, 10, 15, tzinfo=UTC)
    assert mapping.parse_time(False) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [(False, None), (7, 7), ([7, "Ben Brandt"], 7), ({"id": 7, "email": False}, 7)],
    ids=["empty", "web-read-id", "search-read-pair", "web-read-record"],
)
def test_a_many2one_in_any_of_its_shapes(value: Any, expected: int | None) -> None:
    assert mapping.many2one_id(value) == expected


# -- catalog --------------------------------------------------------------------------


def test_a_template_becomes_a_product_with_its_sold_variants() -> None:
    jacket, gift = (mapping.product(r, source="erp") for r in _records("product_template"))

    assert (jacket.external_id, jacket.title, jacket.handle) == (
        "42",
        "Coastal Rain Jacket",
        "coastal-rain-jacket-42",
    )
    assert jacket.categories == ("Jackets",)
    assert jacket.updated_at == datetime(2026, 3, 1, 10, 15, tzinfo=UTC)
    # The variant without an internal reference has no SKU to join on: left out.
    assert [v.sku for v in jacket.variants] == ["NL-1015-RST-M", "NL-1015-RST-L"]
    medium, large = jacket.variants
    assert medium.options == (SelectedOption("Colour", "Rust"), SelectedOption("Size", "M"))
    assert (medium.title, medium.external_id, medium.product_external_id) == (
        "Rust / M",
        "171",
        "42",
    )
    assert medium.price == Money(Decimal("149.00"), "EUR")
    assert medium.barcode == "4001015000107"
    assert large.price == Money(Decimal("153.90"), "EUR")
    assert large.barcode is None
    assert large.compare_at_price is None

    assert (gift.description, gift.categories, gift.updated_at) == ("", (), None)
    assert gift.variants[0].title == "Gift Card"  # no attributes: the template's name
    assert gift.variants[0].options == ()


def test_a_variant_the_erp_does_not_sell_is_none() -> None:
    sold, unsold = _records("product_product")
    variant = mapping.variant(sold, source="erp")
    assert variant is not None
    assert variant.product_external_id == "42"
    assert mapping.variant(unsold, source="erp") is None


# -- inventory ------------------------------------------------------------------------


def test_locations_take_their_warehouses_name_and_address() -> None:
    outlet, shelf, quality = (
        mapping.location(r, source="erp", kind=kind)
        for r, kind in zip(
            _records("stock_location"),
            [LocationKind.STORE, LocationKind.WAREHOUSE, LocationKind.WAREHOUSE],
            strict=True,
        )
    )
    assert (outlet.external_id, outlet.name) == ("11", "Nordlicht Outlet Nürnberg")
    assert outlet.address == Address(
        line1="Breite Gasse 60",
        city="Nürnberg",
        postal_code="90402",
        country_code="DE",
        phone="+49 911 4711 0",
    )
    assert (outlet.pickup_enabled, outlet.ships_from) == (True, False)
    # Not the warehouse's main stock location: its own full name, no address.
    assert (shelf.name, shelf.address) == ("NUE/Stock/Shelf 2", None)
    assert (shelf.pickup_enabled, shelf.ships_from) == (False, True)
    assert (quality.name, quality.address) == ("Quality Control", None)


def test_quants_of_one_product_at_one_location_are_summed() -> None:
    levels = mapping.inventory_levels(_records("stock_quant"), source="erp")

    # The quant without an internal reference is not joinable on a SKU: left out.
    assert set(levels) == {"NL-1015-RST-M", "ROPE-M"}
    warehouse, outlet = levels["NL-1015-RST-M"]
    assert warehouse.location == LocationRef("erp", "9")
    assert (warehouse.on_hand, warehouse.reserved, warehouse.available) == (120, 3, 117)
    assert warehouse.updated_at == datetime(2026, 11, 20, 17, 45, 12, tzinfo=UTC)
    # More reserved than on hand (reserved stock was counted away): nothing available.
    assert (outlet.on_hand, outlet.reserved, outlet.available) == (2, 4, 0)
    # A fractional unit of measure: available never overstates.
    [rope] = levels["ROPE-M"]
    assert (rope.on_hand, rope.reserved, rope.available) == (12, 1, 12)
    assert rope.updated_at is None
    assert rope.incoming is None


# -- customers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ben Brandt", ("Ben", "Brandt")),
        ("Yusuf K. Vogel", ("Yusuf K.", "Vogel")),
        ("  Anna   Maria  Becker ", ("Anna Maria", "Becker")),
        ("Becker, Anna", ("Anna", "Becker")),
        ("Madonna", (None, "Madonna")),
        ("", (None, None)),
        (None, (None, None)),
    ],
    ids=["two-words", "initial", "spaces", "comma", "one-word", "empty", "none"],
)
def test_one_name_splits_into_first_and_last(
    name: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert mapping.split_name(name) == expected


def test_a_partner_becomes_a_customer_with_its_customer_number() -> None:
    ben, yusuf, company = (
        mapping.customer(r, source="erp", phone_fields=("phone", "mobile"))
        for r in _records("res_partner")
    )

    assert ben.external_id == "7"
    assert ben.email == "  Ben.Brandt@Example.Com "  # as stored; the gateway normalises
    assert ben.email_verified is False
    assert (ben.first_name, ben.last_name) == ("Ben", "Brandt")
    assert ben.phones == ("+49 151 20007919", "+49 170 5550101")
    assert ben.default_address == Address(
        line1="Lindenallee 79", city="Hamburg", postal_code="20095", country_code="DE"
    )
    assert ben.addresses == (ben.default_address,)
    assert ben.identities == (Identity("customer_number", "K-000002"),)
    assert ben.created_at == datetime(2024, 8, 8, 9, 0, tzinfo=UTC)

    assert (yusuf.first_name, yusuf.last_name) == ("Yusuf K.", "Vogel")
    assert (yusuf.phones, yusuf.addresses, yusuf.identities) == ((), (), ())

    # A company keeps its name whole; the same number twice is one phone; a blank
    # customer number is none.
    assert (company.first_name, company.last_name) == (None, "Bergsport Huber GmbH")
    assert company.email is None
    assert company.phones == ("+49 89 123456",)
    assert company.identities == ()
    assert company.default_address is not None
    assert company.default_address.line2 == "3. OG"


def test_the_customer_number_field_is_configurable() -> None:
    record = {**_records("res_partner")[0], "x_kundennummer": 4711}
    custom = mapping.customer(record, source="erp", number_field="x_kundennummer")
    none = mapping.customer(record, source="erp", number_field="")
    verified = mapping.customer(record, source="erp", email_verified=True)

    assert custom.identities == (Identity("customer_number", "4711"),)
    assert none.identities == ()
    assert custom.phones == ("+49 151 20007919",)  # phone only, by default
    assert verified.email_verified is True


# -- orders ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "delivery", "expected"),
    [
        ("draft", False, OrderStatus.PENDING),
        ("sent", False, OrderStatus.PENDING),
        ("sale", "pending", OrderStatus.OPEN),
        ("sale", False, OrderStatus.OPEN),
        ("sale", "started", OrderStatus.PARTIALLY_FULFILLED),
        ("sale", "partial", OrderStatus.PARTIALLY_FULFILLED),
        ("sale", "full", OrderStatus.FULFILLED),
        ("done", "full", OrderStatus.FULFILLED),
        ("cancel", "pending", OrderStatus.CANCELLED),
    ],
    ids=[
        "quotation",
        "quotation-sent",
        "confirmed",
        "no-inventory",
        "delivery-started",
        "partly-delivered",
        "delivered",
        "locked-pre-17",
        "cancelled",
    ],
)
def test_order_state_and_delivery_status_give_the_status(
    state: str, delivery: Any, expected: OrderStatus
) -> None:
    assert mapping.order_status(state, delivery) is expected


def test_an_unknown_order_state_is_a_shape_error() -> None:
    with pytest.raises(ValueError, match=r"unknown sale\.order state"):
        mapping.order_status("invoiced", False)


def test_a_trade_order_keeps_goods_shipping_and_totals_apart() -> None:
    trade, till = (mapping.order(r, source="erp") for r in _records("sale_order"))

    assert (trade.external_id, trade.number) == ("88", "S00088")
    assert trade.channel is Channel.B2B
    assert trade.status is OrderStatus.PARTIALLY_FULFILLED
    assert trade.created_at == datetime(2026, 6, 12, 16, 40, 5, tzinfo=UTC)
    # The note line is not a line; the delivery line is shipping, not goods.
    assert [line.sku for line in trade.lines] == ["NL-1015-RST-M", "GIFT-25"]
    jacket, gift = trade.lines
    assert (jacket.quantity, jacket.unit_price, jacket.total) == (
        10,
        Money(Decimal("149.00"), "EUR"),
        Money(Decimal("1490.00"), "EUR"),
    )
    assert jacket.variant_external_id == "171"
    assert gift.unit_price == Money(Decimal("28.75"), "EUR")
    totals = trade.totals
    assert totals.total == Money(Decimal("1630.00"), "EUR")
    assert totals.shipping == Money(Decimal("25.00"), "EUR")
    assert totals.subtotal == Money(Decimal("1605.00"), "EUR")
    assert totals.tax == Money(Decimal("260.25"), "EUR")
    assert (trade.customer_external_id, trade.customer_email) == ("44", None)

    assert till.channel is Channel.POS
    assert till.status is OrderStatus.PENDING
    assert till.totals.shipping is None
    assert till.totals.subtotal == till.totals.total == Money(Decimal("24.90"), "EUR")
    assert till.customer_email == "  Ben.Brandt@Example.Com "


def test_the_pos_teams_are_configurable_by_name_or_id() -> None:
    trade, till = _records("sale_order")
    assert mapping.order(trade, source="erp", pos_teams=("1",)).channel is Channel.POS
    assert mapping.order(trade, source="erp", pos_teams=("SALES",)).channel is Channel.POS
    assert mapping.order(till, source="erp", pos_teams=("Kasse",)).channel is Channel.B2B
    assert mapping.channel(False, ("Point of Sale",)) is Channel.B2B
