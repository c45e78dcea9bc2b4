"""The Shopify connector's settings: one ``[connectors.<name>]`` table.

.. code-block:: toml

    [connectors.shop]
    type = "shopify"
    shop = "nordlicht"
    access_token = "${SHOPIFY_ADMIN_TOKEN}"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from connectors.models import LocationKind
from connectors.secrets import Secret

__all__ = ["ShopifySettings"]

_SHOP = re.compile(r"^[a-z0-9][a-z0-9-]*(\.myshopify\.com)?$")
_VERSION = re.compile(r"^\d{4}-(01|04|07|10)$|^unstable$")


@dataclass(frozen=True)
class ShopifySettings:
    #: The shop's myshopify subdomain ("nordlicht" for nordlicht.myshopify.com).
    shop: str
    #: An Admin API access token (``shpat_...``) with read scopes for products,
    #: inventory, locations, customers and orders.
    access_token: Secret
    #: The Admin API version the connector's documents are written and tested against.
    api_version: str = "2025-01"
    #: Where the Admin API lives; ``https://{shop}.myshopify.com`` when unset.
    base_url: str | None = None
    #: What a Shopify location is in the unified graph; Shopify locations are usually
    #: stores (Shopify POS).
    default_location_kind: LocationKind = LocationKind.STORE
    #: Exceptions to ``default_location_kind``, by location GID
    #: (``{"gid://shopify/Location/7" = "WAREHOUSE"}``).
    location_kinds: dict[str, LocationKind] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not _SHOP.match(self.shop):
            raise ValueError(
                f"shop must be the myshopify subdomain, like 'nordlicht', got {self.shop!r}"
            )
        if not _VERSION.match(self.api_version):
            raise ValueError(
                f"api_version must be a Shopify release like '2025-01', got {self.api_version!r}"
            )
        if self.base_url is not None and not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with https:// or http://, got {self.base_url!r}")

    @property
    def endpoint(self) -> str:
        """The Admin GraphQL endpoint these settings point at."""
        host = self.shop if self.shop.endswith(".myshopify.com") else f"{self.shop}.myshopify.com"
        base = (self.base_url or f"https://{host}").rstrip("/")
        return f"{base}/admin/api/{self.api_version}/graphql.json"
