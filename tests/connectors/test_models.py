from __future__ import annotations

from decimal import Decimal

import pytest

from connectors import Money


def test_money_is_decimal_with_an_iso_code() -> None:
    assert Money.of("19.90", "eur") == Money(Decimal("19.90"), "EUR")
    assert Money.of(1999, "USD").amount == Decimal(1999)


@pytest.mark.parametrize(
    ("amount", "currency"), [(19.9, "EUR"), (Decimal(1), "euro"), (Decimal(1), "")]
)
def test_money_refuses_floats_and_bad_codes(amount: object, currency: str) -> None:
    with pytest.raises((TypeError, ValueError)):
        Money(amount, currency)  # type: ignore[arg-type]
