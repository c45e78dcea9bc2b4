"""Turning a request's credentials into a :class:`Principal`.

- ``X-Api-Key: <key>`` (the header is configurable): a configured API key, compared in
  constant time against each; the principal is named after the key, never the key itself.
- ``Authorization: Bearer <jwt>``: a customer session signed by your identity provider
  (HS256 with a shared secret, RS256/ES256 with PEM keys or a JWKS document); ``exp`` is
  required, ``iss``/``aud`` checked when configured, the algorithm must be one allowed.
- Neither: the anonymous principal, with the configured anonymous scopes.

A wrong key or a bad token is refused (401), never downgraded to anonymous: a client that
sends credentials meant them.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import TYPE_CHECKING

from gateway.auth.principal import ADMIN, CUSTOMER, STOREFRONT, AuthError, Principal
from gateway.auth.settings import AuthSettings
from gateway.federation.customers import normalise_email

if TYPE_CHECKING:
    from gateway.auth.tokens import TokenVerifier

__all__ = ["Authenticator"]


class Authenticator:
    def __init__(self, settings: AuthSettings, *, production: bool = False) -> None:
        self.settings = settings
        default = () if production else (STOREFRONT,)
        anonymous = settings.anonymous_scopes
        self._anonymous = frozenset(default if anonymous is None else anonymous)
        self._keys = [(k.key.reveal().encode(), k) for k in settings.api_keys]
        self._jwt = settings.jwt
        self._tokens: TokenVerifier | None = None
        if settings.jwt is not None:
            # PyJWT (and cryptography) only for gateways that take bearer tokens: 10 MB.
            from gateway.auth.tokens import TokenVerifier

            self._tokens = TokenVerifier(settings.jwt)

    def __call__(self, headers: Mapping[str, str], client: str) -> Principal:
        """The principal for a request's headers and client address."""
        supplied = headers.get(self.settings.api_key_header.lower())
        authorization = headers.get("authorization", "")
        if supplied is not None:
            return self._api_key(supplied)
        if authorization:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthError('the Authorization header must be "Bearer <token>"')
            return self._token(token.strip())
        address = client
        if self.settings.client_ip_header:
            forwarded = headers.get(self.settings.client_ip_header.lower(), "")
            address = forwarded.split(",")[0].strip() or client
        return Principal.anonymous(address, scopes=self._anonymous)

    def _api_key(self, supplied: str) -> Principal:
        given = supplied.strip().encode()
        found = None
        for expected, key in self._keys:
            # Compare with every key, so timing tells nothing about which one (if any) matched.
            if hmac.compare_digest(given, expected):
                found = key
        if found is None:
            raise AuthError("the API key is not valid")
        return Principal("api_key", found.name, frozenset(found.scopes), key=f"key:{found.name}")

    def _token(self, token: str) -> Principal:
        settings = self._jwt
        if settings is None or self._tokens is None or not self._tokens.keys:
            raise AuthError("this gateway does not accept bearer tokens")
        claims = self._tokens.verify(token)
        subject = str(claims.get("sub") or "")
        email = claims.get(settings.email_claim)
        record = claims.get(settings.record_claim)
        scopes = {STOREFRONT, CUSTOMER}
        granted = claims.get(settings.scope_claim)
        if isinstance(granted, str) and ADMIN in granted.split():
            scopes.add(ADMIN)
        parsed: tuple[str, str] | None = None
        if isinstance(record, str) and ":" in record:
            system, _, external_id = record.partition(":")
            parsed = (system, external_id)
        if not (subject or email or parsed):
            raise AuthError("the token names no customer (no sub, email or customer claim)")
        return Principal(
            "customer",
            subject or str(email or record),
            frozenset(scopes),
            email=normalise_email(email) if isinstance(email, str) and email else None,
            record=parsed,
            key=f"customer:{subject or email or record}",
        )
