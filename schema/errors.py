"""Errors the graph raises on purpose. Their messages are written for the client.

    GraphError               a coded error whose message is safe to show
    ├── BadUserInput         the arguments are wrong (BAD_USER_INPUT)
    │   ├── InvalidId        not a global ID, or one of another type (INVALID_ID)
    │   └── InvalidCursor    not a cursor this field handed out (INVALID_CURSOR)
    └── NotConfigured        the gateway has no back end for what was asked (NOT_CONFIGURED)

Back-end failures are not here: connectors raise :mod:`connectors.errors`, and the gateway
turns those into coded errors (``UPSTREAM_UNAVAILABLE``, ...) without their vendor text.
"""

from __future__ import annotations

__all__ = ["BadUserInput", "GraphError", "InvalidCursor", "InvalidId", "NotConfigured"]


class GraphError(Exception):
    code = "GRAPH_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadUserInput(GraphError):
    code = "BAD_USER_INPUT"


class InvalidId(BadUserInput):
    code = "INVALID_ID"

    def __init__(self, value: str, *, expected: str | None = None) -> None:
        shown = value if len(value) <= 80 else value[:77] + "..."
        what = f"a {expected} ID" if expected else "a global ID"
        super().__init__(f"{shown!r} is not {what}; use an `id` this API returned")


class InvalidCursor(BadUserInput):
    code = "INVALID_CURSOR"

    def __init__(self) -> None:
        super().__init__("`after` is not a cursor this field returned; use `pageInfo.endCursor`")


class NotConfigured(GraphError):
    code = "NOT_CONFIGURED"
