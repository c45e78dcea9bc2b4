"""The SAP Commerce connector's settings: one frozen dataclass, read once at start-up.

[connectors.b2b]
type = "sap_commerce"
base_url = "https://api.c4nordlicht-p1-public.model-t.cc.commerce.ondemand.com"
base_site = "nordlicht"
client_id = "commerce-gateway"
client_secret = "${SAP_CLIENT_SECRET}"
customer_api_path = "/odata2webservices/InboundCustomer"   # optional: batch customer reads
order_api_path = "/odata2webservices/InboundOrder"         # optional: batch order reads
location_kinds = { dc-kassel = "DISTRIBUTION_CENTER" }
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.models import LocationKind
from connectors.secrets import Secret

__all__ = ["SapCommerceSettings"]

_KINDS = {kind.value for kind in LocationKind}


@dataclass(frozen=True)
class SapCommerceSettings:
    #: ``https://{host}``, without ``/occ/v2``.
    base_url: str
    #: The OCC base site ID (``/occ/v2/{base_site}/...``).
    base_site: str
    #: An OAuth client allowed the ``client_credentials`` grant, trusted for the
    #: users, orders and Integration API calls the connector makes.
    client_id: str
    client_secret: Secret
    #: Sent as OCC's ``lang`` parameter.
    language: str = "en"
    #: Sent as OCC's ``curr`` parameter; prices come back in it.
    currency: str = "EUR"
    #: Where the ``InboundStockLevel`` integration object is exposed.
    stock_api_path: str = "/odata2webservices/InboundStockLevel"
    #: Where an integration object with root item ``Customer`` (entity set ``Customers``) is
    #: exposed, e.g. ``"/odata2webservices/InboundCustomer"``. Set, customers are read in
    #: batches from it and listed; unset, one OCC ``/users/{uid}`` call per customer.
    customer_api_path: str | None = None
    #: Where an integration object with root item ``Order`` (entity set ``Orders``) is
    #: exposed, e.g. ``"/odata2webservices/InboundOrder"``. Set, orders and order pages are
    #: read in batches from it; unset, OCC's per-user order history and details.
    order_api_path: str | None = None
    #: The kind of a point of service not named in ``location_kinds``.
    default_location_kind: LocationKind = LocationKind.WAREHOUSE
    #: Point-of-service name -> ``LocationKind`` value, e.g. ``{"dc-kassel": "DISTRIBUTION_CENTER"}``.
    location_kinds: dict[str, str] = field(default_factory=dict)
    #: Whether a customer's uid (their e-mail) has been confirmed by the shop, so the
    #: gateway may merge customers on it. OCC does not say; only the operator knows.
    emails_verified: bool = False
    #: Cap on concurrent calls for lookups OCC can only do one key at a time.
    max_concurrency: int = 8
    #: Largest OCC ``pageSize`` the connector asks for.
    max_page_size: int = 100
    #: Longest URL the connector sends; batch keys travel in the URL and a longer batch is
    #: cut into chunks. Tomcat and Apache refuse a request line plus headers over 8 KB by
    #: default; 7,600 leaves ~590 bytes for the request line's method and version and the
    #: headers. Lower it if your ingress is stricter.
    max_url_bytes: int = 7600

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("https://", "http://")):
            raise ValueError(f"base_url must start with https://, got {self.base_url!r}")
        if not self.base_site or "/" in self.base_site:
            raise ValueError(f"base_site must be an OCC base site ID, got {self.base_site!r}")
        for name in ("stock_api_path", "customer_api_path", "order_api_path"):
            path = getattr(self, name)
            if path is not None and not path.startswith("/"):
                raise ValueError(f"{name} must start with '/', got {path!r}")
        for name, kind in self.location_kinds.items():
            if kind not in _KINDS:
                choices = ", ".join(sorted(_KINDS))
                raise ValueError(f"location_kinds.{name} must be one of {choices}, got {kind!r}")
        if self.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if self.max_page_size < 1:
            raise ValueError("max_page_size must be at least 1")
        if self.max_url_bytes < 1024:
            raise ValueError("max_url_bytes must be at least 1024")

    @property
    def root(self) -> str:
        """``base_url`` without a trailing slash."""
        return self.base_url.rstrip("/")

    def kind_of(self, store_name: str) -> LocationKind:
        kind = self.location_kinds.get(store_name)
        return LocationKind(kind) if kind else self.default_location_kind
