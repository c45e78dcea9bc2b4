"""CSRF prevention, as Apollo Router does it: refuse what a browser sends without a preflight.

A page on another site can make a browser send a "simple" request — GET, or POST with a
CORS-safelisted content type (``text/plain``, ``application/x-www-form-urlencoded``,
``multipart/form-data``) — with the user's cookies, without asking the gateway first. The
gateway therefore runs a request only if it is *preflighted*: its ``Content-Type`` is
something else (``application/json``), or it carries a header a page cannot add without a
preflight (``Apollo-Require-Preflight``, ``X-Apollo-Operation-Name``,
``X-Commerce-Gateway-Client``, or one you configure). A GET therefore needs such a header.

>>> headers = {"content-type": "text/plain"}
>>> is_preflighted([headers["content-type"]], headers, CsrfSettings().required_headers)
False
>>> is_preflighted(["application/json"], {}, CsrfSettings().required_headers)
True
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

from gateway.server.errors import CsrfBlocked
from gateway.server.media import parse_media_type

__all__ = ["SIMPLE_CONTENT_TYPES", "CsrfSettings", "check_csrf", "is_preflighted"]

#: The content types a page may POST cross-origin without a preflight (the Fetch standard).
SIMPLE_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)


@dataclass(frozen=True)
class CsrfSettings:
    """``enabled``: refuse requests a browser could send without a preflight (keep it on
    unless nothing in front of the gateway ever carries cookies or other ambient
    credentials). ``required_headers``: any one of these (case-insensitive) makes a request
    preflighted whatever its content type."""

    enabled: bool = True
    required_headers: tuple[str, ...] = (
        "x-apollo-operation-name",
        "apollo-require-preflight",
        "x-commerce-gateway-client",
    )


def _content_type_requires_preflight(values: Sequence[str]) -> bool:
    if not values:
        return False
    # Several headers combine as the Fetch standard does; a value that is not one media
    # type might still be one a browser sends unasked, so it is not taken as preflighted.
    parsed = parse_media_type(", ".join(v.strip().replace("\t", " ") for v in values))
    if parsed is None:
        return False
    return parsed[0] not in SIMPLE_CONTENT_TYPES


def is_preflighted(
    content_types: Sequence[str], headers: Container[str], required_headers: Sequence[str]
) -> bool:
    """Whether a browser must have asked (a CORS preflight) before sending this request.

    ``content_types`` are the request's ``Content-Type`` values (none, usually one);
    ``headers`` holds its header names in lower case.
    """
    return _content_type_requires_preflight(content_types) or any(
        name.lower() in headers for name in required_headers
    )


def check_csrf(
    content_types: Sequence[str], headers: Container[str], settings: CsrfSettings
) -> None:
    """Raise :class:`CsrfBlocked`, naming the headers to add, unless the request is
    preflighted (or the check is switched off)."""
    if not settings.enabled or is_preflighted(content_types, headers, settings.required_headers):
        return
    names = ", ".join(_title(name) for name in settings.required_headers)
    raise CsrfBlocked(
        "This request has been blocked as a potential Cross-Site Request Forgery (CSRF): "
        "a browser could have sent it without asking. Send a POST with "
        f"'Content-Type: application/json', or add one of these headers: {names}.",
        extensions={"requiredHeaders": [_title(name) for name in settings.required_headers]},
    )


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))
