"""Relay plumbing: the ``Node`` interface, ``PageInfo`` and cursor pagination.

Connectors hand out one opaque cursor per page. Relay wants one per edge, so an edge's
cursor is the page's starting cursor plus the edge's offset in it; resuming ``after`` an
edge re-reads that page from the edge onwards. The last edge of a page points straight at
the next page, so walking with ``pageInfo.endCursor`` never re-reads anything.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import orjson
import strawberry

from connectors.models import Page
from schema.errors import BadUserInput, InvalidCursor

__all__ = ["MAX_PAGE_SIZE", "Node", "PageInfo", "Paged", "paginate"]

MAX_PAGE_SIZE = 100
T = TypeVar("T")


@strawberry.interface(description="An object with a global ID, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    """Items with their edge cursors, ready to render as a connection."""

    items: Sequence[T]
    cursors: Sequence[str]
    has_next_page: bool

    @property
    def page_info(self) -> PageInfo:
        return PageInfo(
            has_next_page=self.has_next_page,
            has_previous_page=False,
            start_cursor=self.cursors[0] if self.cursors else None,
            end_cursor=self.cursors[-1] if self.cursors else None,
        )


def _encode(page_cursor: str | None, offset: int) -> str:
    raw = orjson.dumps([page_cursor, offset])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(cursor: str) -> tuple[str | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        page_cursor, offset = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise InvalidCursor from None
    if not (page_cursor is None or isinstance(page_cursor, str)):
        raise InvalidCursor
    if not isinstance(offset, int) or isinstance(offset, bool) or not -1 <= offset < MAX_PAGE_SIZE:
        raise InvalidCursor
    return page_cursor, offset


def check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE_SIZE}, got {first}")


async def paginate(
    fetch: Callable[[int, str | None], Awaitable[Page[T]]], *, first: int, after: str | None
) -> Paged[T]:
    """Fetch ``first`` items after an edge cursor through ``fetch(first, page_cursor)``."""
    check_first(first)
    page_cursor, offset = _decode(after) if after else (None, -1)
    skip = offset + 1
    page = await fetch(first + skip, page_cursor)
    items = list(page.items)[skip : skip + first]
    has_next = len(page.items) > skip + first or page.has_next_page
    cursors = [_encode(page_cursor, skip + index) for index in range(len(items))]
    if cursors and page.has_next_page and len(page.items) == skip + len(items):
        # The last edge ends the vendor's page: point it at the next page.
        cursors[-1] = _encode(page.next_cursor, -1)
    return Paged(items, cursors, has_next)
