"""``/graphql``: GraphQL over HTTP, as the spec says, in front of strawberry's executor.

One request, in order — each step refuses with a coded GraphQL error and its own status,
and nothing before execution reaches a back end::

    method (GET, POST; else 405) -> GraphiQL (a browser's GET, dev only; else 404)
    -> Accept (application/graphql-response+json or application/json; else 406)
    -> CSRF (400) -> authenticate (401/403) -> rate limit, one token (429)
    -> parameters: GET query string, or POST application/json (415) of at most
       max_body_bytes (413), UTF-8 JSON, one object, typed parameters (400)
    -> persisted operations: manifest id, APQ hash, safelist -> extra tokens for
       sensitive root fields (429) -> execute (GET runs queries only: 405)
    -> {"data", "errors", "extensions"}: every error coded by gateway.errors.format_error,
       the data layer's notes added (problems -> errors, stale -> extensions.stale)

Status codes: ``application/graphql-response+json`` answers 200 when execution began and
400 when the request failed before (parse, validation, variables, operation name);
``application/json`` answers 200 for any well-formed GraphQL request. See ``docs/http.md``.
"""

from __future__ import annotations

import inspect
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast, runtime_checkable

import orjson
from graphql import GraphQLError, GraphQLSyntaxError, parse
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry import Schema
from strawberry.exceptions import MissingQueryError
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from gateway.auth.principal import AuthError, Principal
from gateway.errors import code_for, format_error
from gateway.metrics import Metrics
from gateway.resilience.deadline import request_deadline
from gateway.server.csrf import CsrfSettings, check_csrf
from gateway.server.errors import (
    BodyTooLarge,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    RateLimitExceeded,
    RequestError,
    Unauthorized,
    UnsupportedMediaType,
    error_body,
)
from gateway.server.media import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    negotiate,
    parse_media_type,
    wants_html,
)
from gateway.server.params import MAX_JSON_DEPTH, GraphQLParams, from_body, from_query_string
from gateway.server.persisted import (
    PersistedOperations,
    PersistedSettings,
    Resolution,
    build_persisted,
)
from gateway.server.ratelimit import (
    Cost,
    RateLimiter,
    RateLimitSettings,
    build_rate_limiter,
    sensitive_cost,
)
from gateway.server.responses import (
    OPERATION_TYPE,
    CacheableAnswer,
    ResponseCache,
    ResponseCacheSettings,
)
from schema.context import GraphContext

__all__ = [
    "Authenticate",
    "ContextFactory",
    "EndpointSettings",
    "GraphQLEndpoint",
    "ResponseNotes",
    "anonymous",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Who is asking. May raise :class:`~gateway.auth.AuthError` (401/403 with its code).
Authenticate = Callable[[Request], Principal | Awaitable[Principal]]
#: A fresh context for one request, as ``principal``.
ContextFactory = Callable[[Request, Principal], GraphContext | Awaitable[GraphContext]]

_GRAPHQL_PARAMS = frozenset({"query", "doc_id", "id", "extensions"})
#: Tokens read at most when counting an operation's sensitive fields (the graph's own
#: limit, enforced when it runs, is lower).
_MAX_COST_TOKENS = 10_000


@dataclass(frozen=True)
class EndpointSettings:
    """``max_body_bytes``: the largest POST body read (2 MiB; measured while it streams in).
    ``max_json_depth``: how deeply ``variables`` and ``extensions`` may nest. ``graphiql``:
    serve GraphiQL to browsers (the dev profile)."""

    max_body_bytes: int = 2 * 1024 * 1024
    max_json_depth: int = MAX_JSON_DEPTH
    graphiql: bool = False
    csrf: CsrfSettings = field(default_factory=CsrfSettings)
    persisted: PersistedSettings = field(default_factory=PersistedSettings)
    rate_limit: RateLimitSettings = field(default_factory=RateLimitSettings)
    response_cache: ResponseCacheSettings = field(default_factory=ResponseCacheSettings)


@runtime_checkable
class ResponseNotes(Protocol):
    """What a data layer may note for the response (``gateway.data.GatewayData`` does):
    errors for what one system could not answer, and values served stale."""

    problems: list[dict[str, Any]]
    stale: list[dict[str, Any]]


def anonymous(request: Request) -> Principal:
    """The default :data:`Authenticate`: everyone is anonymous, keyed by address."""
    return Principal.anonymous(request.client.host if request.client else "unknown")


_CONFORMING: dict[tuple[type, type], bool] = {}


def _conforms(value: object, protocol: type) -> bool:
    """``isinstance(value, protocol)``, asked once per class: against a runtime-checkable
    Protocol it looks up every member in Python, on every request otherwise. A data
    layer's instances all have their class's members."""
    key = (type(value), protocol)
    found = _CONFORMING.get(key)
    if found is None:
        found = _CONFORMING[key] = isinstance(value, protocol)
    return found


async def _resolve(value: T | Awaitable[T]) -> T:
    if inspect.isawaitable(value):
        return await value
    return value


class GraphQLEndpoint:
    """The ASGI app serving one schema at one path (mount it for GET and POST and any
    other method: it answers those itself, with 405)."""

    def __init__(
        self,
        schema: Schema,
        *,
        context_factory: ContextFactory,
        settings: EndpointSettings | None = None,
        authenticate: Authenticate = anonymous,
        metrics: Metrics | None = None,
        deadline: float | None = None,
        persisted: PersistedOperations | None = None,
        rate_limiter: RateLimiter | None = None,
        cost: Cost | None = None,
        error_formatter: Callable[[GraphQLError], GraphQLError] = format_error,
        responses: ResponseCache | None = None,
    ) -> None:
        self.schema = schema
        self.settings = settings = settings or EndpointSettings()
        self.context_factory = context_factory
        self.authenticate = authenticate
        self.metrics = metrics or Metrics()
        self.deadline = deadline
        self.persisted = persisted or build_persisted(settings.persisted)
        self.rate_limiter = rate_limiter or build_rate_limiter(settings.rate_limit)
        fields = settings.rate_limit.sensitive_fields
        self.cost = cost or (sensitive_cost(fields) if fields else None)
        self.error_formatter = error_formatter
        self.responses = responses
        if responses is None and settings.response_cache.enabled:
            counter = self.metrics.response_cache
            self.responses = ResponseCache(
                settings.response_cache, on_lookup=lambda outcome: counter.labels(outcome).inc()
            )
        self._ide = get_graphql_ide_html("graphiql") if settings.graphiql else None

    async def aclose(self) -> None:
        """Close the rate limiter's and the APQ store's connections."""
        if self.rate_limiter is not None:
            await self.rate_limiter.aclose()
        await self.persisted.aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        request = Request(scope, receive)
        status = "499"  # the client went away before an answer
        try:
            with request_deadline(self.deadline):
                try:
                    response = await self._handle(request)
                except ClientDisconnect:
                    return
                status = str(response.status_code)
                await response(scope, receive, send)
        finally:
            self.metrics.graphql_requests.labels(status).inc()
            self.metrics.graphql_seconds.observe(time.perf_counter() - started)

    # -- the steps ---------------------------------------------------------------------

    async def _handle(self, request: Request) -> Response:
        media = JSON
        try:
            if request.method not in ("GET", "POST"):
                raise MethodNotAllowed(
                    f"{request.method} is not supported; send GraphQL requests as GET or POST"
                )
            accept = request.headers.get("accept")
            if request.method == "GET" and wants_html(accept) and not self._has_params(request):
                if self._ide is None:
                    raise NotFound("GraphiQL is served in the dev profile only")
                return HTMLResponse(self._ide)
            negotiated = negotiate(accept)
            if negotiated is None:
                raise NotAcceptable(
                    f"the response can be {GRAPHQL_RESPONSE_JSON} or {JSON}; "
                    "the Accept header allows neither"
                )
            media = negotiated
            check_csrf(
                request.headers.getlist("content-type"),
                set(request.headers.keys()),
                self.settings.csrf,
            )
            principal = await self._principal(request)
            await self._limit(principal.key, 1)
            params = await self._params(request)
            resolution = await self.persisted.resolve(params)
            if self.cost is not None:
                extra = self._cost(self.cost, resolution.query, params.operation_name)
                if extra:
                    await self._limit(principal.key, extra)
            key = None
            if self.responses is not None:
                key = self.responses.key(
                    resolution.query, params.variables, params.operation_name, principal, media
                )
                kept = None if key is None else self.responses.get(key)
                if kept is not None:
                    return self._respond_bytes(kept, 200, media)
            context = await _resolve(self.context_factory(request, principal))
            return await self._execute(request, media, params, resolution, context, key)
        except RequestError as exc:
            log.debug("refused %s %s: %s", request.method, exc.code, exc.message)
            return self._respond(exc.body(), exc.status, media, exc.headers)

    def _has_params(self, request: Request) -> bool:
        return not _GRAPHQL_PARAMS.isdisjoint(request.query_params.keys())

    async def _principal(self, request: Request) -> Principal:
        try:
            return await _resolve(self.authenticate(request))
        except AuthError as exc:
            # Guessing credentials costs the guesser's address a token per guess.
            if request.client is not None:
                await self._limit(f"ip:{request.client.host}", 1)
            raise Unauthorized(exc.message, code=exc.code, status=exc.status) from None

    async def _limit(self, key: str, cost: int) -> None:
        if self.rate_limiter is None:
            return
        decision = await self.rate_limiter.acquire(key, cost)
        if not decision.allowed:
            raise RateLimitExceeded(
                f"too many requests; retry in {max(1, math.ceil(decision.retry_after))}s",
                retry_after=decision.retry_after,
            )

    @staticmethod
    def _cost(cost: Cost, query: str, operation_name: str | None) -> int:
        try:
            document = parse(query, no_location=True, max_tokens=_MAX_COST_TOKENS)
        except GraphQLSyntaxError:
            return 0  # the executor reports it
        return max(0, cost(document, operation_name))

    async def _params(self, request: Request) -> GraphQLParams:
        depth = self.settings.max_json_depth
        if request.method == "GET":
            return from_query_string(request.scope.get("query_string", b""), max_depth=depth)
        types = request.headers.getlist("content-type")
        if len(types) > 1:
            raise RequestError("send one Content-Type header")
        if not types:
            raise UnsupportedMediaType(
                "the request has no Content-Type; send 'Content-Type: application/json'"
            )
        parsed = parse_media_type(types[0])
        if parsed is None or parsed[0] != JSON:
            shown = parsed[0] if parsed else types[0][:80]
            hint = (
                " (application/graphql left the GraphQL over HTTP spec; wrap the document "
                'as {"query": ...})'
                if parsed and parsed[0] == "application/graphql"
                else ""
            )
            raise UnsupportedMediaType(f"POST bodies must be application/json, not {shown!r}{hint}")
        charset = parsed[1].get("charset", "utf-8")
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(f"the body must be UTF-8, not {charset!r}")
        encoding = request.headers.get("content-encoding", "identity").strip().lower()
        if encoding != "identity":
            # Never inflated: a 2 MiB gzip body can hold gigabytes.
            raise UnsupportedMediaType(f"compressed bodies ({encoding}) are not accepted")
        return from_body(await self._body(request), max_depth=depth)

    async def _body(self, request: Request) -> bytes:
        limit = self.settings.max_body_bytes
        too_large = BodyTooLarge(f"the request body is larger than {limit} bytes")
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise RequestError("the Content-Length header is not a number")
            if int(declared) > limit:
                raise too_large
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)

    async def _execute(
        self,
        request: Request,
        media: str,
        params: GraphQLParams,
        resolution: Resolution,
        context: GraphContext,
        key: bytes | None = None,
    ) -> Response:
        get = request.method == "GET"
        allowed = {OperationType.QUERY} if get else {OperationType.QUERY, OperationType.MUTATION}
        try:
            result = await self.schema.execute(
                resolution.query,
                variable_values=params.variables,
                context_value=context,
                operation_name=params.operation_name,
                allowed_operation_types=allowed,
            )
        except InvalidOperationTypeError as exc:
            if get and exc.operation_type is OperationType.MUTATION:
                raise MethodNotAllowed(
                    "mutations run over POST only, never GET", allow="POST"
                ) from None
            raise RequestError(
                f"{exc.operation_type.value} operations are not served over HTTP"
            ) from None
        except CannotGetOperationTypeError as exc:
            message = exc.as_http_error_reason()
            if len(message) > 200:  # it repeats the client's operationName, however long
                message = message[:197] + "..."
            body = error_body(message, "OPERATION_RESOLUTION_FAILURE")
            return self._respond(body, 400 if media == GRAPHQL_RESPONSE_JSON else 200, media)
        except MissingQueryError:
            raise RequestError("'query' is empty") from None
        body, failed_before_execution = self._result_body(result, context)
        if resolution.register is not None and not failed_before_execution:
            await self.persisted.register(resolution.register, resolution.query)
        status = 200
        if failed_before_execution and media == GRAPHQL_RESPONSE_JSON:
            internal = any(code_for(e) == "INTERNAL_SERVER_ERROR" for e in result.errors or ())
            status = 500 if internal else 400
        if key is not None and self.responses is not None and body.keys() == {"data"}:
            ttl = _keepable_for(context)
            if ttl > 0:
                encoded = orjson.dumps(body)
                self.responses.put(key, encoded, ttl)
                return self._respond_bytes(encoded, status, media)
        return self._respond(body, status, media)

    def _result_body(
        self, result: ExecutionResult, context: GraphContext
    ) -> tuple[dict[str, Any], bool]:
        """The response body, and whether the request failed before execution began (no
        ``data`` entry then, as the GraphQL spec says)."""
        errors: list[GraphQLError] = list(result.errors or ())
        failed_before = result.data is None and bool(errors) and all(e.path is None for e in errors)
        body: dict[str, Any] = {}
        if not failed_before:
            body["data"] = result.data
        # Every error leaves in its coded, client-safe form: parse and validation errors,
        # back-end failures and bugs alike (the log already has the originals).
        formatted: list[Any] = [self.error_formatter(error).formatted for error in errors]
        notes = (
            cast(ResponseNotes, context.data) if _conforms(context.data, ResponseNotes) else None
        )
        if notes is not None and notes.problems:
            formatted.extend(notes.problems)
        if formatted:
            body["errors"] = formatted
        extensions = dict(result.extensions or {})
        if notes is not None and notes.stale:
            extensions["stale"] = notes.stale
        if extensions:
            body["extensions"] = extensions
        return body, failed_before

    def _respond(
        self,
        body: dict[str, Any],
        status: int,
        media: str,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        errors = self.metrics.graphql_errors
        for error in body.get("errors") or ():
            errors.labels(error.get("extensions", {}).get("code", "")).inc()
        return self._respond_bytes(orjson.dumps(body), status, media, headers)

    @staticmethod
    def _respond_bytes(
        body: bytes, status: int, media: str, headers: Mapping[str, str] | None = None
    ) -> Response:
        response = Response(
            body,
            status_code=status,
            headers=dict(headers or {}),
            media_type=f"{media}; charset=utf-8",
        )
        response.headers["Vary"] = "Accept"
        return response


def _keepable_for(context: GraphContext) -> float:
    """How long this request's answer may be served from the response cache: only a
    query's, only what its data layer vouches for (``CacheableAnswer``)."""
    if context.extras.get(OPERATION_TYPE) is not OperationType.QUERY:
        return 0.0
    data = context.data
    return cast(CacheableAnswer, data).response_ttl() if _conforms(data, CacheableAnswer) else 0.0
