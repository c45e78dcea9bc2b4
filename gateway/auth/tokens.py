"""Bearer tokens: a customer session's JWT, verified against ``[auth.jwt]``.

Imported only by gateways that accept bearer tokens (PyJWT and cryptography cost every
worker 10 MB); see :class:`~gateway.auth.authenticate.Authenticator`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jwt
from jwt import PyJWKSet

from gateway.auth.principal import AuthError
from gateway.auth.settings import JwtSettings

__all__ = ["TokenVerifier"]


class TokenVerifier:
    """Checks a token's algorithm, signature (secret, PEM keys or JWKS, by ``kid``),
    expiry, audience and issuer, and gives its claims or raises :class:`AuthError`.

    Raises ``ValueError`` (or ``OSError`` for a JWKS file) when the keys cannot be read."""

    def __init__(self, settings: JwtSettings) -> None:
        self.settings = settings
        try:
            self.keys = _keys(settings)
        except jwt.PyJWTError as exc:
            raise ValueError(str(exc)) from None

    def verify(self, token: str) -> dict[str, Any]:
        settings = self.settings
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("the bearer token is malformed") from None
        algorithm = header.get("alg")
        if algorithm not in settings.algorithms:
            raise AuthError("the bearer token's signing algorithm is not accepted")
        kid = header.get("kid")
        last: jwt.PyJWTError | None = None
        for key_id, key in self.keys:
            if kid is not None and key_id is not None and key_id != kid:
                continue
            try:
                claims: dict[str, Any] = jwt.decode(
                    token,
                    key=key,
                    algorithms=list(settings.algorithms),
                    audience=settings.audience,
                    issuer=settings.issuer,
                    leeway=settings.leeway,
                    options={"require": ["exp"], "verify_aud": settings.audience is not None},
                )
                return claims
            except jwt.ExpiredSignatureError:
                raise AuthError("the bearer token has expired") from None
            except jwt.MissingRequiredClaimError:
                raise AuthError("the bearer token has no expiry (exp); it must have one") from None
            except (jwt.InvalidAudienceError, jwt.InvalidIssuerError):
                raise AuthError("the bearer token is not for this gateway") from None
            except jwt.PyJWTError as exc:
                last = exc
        raise AuthError("the bearer token's signature is not valid") from last


def _keys(settings: JwtSettings) -> list[tuple[str | None, Any]]:
    """(key id, key) pairs a token may be verified with."""
    keys: list[tuple[str | None, Any]] = []
    if settings.secret is not None:
        keys.append((None, settings.secret.reveal()))
    keys.extend((None, pem) for pem in settings.public_keys)
    document = settings.jwks
    if settings.jwks_file:
        document = json.loads(Path(settings.jwks_file).read_text(encoding="utf-8"))
    if document:
        for jwk in PyJWKSet.from_dict(document).keys:
            keys.append((jwk.key_id, jwk.key))
    return keys
