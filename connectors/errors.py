"""The only exceptions that leave a connector.

Each connector maps its transport and its vendor's error bodies once, at its boundary, to
the most specific class here (``raise ... from exc``), so the gateway never sees a raw
``httpx`` error or a vendor payload. Messages are safe to log: no tokens, no hosts' secrets.
They are never shown to a storefront as they are; the gateway turns them into coded errors.

    ConnectorError
    ├── UpstreamUnavailable      the back end is down, erroring (5xx) or unreachable
    │   ├── UnexpectedResponse   it answered, but not in a shape the connector can read
    │   └── CircuitOpen          the gateway stopped calling it after repeated failures
    ├── UpstreamTimeout          no answer in time
    ├── RateLimited              the vendor throttled us; ``retry_after`` seconds, if it said
    ├── AuthFailed               the vendor rejected our credentials
    ├── NotFound                 a single-record call named a record that does not exist
    └── RejectedByVendor         the vendor refused the request itself (validation, userErrors)

    SettingsError                a connector's settings are wrong (raised at start-up)
"""

from __future__ import annotations

__all__ = [
    "AuthFailed",
    "CircuitOpen",
    "ConnectorError",
    "NotFound",
    "RateLimited",
    "RejectedByVendor",
    "SettingsError",
    "UnexpectedResponse",
    "UpstreamTimeout",
    "UpstreamUnavailable",
]


class ConnectorError(Exception):
    """A back end could not answer. ``connector`` names which one."""

    def __init__(self, message: str, *, connector: str) -> None:
        super().__init__(message)
        self.message = message
        self.connector = connector

    def __str__(self) -> str:
        return f"{self.connector}: {self.message}"


class UpstreamUnavailable(ConnectorError):
    """The back end is down, answered 5xx, or could not be reached."""


class UnexpectedResponse(UpstreamUnavailable):
    """The back end answered with a body the connector cannot read."""


class CircuitOpen(UpstreamUnavailable):
    """The gateway is not calling this back end for a while: it failed too often in a row.

    ``retry_after`` is when the gateway will let a probe call through.
    """

    def __init__(self, message: str, *, connector: str, retry_after: float | None = None) -> None:
        super().__init__(message, connector=connector)
        self.retry_after = retry_after


class UpstreamTimeout(ConnectorError):
    """The back end did not answer in time."""


class RateLimited(ConnectorError):
    """The vendor throttled the call. Retry after ``retry_after`` seconds when it is known."""

    def __init__(self, message: str, *, connector: str, retry_after: float | None = None) -> None:
        super().__init__(message, connector=connector)
        self.retry_after = retry_after


class AuthFailed(ConnectorError):
    """The vendor rejected the connector's credentials (expired, revoked or wrong)."""


class NotFound(ConnectorError):
    """A call about one record named a record the vendor does not have.

    Batch reads never raise it: they return ``None`` in that key's place.
    """


class RejectedByVendor(ConnectorError):
    """The vendor refused the request: a validation error or mutation ``userErrors``.

    ``code`` is the vendor's error code when it gives one; ``field`` the input path.
    """

    def __init__(
        self,
        message: str,
        *,
        connector: str,
        code: str | None = None,
        field: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, connector=connector)
        self.code = code
        self.field = field


class SettingsError(ValueError):
    """A connector's settings are missing or malformed. The message says how to fix them."""
