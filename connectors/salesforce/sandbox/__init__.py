"""A faithful Salesforce in process: the OAuth token endpoint (client credentials) and the
REST API's SOQL query, query-more and limits resources, seeded from the demo retailer::

    sandbox = SalesforceSandbox()
    uvicorn.run(sandbox.app, port=9004, interface="asgi3")   # or route httpx to it in process
"""

from __future__ import annotations

from connectors.salesforce.sandbox.app import SalesforceSandbox

__all__ = ["SalesforceSandbox"]
