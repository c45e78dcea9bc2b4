"""Building OCC and OData request URLs: query strings, batches that fit in a URL, cursors.

Batch reads put every key in one URL — OCC's search query (``:relevance:code:A:code:B``)
and the Integration API's ``$filter`` (``productCode eq 'A' or productCode eq 'B'``) — so
a long key list is cut into chunks whose URL stays under the ``max_url_bytes`` setting::

    >>> any_of("uid", ["a@x.example", "o'neil@x.example"])
    "uid eq 'a@x.example' or uid eq 'o''neil@x.example'"

    >>> chunk_terms(["A1", "B2", "C3"], budget=4)
    [['A1', 'B2'], ['C3']]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote

from connectors import cursors

__all__ = [
    "any_of",
    "chunk_terms",
    "decode_cursor",
    "encode_cursor",
    "encoded_len",
    "odata_string",
    "query_string",
    "search_query",
    "searchable_code",
    "stock_filter",
    "substring_of",
]

# Characters OCC and OData read literally in a query value; everything else is escaped.
_SAFE = "$'(),/:"


#: What quote() leaves as it is: for such text the encoded length is the length.
_VERBATIM = re.compile(r"[A-Za-z0-9_.~\-$'(),/:]*")


def encoded_len(text: str) -> int:
    """Bytes ``text`` takes in a query string (additive: the parts' sum is the whole's)."""
    if _VERBATIM.fullmatch(text):
        return len(text)
    return len(quote(text, safe=_SAFE))


#: Text whose only character quote() would change is the space.
_VERBATIM_BUT_SPACES = re.compile(r"[A-Za-z0-9_.~\-$'(),/: ]*")


def query_string(params: Iterable[tuple[str, str | int]]) -> str:
    """``key=value&...`` with spaces as ``%20`` (OData parsers do not all read ``+``)."""
    return "&".join(f"{quote(k, safe='$')}={_quote_value(str(v))}" for k, v in params)


def _quote_value(text: str) -> str:
    # quote() walks a long $filter byte by byte in Python; most need only their spaces.
    if _VERBATIM_BUT_SPACES.fullmatch(text):
        return text.replace(" ", "%20")
    return quote(text, safe=_SAFE)


def chunk_terms(
    terms: Sequence[str], *, budget: int, cost: Callable[[str], int] = encoded_len
) -> list[list[str]]:
    """Split ``terms`` into runs whose summed ``cost`` (bytes in the URL) fits in ``budget``;
    a term dearer than the budget travels alone."""
    chunks: list[list[str]] = []
    current: list[str] = []
    size = 0
    for term in terms:
        length = cost(term)
        if current and size + length > budget:
            chunks.append(current)
            current, size = [], 0
        current.append(term)
        size += length
    if current:
        chunks.append(current)
    return chunks


def search_query(free_text: str = "", *, sort: str = "relevance", codes: Sequence[str] = ()) -> str:
    """An OCC search query, ``freeText:sort:key:value:key:value``; ``code`` terms OR together.

    OCC has no escape for ``:`` inside a term, so free text loses its colons and codes
    holding one must be left out by the caller (:func:`searchable_code`).
    """
    text = " ".join(free_text.replace(":", " ").split())
    return ":".join([text, sort, *(f"code:{code}" for code in codes)])


def searchable_code(code: str) -> bool:
    return bool(code) and ":" not in code


def odata_string(value: str) -> str:
    """An OData string literal: single quotes, an inner ``'`` doubled."""
    return "'" + value.replace("'", "''") + "'"


def any_of(path: str, values: Sequence[str]) -> str:
    """``path eq 'a' or path eq 'b' ...``: OData v2 has no ``in``."""
    return " or ".join(f"{path} eq {odata_string(value)}" for value in values)


def substring_of(text: str, path: str) -> str:
    """``substringof('text', path) eq true``: OData v2's "contains" (needle first)."""
    return f"substringof({odata_string(text)}, {path}) eq true"


def stock_filter(product_codes: Sequence[str], warehouse_codes: Sequence[str] | None) -> str:
    """``(productCode eq 'A' or ...) and (warehouse/code eq 'w' or ...)``."""
    products = any_of("productCode", product_codes)
    if not warehouse_codes:
        return f"({products})"
    return f"({products}) and ({any_of('warehouse/code', warehouse_codes)})"


def encode_cursor(offset: int) -> str:
    """An opaque cursor: the offset of the next item, so a later page may use any size."""
    return cursors.encode("occ", offset)


def decode_cursor(cursor: str | None) -> int:
    """The offset in ``cursor``; ``None`` means the start. A foreign cursor raises ``ValueError``."""
    if cursor is None:
        return 0
    number = cursors.decode("occ", cursor)
    if not number.isdigit():
        raise ValueError(f"not a cursor from this connector: {cursor!r}")
    return int(number)
