"""A faithful Odoo 19 in process: the JSON-2 external API over an in-memory database
seeded from the demo retailer's ERP side::

    sandbox = OdooSandbox()
    uvicorn.run(sandbox.app, port=9003, interface="asgi3")   # or route httpx to it
"""

from __future__ import annotations

from connectors.odoo.sandbox.app import OdooSandbox

__all__ = ["OdooSandbox"]
