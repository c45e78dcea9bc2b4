"""The part of Shopify's search syntax the sandbox understands.

Supported: terms separated by whitespace (``AND`` implied, or written), ``OR`` between
them (``AND`` binds tighter), ``field:value``, bare values (the resource's default
fields), values quoted with ``"`` or ``'`` with backslash escapes, and backslash-escaped
special characters in bare values. Everything else Shopify's grammar allows —
parentheses, ``-``/``NOT``, comparators such as ``:>``, ``*`` wildcards — is refused with
:class:`UnsupportedSearch` rather than silently matching everything::

    >>> matcher = parse_search('sku:"NL-1001-BLK-S" OR sku:NL-1002-NVY-M')
    >>> matcher.fields
    {'sku'}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Field", "Search", "UnsupportedSearch", "matches", "parse_search"]

_SPECIAL = set(":\\()")


class UnsupportedSearch(ValueError):
    """The query uses syntax or a field the sandbox does not implement."""


@dataclass(frozen=True, slots=True)
class Term:
    field: str | None
    value: str


@dataclass(frozen=True)
class Search:
    """A parsed query: any of ``groups`` matches when all of its terms do."""

    groups: tuple[tuple[Term, ...], ...]

    @property
    def fields(self) -> set[str]:
        return {term.field for group in self.groups for term in group if term.field}


#: How one searchable field reads an item: the item's values for it, and whether a term
#: must equal a value (case-insensitive) or only occur in one.
@dataclass(frozen=True, slots=True)
class Field:
    values: Callable[[Any], Iterable[str]]
    exact: bool = True


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if char == quote:
            return "".join(out), i + 1
        out.append(char)
        i += 1
    raise UnsupportedSearch(f"unterminated quoted value at position {start}")


def _tokens(text: str) -> list[Term | str]:
    tokens: list[Term | str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char in "()":
            raise UnsupportedSearch("parentheses are not supported by the sandbox")
        if char == "-":
            raise UnsupportedSearch("the '-' modifier is not supported by the sandbox")
        if char in "\"'":
            value, i = _read_quoted(text, i)
            tokens.append(Term(None, value))
            continue
        # A name, a connective, or field:value.
        j = i
        while (
            j < len(text)
            and not text[j].isspace()
            and text[j] not in _SPECIAL
            and text[j] not in "\"'"
        ):
            j += 1
        word = text[i:j]
        if j < len(text) and text[j] == ":":
            if not word:
                raise UnsupportedSearch(f"a ':' without a field name at position {j}")
            j += 1
            if j < len(text) and text[j] in "<>":
                raise UnsupportedSearch(f"comparator ':{text[j]}' is not supported by the sandbox")
            if j < len(text) and text[j] in "\"'":
                value, i = _read_quoted(text, j)
            else:
                value, i = _read_bare_value(text, j)
            if not value:
                raise UnsupportedSearch(f"field {word!r} has no value")
            tokens.append(Term(word, value))
            continue
        if word in ("AND", "OR") and (j == len(text) or text[j].isspace()):
            tokens.append(word)
            i = j
            continue
        if word == "NOT":
            raise UnsupportedSearch("the NOT modifier is not supported by the sandbox")
        value, i = _read_bare_value(text, i)
        tokens.append(Term(None, value))
    return tokens


def _read_bare_value(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    i = start
    while i < len(text) and not text[i].isspace():
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(text[i + 1])
            i += 2
            continue
        if char in "()":
            raise UnsupportedSearch("parentheses are not supported by the sandbox")
        if char == "*":
            raise UnsupportedSearch("'*' wildcards are not supported by the sandbox")
        out.append(char)
        i += 1
    return "".join(out), i


def parse_search(text: str) -> Search:
    """Parse ``text``; raise :class:`UnsupportedSearch` for what the sandbox cannot match."""
    groups: list[tuple[Term, ...]] = []
    current: list[Term] = []
    expect_term = True
    for token in _tokens(text):
        if isinstance(token, Term):
            current.append(token)
            expect_term = False
            continue
        if expect_term:
            raise UnsupportedSearch(f"{token} without a term before it")
        if token == "OR":
            groups.append(tuple(current))
            current = []
        expect_term = True
    if expect_term and (groups or current):
        raise UnsupportedSearch("the query ends with a connective")
    if current:
        groups.append(tuple(current))
    return Search(tuple(groups))


def matches(
    search: Search, item: Any, fields: Mapping[str, Field], default: Field, *, resource: str
) -> bool:
    """Whether ``item`` matches; an unknown field raises :class:`UnsupportedSearch`."""
    if not search.groups:
        return True
    unknown = search.fields - set(fields)
    if unknown:
        known = ", ".join(sorted(fields))
        raise UnsupportedSearch(
            f"the sandbox cannot search {resource} by {', '.join(sorted(unknown))} "
            f"(it can by: {known})"
        )
    return any(all(_term(term, item, fields, default) for term in group) for group in search.groups)


def _term(term: Term, item: Any, fields: Mapping[str, Field], default: Field) -> bool:
    spec = fields[term.field] if term.field else default
    wanted = term.value.casefold()
    values = (value.casefold() for value in spec.values(item) if value)
    if spec.exact:
        return any(value == wanted for value in values)
    return any(wanted in value for value in values)
