"""Odoo connector: catalog, stock, customers and orders from an Odoo 19 ERP.

Odoo's JSON-2 external API (``POST /json/2/{model}/{method}``, bearer API key) for
``product.template``/``product.product``, ``stock.location``/``stock.quant``,
``res.partner`` and ``sale.order``. See ``docs/connectors/odoo.md``.
"""

from __future__ import annotations

from connectors.odoo.connector import OdooConnector
from connectors.odoo.settings import OdooSettings

__all__ = ["OdooConnector", "OdooSettings"]
