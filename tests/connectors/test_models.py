from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from connectors import Money
from connectors.times import utc_time


def test_money_is_decimal_with_an_iso_code() -> None:
    assert Money.of("19.90", "eur") == Money(Decimal("19.90"), "EUR")
    assert Money.of(1999, "USD").amount == Decimal(1999)


@pytest.mark.parametrize(
    ("amount", "currency"), [(19.9, "EUR"), (Decimal(1), "euro"), (Decimal(1), "")]
)
def test_money_refuses_floats_and_bad_codes(amount: object, currency: str) -> None:
    with pytest.raises((TypeError, ValueError)):
        Money(amount, currency)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01T10:15:00Z", datetime(2026, 3, 1, 10, 15, tzinfo=UTC)),  # Shopify
        ("2026-03-01T11:15:00+01:00", datetime(2026, 3, 1, 10, 15, tzinfo=UTC)),
        ("2026-03-01T10:15:00+0000", datetime(2026, 3, 1, 10, 15, tzinfo=UTC)),  # OCC
        ("2025-04-04T09:00:00.000+0000", datetime(2025, 4, 4, 9, tzinfo=UTC)),  # Salesforce
        ("2026-03-01T10:15:00", datetime(2026, 3, 1, 10, 15, tzinfo=UTC)),  # no zone: UTC
        (None, None),
        ("", None),
    ],
)
def test_vendor_times_become_aware_utc(text: str | None, expected: datetime | None) -> None:
    assert utc_time(text) == expected
    if expected is not None:
        assert utc_time(text).tzinfo is UTC  # type: ignore[union-attr]
