"""The subset of OData v2 query options the sandbox's Integration API understands.

``$filter``: comparisons with ``eq`` on string, integer or boolean literals and
``substringof('text', path)`` (alone or ``eq true`` / ``eq false``; case-sensitive), joined
by ``and`` / ``or`` (``and`` binds tighter) and grouped by parentheses, on properties and
navigation paths the entity set names. ``$orderby``: paths with ``asc`` / ``desc``.
``$expand``: navigation paths, nested with ``/``. Anything else is refused with
:class:`ODataError`, the way a server refuses what it cannot evaluate, rather than
matching everything::

    >>> matches = compile_filter("(code eq 'A''s' or code eq 'B') and n eq 2", {"code", "n"})
    >>> matches({"code": "A's", "n": 2}), matches({"code": "A's", "n": 3})
    (True, False)
    >>> compile_filter("substringof('ohl', user/name) eq true", {"user/name"})(
    ...     {"user": {"name": "Wim Pohl"}})
    True
    >>> parse_orderby("date desc,code", {"date", "code"})
    [('date', True), ('code', False)]
    >>> parse_expand("entries/product,user", {"Order": {"entries": "OrderEntry",
    ...     "user": "User"}, "OrderEntry": {"product": "Product"}}, "Order")
    {'entries': {'product': {}}, 'user': {}}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

__all__ = ["ODataError", "compile_filter", "parse_expand", "parse_orderby"]

Entity = Mapping[str, Any]
Predicate = Callable[[Entity], bool]

_TOKEN = re.compile(
    r"\s*(?:(?P<paren>[()])|(?P<comma>,)|(?P<string>'(?:[^']|'')*')|(?P<number>-?\d+)(?![\w.])"
    r"|(?P<word>[A-Za-z_][\w]*(?:/[A-Za-z_][\w]*)*))"
)
_OPERATORS = {"eq", "ne", "gt", "ge", "lt", "le", "not", "add", "sub", "mul", "div", "mod"}
_FUNCTIONS = {"substringof", "startswith", "endswith", "tolower", "toupper", "length", "indexof"}
_BOOLEANS = {"true": True, "false": False}


class ODataError(ValueError):
    """A query the service cannot evaluate. ``code`` goes in the OData error body."""

    def __init__(self, message: str, code: str = "invalid_query") -> None:
        super().__init__(message)
        self.code = code


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ODataError(f"Invalid token at position {position + 1} in '{text}'")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(
        self, text: str, properties: Collection[str], resolve: Callable[[Entity, str], Any]
    ):
        self.text = text
        self.tokens = _tokens(text)
        self.position = 0
        self.properties = properties
        self.resolve = resolve

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ODataError(f"Unexpected end of expression in '{self.text}'")
        self.position += 1
        return token

    def parse(self) -> Predicate:
        predicate = self.disjunction()
        if self.peek() is not None:
            raise ODataError(f"Unexpected '{self.peek()[1]}' in '{self.text}'")  # type: ignore[index]
        return predicate

    def disjunction(self) -> Predicate:
        terms = [self.conjunction()]
        while self.peek() == ("word", "or"):
            self.take()
            terms.append(self.conjunction())
        if len(terms) == 1:
            return terms[0]
        paths = {term.path for term in terms if isinstance(term, _Equals)}
        if len(paths) == 1 and all(isinstance(term, _Equals) for term in terms):
            # ``a eq 1 or a eq 2 or ...``: one set lookup instead of a scan of the terms.
            return _OneOf(self.resolve, paths.pop(), {term.expected for term in terms})  # type: ignore[attr-defined]
        return lambda entity: any(term(entity) for term in terms)

    def conjunction(self) -> Predicate:
        terms = [self.atom()]
        while self.peek() == ("word", "and"):
            self.take()
            terms.append(self.atom())
        if len(terms) == 1:
            return terms[0]
        return lambda entity: all(term(entity) for term in terms)

    def atom(self) -> Predicate:
        kind, value = self.take()
        if (kind, value) == ("paren", "("):
            inner = self.disjunction()
            if self.take() != ("paren", ")"):
                raise ODataError(f"Missing ')' in '{self.text}'")
            return inner
        if kind != "word" or value in _OPERATORS or value in ("and", "or"):
            raise ODataError(f"Expected a property, got '{value}' in '{self.text}'")
        if value == "substringof" and self.peek() == ("paren", "("):
            return self.substringof()
        if value in _FUNCTIONS or self.peek() == ("paren", "("):
            raise ODataError(f"Function '{value}' is not supported in $filter", "not_supported")
        path = self.property(value)
        self.operator(path)
        kind, literal = self.take()
        expected: Any
        if kind == "string":
            expected = _string(literal)
        elif kind == "number":
            expected = int(literal)
        elif kind == "word" and literal in _BOOLEANS:
            expected = _BOOLEANS[literal]
        else:
            raise ODataError(f"Expected a literal after '{path} eq' in '{self.text}'")
        return _Equals(self.resolve, path, expected)

    def property(self, path: str) -> str:
        if path not in self.properties:
            raise ODataError(f"Property '{path}' cannot be used in $filter", "not_supported")
        return path

    def operator(self, after: str) -> None:
        kind, operator = self.take()
        if kind != "word" or operator not in _OPERATORS:
            raise ODataError(f"Expected an operator after '{after}' in '{self.text}'")
        if operator != "eq":
            raise ODataError(f"Operator '{operator}' is not supported in $filter", "not_supported")

    def substringof(self) -> Predicate:
        """``substringof('needle', path)``, optionally compared ``eq true`` / ``eq false``."""
        self.take()  # (
        kind, needle = self.take()
        if kind != "string":
            raise ODataError(f"substringof wants a string literal first in '{self.text}'")
        if self.take() != ("comma", ","):
            raise ODataError(f"Expected ',' in substringof in '{self.text}'")
        kind, value = self.take()
        if kind != "word":
            raise ODataError(f"substringof wants a property second in '{self.text}'")
        path = self.property(value)
        if self.take() != ("paren", ")"):
            raise ODataError(f"Missing ')' after substringof in '{self.text}'")
        wanted = True
        following = self.peek()
        if following is not None and following[0] == "word" and following[1] in _OPERATORS:
            self.operator("substringof(...)")
            kind, literal = self.take()
            if kind != "word" or literal not in _BOOLEANS:
                raise ODataError(f"substringof compares with true or false in '{self.text}'")
            wanted = _BOOLEANS[literal]
        text = _string(needle)
        resolve = self.resolve

        def contains(entity: Entity) -> bool:
            found = resolve(entity, path)
            return (isinstance(found, str) and text in found) is wanted

        return contains


class _Equals:
    def __init__(self, resolve: Callable[[Entity, str], Any], path: str, expected: Any) -> None:
        self.resolve = resolve
        self.path = path
        self.expected = expected

    def __call__(self, entity: Entity) -> bool:
        return bool(self.resolve(entity, self.path) == self.expected)


class _OneOf:
    def __init__(self, resolve: Callable[[Entity, str], Any], path: str, values: set[Any]) -> None:
        self.resolve = resolve
        self.path = path
        self.values = values

    def __call__(self, entity: Entity) -> bool:
        return self.resolve(entity, self.path) in self.values


def _string(literal: str) -> str:
    return literal[1:-1].replace("''", "'")


def _resolve(entity: Entity, path: str) -> Any:
    value: Any = entity
    for step in path.split("/"):
        value = value.get(step) if isinstance(value, Mapping) else None
    return value


def compile_filter(
    text: str,
    properties: Collection[str],
    resolve: Callable[[Entity, str], Any] = _resolve,
) -> Predicate:
    """A predicate for ``$filter=text`` over entities; ``properties`` are the paths allowed."""
    return _Parser(text, properties, resolve).parse()


def parse_orderby(text: str, properties: Collection[str]) -> list[tuple[str, bool]]:
    """``$orderby=text`` as ``[(path, descending), ...]``; ``properties`` are the paths allowed."""
    keys = []
    for item in text.split(","):
        words = item.split()
        if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
            raise ODataError(f"Invalid $orderby expression '{text}'")
        if words[0] not in properties:
            raise ODataError(f"Property '{words[0]}' cannot be used in $orderby", "not_supported")
        keys.append((words[0], len(words) == 2 and words[1] == "desc"))
    return keys


Tree = dict[str, "Tree"]


def parse_expand(text: str, navigation: Mapping[str, Mapping[str, str]], root: str) -> Tree:
    """``$expand=text`` as a tree of navigation properties. ``navigation`` maps an entity
    type to its navigation properties and their target types; ``a/b`` expands ``a`` too."""
    tree: Tree = {}
    for item in text.split(","):
        path = item.strip()
        if not path:
            continue
        node, kind = tree, root
        for step in path.split("/"):
            target = navigation.get(kind, {}).get(step)
            if target is None:
                raise ODataError(f"Invalid navigation property in $expand: '{path}'")
            node = node.setdefault(step, {})
            kind = target
    return tree
