"""The whole graph on built-in vendor sandboxes: what the demo and the test fixtures run.

Every installed connector that ships a sandbox gets one, named after the connector, and the
gateway is configured against them with the demo retailer's routing: the catalog from
Shopify; stock from Shopify's stores, SAP's warehouses and the ERP's (Odoo); customers from
the CRM (Salesforce) first, then the shop, the B2B site and the ERP; orders from every
channel.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from connectors.registry import available_connectors, load_connector, load_sandbox
from connectors.sandbox import Sandbox
from gateway.config import GatewayConfig, parse_config

__all__ = [
    "DEMO_ADMIN_KEY",
    "DEMO_JWT_SECRET",
    "DEMO_ROUTING",
    "create_sandboxes",
    "demo_customer_token",
    "sandbox_config",
]

#: Routing over the demo retailer's systems; systems that are not installed are left out.
DEMO_ROUTING: dict[str, list[str]] = {
    "catalog": ["shopify"],
    "inventory": ["shopify", "sap_commerce", "odoo"],
    "customers": ["salesforce", "shopify", "sap_commerce", "odoo"],
    "orders": ["shopify", "sap_commerce", "odoo"],
}
#: The demo's systems in port order (``--sandbox-port`` and up).
DEMO_SYSTEMS = ["shopify", "sap_commerce", "odoo", "salesforce"]

#: What the demo retailer's operator knows about its systems beyond what the sandboxes
#: hand out: the B2B site and the CRM confirm customers' emails (the ERP's tills do not).
DEMO_SETTINGS: dict[str, dict[str, Any]] = {
    "sap_commerce": {"emails_verified": True},
    "salesforce": {"emails_verified": True},
}

#: The demo's credentials: public on purpose, valid only in the demo. Anonymous requests
#: read the catalog; this key reads everything; tokens signed with this secret are
#: customer sessions (:func:`demo_customer_token`). Never configure these in production.
DEMO_ADMIN_KEY = "demo-admin-key-for-the-sandboxes-only"
DEMO_JWT_SECRET = "demo-jwt-secret-for-the-sandboxes-only-0123456789"


def demo_customer_token(email: str, *, ttl: int = 3600) -> str:
    """A customer session token the demo accepts, for the customer with ``email``."""
    claims = {"sub": email, "email": email, "exp": int(time.time()) + ttl}
    import jwt  # PyJWT only where tokens are made (see gateway.auth.tokens)

    return jwt.encode(claims, DEMO_JWT_SECRET, algorithm="HS256")


#: How the demo retailer's systems become one answer (docs/federation.md).
DEMO_FEDERATION: dict[str, Any] = {
    # Dortmund is one building that SAP and the ERP both count; SAP owns its stock.
    "locations": {"same_place": [["sap_commerce:wh-dortmund", "odoo:13"]]},
    "customers": {
        # The ERP and the CRM both store the retailer's customer number.
        "link_on": ["customer_number"],
        "precedence": {
            "default": ["salesforce", "shopify", "sap_commerce", "odoo"],
            # People keep their phone numbers current in the shop, not the CRM.
            "phones": ["shopify", "salesforce", "sap_commerce", "odoo"],
            "loyalty": ["salesforce"],
        },
    },
    # The ERP's price list is the truth; the shop's prices lag behind it.
    "prices": {"authority": "odoo"},
}


def create_sandboxes(names: list[str] | None = None) -> dict[str, Sandbox]:
    """One fresh sandbox per connector (all installed ones that ship a sandbox by default)."""
    sandboxes: dict[str, Sandbox] = {}
    installed = available_connectors()
    # The demo retailer's systems first, in a fixed order, so their ports never move.
    preferred = [name for name in DEMO_SYSTEMS if name in installed]
    default = preferred + [name for name in installed if name not in preferred]
    for name in names or default:
        connector = load_connector(name)
        if connector.sandbox:
            sandboxes[name] = load_sandbox(connector)()
    return sandboxes


def sandbox_config(
    sandboxes: Mapping[str, Sandbox], base_urls: Mapping[str, str], *, profile: str = "dev"
) -> GatewayConfig:
    """A gateway config whose connectors talk to ``sandboxes`` at ``base_urls``."""
    connectors: dict[str, Any] = {}
    for name, sandbox in sandboxes.items():
        settings = sandbox.connector_settings(base_urls[name])
        connectors[name] = {"type": name, **settings, **DEMO_SETTINGS.get(name, {})}
    routing: dict[str, Any] = {}
    for capability, names in DEMO_ROUTING.items():
        present = [name for name in names if name in sandboxes]
        if present:
            routing[capability] = present[0] if capability == "catalog" else present
    raw = {
        "gateway": {"profile": profile},
        "connectors": connectors,
        "routing": routing,
        "federation": _federation_for(set(sandboxes)),
        "auth": {
            "api_keys": [{"name": "demo-admin", "key": DEMO_ADMIN_KEY, "scopes": ["admin"]}],
            "jwt": {"algorithms": ["HS256"], "secret": DEMO_JWT_SECRET},
        },
    }
    return parse_config(raw, env={})


def _federation_for(present: set[str]) -> dict[str, Any]:
    """The demo's federation rules, keeping only what names systems that are present."""
    federation: dict[str, Any] = {}
    places = [
        group
        for group in DEMO_FEDERATION["locations"]["same_place"]
        if all(item.split(":", 1)[0] in present for item in group)
    ]
    if places:
        federation["locations"] = {"same_place": places}
    customers = DEMO_FEDERATION["customers"]
    federation["customers"] = {
        "link_on": customers["link_on"],
        "precedence": {
            name: [system for system in systems if system in present]
            for name, systems in customers["precedence"].items()
        },
    }
    if DEMO_FEDERATION["prices"]["authority"] in present:
        federation["prices"] = DEMO_FEDERATION["prices"]
    return federation
