"""The HTTP client every connector is given: httpx's API over aiohttp's transport.

::

    from gateway.http import build_client

    client = build_client(base_url="https://shop.example/admin/api/2025-01/", timeout=5.0)
"""

from __future__ import annotations

from gateway.http.client import ConnectorClient, build_client
from gateway.http.transport import AiohttpTransport

__all__ = ["AiohttpTransport", "ConnectorClient", "build_client"]
