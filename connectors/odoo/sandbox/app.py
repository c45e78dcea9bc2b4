"""The Odoo sandbox: the JSON-2 external API of an Odoo 19 database holding the demo
retailer's ERP side.

    sandbox = OdooSandbox()
    sandbox.api_key = "..."                 # the one API key accepted from now on
    sandbox.forbidden_models.add("sale.order")   # its reads fail with AccessError (403)
    sandbox.install_partner_mobile()        # res.partner gets OCA's ``mobile`` field

Served as Odoo serves it: ``POST /json/2/<model>/<method>`` only, named arguments in a
JSON body, the bearer API key checked before anything is read, ``X-Odoo-Database``
checked against the one database, errors as ``{"name", "message", "arguments",
"context", "debug"}`` with Odoo's status codes.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from connectors.models import Identity, LocationKind
from connectors.odoo.mapping import CUSTOMER_NUMBER
from connectors.odoo.query import slug
from connectors.odoo.sandbox.orm import Field, Model, OdooError, Registry, value_error
from connectors.odoo.sandbox.seed import SYSTEM, Seeded, build_registry
from connectors.sandbox import Samples, Sandbox

__all__ = ["OdooSandbox"]

JSON = dict[str, Any]

_BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
_NOT_FOUND_PAGE = (
    b"<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n"
    b"<p>The requested URL was not found on the server. If you entered the URL manually "
    b"please check your spelling and try again.</p>\n"
)
# Public ORM methods every model has that this sandbox does not serve: Odoo would run
# them, so they are "not implemented" here rather than "does not exist".
_ORM_METHODS = {
    "create",
    "write",
    "unlink",
    "copy",
    "name_search",
    "name_create",
    "read_group",
    "formatted_read_group",
    "web_read_group",
    "fields_get",
    "default_get",
    "onchange",
    "web_save",
    "action_confirm",
    "action_cancel",
}


def _traceback(name: str, message: str) -> str:
    """A traceback like the one Odoo puts in ``debug`` (secrets in it must not leak)."""
    return (
        "Traceback (most recent call last):\n"
        '  File "/opt/odoo/odoo/http.py", line 2212, in _transactioning\n'
        "    return service_model.retrying(func, env=self.env)\n"
        '  File "/opt/odoo/odoo/service/model.py", line 176, in retrying\n'
        "    result = func()\n"
        '  File "/opt/odoo/odoo/http.py", line 2177, in _serve_ir_http\n'
        "    response = self.dispatcher.dispatch(rule.endpoint, args)\n"
        f"{name}: {message}\n"
    )


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(body), status, headers, media_type="application/json; charset=utf-8"
    )


def _error(exc: OdooError, headers: dict[str, str] | None = None) -> Response:
    body = {
        "name": exc.name,
        "message": exc.message,
        "arguments": exc.arguments,
        "context": {},
        "debug": _traceback(exc.name, exc.message),
    }
    return _json(body, exc.status, headers)


def _http_error(status: int, name: str, description: str) -> OdooError:
    """A werkzeug ``HTTPException``: ``arguments`` are its description and code."""
    return OdooError(status, f"werkzeug.exceptions.{name}", description, [description, status])


def _html(status: int, body: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status, headers, media_type="text/html; charset=utf-8")


# -- the ORM methods the sandbox serves ---------------------------------------------------


@dataclass
class Records:
    """``self`` of a model method: the registry, the model and the ``ids`` of the call."""

    registry: Registry
    model: Model
    ids: list[int]


def _api_model(func: Callable[..., Any]) -> Callable[..., Any]:
    func._api_model = True  # type: ignore[attr-defined]
    return func


def _window(offset: Any, limit: Any) -> None:
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise OdooError(
            500, "builtins.TypeError", f"offset must be a non-negative integer, got {offset!r}"
        )
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise OdooError(
            500, "builtins.TypeError", f"limit must be a non-negative integer, got {limit!r}"
        )


def _names(fields: Any) -> list[str] | None:
    if fields is None or fields is False:
        return None
    if not isinstance(fields, list) or not all(isinstance(name, str) for name in fields):
        raise value_error(f"Invalid fields {fields!r}: a list of field names is expected")
    return fields


@_api_model
def search_read(
    records: Records,
    domain: Any = None,
    fields: Any = None,
    offset: Any = 0,
    limit: Any = None,
    order: Any = None,
    **read_kwargs: Any,
) -> list[JSON]:
    load = read_kwargs.pop("load", "_classic_read")
    if read_kwargs:
        unexpected = next(iter(read_kwargs))
        raise OdooError(
            500,
            "builtins.TypeError",
            f"BaseModel._read_format() got an unexpected keyword argument '{unexpected}'",
        )
    _window(offset, limit)
    names = _names(fields)
    registry, name = records.registry, records.model.name
    ids = registry.search(name, domain or [], offset=offset, limit=limit, order=order)
    return registry.read(name, ids, names, load=load)


@_api_model
def web_search_read(
    records: Records,
    domain: Any,
    specification: Any,
    offset: Any = 0,
    limit: Any = None,
    order: Any = None,
    count_limit: Any = None,
) -> JSON:
    _window(offset, limit)
    registry, name = records.registry, records.model.name
    ids = registry.search(name, domain, offset=offset, limit=limit, order=order)
    values = registry.web_read(name, ids, specification)
    if not values:
        return {"length": 0, "records": []}
    # As Odoo's _format_web_search_read_results: count only when the page is full.
    current = len(values) + offset
    count_limit_reached = bool(count_limit) and count_limit <= current
    if limit and len(values) == limit and not count_limit_reached:
        length = len(registry.search(name, domain, limit=count_limit))
    else:
        length = current
    return {"length": length, "records": values}


@_api_model
def search_count(records: Records, domain: Any = None, limit: Any = None) -> int:
    _window(0, limit)
    return len(records.registry.search(records.model.name, domain or [], limit=limit))


@_api_model
def search(
    records: Records, domain: Any, offset: Any = 0, limit: Any = None, order: Any = None
) -> list[int]:
    _window(offset, limit)
    return records.registry.search(
        records.model.name, domain, offset=offset, limit=limit, order=order
    )


def read(records: Records, fields: Any = None, load: Any = "_classic_read") -> list[JSON]:
    return records.registry.read(records.model.name, records.ids, _names(fields), load=load)


def web_read(records: Records, specification: Any) -> list[JSON]:
    return records.registry.web_read(records.model.name, records.ids, specification)


_METHODS: dict[str, Callable[..., Any]] = {
    "search_read": search_read,
    "web_search_read": web_search_read,
    "search_count": search_count,
    "search": search,
    "read": read,
    "web_read": web_read,
}


class OdooSandbox(Sandbox):
    """Odoo 19, in process. Knobs (plain attributes, reset by :meth:`reset`):

    ``api_key``            the one API key the server accepts
    ``database``           the one database; a different ``X-Odoo-Database`` finds none
    ``forbidden_models``   models the API user may not read (``AccessError``, 403)

    and :meth:`install_partner_mobile` to give ``res.partner`` the ``mobile`` field
    Odoo 19 dropped (as OCA's ``partner_mobile`` module does). ``registry`` holds the
    records; change them with ``registry.write(model, id, values)``.
    """

    name: ClassVar[str] = "odoo"
    base_url: ClassVar[str] = "https://nordlicht.odoo.com"

    api_key: str
    database: str
    forbidden_models: set[str]
    seeded: Seeded
    registry: Registry

    # -- kit hooks -------------------------------------------------------------------

    def seed_state(self) -> None:
        self.api_key = "8d2b6e1f0c9a47e3b5d4f6a7c8e9b0a1d2c3e4f5"
        self.database = "nordlicht"
        self.forbidden_models = set()
        self.seeded = build_registry(self.retailer)
        self.registry = self.seeded.registry

    def routes(self) -> list[BaseRoute]:
        methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
        return [Route("/{path:path}", self._serve, methods=methods)]

    def request_kind(self, path: str) -> str:
        """Odoo has no token endpoint: the API key rides on every call."""
        return "api"

    def unavailable_response(self) -> Response:
        # What the reverse proxy in front of Odoo answers while the server is down.
        return _html(
            503,
            b"<!doctype html>\n<html lang=en>\n<title>503 Service Unavailable</title>\n"
            b"<h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service "
            b"your request due to maintenance downtime or capacity problems. Please try "
            b"again later.</p>\n",
        )

    def throttled_response(self, request: Request) -> Response:
        # Odoo itself does not throttle; the proxy in front of it (Odoo.sh, Online) may.
        return _html(
            429,
            b"<!doctype html>\n<html lang=en>\n<title>429 Too Many Requests</title>\n"
            b"<h1>Too Many Requests</h1>\n<p>Too many requests, slow down.</p>\n",
            {"Retry-After": "3"},
        )

    def connector_settings(self, base_url: str) -> dict[str, Any]:
        kinds = {
            str(self.seeded.location_ids[place.code]): place.kind
            for place in self.retailer.locations_in(SYSTEM)
            if place.kind != LocationKind.WAREHOUSE.value
        }
        return {
            "base_url": base_url,
            "api_key": self.api_key,
            "database": self.database,
            "location_kinds": kinds,
        }

    def samples(self) -> Samples:
        registry = self.registry
        templates = registry.models["product.template"].records
        variants = registry.models["product.product"].records
        sold = [record for record in templates.values() if record["sale_ok"]]
        internal = set(self.seeded.location_ids.values())
        stocked = {
            quant["product_id"]
            for quant in registry.models["stock.quant"].records.values()
            if quant["location_id"] in internal
        }
        skus = [
            variant["default_code"]
            for template in sold
            for variant in variants.values()
            if variant["product_tmpl_id"] == template["id"] and variant["id"] in stocked
        ]
        partners = registry.models["res.partner"].records
        customers = list(self.seeded.partner_ids.values())
        clean = [
            partners[i]["email"]
            for i in customers
            if partners[i]["email"] == partners[i]["email"].strip().lower()
        ]
        orders = registry.models["sale.order"].records
        counts: dict[int, int] = {}
        for order in orders.values():
            counts[order["partner_id"]] = counts.get(order["partner_id"], 0) + 1
        busy = next(partner for partner in customers if counts.get(partner, 0) >= 2)
        listed = [
            record
            for record in partners.values()
            if record.get("active") and (record.get("customer_rank") or 0) > 0
        ]
        numbered = [partners[i]["ref"] for i in customers if partners[i]["ref"]]
        return Samples(
            product_ids=tuple(str(t["id"]) for t in sold[:5]),
            product_handles=tuple(slug(t["name"], t["id"]) for t in sold[5:10]),
            skus=tuple(skus[:: max(1, len(skus) // 5)][:5]),
            location_ids=tuple(str(i) for i in sorted(internal)),
            customer_ids=tuple(str(i) for i in customers[:4]),
            customer_emails=tuple(clean[2:6]),
            order_ids=tuple(str(i) for i in list(orders)[:4]),
            customer_with_orders=str(busy),
            missing_product_id="999999",
            missing_customer_id="999999",
            missing_order_id="999999",
            extra={
                "product_count": len(sold),
                "database": self.database,
                "customer_count": len(listed),
                "customer_identities": [
                    Identity(CUSTOMER_NUMBER, number) for number in numbered[1:4]
                ],
            },
        )

    # -- knobs -----------------------------------------------------------------------

    def install_partner_mobile(self) -> None:
        """``res.partner`` gets a ``mobile`` field (empty everywhere), as OCA's
        ``partner_mobile`` module gives an Odoo 19 database."""
        partner = self.registry.models["res.partner"]
        partner.fields["mobile"] = Field("char")
        for record in partner.records.values():
            record.setdefault("mobile", None)

    # -- serving ---------------------------------------------------------------------

    async def _serve(self, request: Request) -> Response:
        path = request.url.path
        header_db = request.headers.get("x-odoo-database")
        if header_db is not None and header_db != self.database:
            # No such database: the request is served without one, and no database-less
            # route exists under /json/2.
            return _html(404, _NOT_FOUND_PAGE)
        if path != "/json/2" and not path.startswith("/json/2/"):
            return _html(404, _NOT_FOUND_PAGE)
        parts = path.removeprefix("/json/2").strip("/").split("/")
        if request.method != "POST" or len(parts) != 2 or not all(parts):
            return _error(
                _http_error(404, "NotFound", "Did you mean POST /json/2/<model>/<method>?")
            )
        body = await request.body()
        mimetype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if body and mimetype != "application/json":
            return _html(
                415,
                b"<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n"
                b"<h1>Unsupported Media Type</h1>\n<p>Request inferred type is compatible with "
                b"['http'] but '/json/2/&lt;model&gt;/&lt;method&gt;' is type='json2'.</p>\n",
                {"Accept": "application/json"},
            )
        refused = self._authenticate(request)
        if refused is not None:
            return refused
        try:
            try:
                params = orjson.loads(body) if body else {}
            except orjson.JSONDecodeError as exc:
                raise _http_error(
                    400, "BadRequest", f"could not parse the body as json: {exc}"
                ) from None
            if not isinstance(params, dict):
                params = {}
            model, method = parts
            return _json(self._call(model, method, params))
        except OdooError as exc:
            return _error(exc)

    def _authenticate(self, request: Request) -> Response | None:
        header = request.headers.get("authorization", "")
        match = _BEARER.match(header)
        bearer = {"WWW-Authenticate": "Bearer"}
        if match is None:
            message = "User not authenticated, use an API Key with a Bearer Authorization header."
            return _error(_http_error(401, "Unauthorized", message), bearer)
        if match.group(1) != self.api_key:
            return _error(_http_error(401, "Unauthorized", "Invalid apikey"), bearer)
        return None

    def _call(self, model: str, method: str, params: JSON) -> Any:
        ids = params.pop("ids", None) or []
        params.pop("context", None)
        target = self.registry.models.get(model)
        if target is None:
            raise _http_error(404, "NotFound", f"the model {model!r} does not exist")
        if method.startswith("_"):
            raise OdooError(
                403,
                "odoo.exceptions.AccessError",
                f"Private methods (such as '{model}.{method}') cannot be called remotely.",
            )
        func = _METHODS.get(method)
        if func is None:
            if method in _ORM_METHODS:
                raise OdooError(
                    500,
                    "builtins.NotImplementedError",
                    f"odoo sandbox: {model}.{method} is not implemented",
                )
            raise _http_error(404, "NotFound", f"The method '{model}.{method}' does not exist")
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise value_error(f"Invalid ids {ids!r}: a list of record ids is expected")
        if getattr(func, "_api_model", False) and ids:
            raise _http_error(422, "UnprocessableEntity", f"cannot call {model}.{method} with ids")
        records = Records(self.registry, target, ids)
        try:
            inspect.signature(func).bind(records, **params)
        except TypeError as exc:
            raise _http_error(422, "UnprocessableEntity", str(exc.args[0])) from None
        if model in self.forbidden_models:
            raise OdooError(
                403,
                "odoo.exceptions.AccessError",
                f"You are not allowed to access '{target.description}' ({model}) records.\n\n"
                f"This operation is allowed for the following groups:\n"
                f"\t- Sales/User: Own Documents Only\n\n"
                f"Contact your administrator to request access if necessary.",
            )
        return func(records, **params)
