"""A vendor's rate-limit signals, for the gateway's resilient transport to pace on.

Most vendors say "slow down" with HTTP 429 and ``Retry-After``, which the transport
understands by itself. Some say more — Shopify reports its cost bucket on every answer and
throttles with HTTP 200; Salesforce reports API usage in a header. A connector that knows
such signals exposes a :class:`Quota` as its ``quota`` attribute, and the transport asks it
before and after each call::

    class ShopifyConnector(Connector[ShopifySettings]):
        def __init__(self, settings, client, *, instance=""):
            super().__init__(settings, client, instance=instance)
            self.quota = CostQuota()
"""

from __future__ import annotations

from typing import Protocol

import httpx

__all__ = ["Quota"]


class Quota(Protocol):
    def wait_before(self, cost: float | None) -> float:
        """Seconds to wait before sending a call that will draw ``cost`` (``None`` when
        unknown) so the vendor does not refuse it; ``0.0`` to send now."""
        ...

    def throttled(self, response: httpx.Response) -> float | None:
        """If ``response`` is the vendor's "throttled" answer in a form the transport cannot
        see (HTTP 200 with an error body, say), seconds until a retry would pass; else
        ``None``. Cheap: it runs on every response."""
        ...
