"""The Shopify sandbox: the Admin GraphQL API 2025-01, in process.

Queries run with graphql-core on Shopify's published schema, so what Shopify would refuse
(an unknown field, a wrong argument) is refused here the same way: HTTP 200 with
``errors``. Each answer carries Shopify's ``extensions.cost`` with a leaky bucket behind it::

    sandbox = ShopifySandbox(maximum_available=100, restore_rate=10)
    app = sandbox.app          # a complete ASGI app: uvicorn it, or route httpx to it
    sandbox.samples().product_ids[0]   # 'gid://shopify/Product/8712300000001'
"""

from __future__ import annotations

import functools
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSyntaxError,
    execute_sync,
    parse,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from connectors.sandbox import Samples, Sandbox
from connectors.sandbox.retailer import Retailer
from connectors.shopify.sandbox.cost import LeakyBucket, actual_cost, requested_cost
from connectors.shopify.sandbox.resolvers import Context, default_resolver, served_schema
from connectors.shopify.sandbox.schema import API_VERSION, validate_document
from connectors.shopify.sandbox.state import ShopState, gid, seed

__all__ = ["DEFAULT_ACCESS_TOKEN", "MAX_QUERY_COST", "ShopifySandbox"]

DEFAULT_ACCESS_TOKEN = "shpat_sandbox_nordlicht_0000000000000000"
MAX_QUERY_COST = 1000
RATE_LIMITS_DOCS = "https://shopify.dev/api/usage/rate-limits"
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"

# graphql-core's wording for the validation failures connectors meet most, and the code
# graphql-ruby (Shopify's engine) puts in ``extensions.code`` for each.
_VALIDATION_CODES = (
    ("Cannot query field", "undefinedField"),
    ("Unknown argument", "argumentNotAccepted"),
    ("Unknown type", "undefinedType"),
)


@dataclass(frozen=True, slots=True)
class _Prepared:
    document: DocumentNode | None
    errors: tuple[dict[str, Any], ...]


def _error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    if "extensions" not in formatted:
        for prefix, code in _VALIDATION_CODES:
            if error.message.startswith(prefix):
                formatted["extensions"] = {"code": code}
                break
    return formatted


@functools.lru_cache(maxsize=512)
def _prepare(query: str) -> _Prepared:
    """Parse and validate once per distinct document text; the schema never changes."""
    try:
        document = parse(query)
    except GraphQLSyntaxError as exc:
        return _Prepared(None, (_error(exc),))
    errors = validate_document(document)
    if errors:
        return _Prepared(None, tuple(_error(error) for error in errors))
    return _Prepared(document, ())


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


class ShopifySandbox(Sandbox):
    """A Shopify shop ("nordlicht") seeded from the demo retailer.

    Knobs: ``access_token``; the bucket (``maximum_available`` points restoring at
    ``restore_rate`` per second: 20,000 and 1,000/s by default, a Shopify Plus store like
    the demo retailer's; 2,000 and 100/s for the Standard plan; ``clock`` for tests);
    ``throttle_status`` — the HTTP status of a throttled answer (Shopify sends 200 with a
    ``THROTTLED`` error; some shops have been seen answering 429).
    """

    name: ClassVar[str] = "shopify"
    base_url: ClassVar[str] = "https://nordlicht.myshopify.com"
    path: ClassVar[str] = f"/admin/api/{API_VERSION}/graphql.json"

    def __init__(
        self,
        *,
        retailer: Retailer | None = None,
        seed: int = 0,
        access_token: str = DEFAULT_ACCESS_TOKEN,
        maximum_available: float = 20_000.0,
        restore_rate: float = 1_000.0,
        clock: Callable[[], float] = time.monotonic,
        throttle_status: int = 200,
    ) -> None:
        self.access_token = access_token
        self.bucket = LeakyBucket(maximum_available, restore_rate, clock)
        self.throttle_status = throttle_status
        #: How many times the sandbox has answered THROTTLED (tests assert on pacing).
        self.throttled_answers = 0
        self.schema = served_schema()
        self.state: ShopState
        super().__init__(retailer=retailer, seed=seed)

    # -- the Sandbox contract --------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [
            Route(self.path, self._graphql, methods=["POST"]),
            Route("/admin/api/{version}/graphql.json", self._not_found, methods=["GET", "POST"]),
        ]

    def seed_state(self) -> None:
        self.state = seed(self.retailer)
        self.bucket.level = self.bucket.maximum

    def unavailable_response(self) -> Response:
        return _json({"errors": "Service Unavailable"}, 503, {"Retry-After": "1.0"})

    def throttled_response(self, request: Request) -> Response:
        # Forced throttling: the bucket is empty, as if another app had drained it.
        cost = 0
        if self.requests:
            cost = self._requested_cost_of(self.requests[-1].body)
        status = {**self.bucket.status(), "currentlyAvailable": 0}
        return self._throttled(cost, status)

    def request_kind(self, path: str) -> str:
        return "api"  # Admin API tokens are issued out of band; every call is a data call

    def connector_settings(self, base_url: str) -> dict[str, Any]:
        return {"shop": "nordlicht", "access_token": self.access_token, "base_url": base_url}

    def samples(self) -> Samples:
        state = self.state
        stocked = [
            variant["sku"]
            for variant in state.variants
            if len(variant["inventoryItem"]["_levels"]) >= 2
        ]
        with_orders = sorted(
            (c for c in state.customers if len(c["_orders"]) >= 2),
            key=lambda c: -len(c["_orders"]),
        )
        return Samples(
            product_ids=tuple(p["id"] for p in state.products[:5]),
            product_handles=tuple(p["handle"] for p in state.products[:5]),
            skus=tuple(stocked[:5]),
            location_ids=tuple(location["id"] for location in state.locations),
            customer_ids=tuple(c["id"] for c in state.customers[:5]),
            customer_emails=tuple(c["email"] for c in state.customers[:5]),
            order_ids=tuple(o["id"] for o in state.orders[:5]),
            customer_with_orders=with_orders[0]["id"] if with_orders else None,
            missing_product_id=gid("Product", 999_999),
            missing_customer_id=gid("Customer", 999_999),
            missing_order_id=gid("Order", 999_999),
            extra={
                "product_count": len(state.products),
                "variant_count": len(state.variants),
                "customer_count": len(state.customers),
                "shop_currency": state.shop["currencyCode"],
            },
        )

    # -- the API ---------------------------------------------------------------------------

    async def _not_found(self, request: Request) -> Response:
        return _json({"errors": "Not Found"}, 404)

    async def _graphql(self, request: Request) -> Response:
        token = request.headers.get("x-shopify-access-token", "")
        if not hmac.compare_digest(token.encode(), self.access_token.encode()):
            return _json({"errors": INVALID_TOKEN}, 401)
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return _json({"errors": {"query": "Required parameter missing or invalid"}}, 400)
        return self.execute(body["query"], body.get("variables") or {}, body.get("operationName"))

    def execute(
        self, query: str, variables: dict[str, Any], operation_name: str | None = None
    ) -> Response:
        """Answer one GraphQL request as Shopify would, cost and throttling included."""
        prepared = _prepare(query)
        if prepared.document is None:
            return _json({"errors": list(prepared.errors)})
        document = prepared.document
        cost = requested_cost(self.schema, document, variables, operation_name)
        if cost > MAX_QUERY_COST:
            return _json({"errors": [self._max_cost_error(cost)]})
        if not self.bucket.take(cost):
            return self._throttled(cost, self.bucket.status())
        result = execute_sync(
            self.schema,
            document,
            context_value=Context(self.state),
            variable_values=variables,
            operation_name=operation_name,
            field_resolver=default_resolver,
        )
        actual = actual_cost(self.schema, document, variables, result.data, operation_name)
        self.bucket.refund(cost - actual)
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = [_error(error) for error in result.errors]
        # Execution errors come with ``data`` (null when a non-null field failed); request
        # errors (bad variables) stop before execution and come without it.
        errors = result.errors or []
        if result.data is not None or not errors or any(error.path for error in errors):
            payload["data"] = result.data
        payload["extensions"] = {
            "cost": {
                "requestedQueryCost": cost,
                "actualQueryCost": actual,
                "throttleStatus": self.bucket.status(),
            }
        }
        return _json(payload)

    # -- helpers ---------------------------------------------------------------------------

    def _requested_cost_of(self, body: bytes) -> int:
        try:
            request = orjson.loads(body)
            prepared = _prepare(request["query"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return 0
        if prepared.document is None:
            return 0
        return requested_cost(
            self.schema,
            prepared.document,
            request.get("variables") or {},
            request.get("operationName"),
        )

    def _throttled(self, cost: int, status: dict[str, float | int]) -> Response:
        self.throttled_answers += 1
        body = {
            "errors": [
                {
                    "message": "Throttled",
                    "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOCS},
                }
            ],
            "extensions": {
                "cost": {
                    "requestedQueryCost": cost,
                    "actualQueryCost": None,
                    "throttleStatus": status,
                }
            },
        }
        headers = None
        if self.throttle_status == 429:
            wait = max(0.0, cost - float(status["currentlyAvailable"])) / self.bucket.restore_rate
            headers = {"Retry-After": f"{max(wait, 1.0):.1f}"}
        return _json(body, self.throttle_status, headers)

    @staticmethod
    def _max_cost_error(cost: int) -> dict[str, Any]:
        # Shopify's wording; this answer carries no top-level ``extensions`` at all.
        return {
            "message": (
                f"Query cost is {cost}, which exceeds the single query max cost limit "
                f"({MAX_QUERY_COST}).\n\nSee https://shopify.dev/docs/api/usage/rate-limits "
                "for more information on how "
                "the\ncost of a query is calculated.\n\nTo query larger amounts of data with "
                "fewer limits, bulk operations should be used instead.\nSee "
                "https://shopify.dev/docs/api/usage/bulk-operations/queries for usage details.\n"
            ),
            "extensions": {
                "code": "MAX_COST_EXCEEDED",
                "cost": cost,
                "maxCost": MAX_QUERY_COST,
                "documentation": RATE_LIMITS_DOCS,
            },
        }
