"""Salesforce connector: customers (Contacts with their Account, loyalty and the retailer's
customer number) from the CRM, over the REST API's SOQL query.
See ``docs/connectors/salesforce.md``."""

from __future__ import annotations

from connectors.salesforce.api import ApiUsage
from connectors.salesforce.connector import SalesforceConnector
from connectors.salesforce.settings import SalesforceSettings

__all__ = ["ApiUsage", "SalesforceConnector", "SalesforceSettings"]
