"""One order history from every channel: pages from several systems merged newest first.

Each system pages a customer's orders newest first with its own cursor. A merged page takes
the newest ``first`` across systems; its cursor records, per system, where that system's
next unshown order is — the system's page cursor and an offset into that page — so paging on
shows every order exactly once, in order, whatever each system's page size::

    page, state = merge_pages({"shopify": shop_page, "odoo": erp_page}, state, first=10)
"""

from __future__ import annotations

import base64
import binascii
import heapq
from collections.abc import Mapping
from dataclasses import dataclass

import orjson

from connectors.models import Order, Page

__all__ = ["Position", "decode_positions", "encode_positions", "merge_pages", "newest_first"]


@dataclass(frozen=True, slots=True)
class Position:
    """Where a system's next unshown order is: offset ``offset`` into the page that
    ``cursor`` starts (``None``: the first page); ``done`` when it has none left."""

    cursor: str | None = None
    offset: int = 0
    done: bool = False


def newest_first(order: Order) -> tuple[float, str, str]:
    """Sort key: newest first, ties broken by system and ID so the order is total."""
    return (-order.created_at.timestamp(), order.source, order.external_id)


def merge_pages(
    pages: Mapping[str, Page[Order]],
    positions: Mapping[str, Position],
    *,
    first: int,
) -> tuple[list[Order], dict[str, Position], bool]:
    """The newest ``first`` orders across ``pages`` — each system's page fetched from its
    position's cursor, with at least ``offset + first`` items — and the new positions.
    Returns (orders, positions, whether more remain)."""
    candidates: list[tuple[tuple[float, str, str], str, int, Order]] = []
    # A system whose window came back short while it has more (its vendor caps pages) may
    # still hold orders newer than other systems' candidates: nothing older than the last
    # order it showed can be emitted yet.
    horizon: tuple[float, str, str] | None = None
    for system, page in pages.items():
        start = positions.get(system, Position()).offset
        window = list(page.items)[start : start + first]
        for index, order in enumerate(window):
            candidates.append((newest_first(order), system, start + index, order))
        if len(window) < first and page.next_cursor is not None:
            edge = newest_first(window[-1]) if window else (float("-inf"), "", "")
            horizon = edge if horizon is None else min(horizon, edge)
    chosen = [
        candidate
        for candidate in heapq.nsmallest(first, candidates)
        if horizon is None or candidate[0] <= horizon
    ]
    taken: dict[str, int] = {}
    for _, system, index, _ in chosen:
        taken[system] = max(taken.get(system, -1), index)

    after: dict[str, Position] = {}
    more = False
    for system, page in pages.items():
        position = positions.get(system, Position())
        offset = taken.get(system, position.offset - 1) + 1
        items = len(page.items)
        if offset >= items and page.next_cursor is not None:
            after[system] = Position(page.next_cursor, 0)
            more = True
        elif offset >= items:
            after[system] = Position(position.cursor, offset, done=True)
        else:
            after[system] = Position(position.cursor, offset)
            more = True
    for system, position in positions.items():
        after.setdefault(system, position)
    return [order for *_, order in chosen], after, more


def encode_positions(positions: Mapping[str, Position]) -> str:
    raw = orjson.dumps({s: [p.cursor, p.offset, p.done] for s, p in sorted(positions.items())})
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_positions(cursor: str) -> dict[str, Position] | None:
    """The positions a cursor holds; ``None`` when it is not one."""
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return {
            str(system): Position(c if c is None else str(c), int(o), bool(d))
            for system, (c, o, d) in raw.items()
        }
    except (binascii.Error, ValueError, TypeError, AttributeError):
        return None
