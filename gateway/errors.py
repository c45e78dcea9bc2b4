"""Coded errors: what a client sees when something fails, and what the log sees.

Every error in a response carries ``extensions.code``. Back-end failures say which
connector failed (``extensions.connector``, its config name — never a host) and how
(``UPSTREAM_UNAVAILABLE``, ``UPSTREAM_TIMEOUT``, ``RATE_LIMITED``, ...), never the vendor's
text. Errors the graph raises on purpose keep their message and code: a
:class:`schema.errors.GraphError` from a resolver, or an error that a validation rule or
extension created with ``extensions.code`` (the operation limits: ``MAX_DEPTH``, ...).
Anything unexpected becomes ``INTERNAL_SERVER_ERROR`` with a fixed message; the log gets
the detail. With ``suggestions=False`` (the production profile), graphql-core's
"Did you mean ...?" is cut from its messages: it would spell out the schema that turning
introspection off hides.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError, VariableDefinitionNode

from connectors.errors import (
    AuthFailed,
    CircuitOpen,
    ConnectorError,
    NotFound,
    RateLimited,
    RejectedByVendor,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from schema.errors import GraphError

__all__ = ["code_for", "describe", "format_error", "log_error", "strip_suggestions"]

log = logging.getLogger("gateway.errors")

_CONNECTOR_ERRORS: list[tuple[type[ConnectorError], str, str]] = [
    (CircuitOpen, "CIRCUIT_OPEN", "{} is failing; the gateway is not calling it for now"),
    (UpstreamTimeout, "UPSTREAM_TIMEOUT", "{} did not answer in time"),
    (RateLimited, "RATE_LIMITED", "{} is rate limiting the gateway; retry later"),
    (AuthFailed, "UPSTREAM_AUTH_FAILED", "the gateway could not authenticate with {}"),
    (NotFound, "NOT_FOUND", "{} has no such record"),
    (RejectedByVendor, "UPSTREAM_REJECTED", "{} rejected the request"),
    (UpstreamUnavailable, "UPSTREAM_UNAVAILABLE", "{} is unavailable"),
    (ConnectorError, "UPSTREAM_ERROR", "{} failed"),
]


def _bad_variable(error: GraphQLError) -> bool:
    # graphql-core's variable coercion: the client sent a value of the wrong type (its
    # original error, if any, is the scalar's complaint about that value — not a bug).
    nodes = error.nodes or []
    return error.path is None and bool(nodes) and isinstance(nodes[0], VariableDefinitionNode)


_SUGGESTION = re.compile(r"\s*Did you mean\b[^?]*\?")
_TOKEN_LIMIT = re.compile(r"^Syntax Error: Document contains more than \d+ tokens\.")


def _own_code(error: GraphQLError) -> str | None:
    """The code an error was created with on purpose, before execution (a limit rule's).
    A resolver's GraphQLError arrives wrapped (``original_error`` set) and is not trusted."""
    code = (error.extensions or {}).get("code")
    return code if error.original_error is None and isinstance(code, str) and code else None


def code_for(error: GraphQLError) -> str:
    original = error.original_error
    if isinstance(original, ConnectorError):
        return next(code for cls, code, _ in _CONNECTOR_ERRORS if isinstance(original, cls))
    if isinstance(original, GraphError):
        return original.code
    if own := _own_code(error):
        return own
    if isinstance(error, GraphQLSyntaxError):
        # The parser's own token limit (gateway.limits raises it coded already).
        return "MAX_TOKENS" if _TOKEN_LIMIT.search(error.message) else "GRAPHQL_PARSE_FAILED"
    if _bad_variable(error):
        return "BAD_USER_INPUT"
    if original is None:
        # graphql-core's own errors: validation, non-null violations.
        return "GRAPHQL_VALIDATION_FAILED" if error.path is None else "INTERNAL_SERVER_ERROR"
    return "INTERNAL_SERVER_ERROR"


def describe(error: ConnectorError) -> tuple[str, dict[str, Any]]:
    """A back-end failure as a client sees it: a message naming the connector, and
    ``extensions`` with its code — never the vendor's text."""
    code, template = next((c, t) for cls, c, t in _CONNECTOR_ERRORS if isinstance(error, cls))
    extensions: dict[str, Any] = {"code": code, "connector": error.connector}
    wait = getattr(error, "retry_after", None)
    if isinstance(error, RateLimited | CircuitOpen) and wait is not None:
        extensions["retryAfter"] = round(wait, 3)
    return template.format(error.connector), extensions


def strip_suggestions(message: str) -> str:
    """``message`` without graphql-core's "Did you mean ...?" hints."""
    return _SUGGESTION.sub("", message)


def format_error(error: GraphQLError, *, suggestions: bool = True) -> GraphQLError:
    """The client's view of ``error``: a safe message and ``extensions.code``.

    ``suggestions=False`` cuts "Did you mean ...?" from graphql-core's own messages;
    errors raised on purpose keep theirs.
    """
    original = error.original_error
    extensions: dict[str, Any] = dict(error.extensions or {})
    code = code_for(error)
    extensions["code"] = code
    if isinstance(original, ConnectorError):
        message, described = describe(original)
        extensions.update(described)
    elif isinstance(original, GraphError):
        message = original.message
    elif code == "INTERNAL_SERVER_ERROR":
        message = "Unexpected error."
    elif suggestions or _own_code(error):
        message = error.message
    else:
        message = strip_suggestions(error.message)
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def log_error(error: GraphQLError) -> None:
    """Log with the detail a client never sees: vendor text, exception type, traceback."""
    original = error.original_error
    path = ".".join(str(p) for p in error.path or ())
    if isinstance(original, ConnectorError):
        log.warning("%s at %s: %s", type(original).__name__, path or "-", original)
    elif isinstance(original, GraphError) or original is None or _bad_variable(error):
        log.debug("client error at %s: %s", path or "-", error.message)
    else:
        log.error("unexpected error at %s", path or "-", exc_info=original)
