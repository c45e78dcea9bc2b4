"""Opaque page cursors: ``kind:value`` in URL-safe base64, told apart by ``kind``.

A connector's cursor carries what it needs to fetch the next page (an offset, the last
record's ID) and nothing a client should build or read::

    >>> cursor = encode("occ", 40)
    >>> decode("occ", cursor)
    '40'
    >>> decode("odoo", cursor)
    Traceback (most recent call last):
    ValueError: not a cursor from this connector: 'b2NjOjQw'
"""

from __future__ import annotations

import base64
import binascii

__all__ = ["decode", "encode"]


def encode(kind: str, value: str | int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


def decode(kind: str, cursor: str) -> str:
    """The value :func:`encode` put in ``cursor`` for ``kind``; ``ValueError`` for any other
    text, a cursor of another kind included."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(f"not a cursor from this connector: {cursor!r}") from None
    prefix, colon, value = raw.partition(":")
    if prefix != kind or not colon:
        raise ValueError(f"not a cursor from this connector: {cursor!r}")
    return value
