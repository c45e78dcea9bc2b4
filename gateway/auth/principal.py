"""Who is asking: the principal every request runs as.

>>> Principal.anonymous("203.0.113.9").scopes
frozenset({'storefront'})
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ADMIN", "CUSTOMER", "STOREFRONT", "AuthError", "Principal"]

from schema.permissions import ADMIN, CUSTOMER, STOREFRONT


@dataclass(frozen=True)
class Principal:
    #: "anonymous", "api_key" or "customer".
    kind: str
    #: The API key's configured name, the token's subject, or the client address.
    name: str
    scopes: frozenset[str] = frozenset()
    #: For a customer session: the email the token vouches for (normalised), if any.
    email: str | None = None
    #: For a customer session: a record of the customer, as (system, external id), if any.
    record: tuple[str, str] | None = None
    #: What rate limits and caches are keyed by (never the key or token itself).
    key: str = field(default="")

    @classmethod
    def anonymous(
        cls, address: str, *, scopes: frozenset[str] = frozenset({STOREFRONT})
    ) -> Principal:
        return cls("anonymous", address, scopes, key=f"ip:{address}")

    def can(self, scope: str) -> bool:
        return ADMIN in self.scopes or scope in self.scopes


class AuthError(Exception):
    """The request's credentials are missing, wrong or expired (HTTP 401), or not enough
    for the endpoint (HTTP 403). The message is safe to show; it never repeats a credential."""

    def __init__(self, message: str, *, code: str = "UNAUTHENTICATED", status: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
