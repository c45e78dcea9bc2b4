"""A SOQL parser and evaluator for the subset the sandbox serves.

    SELECT <field>[, <field>...]         fields of the object, or Relationship.Field
    FROM <object>                         the objects in ``SCHEMA``
    [WHERE <condition>]                   =, !=, <>, <, <=, >, >=, LIKE, [NOT] IN (...),
                                          AND / OR (not mixed without parentheses), NOT;
                                          <, <=, >, >= on Id (keyset paging), not on
                                          references or booleans
    [ORDER BY <field> [ASC|DESC] [NULLS FIRST|LAST], ...]
    [LIMIT n] [OFFSET n]

String literals are single-quoted with Salesforce's escape sequences (``\\'``, ``\\\\``,
``\\"``, ``\\n``/``\\N``, ``\\r``/``\\R``, ``\\t``/``\\T``, ``\\b``/``\\B``, ``\\f``/``\\F``,
``\\uXXXX``; ``\\_`` and ``\\%`` in LIKE only); any other backslash is an error, as it is
in Salesforce. Keywords and names are case-insensitive; text comparisons too, but IDs
compare and sort as the case-sensitive strings they are (18 characters). Anything
outside the subset is refused with ``MALFORMED_QUERY`` (what Salesforce answers for
syntax it does not know), never guessed at. Errors carry Salesforce's message layout:
the query, a caret, ``ERROR at Row:1:Column:N`` and the reason.

Kept independent of the connector's own SOQL code on purpose: a shared escaping bug
would otherwise pass its own tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

__all__ = ["SCHEMA", "Query", "SoqlError", "canonical_id", "parse"]

Record = Mapping[str, Any]
R = TypeVar("R", bound=Record)

#: Field types per object, and relationships: name -> (reference field, target object).
SCHEMA: dict[str, dict[str, Any]] = {
    "Contact": {
        "fields": {
            "Id": "id",
            "AccountId": "reference",
            "FirstName": "string",
            "LastName": "string",
            "Name": "string",
            "Email": "email",
            "Phone": "phone",
            "MobilePhone": "phone",
            "MailingStreet": "textarea",
            "MailingCity": "string",
            "MailingPostalCode": "string",
            "MailingCountry": "string",
            "MailingCountryCode": "picklist",
            "HasOptedOutOfEmail": "boolean",
            "CreatedDate": "datetime",
            "LastModifiedDate": "datetime",
            "Loyalty_Points__c": "double",
            "Loyalty_Tier__c": "picklist",
            "Customer_Number__c": "string",
        },
        "relationships": {"Account": ("AccountId", "Account")},
    },
    "Account": {
        "fields": {
            "Id": "id",
            "Name": "string",
            "Type": "picklist",
            "CreatedDate": "datetime",
            "LastModifiedDate": "datetime",
        },
        "relationships": {},
    },
}
_TEXT = {"string", "email", "phone", "textarea", "picklist"}
_IDS = {"id", "reference"}
_OPS = {"=", "!=", "<>", "<", "<=", ">", ">="}
_KEYWORDS = {
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "ASC",
    "DESC", "NULLS", "FIRST", "LAST", "LIMIT", "OFFSET", "NULL", "TRUE", "FALSE", "GROUP",
    "HAVING", "WITH", "FOR", "INCLUDES", "EXCLUDES", "TYPEOF", "USING", "SCOPE",
}  # fmt: skip
_ESCAPES = {
    "n": "\n", "N": "\n", "r": "\r", "R": "\r", "t": "\t", "T": "\t", "b": "\b", "B": "\b",
    "f": "\f", "F": "\f", '"': '"', "'": "'", "\\": "\\",
}  # fmt: skip
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2}))
  | (?P<date>\d{4}-\d{2}-\d{2})
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)
  | (?P<op>!=|<>|<=|>=|=|<|>)
  | (?P<punct>[(),])
    """,
    re.VERBOSE,
)
_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-5]{3})?$")
_INVALID_FIELD_HINT = (
    "If you are attempting to use a custom field, be sure to append the '__c' after the "
    "custom field name. Please reference your WSDL or the describe call for the "
    "appropriate names."
)


class SoqlError(Exception):
    """A query Salesforce would refuse: ``code`` is its errorCode."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def canonical_id(value: str) -> str | None:
    """The 18-character form of a Salesforce ID, ``None`` if ``value`` is not one."""
    if not _ID.match(value):
        return None
    head = value[:15]
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << i for i, c in enumerate(head[start : start + 5]) if "A" <= c <= "Z")
        suffix += _SUFFIX_ALPHABET[bits]
    if len(value) == 18 and value[15:].upper() != suffix:
        return None
    return head + suffix


# -- tokens -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # name, keyword, string, number, datetime, date, op, punct, end
    text: str
    start: int
    value: Any = None


def _tokens(query: str, fail: Callable[[int, str, str], SoqlError]) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(query):
        if query[position] == "'":
            token, position = _string(query, position, fail)
            tokens.append(token)
            continue
        match = _TOKEN.match(query, position)
        if match is None:
            raise fail(position, "MALFORMED_QUERY", f"unexpected token: '{query[position]}'")
        kind = match.lastgroup or ""
        text = match.group()
        if kind == "name" and "." not in text and text.upper() in _KEYWORDS:
            tokens.append(Token("keyword", text.upper(), position))
        elif kind != "space":
            tokens.append(Token(kind, text, position))
        position = match.end()
    tokens.append(Token("end", "<EOF>", len(query)))
    return tokens


def _string(
    query: str, start: int, fail: Callable[[int, str, str], SoqlError]
) -> tuple[Token, int]:
    value: list[str] = []
    position = start + 1
    while True:
        if position >= len(query):
            raise fail(start, "MALFORMED_QUERY", "mismatched character '<EOF>' expecting '''")
        char = query[position]
        if char == "'":
            raw = query[start + 1 : position]
            return Token("string", raw, start, "".join(value)), position + 1
        if char != "\\":
            value.append(char)
            position += 1
            continue
        following = query[position + 1 : position + 2]
        if following in _ESCAPES:
            value.append(_ESCAPES[following])
            position += 2
        elif following == "u" and re.fullmatch(
            r"[0-9A-Fa-f]{4}", query[position + 2 : position + 6]
        ):
            value.append(chr(int(query[position + 2 : position + 6], 16)))
            position += 6
        elif following in ("_", "%"):
            value.append(following)  # LIKE only; checked where the literal is used
            position += 2
        else:
            literal = query[start : query.find("'", position + 1) + 1 or len(query)]
            raise fail(
                start,
                "MALFORMED_QUERY",
                f"Invalid string literal {literal}. Illegal character sequence "
                f"'\\{following}' in string literal.",
            )


# -- the parsed query ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Path:
    """``("Email",)`` or ``("Account", "Name")`` in canonical spelling, with its type."""

    parts: tuple[str, ...]
    type: str


@dataclass(frozen=True, slots=True)
class Literal:
    kind: str  # string, number, boolean, null, datetime, date
    value: Any
    raw: str = ""


@dataclass(frozen=True, slots=True)
class Condition:
    """One comparison, or ``op`` AND / OR / NOT over ``children``."""

    op: str
    path: Path | None = None
    values: tuple[Any, ...] = ()
    children: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Query:
    object: str
    fields: list[Path]
    where: Condition | None = None
    order: list[tuple[Path, bool, bool]] = field(default_factory=list)  # path, desc, nulls first
    limit: int | None = None
    offset: int = 0

    def run(self, rows: Sequence[R], resolve: Callable[[R, Path], Any]) -> list[R]:
        """The rows matching ``where``, ordered, offset and limited."""
        matched = [row for row in rows if self.where is None or _holds(self.where, row, resolve)]
        for path, descending, nulls_first in reversed(self.order):
            present = [row for row in matched if resolve(row, path) is not None]
            absent = [row for row in matched if resolve(row, path) is None]
            present.sort(
                key=lambda row: _sort_key(resolve(row, path), path.type), reverse=descending
            )
            matched = absent + present if nulls_first else present + absent
        end = None if self.limit is None else self.offset + self.limit
        return matched[self.offset : end]


def _sort_key(value: Any, kind: str) -> Any:
    if kind in _IDS:
        return value  # IDs are case-sensitive: "a" and "A" are different base-62 digits
    return value.lower() if isinstance(value, str) else value


# -- parsing ------------------------------------------------------------------------


class _Parser:
    def __init__(self, query: str) -> None:
        self.text = query
        self.tokens = _tokens(query, self.fail)
        self.index = 0
        self.object = ""

    def fail(self, offset: int, code: str, reason: str) -> SoqlError:
        row = self.text.count("\n", 0, offset) + 1
        line_start = self.text.rfind("\n", 0, offset) + 1
        line_end = self.text.find("\n", offset)
        line = self.text[line_start : line_end if line_end >= 0 else len(self.text)]
        column = offset - line_start + 1
        caret = " " * (column - 1) + "^"
        return SoqlError(code, f"\n{line}\n{caret}\nERROR at Row:{row}:Column:{column}\n{reason}")

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def unexpected(self) -> SoqlError:
        token = self.token
        return self.fail(token.start, "MALFORMED_QUERY", f"unexpected token: {token.text}")

    def next(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        token = self.token
        if token.kind == kind and (text is None or token.text == text):
            return self.next()
        return None

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.accept(kind, text)
        if token is None:
            raise self.unexpected()
        return token

    # -- grammar --

    def query(self) -> Query:
        self.expect("keyword", "SELECT")
        names = [self.expect("name")]
        while self.accept("punct", ","):
            names.append(self.expect("name"))
        self.expect("keyword", "FROM")
        target = self.expect("name")
        self.object = next(
            (name for name in SCHEMA if name.lower() == target.text.lower()), target.text
        )
        if self.object not in SCHEMA or "." in target.text:
            raise self.fail(
                target.start,
                "INVALID_TYPE",
                f"sObject type '{target.text}' is not supported. If you are attempting to "
                f"use a custom object, be sure to append the '__c' after the entity name. "
                f"Please reference your WSDL or the describe call for the appropriate names.",
            )
        fields = []
        seen: set[tuple[str, ...]] = set()
        for name in names:
            path = self.path(name)
            if path.parts in seen:
                raise self.fail(
                    name.start, "MALFORMED_QUERY", f"duplicate field selected: {name.text}"
                )
            seen.add(path.parts)
            fields.append(path)
        where = self.condition() if self.accept("keyword", "WHERE") else None
        order: list[tuple[Path, bool, bool]] = []
        if self.accept("keyword", "ORDER"):
            self.expect("keyword", "BY")
            order.append(self.order_item())
            while self.accept("punct", ","):
                order.append(self.order_item())
        limit = self.integer() if self.accept("keyword", "LIMIT") else None
        offset = 0
        if self.accept("keyword", "OFFSET"):
            start = self.token.start
            offset = self.integer()
            if offset > 2000:
                raise self.fail(
                    start, "NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000"
                )
        if self.token.kind != "end":
            raise self.unexpected()
        return Query(self.object, fields, where, order, limit, offset)

    def integer(self) -> int:
        token = self.expect("number")
        if not token.text.isdigit():
            raise self.fail(token.start, "MALFORMED_QUERY", f"unexpected token: {token.text}")
        return int(token.text)

    def path(self, token: Token) -> Path:
        parts = token.text.split(".")
        schema = SCHEMA[self.object]
        if len(parts) > 2:
            raise self.fail(token.start, "MALFORMED_QUERY", f"unexpected token: {token.text}")
        if len(parts) == 2:
            relationships = schema["relationships"]
            relation = next((r for r in relationships if r.lower() == parts[0].lower()), None)
            if relation is None:
                raise self.fail(
                    token.start,
                    "INVALID_FIELD",
                    f"Didn't understand relationship '{parts[0]}' in field path. If you are "
                    f"attempting to use a custom relationship, be sure to append the '__r' "
                    f"after the custom relationship name. Please reference your WSDL or the "
                    f"describe call for the appropriate names.",
                )
            target = relationships[relation][1]
            name, kind = self.field(token, parts[1], target)
            return Path((relation, name), kind)
        name, kind = self.field(token, parts[0], self.object)
        return Path((name,), kind)

    def field(self, token: Token, name: str, entity: str) -> tuple[str, str]:
        fields: dict[str, str] = SCHEMA[entity]["fields"]
        canonical = next((f for f in fields if f.lower() == name.lower()), None)
        if canonical is None:
            raise self.fail(
                token.start,
                "INVALID_FIELD",
                f"No such column '{name}' on entity '{entity}'. {_INVALID_FIELD_HINT}",
            )
        return canonical, fields[canonical]

    def order_item(self) -> tuple[Path, bool, bool]:
        path = self.path(self.expect("name"))
        descending = bool(self.accept("keyword", "DESC"))
        if not descending:
            self.accept("keyword", "ASC")
        nulls_first = not descending
        if self.accept("keyword", "NULLS"):
            if self.accept("keyword", "FIRST"):
                nulls_first = True
            else:
                self.expect("keyword", "LAST")
                nulls_first = False
        return path, descending, nulls_first

    def condition(self) -> Condition:
        first = self.term()
        joiner = None
        children = [first]
        while self.token.kind == "keyword" and self.token.text in ("AND", "OR"):
            if joiner is not None and self.token.text != joiner:
                raise self.unexpected()  # SOQL wants parentheses to mix AND and OR
            joiner = self.next().text
            children.append(self.term())
        return first if joiner is None else Condition(joiner, children=tuple(children))

    def term(self) -> Condition:
        if self.accept("keyword", "NOT"):
            return Condition("NOT", children=(self.term(),))
        if self.accept("punct", "("):
            inner = self.condition()
            self.expect("punct", ")")
            return inner
        name = self.expect("name")
        path = self.path(name)
        if self.accept("keyword", "NOT"):
            self.expect("keyword", "IN")
            return Condition("NOT IN", path, self.values_list(path))
        if self.accept("keyword", "IN"):
            return Condition("IN", path, self.values_list(path))
        if self.accept("keyword", "LIKE"):
            token = self.token
            literal = self.literal()
            if literal.kind != "string" or path.type not in _TEXT:
                raise self.fail(
                    token.start,
                    "INVALID_QUERY_FILTER_OPERATOR",
                    f"invalid operator on {path.type} field: LIKE",
                )
            return Condition("LIKE", path, (_like(literal.raw),))
        operator = self.expect("op")
        token = self.token
        value = self.value_for(path, self.literal(), token)
        if operator.text in ("<", "<=", ">", ">=") and path.type in ("boolean", "reference"):
            raise self.fail(
                operator.start,
                "INVALID_QUERY_FILTER_OPERATOR",
                f"invalid operator on {path.type} field: {operator.text}",
            )
        return Condition("!=" if operator.text == "<>" else operator.text, path, (value,))

    def values_list(self, path: Path) -> tuple[Any, ...]:
        self.expect("punct", "(")
        values = []
        while True:
            token = self.token
            values.append(self.value_for(path, self.literal(), token))
            if self.accept("punct", ")"):
                return tuple(values)
            self.expect("punct", ",")

    def literal(self) -> Literal:
        token = self.token
        if token.kind == "string":
            self.next()
            return Literal("string", token.value, token.text)
        if token.kind == "number":
            self.next()
            return Literal("number", float(token.text), token.text)
        if token.kind in ("datetime", "date"):
            self.next()
            text = token.text.replace("Z", "+00:00")
            parsed: Any = (
                datetime.fromisoformat(text).astimezone(UTC)
                if token.kind == "datetime"
                else date.fromisoformat(text)
            )
            return Literal(token.kind, parsed, token.text)
        if token.kind == "keyword" and token.text in ("TRUE", "FALSE", "NULL"):
            self.next()
            if token.text == "NULL":
                return Literal("null", None, token.text)
            return Literal("boolean", token.text == "TRUE", token.text)
        raise self.unexpected()

    def value_for(self, path: Path, literal: Literal, token: Token) -> Any:
        """The literal checked against the field's type, in the field's terms."""
        if literal.kind == "null":
            return None
        name = ".".join(path.parts)
        kind = path.type
        if literal.kind == "string" and ("\\_" in literal.raw or "\\%" in literal.raw):
            raise self.fail(
                token.start,
                "MALFORMED_QUERY",
                f"Invalid string literal '{literal.raw}'. Illegal character sequence "
                f"'\\{'_' if chr(92) + '_' in literal.raw else '%'}' in string literal.",
            )
        if kind in _IDS:
            canonical = canonical_id(literal.value) if literal.kind == "string" else None
            if canonical is None:
                raise self.fail(
                    token.start,
                    "INVALID_QUERY_FILTER_OPERATOR",
                    f"invalid ID field: {literal.value if literal.kind == 'string' else literal.raw}",
                )
            return canonical
        expected = {"boolean": "boolean", "double": "number", "datetime": "datetime"}.get(
            kind, "string"
        )
        if literal.kind == "date" and kind == "datetime":
            raise self.fail(
                token.start,
                "INVALID_QUERY_FILTER_OPERATOR",
                f"value of filter criterion for field '{name}' must be of type dateTime and "
                f"should not be enclosed in quotes",
            )
        if literal.kind != expected:
            if expected == "string":
                raise self.fail(
                    token.start,
                    "INVALID_QUERY_FILTER_OPERATOR",
                    f"value of filter criterion for field '{name}' must be of type string "
                    f"and should be enclosed in quotes",
                )
            spelled = {"number": "double", "datetime": "dateTime"}.get(expected, expected)
            raise self.fail(
                token.start,
                "INVALID_QUERY_FILTER_OPERATOR",
                f"value of filter criterion for field '{name}' must be of type {spelled} "
                f"and should not be enclosed in quotes",
            )
        return literal.value


def _like(raw: str) -> re.Pattern[str]:
    """A LIKE pattern (from the literal as written) as a case-insensitive regex."""
    pattern = ""
    position = 0
    while position < len(raw):
        char = raw[position]
        if char == "\\":
            following = raw[position + 1]
            if following == "u":
                pattern += re.escape(chr(int(raw[position + 2 : position + 6], 16)))
                position += 6
                continue
            pattern += re.escape(_ESCAPES.get(following, following))
            position += 2
            continue
        pattern += ".*" if char == "%" else "." if char == "_" else re.escape(char)
        position += 1
    return re.compile(pattern, re.IGNORECASE | re.DOTALL)


def parse(query: str) -> Query:
    """Parse ``query``; raise :class:`SoqlError` as Salesforce would refuse it."""
    if not query.strip():
        raise SoqlError("MALFORMED_QUERY", "A query string has to be specified")
    return _Parser(query).query()


# -- evaluation ---------------------------------------------------------------------


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return bool(left == right)


def _compare(op: str, left: Any, right: Any, kind: str) -> bool:
    if op == "=":
        return _equal(left, right)
    if op == "!=":
        return not _equal(left, right)
    if left is None or right is None:
        return False
    left, right = _sort_key(left, kind), _sort_key(right, kind)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def _holds(condition: Condition, row: R, resolve: Callable[[R, Path], Any]) -> bool:
    op = condition.op
    if op == "AND":
        return all(_holds(child, row, resolve) for child in condition.children)
    if op == "OR":
        return any(_holds(child, row, resolve) for child in condition.children)
    if op == "NOT":
        return not _holds(condition.children[0], row, resolve)
    assert condition.path is not None
    value = resolve(row, condition.path)
    if op == "IN":
        return any(_equal(value, candidate) for candidate in condition.values)
    if op == "NOT IN":
        return not any(_equal(value, candidate) for candidate in condition.values)
    if op == "LIKE":
        pattern: re.Pattern[str] = condition.values[0]
        return isinstance(value, str) and pattern.fullmatch(value) is not None
    return _compare(op, value, condition.values[0], condition.path.type)
