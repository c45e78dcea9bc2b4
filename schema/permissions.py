"""Who may read which fields, declared on the fields themselves.

A field lists the permission it needs (``permission_classes=[CanReadCustomers]``); the
request's viewer (``info.context.viewer``) has scopes. Scopes:

    storefront   the catalog, prices, stock and locations
    customer     one's own customer profile and orders (rows are filtered by the data layer:
                 another customer's records answer exactly as if missing)
    admin        everything, any customer's data and the customer directory included

A field the viewer may not read answers ``null`` with a ``FORBIDDEN`` error that says which
scope it needs — the same for every argument, so it tells nothing about what exists.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from strawberry.permission import BasePermission

from schema.errors import GraphError

__all__ = [
    "ADMIN",
    "CUSTOMER",
    "NODE_SCOPES",
    "STOREFRONT",
    "CanReadCatalog",
    "CanReadCustomers",
    "Forbidden",
    "IsAdmin",
    "Unrestricted",
    "Viewer",
    "require",
]

STOREFRONT = "storefront"
CUSTOMER = "customer"
ADMIN = "admin"

#: The scope ``node(id:)`` needs for each type it can answer.
NODE_SCOPES = {
    "Product": STOREFRONT,
    "Variant": STOREFRONT,
    "Location": STOREFRONT,
    "Customer": CUSTOMER,
    "Order": CUSTOMER,
}


class Viewer(Protocol):
    def can(self, scope: str) -> bool: ...


class Unrestricted:
    """A viewer with every scope (tools and tests that build a context directly)."""

    def can(self, scope: str) -> bool:
        return True


class Forbidden(GraphError):
    code = "FORBIDDEN"


def require(info: Any, scope: str) -> None:
    """Raise :class:`Forbidden` unless the request's viewer has ``scope`` (or admin)."""
    viewer: Viewer = info.context.viewer
    if not (viewer.can(scope) or viewer.can(ADMIN)):
        raise Forbidden(f"this field needs the {scope} scope; use an API key or token that has it")


class _Scoped(BasePermission):
    scope: ClassVar[str]

    def __init__(self) -> None:
        self.message = (
            f"this field needs the {self.scope} scope; use an API key or token that has it"
        )

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        viewer: Viewer = info.context.viewer
        return viewer.can(self.scope) or viewer.can(ADMIN)

    def on_unauthorized(self) -> None:
        # Our own coded error, so it leaves with its message rather than masked.
        raise Forbidden(self.message or "forbidden")


class CanReadCatalog(_Scoped):
    scope = STOREFRONT


class CanReadCustomers(_Scoped):
    scope = CUSTOMER


class IsAdmin(_Scoped):
    scope = ADMIN
