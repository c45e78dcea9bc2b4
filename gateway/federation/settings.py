"""``[federation]``: how records from several systems become one answer.

.. code-block:: toml

    [federation.locations]
    # One physical place two systems know: the first listed owns its stock.
    same_place = [["sap_commerce:wh-dortmund", "odoo:13"]]

    [federation.customers]
    link_on = ["customer_number"]          # shared keys that make two records one person
    [federation.customers.precedence]
    default = ["salesforce", "shopify", "sap_commerce", "odoo"]
    phones = ["shopify", "salesforce"]     # per field, where the default will not do

    [federation.prices]
    authority = "odoo"                     # Variant.price from here, else the catalog's

See ``docs/federation.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from connectors.models import LocationRef

__all__ = ["FederationSettings"]


@dataclass(frozen=True)
class FederationSettings:
    #: Groups of one physical place's IDs in several systems; the first owns its stock.
    same_place: tuple[tuple[LocationRef, ...], ...] = ()
    #: Identity systems (shared keys) that link customer records, besides verified email.
    link_on: tuple[str, ...] = ()
    #: Field (or "default") -> connector names, first wins.
    precedence: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The connector whose variant prices override the catalog's.
    price_authority: str | None = None

    def location_aliases(self) -> dict[LocationRef, LocationRef]:
        """Each place's non-owning IDs -> the owner's."""
        aliases: dict[LocationRef, LocationRef] = {}
        for group in self.same_place:
            owner, *others = group
            for other in others:
                aliases[other] = owner
        return aliases
