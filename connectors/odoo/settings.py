"""The Odoo connector's settings: one frozen dataclass, read once at start-up.

.. code-block:: toml

    [connectors.erp]
    type = "odoo"
    base_url = "https://nordlicht.odoo.com"
    api_key = "${ODOO_API_KEY}"
    database = "nordlicht"
    location_kinds = { "11" = "STORE" }
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from connectors.models import LocationKind
from connectors.secrets import Secret

__all__ = ["OdooSettings"]

_KINDS = {kind.value for kind in LocationKind}
# A field name Odoo would accept: lower-case snake case (custom fields start with ``x_``).
_FIELD = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class OdooSettings:
    #: ``https://{host}`` of the Odoo server, without ``/json/2``.
    base_url: str
    #: An API key of the (bot) user the connector reads as (Preferences → Account Security).
    api_key: Secret
    #: Sent as ``X-Odoo-Database``; needed only when the server hosts several databases
    #: and its ``dbfilter`` does not pick one from the host name.
    database: str | None = None
    #: Sent as the ``lang`` of every call's context (``"de_DE"``), so translatable names
    #: come in that language; the API user's language when unset.
    language: str | None = None
    #: The kind of an internal location not named in ``location_kinds``.
    default_location_kind: LocationKind = LocationKind.WAREHOUSE
    #: ``stock.location`` id -> ``LocationKind`` value, e.g. ``{"11": "STORE"}``.
    location_kinds: dict[str, str] = field(default_factory=dict)
    #: Whether the e-mails on partners have been confirmed, so the gateway may merge
    #: customers on them. Odoo does not verify e-mails; only the operator knows.
    emails_verified: bool = False
    #: The ``res.partner`` field holding the retailer's own customer number; it becomes
    #: an ``Identity(system="customer_number")``. ``""`` reads none.
    customer_number_field: str = "ref"
    #: ``res.partner`` fields read as phone numbers. Odoo 19 has only ``phone`` (it
    #: dropped ``mobile``); add ``"mobile"`` where a module such as OCA's
    #: ``partner_mobile`` brings it back.
    phone_fields: tuple[str, ...] = ("phone",)
    #: Sales teams (``crm.team`` name or id) whose orders were taken at a till (POS);
    #: every other order is B2B.
    pos_teams: tuple[str, ...] = ("Point of Sale",)
    #: Read ``sale.order.line.is_delivery`` (the ``delivery`` module) to tell shipping
    #: lines from goods; set false on a database without that module.
    shipping_lines: bool = True
    #: Read ``sale.order.delivery_status`` (``sale_stock``, there with Inventory) to tell
    #: shipped orders from open ones; set false on a database without Inventory.
    delivery_status: bool = True
    #: Largest ``limit`` the connector asks for in one page.
    max_page_size: int = 200

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("https://", "http://")):
            raise ValueError(f"base_url must start with https://, got {self.base_url!r}")
        if "/json/2" in self.base_url:
            raise ValueError(f"base_url is the server's root, without /json/2: {self.base_url!r}")
        if self.database is not None and not self.database.strip():
            raise ValueError("database must be a database name, or left out")
        for location, kind in self.location_kinds.items():
            if not location.isdigit():
                raise ValueError(
                    f"location_kinds keys are stock.location ids like '11', got {location!r}"
                )
            if kind not in _KINDS:
                choices = ", ".join(sorted(_KINDS))
                raise ValueError(
                    f"location_kinds.{location} must be one of {choices}, got {kind!r}"
                )
        if self.customer_number_field and not _FIELD.match(self.customer_number_field):
            raise ValueError(
                f"customer_number_field must be a res.partner field name like 'ref', "
                f"got {self.customer_number_field!r}"
            )
        if not self.phone_fields:
            raise ValueError("phone_fields must name at least one field, like ['phone']")
        for name in self.phone_fields:
            if not _FIELD.match(name):
                raise ValueError(f"phone_fields must be res.partner field names, got {name!r}")
        if self.max_page_size < 1:
            raise ValueError("max_page_size must be at least 1")

    @property
    def root(self) -> str:
        """``base_url`` without a trailing slash."""
        return self.base_url.rstrip("/")

    def kind_of(self, location_id: str) -> LocationKind:
        kind = self.location_kinds.get(location_id)
        return LocationKind(kind) if kind else self.default_location_kind
