"""The Salesforce connector against the shared contract suite and its sandbox."""

from __future__ import annotations

from connectors.capabilities import Capability
from connectors.salesforce import SalesforceConnector
from connectors.testing import ConnectorContract


class TestSalesforceContract(ConnectorContract):
    connector_class = SalesforceConnector
    missing_capabilities = {
        Capability.CATALOG: (
            "the CRM holds the customer relationship; products come from the commerce "
            "platforms (Salesforce's Product2 is not the retailer's catalog here)"
        ),
        Capability.INVENTORY: "Salesforce's core CRM has no stock-by-location object",
        Capability.ORDERS: (
            "orders live in the shop, the B2B site and the ERP; the CRM is read for the "
            "customer relationship and loyalty only"
        ),
    }
