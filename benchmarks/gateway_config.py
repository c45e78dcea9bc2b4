"""The gateway config the benchmarks serve: the demo retailer over sandbox processes.

Routing: the catalog from Shopify; stock from two back ends (Shopify's stores, SAP's
warehouses); customers from all four systems; orders from three. Federation as the demo's,
without the ERP as price authority, so that every gateway compared fetches the same data.
No rate limit; the demo's admin key for the account page. Two cache modes: ``cold`` (no
record kind is cached: every request goes to the back ends) and ``warm`` (the default
policies of docs/caching.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from connectors.registry import load_connector, load_sandbox
from gateway.config import CACHE_KINDS
from gateway.sandboxes import DEMO_ADMIN_KEY, DEMO_FEDERATION, DEMO_SETTINGS

__all__ = ["CACHE_MODES", "ROUTING", "SYSTEMS", "raw_config", "to_toml"]

SYSTEMS = ("shopify", "sap_commerce", "odoo", "salesforce")
ROUTING: dict[str, Any] = {
    "catalog": "shopify",
    "inventory": ["shopify", "sap_commerce"],
    "customers": ["salesforce", "shopify", "sap_commerce", "odoo"],
    "orders": ["shopify", "sap_commerce", "odoo"],
}
CACHE_MODES = ("cold", "warm")
_NOTHING_CACHED = {"fresh": 0, "stale": 0, "stale_if_error": 0, "negative": 0}


def raw_config(sandbox_urls: Mapping[str, str], *, cache: str) -> dict[str, Any]:
    """The config, as TOML would give it, for sandboxes at ``sandbox_urls`` (name -> URL)."""
    if cache not in CACHE_MODES:
        raise ValueError(f"cache mode {cache!r}: use one of {', '.join(CACHE_MODES)}")
    connectors = {}
    for name in SYSTEMS:
        sandbox = load_sandbox(load_connector(name))()
        settings = sandbox.connector_settings(sandbox_urls[name])
        connectors[name] = {"type": name, **settings, **DEMO_SETTINGS.get(name, {})}
    same_place = [
        group
        for group in DEMO_FEDERATION["locations"]["same_place"]
        if all(item.split(":", 1)[0] in ROUTING["inventory"] for item in group)
    ]
    federation: dict[str, Any] = {"customers": DEMO_FEDERATION["customers"]}
    if same_place:
        federation["locations"] = {"same_place": same_place}
    raw: dict[str, Any] = {
        "gateway": {"profile": "dev"},
        "connectors": connectors,
        "routing": ROUTING,
        "federation": federation,
        "auth": {"api_keys": [{"name": "bench-admin", "key": DEMO_ADMIN_KEY, "scopes": ["admin"]}]},
        "http": {"rate_limit": {"enabled": False}},
    }
    if cache == "cold":
        raw["cache"] = {"policies": {kind: dict(_NOTHING_CACHED) for kind in CACHE_KINDS}}
    return raw


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON's escapes are TOML's
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML for {value!r}")


def to_toml(raw: Mapping[str, Any], prefix: str = "") -> str:
    """``raw`` as TOML: scalars and lists in place, tables and arrays of tables as sections."""
    lines: list[str] = []
    sections: list[str] = []
    for key, value in raw.items():
        path = f"{prefix}.{_key(key)}" if prefix else _key(key)
        if isinstance(value, Mapping):
            sections.append(f"\n[{path}]\n" + to_toml(value, path))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            sections.extend(f"\n[[{path}]]\n" + to_toml(item, path) for item in value)
        else:
            lines.append(f"{_key(key)} = {_value(value)}\n")
    return "".join(lines) + "".join(sections)
