"""The Odoo connector against the shared contract suite and its sandbox."""

from __future__ import annotations

from connectors.odoo import OdooConnector
from connectors.testing import ConnectorContract


class TestOdooContract(ConnectorContract):
    connector_class = OdooConnector
