"""Reading a connector's settings from its config table.

A connector declares its settings as a frozen dataclass; :func:`build_settings` fills it
from a plain mapping (a TOML table after ``${ENV}`` interpolation), checking every value::

    @dataclass(frozen=True)
    class ShopifySettings:
        shop: str
        access_token: Secret
        api_version: str = "2025-01"

    build_settings(ShopifySettings, {"shop": "nordlicht", "access_token": "shpat_x"},
                   where="connectors.shop")

Unknown keys, missing keys and wrong types raise :class:`SettingsError` naming the key and
the fix. Fields typed :class:`Secret` are wrapped so they never print.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from connectors.errors import SettingsError
from connectors.secrets import Secret

__all__ = ["build_settings", "secret_fields"]

T = TypeVar("T")

_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}


def _describe(tp: Any) -> str:
    if tp is Secret:
        return "a string (a secret: use ${ENV_VAR})"
    if typing.get_origin(tp) in (dict, Mapping):
        return "a table"
    if typing.get_origin(tp) in (list, tuple):
        return "an array"
    return _TYPE_NAMES.get(tp, getattr(tp, "__name__", str(tp)))


def _coerce(value: Any, tp: Any, key: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        options = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        if value is None:
            return None
        for option in options:
            try:
                return _coerce(value, option, key)
            except SettingsError:
                continue
        raise SettingsError(
            f"{key} must be {' or '.join(_describe(o) for o in options)}, got {value!r}"
        )
    if tp is Secret:
        if isinstance(value, Secret):
            return value
        if not isinstance(value, str):
            raise SettingsError(f"{key} must be {_describe(tp)}")
        return Secret(value)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if tp in (str, int, float, bool):
        if type(value) is not tp:
            raise SettingsError(
                f"{key} must be {_describe(tp)}, got {type(value).__name__} {value!r}"
            )
        return value
    if origin in (dict, Mapping):
        if not isinstance(value, Mapping):
            raise SettingsError(f"{key} must be {_describe(tp)}")
        _, value_type = typing.get_args(tp) or (str, Any)
        return {
            k: _coerce(v, value_type, f"{key}.{k}") if value_type is not Any else v
            for k, v in value.items()
        }
    if origin in (list, tuple):
        if not isinstance(value, list | tuple):
            raise SettingsError(f"{key} must be {_describe(tp)}")
        (item_type, *_) = typing.get_args(tp) or (Any,)
        items = [
            _coerce(v, item_type, f"{key}[{i}]") if item_type is not Any else v
            for i, v in enumerate(value)
        ]
        return tuple(items) if origin is tuple else items
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            choices = ", ".join(repr(member.value) for member in tp)
            raise SettingsError(f"{key} must be one of {choices}, got {value!r}") from None
    return value


def build_settings(settings_type: type[T], raw: Mapping[str, Any], *, where: str) -> T:
    """Fill ``settings_type`` from ``raw``; ``where`` names the table in error messages."""
    if not dataclasses.is_dataclass(settings_type):
        raise TypeError(f"{settings_type!r} is not a dataclass")
    hints = typing.get_type_hints(settings_type)
    fields = {f.name: f for f in dataclasses.fields(settings_type) if f.init}
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        known = ", ".join(sorted(fields))
        raise SettingsError(f"unknown key {where}.{unknown[0]}; remove it or use one of: {known}")
    values: dict[str, Any] = {}
    for name, f in fields.items():
        key = f"{where}.{name}"
        if name not in raw:
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required:
                raise SettingsError(f"missing key {key}: set it to {_describe(hints[name])}")
            continue
        values[name] = _coerce(raw[name], hints[name], key)
    try:
        return settings_type(**values)
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{where}: {exc}") from exc


def secret_fields(settings_type: type[Any]) -> list[str]:
    """Names of the fields typed ``Secret`` (or ``Secret | None``)."""
    hints = typing.get_type_hints(settings_type)
    names = []
    for f in dataclasses.fields(settings_type):
        tp = hints[f.name]
        if tp is Secret or Secret in typing.get_args(tp):
            names.append(f.name)
    return names
