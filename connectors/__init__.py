"""The connector kit: records, capabilities, errors and the base class a connector extends.

A connector author needs nothing but this package. See ``docs/connectors.md``.
"""

from __future__ import annotations

from connectors.base import Connector
from connectors.capabilities import (
    Capability,
    CatalogSource,
    CustomerDirectory,
    CustomerLinks,
    CustomerSource,
    InventorySource,
    OrderSource,
)
from connectors.errors import (
    AuthFailed,
    ConnectorError,
    NotFound,
    RateLimited,
    RejectedByVendor,
    SettingsError,
    UnexpectedResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from connectors.models import (
    Address,
    Channel,
    Customer,
    Identity,
    Image,
    InventoryLevel,
    Location,
    LocationKind,
    LocationRef,
    Loyalty,
    Money,
    Order,
    OrderLine,
    OrderPageRequest,
    OrderStatus,
    OrderTotals,
    Page,
    Product,
    SelectedOption,
    Variant,
)
from connectors.registry import available_connectors, load_connector
from connectors.secrets import Secret
from connectors.settings import build_settings

__all__ = [
    "Address",
    "AuthFailed",
    "Capability",
    "CatalogSource",
    "Channel",
    "Connector",
    "ConnectorError",
    "Customer",
    "CustomerDirectory",
    "CustomerLinks",
    "CustomerSource",
    "Identity",
    "Image",
    "InventoryLevel",
    "InventorySource",
    "Location",
    "LocationKind",
    "LocationRef",
    "Loyalty",
    "Money",
    "NotFound",
    "Order",
    "OrderLine",
    "OrderPageRequest",
    "OrderSource",
    "OrderStatus",
    "OrderTotals",
    "Page",
    "Product",
    "RateLimited",
    "RejectedByVendor",
    "Secret",
    "SelectedOption",
    "SettingsError",
    "UnexpectedResponse",
    "UpstreamTimeout",
    "UpstreamUnavailable",
    "Variant",
    "available_connectors",
    "build_settings",
    "load_connector",
]
