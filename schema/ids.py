"""Opaque global IDs (Relay ``node(id:)``).

A global ID carries the GraphQL type, the connector instance that owns the record and the
vendor's own ID, so the gateway can route ``node`` and every nested field back to the owner
without the client decoding anything::

    >>> gid = encode("Product", "shopify", "gid://shopify/Product/1")
    >>> decode(gid)
    GlobalId(type='Product', source='shopify', external_id='gid://shopify/Product/1')

Variants are addressed by SKU (the key that joins systems) rather than a vendor ID.
"""

from __future__ import annotations

import base64
import binascii
import functools
from dataclasses import dataclass

from schema.errors import InvalidId

__all__ = ["GlobalId", "decode", "decode_as", "encode"]


@dataclass(frozen=True, slots=True)
class GlobalId:
    type: str
    source: str
    external_id: str


@functools.lru_cache(maxsize=8192)  # a page's IDs are built on every request for it
def encode(type_name: str, source: str, external_id: str) -> str:
    raw = f"{type_name}:{source}:{external_id}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode(value: str) -> GlobalId:
    """Read a global ID; anything that is not one raises :class:`InvalidId`."""
    try:
        padded = value + "=" * (-len(value) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidId(value) from None
    type_name, _, rest = raw.partition(":")
    source, _, external_id = rest.partition(":")
    if not (type_name and source and external_id):
        raise InvalidId(value)
    return GlobalId(type_name, source, external_id)


def decode_as(value: str, type_name: str) -> GlobalId:
    """Read a global ID that must name a ``type_name``."""
    gid = decode(value)
    if gid.type != type_name:
        raise InvalidId(value, expected=type_name)
    return gid
