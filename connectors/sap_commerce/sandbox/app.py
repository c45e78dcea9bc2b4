"""The SAP Commerce sandbox: OCC v2, the OAuth token endpoint and three Integration API
objects (``InboundStockLevel``, ``InboundCustomer``, ``InboundOrder``), over the demo
retailer's SAP side.

    sandbox = SapCommerceSandbox()
    sandbox.token_ttl_seconds = 5     # tokens issued from now on live 5 s
    sandbox.expire_tokens()           # every issued token is refused from now on
    sandbox.occ_max_page_size = 3     # OCC serves at most 3 items a page
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, ClassVar
from urllib.parse import quote

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from connectors.models import LocationKind
from connectors.sandbox import Samples, Sandbox, token_request
from connectors.sap_commerce.sandbox import fields as occ_fields
from connectors.sap_commerce.sandbox.odata import (
    ODataError,
    Tree,
    compile_filter,
    parse_expand,
    parse_orderby,
)
from connectors.sap_commerce.sandbox.seed import (
    SYSTEM,
    Int64,
    SearchDoc,
    State,
    build_state,
)

__all__ = ["SapCommerceSandbox"]

JSON = dict[str, Any]
Handler = Callable[[Request], Awaitable[Response]]

TOKEN_PATH = "/authorizationserver/oauth/token"
STOCK_SERVICE = "/odata2webservices/InboundStockLevel"
CUSTOMER_SERVICE = "/odata2webservices/InboundCustomer"
ORDER_SERVICE = "/odata2webservices/InboundOrder"
_SORTS = ("relevance", "topRated", "name-asc", "name-desc", "price-asc", "price-desc")
_HISTORY_SORTS = ("byDate", "byOrderNumber")
_ODATA_OPTIONS = {"$filter", "$expand", "$orderby", "$top", "$skip", "$inlinecount", "$format"}
#: Integration object item type -> its navigation properties -> their item types.
_NAVIGATION: dict[str, dict[str, str]] = {
    "StockLevel": {"warehouse": "Warehouse"},
    "Warehouse": {"pointsOfService": "PointOfService"},
    "Customer": {
        "type": "CustomerType",
        "defaultShipmentAddress": "Address",
        "defaultPaymentAddress": "Address",
        "addresses": "Address",
    },
    "Address": {"country": "Country", "region": "Region"},
    "Order": {
        "user": "User",
        "currency": "Currency",
        "status": "OrderStatus",
        "deliveryStatus": "DeliveryStatus",
        "salesApplication": "SalesApplication",
        "entries": "OrderEntry",
    },
    "OrderEntry": {"product": "Product"},
}
#: Navigation properties that hold many items (``{"results": [...]}``).
_TO_MANY = {("Warehouse", "pointsOfService"), ("Customer", "addresses"), ("Order", "entries")}


@dataclass(frozen=True)
class _EntitySet:
    """A root entity set one integration object serves."""

    item_type: str
    #: Paths ``$filter`` may name (the sandbox refuses others; a server cannot filter on a
    #: property the object does not carry).
    filterable: frozenset[str]
    sortable: frozenset[str]


_SERVICES: dict[str, dict[str, _EntitySet]] = {
    STOCK_SERVICE: {
        "StockLevels": _EntitySet(
            "StockLevel",
            frozenset({"productCode", "warehouse/code", "available", "reserved", "integrationKey"}),
            frozenset({"productCode", "warehouse/code", "available", "reserved", "integrationKey"}),
        )
    },
    CUSTOMER_SERVICE: {
        "Customers": _EntitySet(
            "Customer",
            frozenset({"uid", "originalUid", "name", "customerID", "type/code", "integrationKey"}),
            frozenset({"uid", "name", "customerID", "creationtime", "integrationKey"}),
        )
    },
    ORDER_SERVICE: {
        "Orders": _EntitySet(
            "Order",
            frozenset(
                {"code", "user/uid", "status/code", "salesApplication/code", "integrationKey"}
            ),
            frozenset({"code", "date", "totalPrice", "user/uid", "integrationKey"}),
        )
    },
}


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


def _occ_error(status: int, kind: str, message: str, **extra: str) -> Response:
    return _json({"errors": [{"message": message, "type": kind, **extra}]}, status)


def _unknown(subject_type: str, subject: str, message: str) -> Response:
    # OCC answers 400, not 404, for an identifier it does not know.
    return _occ_error(
        400,
        "UnknownIdentifierError",
        message,
        subject=subject,
        subjectType=subject_type,
        reason="notFound",
    )


def _odata_error(status: int, code: str, message: str) -> Response:
    return _json({"error": {"code": code, "message": {"lang": "en", "value": message}}}, status)


class _BadParameter(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class SapCommerceSandbox(Sandbox):
    """SAP Commerce Cloud, in process. Knobs (plain attributes, reset by :meth:`reset`):

    ``client_id`` / ``client_secret``   the one OAuth client the token endpoint accepts
    ``token_ttl_seconds``               lifetime of tokens issued from now on
    ``occ_max_page_size``               cap on OCC ``pageSize`` (``None``: no cap)
    ``odata_max_top``                   cap on the Integration API's ``$top`` (all objects)
    ``odata_default_top``               page size when ``$top`` is absent
    ``low_stock_threshold``             at or below it a store's stock is ``lowStock``

    and :meth:`expire_tokens` to make every token issued so far invalid, :meth:`link_warehouse`
    to put a second warehouse behind a point of service.
    """

    name: ClassVar[str] = "sap_commerce"
    base_url: ClassVar[str] = "https://api.c4nordlicht-p1-public.model-t.cc.commerce.ondemand.com"
    base_site: ClassVar[str] = "nordlicht"

    state: State
    client_id: str
    client_secret: str
    token_ttl_seconds: float
    occ_max_page_size: int | None
    odata_max_top: int
    odata_default_top: int
    low_stock_threshold: int

    # -- kit hooks -------------------------------------------------------------------

    def seed_state(self) -> None:
        self.state = build_state(self.retailer, base_site=self.base_site)
        self.client_id = "commerce-gateway"
        self.client_secret = "sandbox-secret"
        self.token_ttl_seconds = 43199.0
        self.occ_max_page_size = None
        self.odata_max_top = 1000
        self.odata_default_top = 20
        self.low_stock_threshold = 10
        self._tokens: dict[str, float] = {}
        # Warehouse code -> the points of service it stocks (SAP's PoS2WarehouseRel).
        self._stores_of: dict[str, list[str]] = {}
        for store in self.state.stores:
            for code in store["warehouseCodes"]:
                self._stores_of.setdefault(code, []).append(store["name"])

    def routes(self) -> list[BaseRoute]:
        occ = "/occ/v2/{site}"
        return [
            Route(TOKEN_PATH, self._token, methods=["POST"]),
            Route(f"{occ}/products/search", self._guard(self._search)),
            Route(f"{occ}/products/{{code}}/stock/{{store}}", self._guard(self._store_stock)),
            Route(f"{occ}/products/{{code}}", self._guard(self._product)),
            Route(f"{occ}/stores", self._guard(self._stores)),
            Route(f"{occ}/users/{{user}}/orders/{{code}}", self._guard(self._order)),
            Route(f"{occ}/users/{{user}}/orders", self._guard(self._orders)),
            Route(f"{occ}/users/{{user}}", self._guard(self._user)),
            *(
                Route(f"{service}/{{entity_set}}", self._guard(partial(self._odata, service)))
                for service in _SERVICES
            ),
            Route("/occ/{rest:path}", self._occ_no_resource, methods=["GET", "POST", "HEAD"]),
        ]

    def request_kind(self, path: str) -> str:
        return "auth" if path == TOKEN_PATH else "api"

    def unavailable_response(self) -> Response:
        # The Commerce Cloud ingress answers for a pod that is down, before OCC does.
        return Response(
            b"<html><head><title>503 Service Temporarily Unavailable</title></head>"
            b"<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>",
            503,
            media_type="text/html",
        )

    def throttled_response(self, request: Request) -> Response:
        return Response(
            b"<html><head><title>429 Too Many Requests</title></head>"
            b"<body><center><h1>429 Too Many Requests</h1></center></body></html>",
            429,
            headers={"Retry-After": "2"},
            media_type="text/html",
        )

    def connector_settings(self, base_url: str) -> dict[str, Any]:
        kinds = {
            location.code: location.kind
            for location in self.retailer.locations_in(SYSTEM)
            if location.kind != LocationKind.WAREHOUSE.value
        }
        return {
            "base_url": base_url,
            "base_site": self.base_site,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "location_kinds": kinds,
            "customer_api_path": CUSTOMER_SERVICE,
            "order_api_path": ORDER_SERVICE,
        }

    def samples(self) -> Samples:
        state = self.state
        codes = [doc.code for doc in state.index]
        skus = [
            next(iter(sorted(doc.codes - {doc.code})))
            for doc in state.index[:: max(1, len(state.index) // 5)]
        ]
        uids = list(state.users)
        busy = next(uid for uid, orders in state.orders.items() if len(orders) >= 2)
        order_ids = [f"{uid}|{order['code']}" for uid in uids for order in state.orders[uid]]
        return Samples(
            product_ids=tuple(codes[:5]),
            product_handles=tuple(codes[5:10]),
            skus=tuple(skus),
            location_ids=tuple(store["name"] for store in state.stores),
            customer_ids=tuple(uids[:4]),
            customer_emails=tuple(state.users[uid]["displayUid"].lower() for uid in uids[4:8]),
            order_ids=tuple(order_ids[:4]),
            customer_with_orders=busy,
            missing_product_id="NL-9999",
            missing_customer_id="nobody.unknown@example.com",
            missing_order_id=f"{busy}|00009999",
            extra={
                "product_count": len(codes),
                "customer_count": len(state.users),
                "base_site": self.base_site,
            },
        )

    # -- knobs -----------------------------------------------------------------------

    def expire_tokens(self) -> None:
        """Every token issued so far is refused from now on (``InvalidTokenError``)."""
        self._tokens.clear()

    def link_warehouse(self, store: str, warehouse: str) -> None:
        """Let point of service ``store`` draw on ``warehouse`` too (seeded: one each)."""
        found = self.state.store(store)
        if found is None:
            raise KeyError(store)
        if warehouse not in found["warehouseCodes"]:
            found["warehouseCodes"].append(warehouse)
            self._stores_of.setdefault(warehouse, []).append(store)

    # -- OAuth -----------------------------------------------------------------------

    async def _token(self, request: Request) -> Response:
        form, client_id, client_secret = await token_request(request)
        grant = form.get("grant_type")
        if client_id != self.client_id or client_secret != self.client_secret:
            return _json(
                {"error": "invalid_client", "error_description": "Bad client credentials"}, 401
            )
        if not grant:
            return _json(
                {"error": "invalid_request", "error_description": "Missing grant type"}, 400
            )
        if grant != "client_credentials":
            return _json(
                {
                    "error": "unsupported_grant_type",
                    "error_description": f"Unsupported grant type: {grant}",
                },
                400,
            )
        token = str(uuid.uuid4())
        self._tokens[token] = time.monotonic() + self.token_ttl_seconds
        return _json(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": int(self.token_ttl_seconds),
                "scope": "basic openid",
            },
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    def _guard(self, handler: Handler) -> Handler:
        """Every OCC and Integration API call carries a live Bearer token."""

        async def guarded(request: Request) -> Response:
            header = request.headers.get("authorization", "")
            scheme, _, token = header.partition(" ")
            expiry = self._tokens.get(token) if scheme.lower() == "bearer" else None
            if expiry is None or time.monotonic() >= expiry:
                if expiry is not None:
                    del self._tokens[token]
                return Response(
                    orjson.dumps(
                        {
                            "errors": [
                                {
                                    "message": f"Invalid access token: {token or '(none)'}",
                                    "type": "InvalidTokenError",
                                }
                            ]
                        }
                    ),
                    401,
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                    media_type="application/json",
                )
            try:
                site = request.path_params.get("site")
                if site is not None and site != self.base_site:
                    return _occ_error(
                        400, "InvalidResourceError", f"Base site {site} doesn't exist"
                    )
                if site is not None:
                    self._check_session(request)
                return await handler(request)
            except _BadParameter as bad:
                return bad.response

        return guarded

    async def _occ_no_resource(self, request: Request) -> Response:
        return _occ_error(
            404, "UnknownResourceError", f"There is no resource for path {request.url.path}"
        )

    # -- OCC parameters --------------------------------------------------------------

    def _check_session(self, request: Request) -> None:
        currency = request.query_params.get("curr")
        if currency is not None and currency != self.retailer.currency:
            raise _BadParameter(
                _occ_error(
                    400,
                    "UnsupportedCurrencyError",
                    f"Currency {currency} is not supported by the current base store",
                )
            )
        language = request.query_params.get("lang")
        if language is not None and language not in ("en", "de"):
            raise _BadParameter(
                _occ_error(
                    400,
                    "UnsupportedLanguageError",
                    f"Language {language} is not supported by the current base store",
                )
            )

    def _int(self, request: Request, name: str, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        try:
            return int(raw)
        except ValueError:
            raise _BadParameter(
                _occ_error(400, "IllegalArgumentError", f"Invalid value '{raw}' for {name}")
            ) from None

    def _paging(self, request: Request, default_size: int = 20) -> tuple[int, int]:
        page = self._int(request, "currentPage", 0)
        size = self._int(request, "pageSize", default_size)
        if page < 0:
            raise _BadParameter(
                _occ_error(400, "IllegalArgumentError", "Page index must not be less than zero")
            )
        if size < 1:
            raise _BadParameter(
                _occ_error(400, "IllegalArgumentError", "Page size must not be less than one")
            )
        if self.occ_max_page_size is not None:
            size = min(size, self.occ_max_page_size)
        return page, size

    def _select(self, request: Request, body: JSON, dto: str) -> Response:
        spec_text = request.query_params.get("fields") or "DEFAULT"
        try:
            spec = occ_fields.parse(spec_text)
        except occ_fields.FieldsError as exc:
            return _occ_error(400, "IllegalArgumentError", str(exc))
        return _json(occ_fields.select(body, dto, spec))

    @staticmethod
    def _pagination(page: int, size: int, total: int, sort: str | None) -> JSON:
        pagination: JSON = {
            "currentPage": page,
            "pageSize": size,
            "totalPages": (total + size - 1) // size,
            "totalResults": total,
        }
        if sort:
            pagination["sort"] = sort
        return pagination

    # -- products --------------------------------------------------------------------

    async def _search(self, request: Request) -> Response:
        query = request.query_params.get("query", "")
        page, size = self._paging(request)
        text, _, rest = query.partition(":")
        sort_in_query, _, facets = rest.partition(":")
        sort = sort_in_query or request.query_params.get("sort") or "relevance"
        if sort not in _SORTS:
            sort = "relevance"
        terms = facets.split(":") if facets else []
        wanted: dict[str, set[str]] = {}
        for key, value in zip(terms[::2], terms[1::2], strict=False):
            wanted.setdefault(key, set()).add(value)
        tokens = ["".join(ch for ch in word if ch.isalnum()) for word in text.lower().split()]
        tokens = [token for token in tokens if token]

        def keep(doc: SearchDoc) -> bool:
            if "code" in wanted and not doc.codes & wanted["code"]:
                return False
            if "category" in wanted and doc.category not in wanted["category"]:
                return False
            return all(any(word.startswith(token) for word in doc.words) for token in tokens)

        def score(doc: SearchDoc) -> int:
            name = doc.name.lower()
            return sum(2 if token in name else 1 for token in tokens)

        docs = [doc for doc in self.state.index if keep(doc)]
        if sort == "name-asc":
            docs.sort(key=lambda d: (d.name, d.code))
        elif sort == "name-desc":
            docs.sort(key=lambda d: (d.name, d.code), reverse=True)
        elif sort == "price-asc":
            docs.sort(key=lambda d: (d.price, d.code))
        elif sort == "price-desc":
            docs.sort(key=lambda d: (-d.price, d.code))
        else:
            docs.sort(key=lambda d: (-score(d), d.code))
        chunk = docs[page * size : (page + 1) * size]
        body = {
            "type": "productCategorySearchPageWsDTO",
            "freeTextSearch": text,
            "currentQuery": {"query": {"value": query}, "url": f"/search?q={quote(query)}"},
            "products": [self.state.products[doc.code] for doc in chunk],
            "pagination": self._pagination(page, size, len(docs), sort),
            "sorts": [{"code": code, "name": code, "selected": code == sort} for code in _SORTS],
        }
        return self._select(request, body, "ProductSearchPage")

    async def _product(self, request: Request) -> Response:
        code = request.path_params["code"]
        product = self.state.products.get(code) or self.state.variants.get(code)
        if product is None:
            return _unknown("product", code, f"Product with code '{code}' not found!")
        return self._select(request, product, "Product")

    async def _store_stock(self, request: Request) -> Response:
        code, name = request.path_params["code"], request.path_params["store"]
        if code not in self.state.products and code not in self.state.variants:
            return _unknown("product", code, f"Product with code '{code}' not found!")
        store = self.state.store(name)
        if store is None:
            return _unknown("store", name, f"Store with name '{name}' not found")
        warehouses = set(store["warehouseCodes"])
        level = sum(
            max(0, row["available"] - row["reserved"])
            for row in self.state.stock
            if row["productCode"] == code and row["warehouse"]["code"] in warehouses
        )
        if level == 0:
            status = "outOfStock"
        elif level <= self.low_stock_threshold:
            status = "lowStock"
        else:
            status = "inStock"
        return self._select(request, {"stockLevelStatus": status, "stockLevel": level}, "Stock")

    # -- stores ----------------------------------------------------------------------

    async def _stores(self, request: Request) -> Response:
        page, size = self._paging(request)
        text = (request.query_params.get("query") or "").lower()
        stores = [
            store
            for store in self.state.stores
            if not text
            or text in store["name"].lower()
            or text in store["displayName"].lower()
            or text in store["address"]["town"].lower()
        ]
        body = {
            "stores": stores[page * size : (page + 1) * size],
            "pagination": self._pagination(page, size, len(stores), "asc"),
            "sorts": [{"code": "asc", "selected": True}],
        }
        return self._select(request, body, "StoreFinderSearchPage")

    # -- users and orders ------------------------------------------------------------

    def _known_user(self, uid: str) -> JSON:
        user = self.state.users.get(uid)
        if user is None:
            raise _BadParameter(
                _unknown("user", uid, f"Cannot find user with propertyValue '{uid}'")
            )
        return user

    async def _user(self, request: Request) -> Response:
        return self._select(request, self._known_user(request.path_params["user"]), "User")

    async def _orders(self, request: Request) -> Response:
        uid = request.path_params["user"]
        self._known_user(uid)
        page, size = self._paging(request)
        sort = request.query_params.get("sort") or "byDate"
        if sort not in _HISTORY_SORTS:
            sort = "byDate"
        orders = list(self.state.orders[uid])  # newest first
        if sort == "byOrderNumber":
            orders.sort(key=lambda order: order["code"], reverse=True)
        statuses = request.query_params.get("statuses")
        if statuses:
            allowed = set(statuses.split(","))
            orders = [order for order in orders if order["status"] in allowed]
        body = {
            "orders": [
                {
                    "code": order["code"],
                    "guid": order["guid"],
                    "placed": order["created"],
                    "status": order["status"],
                    "statusDisplay": order["statusDisplay"],
                    "total": order["totalPriceWithTax"],
                }
                for order in orders[page * size : (page + 1) * size]
            ],
            "pagination": self._pagination(page, size, len(orders), sort),
            "sorts": [{"code": code, "selected": code == sort} for code in _HISTORY_SORTS],
        }
        return self._select(request, body, "OrderHistoryList")

    async def _order(self, request: Request) -> Response:
        uid, code = request.path_params["user"], request.path_params["code"]
        self._known_user(uid)
        order = next((o for o in self.state.orders[uid] if o["code"] == code), None)
        if order is None:
            return _unknown(
                "order",
                code,
                f"Order with guid {code} not found for current user in current BaseStore",
            )
        return self._select(request, order, "Order")

    # -- Integration API (OData v2) ----------------------------------------------------

    def _items(self, entity_set: str) -> list[JSON]:
        if entity_set == "StockLevels":
            return self.state.stock
        if entity_set == "Customers":
            return self.state.customer_items
        return self.state.order_items

    async def _odata(self, service: str, request: Request) -> Response:
        entity_set = request.path_params["entity_set"]
        served_set = _SERVICES[service].get(entity_set)
        if served_set is None:
            return _odata_error(
                404,
                "not_found",
                f"Could not find an entity set or function import for '{entity_set}'.",
            )
        params = request.query_params
        unknown = sorted(k for k in params if k.startswith("$") and k not in _ODATA_OPTIONS)
        if unknown:
            return _odata_error(
                400, "not_supported", f"System query option '{unknown[0]}' is not supported"
            )
        if params.get("$format", "json") != "json":
            return _odata_error(400, "not_supported", "Only $format=json is supported")
        inline = params.get("$inlinecount", "none")
        if inline not in ("allpages", "none"):
            return _odata_error(400, "invalid_query", f"Invalid $inlinecount value '{inline}'")
        try:
            expand = parse_expand(params.get("$expand", ""), _NAVIGATION, served_set.item_type)
            top = self._odata_int(params.get("$top"), "$top", self.odata_default_top)
            skip = self._odata_int(params.get("$skip"), "$skip", 0)
            rows = self._items(entity_set)
            if "$filter" in params:
                matches = compile_filter(params["$filter"], served_set.filterable)
                rows = [row for row in rows if matches(row)]
            if "$orderby" in params:
                rows = list(rows)
                keys = parse_orderby(params["$orderby"], served_set.sortable)
                for path, descending in reversed(keys):  # stable sorts, last key first
                    rows.sort(key=partial(_sort_key, path), reverse=descending)
        except ODataError as exc:
            return _odata_error(400, exc.code, str(exc))
        served = rows[skip : skip + min(top, self.odata_max_top)]
        root = str(request.base_url).rstrip("/") + service
        body: JSON = {
            "results": [self._entity(served_set.item_type, row, root, expand) for row in served]
        }
        if inline == "allpages":
            body["__count"] = str(len(rows))
        return _json({"d": body})

    @staticmethod
    def _odata_int(raw: str | None, name: str, default: int) -> int:
        if raw is None:
            return default
        if not raw.isdigit():
            raise ODataError(
                f"Invalid value '{raw}' for {name}: a non-negative integer is expected"
            )
        return int(raw)

    def _related(self, item_type: str, row: JSON, name: str) -> Any:
        if (item_type, name) == ("Warehouse", "pointsOfService"):
            # SAP's PoS2WarehouseRel, which link_warehouse changes.
            return [
                {"integrationKey": store, "name": store}
                for store in self._stores_of.get(row["code"], ())
            ]
        return row.get(name)

    def _entity(self, item_type: str, row: JSON, root: str, expand: Tree) -> JSON:
        """An item as OData v2 JSON: ``__metadata``, its properties, and each navigation
        property expanded (an entity, ``null``, or ``{"results": [...]}``) or deferred."""
        key = quote(str(row["integrationKey"]), safe="")
        uri = f"{root}/{_entity_set_of(item_type)}('{key}')"
        navigation = _NAVIGATION.get(item_type, {})
        entity: JSON = {
            "__metadata": {"id": uri, "uri": uri, "type": f"HybrisCommerceOData.{item_type}"},
            **{name: _primitive(value) for name, value in row.items() if name not in navigation},
        }
        for name, target in navigation.items():
            if name not in expand:
                entity[name] = {"__deferred": {"uri": f"{uri}/{name}"}}
                continue
            related = self._related(item_type, row, name)
            if (item_type, name) in _TO_MANY:
                entity[name] = {
                    "results": [
                        self._entity(target, item, root, expand[name]) for item in related or ()
                    ]
                }
            else:
                entity[name] = (
                    None if related is None else self._entity(target, related, root, expand[name])
                )
        return entity


def _entity_set_of(item_type: str) -> str:
    if item_type.endswith("y"):
        return item_type[:-1] + "ies"
    return item_type + ("es" if item_type.endswith("s") else "s")


def _primitive(value: Any) -> Any:
    """A property value as OData v2 JSON has it (Olingo's conventions)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Int64):
        return str(int(value))
    if isinstance(value, float):
        return repr(value)  # Edm.Double travels as a string: "221.8"
    if isinstance(value, datetime):
        return f"/Date({int(value.timestamp() * 1000)})/"
    return value


def _sort_key(path: str, row: JSON) -> tuple[bool, Any]:
    value: Any = row
    for step in path.split("/"):
        value = value.get(step) if isinstance(value, dict) else None
    return (value is not None, value if value is not None else 0)
