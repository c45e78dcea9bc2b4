"""Merging order pages from several systems, newest first, each order once."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from connectors import Channel, Money, Order, OrderStatus, OrderTotals, Page
from gateway.federation import Position, merge_pages
from gateway.federation.orders import decode_positions, encode_positions

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def orders(system: str, count: int, rng: random.Random) -> list[Order]:
    money = Money(Decimal(1), "EUR")
    stamps = sorted(
        (T0 + timedelta(minutes=rng.randint(0, 500)) for _ in range(count)), reverse=True
    )
    return [
        Order(
            system,
            f"{system}-{i}",
            f"#{i}",
            Channel.WEB,
            OrderStatus.OPEN,
            stamp,
            OrderTotals(money, money),
        )
        for i, stamp in enumerate(stamps)
    ]


def page_of(items: list[Order], cursor: str | None, first: int, cap: int) -> Page[Order]:
    start = int(cursor or 0)
    size = min(first, cap)
    chunk = items[start : start + size]
    end = start + len(chunk)
    return Page(chunk, next_cursor=str(end) if end < len(items) else None)


@pytest.mark.parametrize(
    ("first", "caps"),
    [(1, (50, 50, 50)), (3, (2, 50, 5)), (7, (3, 4, 100))],
    ids=["one", "capped", "mixed"],
)
def test_paging_visits_every_order_once_newest_first(
    first: int, caps: tuple[int, int, int]
) -> None:
    rng = random.Random(first)
    histories = {
        "shopify": orders("shopify", 9, rng),
        "sap": orders("sap", 4, rng),
        "odoo": orders("odoo", 6, rng),
    }
    cap = dict(zip(histories, caps, strict=True))
    positions: dict[str, Position] = {name: Position() for name in histories}
    seen: list[Order] = []
    for _ in range(100):
        pages = {
            name: page_of(histories[name], p.cursor, p.offset + first, cap[name])
            for name, p in positions.items()
            if not p.done
        }
        items, positions, more = merge_pages(pages, positions, first=first)
        positions = decode_positions(encode_positions(positions)) or {}
        seen.extend(items)
        if not more:
            break
    everything = [o for h in histories.values() for o in h]
    assert len(seen) == len(everything)
    assert {o.external_id for o in seen} == {o.external_id for o in everything}
    assert [o.created_at for o in seen] == sorted((o.created_at for o in seen), reverse=True)


def test_a_foreign_cursor_is_refused() -> None:
    assert decode_positions("bm90IGEgY3Vyc29y") is None
