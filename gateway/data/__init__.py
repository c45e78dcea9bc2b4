"""The schema's data access, implemented over routed connectors with per-request loaders.

One :class:`GatewayData` per request. It decides which connector answers (the catalog's
owner, the system a global ID names, every inventory system at once) and asks through
DataLoaders backed by the entity cache, so N products with variants and stock cost the same
few back-end calls as one — and none while the cache is fresh.

Besides answers it keeps notes the response carries: ``problems`` (errors for the part of
an answer one system could not give, the rest kept) and ``stale`` (values served from the
cache because their owner failed, with their ages).
"""

from __future__ import annotations

from gateway.data.catalog import CatalogData
from gateway.data.orders import OrderData

__all__ = ["GatewayData"]


class GatewayData(CatalogData, OrderData):
    """:class:`schema.context.DataAccess` for one request, as one principal.

    Customer data is row-level: a customer session sees only its own customer and orders,
    an admin sees anyone's, any other principal sees none; what it may not see is answered
    exactly as if it did not exist. Private records are cached per principal.
    """
