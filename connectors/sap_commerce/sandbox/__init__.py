"""A faithful SAP Commerce Cloud in process: OCC v2, its OAuth token endpoint and the
``InboundStockLevel``, ``InboundCustomer`` and ``InboundOrder`` Integration API objects,
seeded from the demo retailer::

    sandbox = SapCommerceSandbox()
    uvicorn.run(sandbox.app, port=9002)     # or route an httpx client to it in process
"""

from __future__ import annotations

from connectors.sap_commerce.sandbox.app import SapCommerceSandbox

__all__ = ["SapCommerceSandbox"]
