"""A small in-memory Odoo ORM: typed fields, domains, ordering, and the two read shapes
the JSON-2 API answers with — ``read`` (many2one as ``[id, "name"]``) and ``web_read``
(a ``specification``, related records nested)::

    registry.search("product.product", [["default_code", "in", ["A", "B"]]], order="id")
    registry.web_read("stock.quant", [7], {"product_id": {"fields": {"default_code": {}}}})
    -> [{"id": 7, "product_id": {"id": 3, "default_code": "A"}}]

What it cannot evaluate it refuses with the error Odoo gives for a bad domain (or says
it is not implemented) rather than matching everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Field", "Model", "OdooError", "Registry"]

JSON = dict[str, Any]

DATETIME = "%Y-%m-%d %H:%M:%S"
_RELATIONAL = {"many2one", "one2many", "many2many"}
_X2MANY = {"one2many", "many2many"}
_TEXT = {"char", "text", "html", "selection"}
_POSITIVE = {
    "=",
    "in",
    "like",
    "ilike",
    "=like",
    "=ilike",
    "<",
    ">",
    "<=",
    ">=",
    "=?",
}
_NEGATIVE = {"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike"}
# Operators Odoo 19 knows that this sandbox does not evaluate.
_UNIMPLEMENTED = {"child_of", "parent_of", "any", "not any", "any!", "not any!", "starts_with"}
_ORDER_TERM = re.compile(r"^\s*(\w+)(?:\s+(asc|desc))?(?:\s+nulls\s+(first|last))?\s*$", re.I)


class OdooError(Exception):
    """What Odoo answers for a failure: an HTTP status and a Python exception's name."""

    def __init__(
        self, status: int, name: str, message: str, arguments: Sequence[Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.name = name
        self.message = message
        self.arguments = list(arguments) if arguments is not None else [message]


def value_error(message: str) -> OdooError:
    """A ``ValueError`` in the ORM: Odoo answers 500 for it (it is not a ``UserError``)."""
    return OdooError(500, "builtins.ValueError", message)


def not_implemented(message: str) -> OdooError:
    return OdooError(500, "builtins.NotImplementedError", f"odoo sandbox: {message}")


@dataclass(frozen=True)
class Field:
    type: str
    comodel: str | None = None
    #: The many2one on ``comodel`` a one2many is the inverse of.
    inverse: str | None = None
    #: Stored in the database: searchable and sortable. Computed fields are not.
    store: bool = True


@dataclass
class Model:
    name: str
    #: The model's label, as Odoo's access errors name it ("Sales Order").
    description: str
    fields: dict[str, Field]
    #: ``_order``: the default order of ``search``.
    order: str = "id"
    #: ``display_name`` of one record.
    display: Callable[[Registry, JSON], str] | None = None
    records: dict[int, JSON] = field(default_factory=dict)


class Registry:
    """The database: models by name, each with its records (``{field: value}``).

    Stored values are Python values: ``None`` for empty, a many2one as the related id, a
    many2many as a list of ids, a datetime as a naive UTC ``datetime``. One2many values
    are not stored; they come from the inverse many2one.
    """

    def __init__(self) -> None:
        self.models: dict[str, Model] = {}

    # -- building --------------------------------------------------------------------

    def add(self, model: Model) -> Model:
        self.models[model.name] = model
        return model

    def create(self, model: str, values: Mapping[str, Any]) -> int:
        target = self.models[model]
        unknown = set(values) - set(target.fields)
        if unknown:
            raise KeyError(f"{model} has no field {sorted(unknown)[0]}")
        record_id = max(target.records, default=0) + 1
        record: JSON = {"id": record_id}
        for name, spec in target.fields.items():
            if spec.type == "one2many":
                continue
            default: Any = [] if spec.type == "many2many" else None
            if spec.type == "boolean":
                default = name == "active"
            record[name] = values.get(name, default)
        target.records[record_id] = record
        return record_id

    def write(self, model: str, record_id: int, values: Mapping[str, Any]) -> None:
        target = self.models[model]
        unknown = set(values) - set(target.fields)
        if unknown:
            raise KeyError(f"{model} has no field {sorted(unknown)[0]}")
        target.records[record_id].update(values)

    # -- values ----------------------------------------------------------------------

    def value(self, model: Model, record: JSON, name: str) -> Any:
        if name == "id":
            return record["id"]
        if name == "display_name":
            return model.display(self, record) if model.display else str(record.get("name"))
        spec = model.fields[name]
        if spec.type == "one2many":
            assert spec.comodel
            assert spec.inverse
            comodel = self.models[spec.comodel]
            return [
                other["id"]
                for other in self._ordered(comodel, comodel.records.values())
                if other.get(spec.inverse) == record["id"] and self._active(comodel, other)
            ]
        return record.get(name)

    def _active(self, model: Model, record: JSON) -> bool:
        return "active" not in model.fields or bool(record.get("active"))

    def _field(self, model: Model, name: str) -> Field:
        if name == "id":
            return Field("integer")
        if name == "display_name":
            return Field("char", store=False)
        spec = model.fields.get(name)
        if spec is None:
            raise value_error(f"Invalid field {name!r} on model {model.name!r}")
        return spec

    # -- search ----------------------------------------------------------------------

    def search(
        self,
        model: str,
        domain: Any,
        *,
        offset: int = 0,
        limit: int | None = None,
        order: str | None = None,
    ) -> list[int]:
        target = self.models[model]
        matches = self._compile(target, domain)
        keys = self._order_keys(target, order or target.order)
        rows = [record for record in target.records.values() if matches(record)]
        rows = self._ordered(target, rows, keys)
        end = None if limit is None else offset + limit
        return [record["id"] for record in rows[offset:end]]

    def _compile(self, model: Model, domain: Any) -> Callable[[JSON], bool]:
        if not isinstance(domain, list):
            raise value_error(f"Invalid domain {domain!r}: a list is expected")
        terms: list[Callable[[JSON], bool]] = []
        position = 0
        mentions_active = False
        while position < len(domain):
            term, position = self._expression(model, domain, position)
            terms.append(term)
        for item in domain:
            if isinstance(item, list) and item and item[0] == "active":
                mentions_active = True
        if "active" in model.fields and not mentions_active:
            terms.append(lambda record: bool(record.get("active")))
        return lambda record: all(term(record) for term in terms)

    def _expression(
        self, model: Model, domain: list[Any], position: int
    ) -> tuple[Callable[[JSON], bool], int]:
        if position >= len(domain):
            raise value_error(f"Invalid domain {domain!r}: an operator lacks its operands")
        item = domain[position]
        if item in ("&", "|"):
            left, position = self._expression(model, domain, position + 1)
            right, position = self._expression(model, domain, position)
            if item == "&":
                return (lambda record: left(record) and right(record)), position
            return (lambda record: left(record) or right(record)), position
        if item == "!":
            inner, position = self._expression(model, domain, position + 1)
            return (lambda record: not inner(record)), position
        return self._leaf(model, item), position + 1

    def _leaf(self, model: Model, leaf: Any) -> Callable[[JSON], bool]:
        if not (
            isinstance(leaf, list)
            and len(leaf) == 3
            and isinstance(leaf[0], str)
            and isinstance(leaf[1], str)
        ):
            raise value_error(f"Invalid leaf {leaf!r}")
        path, operator, value = leaf
        operator = operator.lower()
        if operator in _UNIMPLEMENTED:
            raise not_implemented(f"operator {operator!r} is not implemented")
        negative = operator in _NEGATIVE
        positive = _NEGATIVE.get(operator, operator)
        if positive not in _POSITIVE:
            raise value_error(f"Invalid operator {leaf[1]!r} in condition {tuple(leaf)!r}")
        if positive == "in" and not isinstance(value, list):
            raise value_error(
                f"Invalid value {value!r} for operator {leaf[1]!r}: a list is expected"
            )
        if positive in ("like", "ilike", "=like", "=ilike") and not isinstance(value, str):
            raise value_error(f"Invalid value {value!r} for operator {leaf[1]!r}")
        steps = self._path(model, path, tuple(leaf))
        pattern = _like(positive, value) if "like" in positive else None

        def test(record: JSON) -> bool:
            found = self._test(model, record, steps, positive, value, pattern)
            return not found if negative else found

        return test

    def _path(self, model: Model, path: str, leaf: tuple[Any, ...]) -> list[tuple[Model, str]]:
        steps: list[tuple[Model, str]] = []
        current = model
        names = path.split(".")
        for index, name in enumerate(names):
            spec = self._field_in_condition(current, name, leaf)
            steps.append((current, name))
            last = index == len(names) - 1
            if not last:
                if spec.type not in _RELATIONAL or spec.comodel is None:
                    raise value_error(
                        f"Invalid field {current.name}.{name} in condition {leaf!r}: "
                        f"{name} is not relational"
                    )
                current = self.models[spec.comodel]
            elif not spec.store and spec.type != "one2many":
                raise value_error(f"Non-stored field {current.name}.{name} cannot be searched.")
        return steps

    def _field_in_condition(self, model: Model, name: str, leaf: tuple[Any, ...]) -> Field:
        if name == "display_name":
            raise not_implemented("searching display_name is not implemented")
        if name != "id" and name not in model.fields:
            raise value_error(f"Invalid field {model.name}.{name} in condition {leaf!r}")
        return self._field(model, name)

    def _test(
        self,
        model: Model,
        record: JSON,
        steps: list[tuple[Model, str]],
        operator: str,
        value: Any,
        pattern: re.Pattern[str] | None,
    ) -> bool:
        (current, name), rest = steps[0], steps[1:]
        spec = self._field(current, name)
        stored = self.value(current, record, name)
        if rest:
            assert spec.comodel
            comodel = self.models[spec.comodel]
            ids = stored if spec.type in _X2MANY else ([stored] if stored else [])
            targets = [comodel.records[i] for i in ids if i in comodel.records]
            return any(
                self._test(comodel, target, rest, operator, value, pattern)
                for target in targets
                if self._active(comodel, target)
            )
        candidates = (stored or [None]) if spec.type in _X2MANY else [stored]
        return any(_compare(spec, candidate, operator, value, pattern) for candidate in candidates)

    def _order_keys(self, model: Model, order: str) -> list[tuple[str, bool]]:
        keys: list[tuple[str, bool]] = []
        for term in order.split(","):
            match = _ORDER_TERM.match(term)
            name = match.group(1) if match else ""
            spec = model.fields.get(name) if name != "id" else Field("integer")
            if not match or spec is None or not spec.store or spec.type in _X2MANY:
                raise value_error(
                    f'Invalid "order" specified ({order}). A valid "order" specification is a '
                    f"comma-separated list of valid field names (optionally followed by "
                    f"asc/desc for the direction)"
                )
            keys.append((name, (match.group(2) or "asc").lower() == "desc"))
        if "id" not in (name for name, _ in keys):
            keys.append(("id", False))
        return keys

    def _ordered(
        self, model: Model, rows: Iterable[JSON], keys: list[tuple[str, bool]] | None = None
    ) -> list[JSON]:
        result = list(rows)
        for name, descending in reversed(keys or [("id", False)]):
            # PostgreSQL sorts NULL above every value: last ascending, first descending.
            result.sort(
                key=lambda record, n=name: (  # type: ignore[misc]
                    (1,) if record.get(n) is None else (0, record.get(n))
                ),
                reverse=descending,
            )
        return result

    # -- reading ---------------------------------------------------------------------

    def existing(self, model: str, ids: Sequence[int]) -> list[JSON]:
        """The records ``ids`` names, in that order; a missing one is Odoo's MissingError."""
        target = self.models[model]
        missing = [i for i in ids if i not in target.records]
        if missing:
            raise OdooError(
                404,
                "odoo.exceptions.MissingError",
                "Record does not exist or has been deleted.\n"
                f"(Record: {model}({', '.join(map(str, missing))},), User: 2)",
            )
        return [target.records[i] for i in ids]

    def read(
        self, model: str, ids: Sequence[int], fields: Sequence[str] | None, *, load: str | None
    ) -> list[JSON]:
        """``read``: every field asked (all without a list), many2one as ``[id, name]``
        (``load=None``: the bare id), x2many as ids, empty values ``false``."""
        target = self.models[model]
        names = list(fields) if fields else ["display_name", *target.fields]
        for name in names:
            self._field(target, name)
        rows = []
        for record in self.existing(model, ids):
            row: JSON = {"id": record["id"]}
            for name in names:
                spec = self._field(target, name)
                stored = self.value(target, record, name)
                if spec.type == "many2one":
                    row[name] = self._many2one(spec, stored) if load else (stored or False)
                else:
                    row[name] = _to_json(spec, stored)
            rows.append(row)
        return rows

    def _many2one(self, spec: Field, stored: Any) -> Any:
        if not stored:
            return False
        assert spec.comodel
        comodel = self.models[spec.comodel]
        return [stored, self.value(comodel, comodel.records[stored], "display_name")]

    def web_read(self, model: str, ids: Sequence[int], specification: Any) -> list[JSON]:
        """``web_read``: the fields of ``specification``; a relational field with
        ``{"fields": {...}}`` comes back as the related record(s) read the same way."""
        target = self.models[model]
        if not isinstance(specification, dict):
            raise value_error(f"Invalid specification {specification!r}: an object is expected")
        for name in specification:
            self._field(target, name)
        rows = []
        for record in self.existing(model, ids):
            row: JSON = {"id": record["id"]}
            for name, sub in specification.items():
                spec = self._field(target, name)
                stored = self.value(target, record, name)
                nested = sub.get("fields") if isinstance(sub, dict) else None
                if spec.type == "many2one":
                    if not stored:
                        row[name] = False
                    elif nested is None:
                        row[name] = stored
                    else:
                        assert spec.comodel
                        row[name] = self.web_read(spec.comodel, [stored], nested)[0]
                elif spec.type in _X2MANY:
                    ids_ = list(stored or ())
                    if nested is None:
                        row[name] = ids_
                    else:
                        assert spec.comodel
                        row[name] = self.web_read(spec.comodel, ids_, nested)
                else:
                    row[name] = _to_json(spec, stored)
            rows.append(row)
        return rows


def _to_json(spec: Field, stored: Any) -> Any:
    """A scalar as Odoo's JSON has it: ``false`` for empty, floats for numbers."""
    if spec.type in _TEXT or spec.type in ("date", "datetime"):
        if stored is None or stored == "":
            return False
        if isinstance(stored, datetime):
            return stored.strftime(DATETIME)
        return stored
    if spec.type == "boolean":
        return bool(stored)
    if spec.type == "integer":
        return int(stored or 0)
    if spec.type in ("float", "monetary"):
        return float(stored or 0.0)
    if spec.type in _X2MANY:
        return list(stored or ())
    return stored if stored is not None else False


def _like(operator: str, value: str) -> re.Pattern[str]:
    """SQL ``LIKE`` to a regex: ``%`` any run, ``_`` any one character, ``\\`` makes the
    next character literal (PostgreSQL's default ``ESCAPE``); ``like`` and ``ilike`` look
    for the value anywhere (Odoo wraps it in ``%`` without escaping it), ``=like`` and
    ``=ilike`` match it whole. A pattern ending in a lone backslash is PostgreSQL's error."""
    if operator in ("like", "ilike"):
        value = f"%{value}%"
    parts: list[str] = []
    position = 0
    while position < len(value):
        char = value[position]
        if char == "\\":
            if position + 1 == len(value):
                raise OdooError(
                    500,
                    "psycopg2.errors.InvalidEscapeSequence",
                    "LIKE pattern must not end with escape character",
                )
            parts.append(re.escape(value[position + 1]))
            position += 2
            continue
        parts.append("." if char == "_" else ".*" if char == "%" else re.escape(char))
        position += 1
    flags = re.IGNORECASE | re.DOTALL if "ilike" in operator else re.DOTALL
    return re.compile("".join(parts), flags)


def _comparable(spec: Field, stored: Any) -> Any:
    if isinstance(stored, datetime):
        return stored.strftime(DATETIME)
    return stored


def _compare(
    spec: Field, stored: Any, operator: str, value: Any, pattern: re.Pattern[str] | None
) -> bool:
    if operator == "=?":
        if value is False or value is None:
            return True
        operator = "="
    if spec.type == "boolean":
        stored = bool(stored)
    stored = _comparable(spec, stored)
    if operator == "=":
        if value is False or value is None:
            return stored is None or stored is False or stored == ""
        return bool(stored == value)
    if operator == "in":
        if stored is None or stored == "":
            return False in value or None in value
        return stored in value
    if pattern is not None:
        return isinstance(stored, str) and pattern.fullmatch(stored) is not None
    if stored is None or value is None or value is False:
        return False
    try:
        if operator == "<":
            return bool(stored < value)
        if operator == ">":
            return bool(stored > value)
        if operator == "<=":
            return bool(stored <= value)
        return bool(stored >= value)
    except TypeError:
        raise value_error(f"Cannot compare {stored!r} {operator} {value!r}") from None
