"""Authentication and authorisation: API keys, JWT customer sessions, scopes.

See ``docs/security.md``.
"""

from __future__ import annotations

from gateway.auth.principal import ADMIN, CUSTOMER, STOREFRONT, AuthError, Principal

__all__ = ["ADMIN", "CUSTOMER", "STOREFRONT", "AuthError", "Principal"]
