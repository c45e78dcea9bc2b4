"""The GraphQL-over-HTTP request parameters, read strictly from a query string or a body.

``query``, ``variables``, ``operationName`` and ``extensions`` (and Relay's ``doc_id`` or
``id``) are checked for type; anything else is ignored, as the spec allows. Every problem
raises a :class:`~gateway.server.errors.RequestError` that says which parameter and why.

>>> from_body(b'{"query": "{ shop { name } }", "variables": null}').query
'{ shop { name } }'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson

from gateway.server.errors import BatchingNotSupported, RequestError

__all__ = ["MAX_JSON_DEPTH", "GraphQLParams", "from_body", "from_query_string"]

#: How deeply ``variables`` and ``extensions`` may nest. Real inputs nest a few levels;
#: thousands of levels are an attack on whatever walks them next.
MAX_JSON_DEPTH = 32
#: Query-string fields read at most (a GraphQL GET has five at most).
_MAX_FIELDS = 32


@dataclass(frozen=True)
class GraphQLParams:
    query: str | None = None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None
    #: Relay's persisted-operation id (``doc_id``, or ``id``).
    document_id: str | None = None

    @property
    def persisted_query(self) -> Any:
        """``extensions.persistedQuery`` (Automatic Persisted Queries), if sent."""
        return None if self.extensions is None else self.extensions.get("persistedQuery")


def _depth_exceeds(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _string(raw: dict[str, Any], name: str) -> str | None:
    value = raw.get(name)
    if value is None or isinstance(value, str):
        return value
    raise RequestError(f"'{name}' must be a string, not {_kind(value)}")


def _map(raw: dict[str, Any], name: str, max_depth: int) -> dict[str, Any] | None:
    value = raw.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RequestError(f"'{name}' must be a JSON object (a map), not {_kind(value)}")
    if _depth_exceeds(value, max_depth):
        raise RequestError(f"'{name}' nests more than {max_depth} levels deep")
    return value


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), "null")


def _build(raw: dict[str, Any], max_depth: int) -> GraphQLParams:
    query = _string(raw, "query")
    operation_name = _string(raw, "operationName")
    variables = _map(raw, "variables", max_depth)
    extensions = _map(raw, "extensions", max_depth)
    doc_id = _string(raw, "doc_id")
    plain_id = _string(raw, "id")
    if doc_id is not None and plain_id is not None and doc_id != plain_id:
        raise RequestError("send a persisted operation's id as 'doc_id' or 'id', not both")
    document_id = doc_id if doc_id is not None else plain_id
    if document_id is not None and query:
        raise RequestError("send either 'query' or a persisted operation id, not both")
    if document_id == "":
        raise RequestError("the persisted operation id is empty")
    params = GraphQLParams(query, variables, operation_name, extensions, document_id)
    if not query and document_id is None and params.persisted_query is None:
        raise RequestError(
            "the request has no 'query' (nor a persisted operation id or hash)"
            if query is None
            else "'query' is empty"
        )
    return params


def from_body(body: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> GraphQLParams:
    """The parameters of an ``application/json`` POST body (UTF-8, one JSON object)."""
    if not body.strip():
        raise RequestError("the request body is empty; send a JSON object with a 'query'")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(f"the request body is not valid UTF-8 (at byte {exc.start})") from None
    try:
        raw = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise RequestError(f"the request body is not valid JSON: {exc.msg}") from None
    if isinstance(raw, list):
        raise BatchingNotSupported(
            "batched operations (a JSON array) are not supported; send one operation per request"
        )
    if not isinstance(raw, dict):
        raise RequestError(f"the request body must be a JSON object, not {_kind(raw)}")
    return _build(raw, max_depth)


def from_query_string(query_string: bytes, *, max_depth: int = MAX_JSON_DEPTH) -> GraphQLParams:
    """The parameters of a GET request's URL query (``variables`` and ``extensions`` are
    URL-encoded JSON)."""
    try:
        text = query_string.decode("ascii")
    except UnicodeDecodeError:
        raise RequestError("the URL query must be percent-encoded ASCII") from None
    try:
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=False,
            encoding="utf-8",
            errors="strict",
            max_num_fields=_MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise RequestError("the URL query does not decode as UTF-8") from None
    except ValueError:
        raise RequestError(f"the URL query has more than {_MAX_FIELDS} fields") from None
    raw: dict[str, Any] = {}
    for name, value in pairs:
        if name in raw:
            raise RequestError(f"the URL query repeats '{name}'")
        raw[name] = value
    for name in ("variables", "extensions"):
        encoded = raw.get(name)
        if encoded is None:
            continue
        if encoded == "":
            del raw[name]
            continue
        try:
            raw[name] = orjson.loads(encoded)
        except orjson.JSONDecodeError as exc:
            raise RequestError(f"'{name}' is not valid JSON: {exc.msg}") from None
    if raw.get("operationName") == "":
        del raw["operationName"]
    return _build(raw, max_depth)
