"""Building the SOQL the connector sends: escaped literals, checked IDs, URL-sized batches.

Nothing from input reaches a query unescaped. Strings become SOQL literals with
Salesforce's escape sequences; IDs are checked to be Salesforce IDs first; field names
come from settings, checked to be API names when they are read::

    >>> soql_string("o'brien@example.com")
    "'o\\\\'brien@example.com'"
    >>> like_contains("50%_off")
    "'%50\\\\%\\\\_off%'"
    >>> salesforce_id("0035g00000AbCdE")
    '0035g00000AbCdEAAV'
    >>> salesforce_id("0035g00000AbCdE' OR Id != '") is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import quote_plus

from connectors import cursors

__all__ = [
    "chunk_literals",
    "decode_id_cursor",
    "encode_id_cursor",
    "id_suffix",
    "in_clause",
    "keyset_page",
    "like_contains",
    "query_path",
    "salesforce_id",
    "select_contacts",
    "soql_string",
]

# SOQL's quoted-string escape sequences (SOQL and SOSL Reference, "Quoted String Escape
# Sequences"). ``\_`` and ``\%`` exist only inside LIKE and are an error elsewhere, so
# ``soql_string`` sends ``_`` and ``%`` as they are (for ``=`` and ``IN``), and
# ``like_contains`` escapes them.
_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\f": "\\f",
}
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Z0-5]{3})?$")


def _escape(char: str) -> str:
    escaped = _ESCAPES.get(char)
    if escaped is not None:
        return escaped
    if ord(char) < 0x20 or ord(char) == 0x7F:
        # Other control characters (bell, backspace, NUL): no named escape is unambiguous.
        return f"\\u{ord(char):04x}"
    return char


def soql_string(value: str) -> str:
    """``value`` as a quoted SOQL string literal."""
    return "'" + "".join(_escape(char) for char in value) + "'"


def like_contains(value: str) -> str:
    """A quoted LIKE pattern matching any text that contains ``value`` as it is: the
    string escapes of :func:`soql_string`, and ``%`` and ``_`` escaped as ``\\%`` and
    ``\\_`` (which Salesforce allows only in LIKE), between two ``%`` wildcards."""
    escaped = "".join("\\" + char if char in "%_" else _escape(char) for char in value)
    return f"'%{escaped}%'"


def id_suffix(id15: str) -> str:
    """The three characters that make a 15-character ID 18 characters long.

    Each encodes which of five characters are upper case, so the 18-character form
    survives systems that ignore case."""
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << i for i, char in enumerate(id15[start : start + 5]) if "A" <= char <= "Z")
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


def salesforce_id(value: str) -> str | None:
    """The 18-character form of a 15- or 18-character Salesforce ID; ``None`` when
    ``value`` is not one (wrong length, other characters, or a checksum that does not
    match)."""
    if not _ID.match(value):
        return None
    canonical = value[:15] + id_suffix(value[:15])
    if len(value) == 18 and value != canonical:
        return None
    return canonical


def select_contacts(fields: Sequence[str]) -> str:
    """``SELECT <fields> FROM Contact`` with each field once (SOQL refuses duplicates)."""
    unique = list(dict.fromkeys(fields))
    # Field names come from settings, checked there to be API names: nothing to escape.
    return f"SELECT {', '.join(unique)} FROM Contact"  # noqa: S608


def in_clause(field: str, literals: Sequence[str]) -> str:
    """`` WHERE <field> IN (<literals>)`` over literals already quoted."""
    return f" WHERE {field} IN ({', '.join(literals)})"


def keyset_page(select: str, conditions: Sequence[str], limit: int) -> str:
    """``select`` with ``conditions`` ANDed (each already safe SOQL), ``ORDER BY Id``
    and ``LIMIT``: one page of a walk whose next page is ``Id > <the last ID>``."""
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return f"{select}{where} ORDER BY Id LIMIT {limit}"


def query_path(data_path: str, soql: str) -> str:
    """``/services/data/vXX.X/query?q=<soql>``, form-encoded as Salesforce reads it."""
    return f"{data_path}/query?q={quote_plus(soql)}"


def chunk_literals(
    literals: Sequence[str], *, path_for: Callable[[Sequence[str]], str], max_bytes: int
) -> list[list[str]]:
    """Split ``literals`` into runs whose query path (``path_for(run)``) stays within
    ``max_bytes``; a literal too long even alone travels alone (and Salesforce says no)."""
    base = len(path_for([]))
    separator = len(quote_plus(", "))
    chunks: list[list[str]] = []
    current: list[str] = []
    size = base
    for literal in literals:
        cost = len(quote_plus(literal)) + (separator if current else 0)
        if current and size + cost > max_bytes:
            chunks.append(current)
            current, size = [], base
            cost = len(quote_plus(literal))
        current.append(literal)
        size += cost
    if current:
        chunks.append(current)
    return chunks


def encode_id_cursor(last_id: str) -> str:
    """An opaque keyset cursor: the ID of the last record on a page (``WHERE Id > it``)."""
    return cursors.encode("sf-id", last_id)


def decode_id_cursor(cursor: str | None) -> str | None:
    """The 18-character ID in a keyset ``cursor``; ``None`` is the start. Anything else
    raises ``ValueError``."""
    if cursor is None:
        return None
    last = salesforce_id(cursors.decode("sf-id", cursor))
    if last is None:
        raise ValueError(f"not a cursor from this connector: {cursor!r}")
    return last
