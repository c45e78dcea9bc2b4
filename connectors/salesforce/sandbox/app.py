"""The Salesforce sandbox: the OAuth token endpoint (client credentials) and the REST API's
query, query-more and limits resources, over the demo retailer's CRM side.

    sandbox = SalesforceSandbox()
    sandbox.token_ttl_seconds = 5     # sessions opened from now on last 5 s
    sandbox.expire_tokens()           # every session so far is invalid from now on
    sandbox.api_limit = 100           # the org's 24-hour API request allowance
    sandbox.query_batch_size = 5      # at most 5 records per query batch
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from connectors.models import Identity
from connectors.salesforce.sandbox.seed import State, build_state, record_id
from connectors.salesforce.sandbox.soql import SCHEMA, Path, Query, SoqlError, parse
from connectors.sandbox import Samples, Sandbox, token_request

__all__ = ["SalesforceSandbox"]

TOKEN_PATH = "/services/oauth2/token"
_ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
_VERSION = re.compile(r"^v(\d+)\.0$")
#: Salesforce keeps at most 10 query cursors open per user; opening one more drops the oldest.
MAX_OPEN_CURSORS = 10
_BATCH_SIZE = re.compile(r"(?:^|[;,\s])batchSize=(\d+)", re.IGNORECASE)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


def _error(status: int, code: str, message: str) -> Response:
    return _json([{"message": message, "errorCode": code}], status)


def _oauth_error(error: str, description: str) -> Response:
    return _json({"error": error, "error_description": description}, 400)


def _sf_time(value: datetime) -> str:
    """``2025-04-04T09:00:00.000+0000``, as Salesforce writes datetimes."""
    moment = value.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def _value(value: Any) -> Any:
    return _sf_time(value) if isinstance(value, datetime) else value


class SalesforceSandbox(Sandbox):
    """Salesforce, in process. Knobs (plain attributes, reset by :meth:`reset`):

    ``client_id`` / ``client_secret``   the connected app the token endpoint accepts
    ``token_ttl_seconds``               lifetime of sessions opened from now on
    ``api_limit`` / ``api_used``        the org's 24-hour API allowance and what is spent;
                                        past it, calls get 403 ``REQUEST_LIMIT_EXCEEDED``
    ``query_batch_size``                most records per query batch (set it low to make
                                        clients page; ``Sforce-Query-Options: batchSize=N``
                                        asks for fewer, 200 at least)
    ``max_api_version``                 newest ``vNN.0`` served (oldest: v31.0)

    and :meth:`expire_tokens` to end every session, :meth:`issue_token` for a token to
    configure as a static ``access_token``.
    """

    name: ClassVar[str] = "salesforce"
    base_url: ClassVar[str] = "https://nordlicht.my.salesforce.com"
    org_id: ClassVar[str] = record_id("00D", 4_400_000_017)
    user_id: ClassVar[str] = record_id("005", 4_400_000_023)

    state: State
    client_id: str
    client_secret: str
    token_ttl_seconds: float
    api_limit: int
    api_used: int
    query_batch_size: int
    max_api_version: int

    # -- kit hooks -------------------------------------------------------------------

    def seed_state(self) -> None:
        self.state = build_state(self.retailer)
        self.client_id = "3MVG9nordlicht.commerce.gateway.sandbox"
        self.client_secret = "sandbox-client-secret"
        self.token_ttl_seconds = 7200.0
        self.api_limit = 15_000
        self.api_used = 0
        self.query_batch_size = 2000
        self.max_api_version = 66
        self._tokens: dict[str, float] = {}
        # Open query cursors (locator -> records, batch size), oldest first.
        self._cursors: dict[str, tuple[list[dict[str, Any]], int]] = {}
        self._cursor_serial = 0

    def routes(self) -> list[BaseRoute]:
        return [
            Route(TOKEN_PATH, self._token, methods=["POST"]),
            Route("/services/data/{rest:path}", self._data, methods=_ALL_METHODS),
        ]

    def request_kind(self, path: str) -> str:
        return "auth" if path == TOKEN_PATH else "api"

    def unavailable_response(self) -> Response:
        return _error(
            503, "SERVER_UNAVAILABLE", "Server temporarily unavailable. Please try again later."
        )

    def throttled_response(self, request: Request) -> Response:
        # A rolling 24-hour allowance: Salesforce names no time to retry.
        response = _error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        used = max(self.api_used, self.api_limit)
        response.headers["Sforce-Limit-Info"] = f"api-usage={used}/{self.api_limit}"
        return response

    def connector_settings(self, base_url: str) -> dict[str, Any]:
        return {
            "instance_url": base_url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }

    def samples(self) -> Samples:
        state = self.state
        single = [ids[0] for ids in state.contacts_of.values() if len(ids) == 1]
        twice = next(ids for ids in state.contacts_of.values() if len(ids) == 2)
        return Samples(
            customer_ids=tuple(single[:4]),
            customer_emails=tuple(state.contacts[i]["Email"].lower() for i in single[4:8]),
            missing_customer_id=record_id("003", 2_169_999_999),
            extra={
                "contact_count": len(state.contacts),
                "customer_count": len(state.contacts),
                "customer_identities": [
                    Identity("customer_number", number)
                    for contact in state.contacts.values()
                    if (number := contact["Customer_Number__c"])
                ][2:5],
                "duplicated_email": state.contacts[twice[0]]["Email"].lower(),
                "duplicated_ids": tuple(twice),
            },
        )

    # -- knobs -----------------------------------------------------------------------

    def expire_tokens(self) -> None:
        """Every session opened so far is refused (``INVALID_SESSION_ID``) from now on."""
        self._tokens.clear()

    def issue_token(self) -> str:
        """Open a session without the token endpoint, as if another process had."""
        return self._open_session()

    def _open_session(self) -> str:
        token = f"{self.org_id[:15]}!AQ4AQ{secrets.token_urlsafe(72)}"
        self._tokens[token] = time.monotonic() + self.token_ttl_seconds
        return token

    # -- OAuth -----------------------------------------------------------------------

    async def _token(self, request: Request) -> Response:
        form, client_id, client_secret = await token_request(request)
        if form.get("grant_type") != "client_credentials":
            return _oauth_error("unsupported_grant_type", "grant type not supported")
        if client_id != self.client_id:
            return _oauth_error("invalid_client_id", "client identifier invalid")
        if client_secret != self.client_secret:
            return _oauth_error("invalid_client", "invalid client credentials")
        token = self._open_session()
        issued_at = str(int(time.time() * 1000))
        identity = f"https://login.salesforce.com/id/{self.org_id}/{self.user_id}"
        signature = hmac.new(
            self.client_secret.encode(), (identity + issued_at).encode(), hashlib.sha256
        ).digest()
        return _json(
            {
                "access_token": token,
                "signature": base64.b64encode(signature).decode(),
                "scope": "api",
                "instance_url": str(request.base_url).rstrip("/"),
                "id": identity,
                "token_type": "Bearer",
                "issued_at": issued_at,
            },
            headers={"Cache-Control": "no-cache,must-revalidate,max-age=0,no-store,private"},
        )

    def _session_valid(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "oauth"):
            return False
        expiry = self._tokens.get(token.strip())
        if expiry is None:
            return False
        if time.monotonic() >= expiry:
            del self._tokens[token.strip()]
            return False
        return True

    # -- REST ------------------------------------------------------------------------

    async def _data(self, request: Request) -> Response:
        if not self._session_valid(request):
            return _error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        version, _, rest = request.path_params["rest"].partition("/")
        match = _VERSION.match(version)
        if match is None or not 31 <= int(match.group(1)) <= self.max_api_version:
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        if self.api_used >= self.api_limit:
            response = _error(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
        else:
            self.api_used += 1
            response = self._resource(request, version, rest.strip("/"))
        response.headers["Sforce-Limit-Info"] = f"api-usage={self.api_used}/{self.api_limit}"
        return response

    def _resource(self, request: Request, version: str, rest: str) -> Response:
        parts = rest.split("/") if rest else []
        known = parts in ([], ["query"], ["limits"]) or (len(parts) == 2 and parts[0] == "query")
        if not known:
            return _error(404, "NOT_FOUND", "The requested resource does not exist")
        if request.method not in ("GET", "HEAD"):
            return _error(
                405,
                "METHOD_NOT_ALLOWED",
                f"HTTP Method '{request.method}' not allowed. Allowed are GET,HEAD",
            )
        root = f"/services/data/{version}"
        if not parts:
            return _json({"limits": f"{root}/limits", "query": f"{root}/query"})
        if parts == ["limits"]:
            return self._limits()
        if parts == ["query"]:
            return self._query(request, version)
        return self._query_more(version, parts[1])

    def _limits(self) -> Response:
        return _json(
            {
                "ConcurrentAPIRequests": {"Max": 25, "Remaining": 25},
                "DailyApiRequests": {
                    "Max": self.api_limit,
                    "Remaining": max(0, self.api_limit - self.api_used),
                },
                "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000},
            }
        )

    def _query(self, request: Request, version: str) -> Response:
        soql = request.query_params.get("q")
        if soql is None:
            return _error(400, "MALFORMED_QUERY", "A query string has to be specified")
        try:
            query = parse(soql)
        except SoqlError as exc:
            return _error(400, exc.code, exc.message)
        rows = list(self.state.objects[query.object].values())
        records = [
            self._render(row, query, version)
            for row in query.run(rows, self._resolver(query.object))
        ]
        # The header asks (200 to 2,000); the server may still serve fewer, as Salesforce does.
        batch = self.query_batch_size
        header = _BATCH_SIZE.search(request.headers.get("sforce-query-options", ""))
        if header is not None:
            batch = min(batch, max(200, min(2000, int(header.group(1)))))
        return self._batch(version, records, batch, None, 0)

    def _query_more(self, version: str, key: str) -> Response:
        locator, _, offset = key.rpartition("-")
        cursor = self._cursors.get(locator)
        if cursor is None or not offset.isdigit():
            return _error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        records, size = cursor
        return self._batch(version, records, size, locator, int(offset))

    def _batch(
        self,
        version: str,
        records: list[dict[str, Any]],
        size: int,
        locator: str | None,
        offset: int,
    ) -> Response:
        """One batch of a result; a cursor is kept only while batches remain."""
        end = offset + size
        body: dict[str, Any] = {"totalSize": len(records), "done": end >= len(records)}
        if end < len(records):
            if locator is None:
                self._cursor_serial += 1
                locator = record_id("01g", 3_100_000_000 + self._cursor_serial)
                self._cursors[locator] = (records, size)
                while len(self._cursors) > MAX_OPEN_CURSORS:
                    del self._cursors[next(iter(self._cursors))]  # the oldest goes first
            body["nextRecordsUrl"] = f"/services/data/{version}/query/{locator}-{end}"
        elif locator is not None:
            self._cursors.pop(locator, None)
        body["records"] = records[offset:end]
        return _json(body)

    def _related(self, kind: str, row: dict[str, Any], relation: str) -> dict[str, Any] | None:
        reference, target = SCHEMA[kind]["relationships"][relation]
        related: dict[str, Any] | None = self.state.objects[target].get(row.get(reference) or "")
        return related

    def _resolver(self, kind: str) -> Callable[[Any, Path], Any]:
        def resolve(row: Any, path: Path) -> Any:
            if len(path.parts) == 1:
                return row.get(path.parts[0])
            related = self._related(kind, row, path.parts[0])
            return None if related is None else related.get(path.parts[1])

        return resolve

    def _render(self, row: dict[str, Any], query: Query, version: str) -> dict[str, Any]:
        def attributes(kind: str, record_id: str) -> dict[str, str]:
            return {"type": kind, "url": f"/services/data/{version}/sobjects/{kind}/{record_id}"}

        record: dict[str, Any] = {"attributes": attributes(query.object, row["Id"])}
        for path in query.fields:
            if len(path.parts) == 1:
                record[path.parts[0]] = _value(row.get(path.parts[0]))
                continue
            relation, name = path.parts
            related = self._related(query.object, row, relation)
            if related is None:
                record[relation] = None
                continue
            target = SCHEMA[query.object]["relationships"][relation][1]
            nested = record.setdefault(relation, {"attributes": attributes(target, related["Id"])})
            nested[name] = _value(related.get(name))
        return record
