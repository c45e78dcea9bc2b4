"""Media types: which one a response uses (``Accept``), and what a request body is.

>>> negotiate("application/graphql-response+json, application/json;q=0.9")
'application/graphql-response+json'
>>> negotiate("*/*")
'application/json'
>>> negotiate("text/html") is None
True
>>> parse_media_type("Application/JSON; charset=UTF-8")
('application/json', {'charset': 'utf-8'})
"""

from __future__ import annotations

import re

__all__ = [
    "GRAPHQL_RESPONSE_JSON",
    "JSON",
    "negotiate",
    "parse_media_type",
    "wants_html",
]

#: The GraphQL-over-HTTP response media type: status codes tell request errors apart.
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
#: The legacy response media type: 200 for every well-formed GraphQL request.
JSON = "application/json"

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9a-z-]+/[!#$%&'*+.^_`|~0-9a-z-]+$")
_UTF8 = ("utf-8", "utf8")
#: Entries of ``Accept`` looked at; a longer header is someone's experiment, not a browser.
_MAX_ACCEPT_ENTRIES = 64


def parse_media_type(value: str) -> tuple[str, dict[str, str]] | None:
    """``type/subtype`` in lower case and its parameters (names and values lower-cased,
    quotes removed), or ``None`` when ``value`` is not a media type."""
    essence, *raw_params = value.split(";")
    essence = essence.strip().lower()
    if not _TOKEN.match(essence):
        return None
    params: dict[str, str] = {}
    for raw in raw_params:
        name, sep, param = raw.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            if raw.strip():
                return None
            continue
        params[name] = param.strip().strip('"').lower()
    return essence, params


def _entries(accept: str) -> list[tuple[str, float]]:
    """``(media range, q)`` for each acceptable entry; charsets other than UTF-8 drop out."""
    entries = []
    for raw in accept.split(",")[:_MAX_ACCEPT_ENTRIES]:
        if not raw.strip():
            continue
        parsed = parse_media_type(raw)
        if parsed is None:
            continue
        essence, params = parsed
        if params.get("charset", "utf-8") not in _UTF8:
            continue
        try:
            q = float(params.get("q", "1"))
        except ValueError:
            continue
        if not 0 < q <= 1:
            continue
        entries.append((essence, q))
    return entries


def negotiate(accept: str | None) -> str | None:
    """The response media type for an ``Accept`` header, or ``None`` if it accepts neither.

    No header (or an empty one) means ``application/json``, as the spec asks until its
    watershed. Wildcards (``*/*``, ``application/*``) mean ``application/json`` too: a
    client that never heard of the newer type must not get it. When both types are named,
    the higher ``q`` wins and a tie goes to ``application/graphql-response+json``.
    """
    if accept is None or not accept.strip():
        return JSON
    graphql_q = json_q = 0.0
    for essence, q in _entries(accept):
        if essence == GRAPHQL_RESPONSE_JSON:
            graphql_q = max(graphql_q, q)
        elif essence in (JSON, "application/*", "*/*"):
            json_q = max(json_q, q)
    if graphql_q and graphql_q >= json_q:
        return GRAPHQL_RESPONSE_JSON
    if json_q:
        return JSON
    return None


def wants_html(accept: str | None) -> bool:
    """Whether ``Accept`` names ``text/html`` (a browser opening the endpoint)."""
    return accept is not None and any(e == "text/html" for e, _ in _entries(accept))
