"""Building Odoo requests: domains, record ids, website slugs and page cursors.

Odoo domains are lists in Polish (prefix) notation; top-level terms are ANDed::

    >>> any_of([["email", "ilike", "a@x.de"], ["email", "ilike", "b@x.de"]])
    ['|', ['email', 'ilike', 'a@x.de'], ['email', 'ilike', 'b@x.de']]
    >>> like_literal("50%_off")
    '50\\\\%\\\\_off'
    >>> slug("Alpine Tee", 12)
    'alpine-tee-12'
    >>> unslug("alpine-tee-12")
    12
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from connectors import cursors

__all__ = [
    "Domain",
    "any_of",
    "decode_cursor",
    "decode_id_cursor",
    "encode_cursor",
    "encode_id_cursor",
    "like_literal",
    "record_id",
    "record_ids",
    "slug",
    "unslug",
]

#: A domain as it travels in JSON: operators (``"|"``, ``"&"``, ``"!"``) and
#: ``[field, operator, value]`` leaves.
Domain = list[Any]

# PostgreSQL's integer: Odoo ids are serial int4, so a larger number names nothing.
_MAX_ID = 2**31 - 1


def any_of(leaves: Sequence[Any]) -> Domain:
    """The OR of ``leaves`` in prefix notation: ``n - 1`` ``"|"`` then the leaves."""
    if not leaves:
        raise ValueError("any_of needs at least one leaf")
    return ["|"] * (len(leaves) - 1) + list(leaves)


def like_literal(text: str) -> str:
    """``text`` for ``like``/``ilike`` so that it matches only itself.

    Odoo wraps the value in ``%...%`` and hands it to PostgreSQL as it is, so ``%`` and
    ``_`` in it would be wildcards and ``\\`` the escape character; each is escaped with a
    backslash, as Odoo's own ``odoo.tools.escape_psql`` does.
    """
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def record_id(value: str) -> int | None:
    """An Odoo record id from its string form; ``None`` for anything that cannot be one."""
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= _MAX_ID else None


def record_ids(values: Iterable[str]) -> list[int]:
    """The distinct valid ids among ``values``, in order."""
    return list(dict.fromkeys(n for value in values if (n := record_id(value)) is not None))


def slug(name: str, record: int) -> str:
    """A product's URL handle as the Odoo website builds it: ``{slugified name}-{id}``.

    Odoo's own slugify without python-slugify: accents decomposed and non-ASCII
    dropped, every run of other characters a dash (``"Über Hut"`` -> ``"uber-hut"``);
    a name with nothing left is just the id.
    """
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[\W_]+", "-", text).strip("-").lower()
    return f"{text}-{record}" if text else str(record)


def unslug(handle: str) -> int | None:
    """The record id at the end of a slug (``"alpine-tee-12"`` -> ``12``); ``None`` if none."""
    _, _, tail = handle.rpartition("-")
    return record_id(tail)


def encode_cursor(offset: int) -> str:
    """An opaque cursor: the offset of the next record, so a later page may use any size."""
    return cursors.encode("odoo", offset)


def decode_cursor(cursor: str | None) -> int:
    """The offset in ``cursor``; ``None`` is the start. A foreign cursor raises ``ValueError``."""
    if cursor is None:
        return 0
    number = cursors.decode("odoo", cursor)
    if not number.isdigit():
        raise ValueError(f"not a cursor from this connector: {cursor!r}")
    return int(number)


def encode_id_cursor(last_id: int) -> str:
    """An opaque keyset cursor: the id of the last record on the page. The next page is
    ``id > last_id``, so records added or removed before it do not shift it."""
    return cursors.encode("odoo-id", last_id)


def decode_id_cursor(cursor: str | None) -> int | None:
    """The id in a keyset ``cursor``; ``None`` is the start. Any other cursor (an offset
    cursor included) raises ``ValueError``."""
    if cursor is None:
        return None
    last = record_id(cursors.decode("odoo-id", cursor))
    if last is None:
        raise ValueError(f"not a cursor from this connector: {cursor!r}")
    return last
