"""Requests refused before execution: each is an HTTP status, a code and a safe message.

::

    RequestError                      400 BAD_REQUEST: a malformed GraphQL-over-HTTP request
    ├── BatchingNotSupported          400 BATCHING_NOT_SUPPORTED: a JSON array of operations
    ├── CsrfBlocked                   400 CSRF_BLOCKED: a browser could have sent it unasked
    ├── PersistedQueryError           400 (base of the persisted-operation refusals)
    │   ├── PersistedQueryNotFound    200 (APQ, so clients resend the text) or 400 (an id)
    │   ├── PersistedQueryNotSupported 200: APQ is off; clients fall back to the text
    │   ├── PersistedQueryHashMismatch 400: the text does not hash to the hash sent
    │   └── PersistedQueryNotSafelisted 400: safelist mode, and the operation is not listed
    ├── NotFound                      404 NOT_FOUND: the IDE when it is switched off
    ├── MethodNotAllowed              405 METHOD_NOT_ALLOWED (with ``Allow``)
    ├── NotAcceptable                 406 NOT_ACCEPTABLE: no JSON media type in ``Accept``
    ├── BodyTooLarge                  413 BODY_TOO_LARGE
    ├── UnsupportedMediaType          415 UNSUPPORTED_MEDIA_TYPE
    ├── RateLimitExceeded             429 RATE_LIMITED (with ``Retry-After``)
    └── Unauthorized                  401/403, the code of the ``AuthError`` it maps

The endpoint answers every one with a GraphQL-shaped body,
``{"errors": [{"message": ..., "extensions": {"code": ...}}]}``, and never reaches the
back ends.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = [
    "BatchingNotSupported",
    "BodyTooLarge",
    "CsrfBlocked",
    "MethodNotAllowed",
    "NotAcceptable",
    "NotFound",
    "PersistedQueryError",
    "PersistedQueryHashMismatch",
    "PersistedQueryNotFound",
    "PersistedQueryNotSafelisted",
    "PersistedQueryNotSupported",
    "RateLimitExceeded",
    "RequestError",
    "Unauthorized",
    "UnsupportedMediaType",
    "error_body",
]


def error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    """``{"errors": [{"message": message, "extensions": {"code": code, ...}}]}``."""
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


class RequestError(Exception):
    status: int = 400
    code: str = "BAD_REQUEST"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.headers: dict[str, str] = dict(headers or {})
        self.extensions: dict[str, Any] = dict(extensions or {})

    def body(self) -> dict[str, Any]:
        return error_body(self.message, self.code, **self.extensions)


class BatchingNotSupported(RequestError):
    code = "BATCHING_NOT_SUPPORTED"


class CsrfBlocked(RequestError):
    code = "CSRF_BLOCKED"


class PersistedQueryError(RequestError):
    code = "PERSISTED_QUERY_ERROR"


class PersistedQueryNotFound(PersistedQueryError):
    # Apollo clients look for this message and code, then resend with the query text.
    status = 200
    code = "PERSISTED_QUERY_NOT_FOUND"


class PersistedQueryNotSupported(PersistedQueryError):
    status = 200
    code = "PERSISTED_QUERY_NOT_SUPPORTED"


class PersistedQueryHashMismatch(PersistedQueryError):
    code = "PERSISTED_QUERY_HASH_MISMATCH"


class PersistedQueryNotSafelisted(PersistedQueryError):
    code = "PERSISTED_QUERY_NOT_SAFELISTED"


class NotFound(RequestError):
    status = 404
    code = "NOT_FOUND"


class MethodNotAllowed(RequestError):
    status = 405
    code = "METHOD_NOT_ALLOWED"

    def __init__(self, message: str, *, allow: str = "GET, POST") -> None:
        super().__init__(message, headers={"Allow": allow})


class NotAcceptable(RequestError):
    status = 406
    code = "NOT_ACCEPTABLE"


class BodyTooLarge(RequestError):
    status = 413
    code = "BODY_TOO_LARGE"


class UnsupportedMediaType(RequestError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class RateLimitExceeded(RequestError):
    status = 429
    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: float) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            message,
            headers={"Retry-After": str(seconds)},
            extensions={"retryAfter": round(retry_after, 3)},
        )
        self.retry_after = retry_after


class Unauthorized(RequestError):
    status = 401
    code = "UNAUTHENTICATED"

    def __init__(self, message: str, *, code: str, status: int) -> None:
        headers = {"WWW-Authenticate": 'Bearer realm="graphql"'} if status == 401 else None
        super().__init__(message, status=status, headers=headers)
        self.code = code
