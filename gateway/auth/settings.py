"""``[auth]``: who may ask what.

.. code-block:: toml

    [auth]
    anonymous_scopes = ["storefront"]      # no credentials: the public catalog

    [[auth.api_keys]]
    name = "web-storefront"                # logs and rate limits use the name, never the key
    key = "${STOREFRONT_API_KEY}"
    scopes = ["storefront"]

    [[auth.api_keys]]
    name = "customer-service"
    key = "${BACKOFFICE_API_KEY}"
    scopes = ["admin"]

    [auth.jwt]                             # customer sessions from your identity provider
    algorithms = ["RS256"]
    jwks_file = "/etc/commerce-gateway/jwks.json"
    issuer = "https://id.nordlicht.example"
    audience = "commerce-gateway"

See ``docs/security.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from connectors.secrets import Secret

__all__ = ["SCOPES", "ApiKey", "AuthSettings", "JwtSettings"]

SCOPES = ("storefront", "customer", "admin")


@dataclass(frozen=True)
class ApiKey:
    name: str
    key: Secret
    scopes: tuple[str, ...] = ("storefront",)


@dataclass(frozen=True)
class JwtSettings:
    #: Accepted signing algorithms; a token signed otherwise ("none" included) is refused.
    algorithms: tuple[str, ...] = ("RS256",)
    #: The shared secret for HS256/384/512.
    secret: Secret | None = None
    #: PEM public keys for RS*/ES* (any of them may have signed).
    public_keys: tuple[str, ...] = ()
    #: A JWKS document, inline, or the path of a file holding one.
    jwks: dict[str, Any] | None = None
    jwks_file: str | None = None
    issuer: str | None = None
    audience: str | None = None
    #: Seconds of clock skew tolerated on ``exp`` and ``nbf``.
    leeway: float = 30.0
    #: The claim holding the customer's email, which the identity provider has verified.
    email_claim: str = "email"
    #: A claim naming the customer's record in one system: ``"<connector>:<its id>"``.
    record_claim: str = "commerce_customer"
    #: A claim listing extra scopes the token grants (space-separated, as OAuth's ``scope``);
    #: only ``admin`` is honoured there, for staff tools.
    scope_claim: str = "scope"


@dataclass(frozen=True)
class AuthSettings:
    #: What a request with no credentials may do. ``None``: ``["storefront"]`` in the dev
    #: profile, nothing in production (every client then needs a key or a token).
    anonymous_scopes: tuple[str, ...] | None = None
    api_keys: tuple[ApiKey, ...] = ()
    jwt: JwtSettings | None = None
    #: The header carrying an API key.
    api_key_header: str = "X-Api-Key"
    #: Headers that tell who the client is (behind a proxy): used for the anonymous
    #: principal's address when set, e.g. "X-Forwarded-For"; empty trusts the peer only.
    client_ip_header: str = ""
