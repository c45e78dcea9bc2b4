"""The SAP Commerce connector against the shared contract suite and its sandbox."""

from __future__ import annotations

from connectors.sap_commerce import SapCommerceConnector
from connectors.testing import ConnectorContract


class TestSapCommerceContract(ConnectorContract):
    connector_class = SapCommerceConnector
    per_key_calls = {
        "customers": "OCC reads users one at a time (/users/{uid}); it has no bulk lookup",
        "customers_by_email": "a customer's uid is their e-mail, read one at a time (/users/{uid})",
        "orders": "OCC reads an order only under its user (/users/{uid}/orders/{code})",
        "orders_for_customers": (
            "OCC's order history is per user and lists no lines, so each customer costs a "
            "history call and each order a detail call"
        ),
    }
