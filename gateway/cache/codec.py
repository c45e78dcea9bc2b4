"""Records to bytes and back, for a cache other processes can read: JSON with type tags.

Not pickle: decoding builds only the record types the registry knows (every dataclass and
enum in :mod:`connectors.models`), through their constructors, so their validation runs and a
poisoned Redis entry cannot instantiate anything else. Anything else fails with
:class:`CodecError`, which the entity cache treats as a miss.

::

    >>> from decimal import Decimal
    >>> from connectors.models import Money
    >>> decode(encode(Money(Decimal("19.90"), "EUR")))
    Money(amount=Decimal('19.90'), currency='EUR')

The format, as orjson writes it:

- ``None``, ``bool``, ``str``, finite ``float`` and 64-bit ``int`` are themselves;
- a ``tuple`` is a JSON array (records hold tuples, so the common case is the short one);
- everything else is an object tagged by ``"$"``: ``{"$": "decimal", "v": "19.90"}``,
  ``{"$": "datetime", "v": "2025-01-31T09:30:00+00:00"}``, ``{"$": "list", "v": [...]}``,
  ``{"$": "dict", "v": [[key, value], ...]}``, ``{"$": "int", "v": "<digits>"}`` (beyond
  64 bits), ``{"$": "LocationKind", "v": "STORE"}`` (an enum member by value) and
  ``{"$": "Money", "f": {"amount": ..., "currency": "EUR"}}`` (a record by field name).

A record decoded after a deploy that added a defaulted field gets the default; one whose
stored fields the code no longer has fails to decode (a miss). Bump :data:`VERSION` when the
format itself changes: it is part of every Redis key.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import Any, cast

import orjson

from connectors import models

__all__ = [
    "RECORDS",
    "VERSION",
    "CodecError",
    "RecordCodec",
    "decode",
    "encode",
]

#: The version of the stored format; part of every Redis key (``cg:v1:...``).
VERSION = 1

_TAG = "$"
_BUILTIN_TAGS = frozenset({"decimal", "datetime", "list", "dict", "int"})
_INT64_MIN = -(2**63)
_UINT64_MAX = 2**64 - 1
_SCALARS = frozenset({str, int, float, bool, type(None)})


class CodecError(ValueError):
    """A value cannot be encoded (not a record type) or stored bytes cannot be decoded."""


class RecordCodec:
    """Encodes and decodes values built from a fixed set of record and enum types.

    ``types`` are dataclasses and enums, tagged by their class name, which must be unique.
    """

    def __init__(self, types: Iterable[type]) -> None:
        self._names: dict[type, str] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        self._records: dict[str, tuple[type, frozenset[str]]] = {}
        self._enums: dict[str, type[enum.Enum]] = {}
        for cls in types:
            name = cls.__name__
            if name in _BUILTIN_TAGS or name in self._records or name in self._enums:
                raise ValueError(f"record type name {name!r} is taken; rename the class")
            if dataclasses.is_dataclass(cls):
                fields = tuple(f.name for f in dataclasses.fields(cls) if f.init)
                self._fields[cls] = fields
                self._records[name] = (cls, frozenset(fields))
            elif issubclass(cls, enum.Enum):
                self._enums[name] = cls
            else:
                raise TypeError(f"{cls.__qualname__} is neither a dataclass nor an enum")
            self._names[cls] = name

    @classmethod
    def from_module(cls, module: ModuleType) -> RecordCodec:
        """Every dataclass and enum a module exports in its ``__all__``."""
        exported = (getattr(module, name) for name in module.__all__)
        return cls(
            obj
            for obj in exported
            if isinstance(obj, type)
            and (dataclasses.is_dataclass(obj) or issubclass(obj, enum.Enum))
        )

    @property
    def types(self) -> frozenset[type]:
        """The record and enum types this codec can decode."""
        return frozenset(self._names)

    def encode(self, value: object) -> bytes:
        """``value`` as bytes. Raises :class:`CodecError` for a type it does not know."""
        return orjson.dumps(self.to_json(value))

    def decode(self, data: bytes) -> Any:
        """The value ``data`` encodes. Raises :class:`CodecError` for anything else."""
        try:
            tree = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise CodecError(f"not an encoded value: {exc}") from exc
        return self.from_json(tree)

    def to_json(self, value: object) -> Any:
        """``value`` as a tree of JSON types (what :meth:`encode` serialises)."""
        # Exact type checks, not isinstance: a str-valued enum member must keep its enum.
        if value is None or type(value) is str or type(value) is bool:
            return value
        if type(value) is int:
            if _INT64_MIN <= value <= _UINT64_MAX:
                return value
            return {_TAG: "int", "v": str(value)}
        if type(value) is float:
            if not math.isfinite(value):
                raise CodecError(f"cannot encode the float {value!r}")
            return value
        if type(value) is tuple:
            return [self.to_json(item) for item in value]
        if type(value) is list:
            return {_TAG: "list", "v": [self.to_json(item) for item in value]}
        if type(value) is dict:
            pairs = [[self.to_json(k), self.to_json(v)] for k, v in value.items()]
            return {_TAG: "dict", "v": pairs}
        if type(value) is Decimal:
            return {_TAG: "decimal", "v": str(value)}
        if type(value) is datetime:
            return {_TAG: "datetime", "v": value.isoformat()}
        kind = type(value)
        name = self._names.get(kind)
        if name is None:
            raise CodecError(
                f"cannot encode {kind.__module__}.{kind.__qualname__}: not a record type"
            )
        fields = self._fields.get(kind)
        if fields is None:
            return {_TAG: name, "v": self.to_json(cast(enum.Enum, value).value)}
        return {_TAG: name, "f": {f: self.to_json(getattr(value, f)) for f in fields}}

    def from_json(self, tree: Any) -> Any:
        """The value a tree from :meth:`to_json` stands for. Raises :class:`CodecError`."""
        try:
            return self._from_json(tree)
        except CodecError:
            raise
        except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:
            # A record's own validation (Money's currency), a bad ISO date or number.
            raise CodecError(f"cannot decode a stored value: {exc}") from exc

    def _from_json(self, tree: Any) -> Any:
        # Scalars are most of a record's fields: they skip the recursive call.
        kind = type(tree)
        if kind in _SCALARS:
            return tree
        unpack = self._from_json
        if kind is list:
            return tuple([item if type(item) in _SCALARS else unpack(item) for item in tree])
        if kind is not dict:
            raise CodecError(f"cannot decode a {kind.__name__}")
        tag = tree.get(_TAG)
        if type(tag) is not str:
            raise CodecError(f"an object without a type tag: {tag!r}")
        record = self._records.get(tag)
        if record is not None:
            cls, fields = record
            stored = tree.get("f")
            if type(stored) is not dict:
                raise CodecError(f"a stored {tag} has no fields")
            if not stored.keys() <= fields:
                unknown = sorted(stored.keys() - fields)
                raise CodecError(f"a stored {tag} has fields the record lacks: {unknown}")
            return cls(
                **{
                    name: value if type(value) in _SCALARS else unpack(value)
                    for name, value in stored.items()
                }
            )
        if tag == "decimal":
            return Decimal(_text(tree))
        if tag == "datetime":
            return datetime.fromisoformat(_text(tree))
        members = self._enums.get(tag)
        if members is not None:
            return members(unpack(tree.get("v")))
        if tag == "list":
            return [unpack(item) for item in _items(tree)]
        if tag == "dict":
            pairs = _items(tree)
            if not all(type(pair) is list and len(pair) == 2 for pair in pairs):
                raise CodecError("a stored dict is not a list of pairs")
            return {unpack(k): unpack(v) for k, v in pairs}
        if tag == "int":
            return int(_text(tree))
        raise CodecError(f"unknown type tag {tag!r}: not a record type")


def _text(tree: dict[str, Any]) -> str:
    text = tree.get("v")
    if type(text) is not str:
        raise CodecError(f"a stored {tree[_TAG]} is not a string")
    return text


def _items(tree: dict[str, Any]) -> list[Any]:
    items = tree.get("v")
    if type(items) is not list:
        raise CodecError(f"a stored {tree[_TAG]} is not an array")
    return items


#: The codec for every record and enum in :mod:`connectors.models`.
RECORDS = RecordCodec.from_module(models)


def encode(value: object) -> bytes:
    """``value`` (records, tuples, lists, ``None``...) as bytes: :meth:`RECORDS.encode`."""
    return RECORDS.encode(value)


def decode(data: bytes) -> Any:
    """The value ``data`` encodes: :meth:`RECORDS.decode`. Raises :class:`CodecError`."""
    return RECORDS.decode(data)
