"""SAP Commerce Cloud connector: catalog, stock, customers and orders.

OCC v2 (REST) for products, points of service, users and orders; the Integration API
(OData v2) for stock per warehouse (``InboundStockLevel``) and, when their paths are set, for
customers and orders in batches (``InboundCustomer``, ``InboundOrder``). See
``docs/connectors/sap_commerce.md``.
"""

from __future__ import annotations

from connectors.sap_commerce.connector import SapCommerceConnector
from connectors.sap_commerce.settings import SapCommerceSettings

__all__ = ["SapCommerceConnector", "SapCommerceSettings"]
