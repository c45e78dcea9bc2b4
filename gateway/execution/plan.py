"""Query plans: an operation's selections, collected once and compiled for completion.

graphql-core collects each object's fields and decides how to complete each value while it
executes, for every object in the answer. A plan makes those decisions once per operation:
which fields each object type shows under which response keys, which of them merely read
an attribute (a strawberry field without a resolver) and which call a resolver, how each
value completes (a leaf coerced, a list walked, an object planned), and which subtrees are
*pure* — attribute reads and leaves all the way down — so they complete through compiled
closures with no per-field bookkeeping at all.

Plans hold no request state: they are cached per operation and shared by every request
that sends the same document (see :class:`~gateway.execution.executor.PlannedExecutor`).
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    is_abstract_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList, collect_subfields
from graphql.execution.values import VariableValues, get_argument_values
from graphql.language import (
    FieldNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    ValueNode,
    VariableNode,
)
from strawberry.types.base import StrawberryMaybe

__all__ = [
    "ABSTRACT",
    "LEAF",
    "LIST",
    "OBJECT",
    "FieldPlan",
    "ObjectPlan",
    "Planner",
    "Shape",
    "without_default_nulls",
]

LEAF, LIST, OBJECT, ABSTRACT = "leaf", "list", "object", "abstract"

#: Python classes whose values a built-in scalar sends as they are.
_AS_IS: dict[GraphQLLeafType, type] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLInt: int,
    GraphQLBoolean: bool,
    GraphQLFloat: float,
}

Complete = Callable[[Any], Any]


class _Impure(Exception):
    """A pure closure met a value it cannot complete on its own (a null where the schema
    promises a value, a value its type rejects): the caller redoes the subtree the careful
    way, which reports the error where it belongs."""


@dataclass(eq=False)
class Shape:
    """How a value of one output type completes."""

    kind: str
    nonnull: bool
    type: GraphQLOutputType
    #: LEAF: the leaf's coercion, raising on a value it cannot send.
    coerce: Complete | None = None
    #: LIST: the items' shape.
    item: Shape | None = None
    #: OBJECT / ABSTRACT: where the object's plan comes from.
    planner: Planner | None = None
    details: FieldDetailsList | None = None
    #: A closure completing a value of this shape with no error handling or paths, when
    #: everything beneath is attribute reads and leaves; it raises :class:`_Impure` (or
    #: anything) for the careful path to take over.
    pure: Complete | None = None
    #: OBJECT: the object plan's own pure completion (``pure`` adds the null check).
    inner: Complete | None = None
    #: OBJECT, as a list's items: completes a whole list of such values (never the list
    #: None) in one loop, with no call per item; raises like ``pure``.
    many: Complete | None = None
    _plans: dict[str, ObjectPlan] = field(default_factory=dict)

    def plan(self, runtime: GraphQLObjectType) -> ObjectPlan:
        found = self._plans.get(runtime.name)
        if found is None:
            assert self.planner is not None
            assert self.details is not None
            found = self._plans[runtime.name] = self.planner.object_plan(runtime, self.details)
        return found

    @property
    def object_type(self) -> GraphQLObjectType:
        named = self.type.of_type if isinstance(self.type, GraphQLNonNull) else self.type
        assert isinstance(named, GraphQLObjectType)
        return named


@dataclass(eq=False)
class FieldPlan:
    """One response key of an object type: the field behind it and how its value comes."""

    key: str
    name: str
    details: FieldDetailsList
    nodes: list[FieldNode]
    definition: GraphQLField | None  # None for __typename
    parent: GraphQLObjectType
    shape: Shape
    #: The attribute to read, for fields without a resolver (None: call ``resolve``).
    attribute: str | None
    resolve: Callable[..., Any] | None
    #: Arguments that do not depend on the request's variables, coerced once.
    static_arguments: dict[str, Any] | None
    #: ``direct(source, info)``: the strawberry resolver called as strawberry would call
    #: it when the field gets no arguments, without its per-call wrapping (see
    #: :func:`_direct_call`); None where only strawberry's wrapper will do.
    direct: Callable[[Any, Any], Any] | None = None


@dataclass(eq=False)
class ObjectPlan:
    type: GraphQLObjectType
    fields: list[FieldPlan]
    by_key: dict[str, FieldPlan]
    #: Every field reads an attribute (or is ``__typename``) and completes purely.
    pure: Complete | None
    #: ``many(nonnull)``: completes a list of such objects (see :attr:`Shape.many`).
    many: Callable[[bool], Complete] | None = None
    #: Where some fields are not pure, :attr:`rest`: the fields the executor fills, and
    #: (where any field is pure) the answer with every pure field completed and the
    #: others null, in response-key order.
    partial: Complete | None = None
    rest: list[FieldPlan] = field(default_factory=list)


class Planner:
    """Builds (lazily) the plans of one operation, for one set of variable values when
    the operation's ``@skip``/``@include`` depend on them."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, Any],
        variable_values: VariableValues,
        operation: OperationDefinitionNode,
        default_resolver: Callable[..., Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variable_values = variable_values
        self.operation = operation
        self.default_resolver = default_resolver

    def root_plan(
        self, root: GraphQLObjectType, grouped: Mapping[str, FieldDetailsList]
    ) -> ObjectPlan:
        return self._object_plan(root, grouped)

    def object_plan(self, runtime: GraphQLObjectType, details: FieldDetailsList) -> ObjectPlan:
        collected = collect_subfields(
            self.schema,
            self.fragments,  # type: ignore[arg-type]
            self.variable_values,
            self.operation,
            runtime,
            details,
        )
        return self._object_plan(runtime, collected.grouped_field_set)

    def _object_plan(
        self, runtime: GraphQLObjectType, grouped: Mapping[str, FieldDetailsList]
    ) -> ObjectPlan:
        fields = [self._field_plan(runtime, key, details) for key, details in grouped.items()]
        plan = ObjectPlan(runtime, fields, {f.key: f for f in fields}, None)
        _compile(plan)
        return plan

    def _field_plan(
        self, parent: GraphQLObjectType, key: str, details: FieldDetailsList
    ) -> FieldPlan:
        node = details[0].node
        name = node.name.value
        nodes = [d.node for d in details]
        if name == "__typename":
            shape = Shape(LEAF, True, GraphQLNonNull(GraphQLString), coerce=_identity)
            return FieldPlan(key, name, details, nodes, None, parent, shape, None, None, {})
        definition = parent.fields[name]
        shape = self.shape(definition.type, details)
        attribute, resolve = _reader(definition, self.default_resolver)
        return FieldPlan(
            key,
            name,
            details,
            nodes,
            definition,
            parent,
            shape,
            attribute,
            resolve,
            self._static_arguments(definition, details),
            None if attribute is not None else _direct_call(self.schema, definition),
        )

    def _static_arguments(
        self, definition: GraphQLField, details: FieldDetailsList
    ) -> dict[str, Any] | None:
        node = details[0].node
        if not definition.args and not node.arguments:
            return {}
        if details[0].fragment_variable_values is not None or _uses_variables(node):
            return None
        try:
            return without_default_nulls(definition, get_argument_values(definition, node))
        except Exception:  # reported where the field runs, with its path
            return None

    def shape(self, type_: GraphQLOutputType, details: FieldDetailsList) -> Shape:
        nonnull = is_non_null_type(type_)
        named = type_.of_type if nonnull else type_  # type: ignore[union-attr]
        if is_list_type(named):
            item = self.shape(named.of_type, details)
            shape = Shape(LIST, nonnull, type_, item=item)
            if item.pure is not None:
                if item.kind == OBJECT:
                    many = item.plan(item.object_type).many
                    assert many is not None
                    item.many = many(item.nonnull)
                shape.pure = _pure_list(item.many or _each(item.pure), nonnull)
            return shape
        if is_leaf_type(named):
            coerce = _coercion(named)
            return Shape(LEAF, nonnull, type_, coerce=coerce, pure=_pure_leaf(coerce, nonnull))
        if is_object_type(named):
            shape = Shape(OBJECT, nonnull, type_, planner=self, details=details)
            object_plan = shape.plan(named)
            if object_plan.pure is not None:
                shape.inner = object_plan.pure
                shape.pure = _nullable(object_plan.pure, nonnull)
            return shape
        assert is_abstract_type(named), named
        return Shape(ABSTRACT, nonnull, type_, planner=self, details=details)


# -- reading a field ----------------------------------------------------------------------


def _reader(
    definition: GraphQLField, default_resolver: Callable[..., Any]
) -> tuple[str | None, Callable[..., Any] | None]:
    """(attribute, None) for a field that reads an attribute, (None, resolve) otherwise."""
    resolve = definition.resolve
    strawberry_field = (definition.extensions or {}).get("strawberry-definition")
    if (
        resolve is not None
        and getattr(resolve, "_is_default", False)
        and strawberry_field is not None
        and getattr(strawberry_field, "default_resolver", getattr) is getattr
    ):
        return strawberry_field.python_name, None
    return None, resolve or default_resolver


def without_default_nulls(definition: GraphQLField, arguments: dict[str, Any]) -> dict[str, Any]:
    """``arguments`` without the nulls that mean the same as leaving the argument out.

    A null given for a strawberry argument whose Python default is ``None`` (and that is
    not a ``Maybe``, which tells null from absent) reaches the resolver as that default
    either way; left out, strawberry does not convert it on every call (its conversion
    imports a module per argument per call)."""
    if not arguments or None not in arguments.values():
        return arguments
    kept = dict(arguments)
    for name, value in arguments.items():
        argument = definition.args[name].extensions.get("strawberry-definition")
        if (
            value is None
            and argument is not None
            and argument.default is None
            and not isinstance(argument.type, StrawberryMaybe)
        ):
            del kept[name]
    return kept


def _direct_call(
    schema: GraphQLSchema, definition: GraphQLField
) -> Callable[[Any, Any], Any] | None:
    """The field's strawberry resolver, called as strawberry's wrapper calls it when the
    field is given no arguments: the source as ``self``, ``root`` or ``parent`` and a
    strawberry ``Info`` where the resolver asks for them.

    The wrapper also converts arguments (none here), runs field extensions and exception
    handlers (fields with either keep the wrapper) and, for async resolvers, wraps the
    coroutine in another; for every call it pays a closure chain, an argument conversion
    and a name conversion per declared argument, which is most of what a cheap resolver
    costs."""
    from strawberry.types.field import StrawberryField

    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    field = (definition.extensions or {}).get("strawberry-definition")
    if strawberry_schema is None or not isinstance(field, StrawberryField):
        return None
    converter = strawberry_schema.schema_converter
    resolver = field.base_resolver
    if (
        resolver is None
        or field.extensions
        or field.is_subscription
        or getattr(converter, "_exception_handler_specs", True)  # any, or unknown
        or type(field).get_result is not StrawberryField.get_result
        or not callable(resolver.wrapped_func)
    ):
        return None
    function = resolver.wrapped_func
    info_class = strawberry_schema.config.info_class
    as_self = resolver.self_parameter is not None
    source_names = tuple(
        parameter.name
        for parameter in (resolver.parent_parameter, resolver.root_parameter)
        if parameter is not None
    )
    info_name = resolver.info_parameter.name if resolver.info_parameter is not None else None
    if as_self and not source_names and info_name is not None:

        def self_and_info(source: Any, info: Any) -> Any:
            return function(source, **{info_name: info_class(_raw_info=info, _field=field)})

        return self_and_info

    def call(source: Any, info: Any) -> Any:
        kwargs = dict.fromkeys(source_names, source)
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=field)
        return function(source, **kwargs) if as_self else function(**kwargs)

    return call


def _uses_variables(node: FieldNode) -> bool:
    return any(_has_variable(argument.value) for argument in node.arguments or ())


def _has_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_has_variable(v) for v in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_has_variable(f.value) for f in value.fields)
    return False


# -- compiled completion ------------------------------------------------------------------


def _identity(value: Any) -> Any:
    return value


def _coercion(leaf: GraphQLLeafType) -> Complete:
    """The leaf's output coercion, with the common cases answered without a call."""
    coerce = leaf.coerce_output_value
    as_is = _AS_IS.get(leaf)
    names = _enum_names(leaf) if isinstance(leaf, GraphQLEnumType) else None

    def checked(value: Any) -> Any:
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise TypeError(
                f"Expected `{leaf}.coerce_output_value({value!r})` to return a value, "
                f"returned: {coerced!r}"
            )
        return coerced

    if as_is is not None:

        def builtin(value: Any) -> Any:
            return value if value.__class__ is as_is else checked(value)

        return builtin
    if names is not None:
        python_enum, by_member = _enum_members(leaf)  # type: ignore[arg-type]

        def enum(value: Any) -> Any:
            # A member's _name_ is a plain attribute (its hash is a str's, cached); hashing
            # the member itself would call Enum.__hash__ in Python.
            if value.__class__ is python_enum:
                return by_member[value._name_]
            try:
                return names[value]
            except (KeyError, TypeError):
                return checked(value)

        return enum
    return checked


def _enum_members(enum: GraphQLEnumType) -> tuple[Any, dict[str, str]]:
    """The Python enum behind a strawberry enum (None for others), and each member's
    GraphQL name by the member's ``_name_``."""
    names = _enum_names(enum)
    python_enum = getattr(enum, "wrapped_cls", None)  # strawberry's CustomGraphQLEnumType
    if python_enum is None:
        return None, {}
    return python_enum, {m._name_: names[m.value] for m in python_enum if m.value in names}


def _enum_names(enum: GraphQLEnumType) -> dict[Any, str]:
    """Each internal value's name."""
    return {value.value: name for name, value in enum.values.items()}


def _pure_leaf(coerce: Complete, nonnull: bool) -> Complete:
    def leaf(value: Any) -> Any:
        if value is None:
            if nonnull:
                raise _Impure
            return None
        return coerce(value)

    return leaf


def _pure_list(complete_items: Complete, nonnull: bool) -> Complete:
    def each(values: Any) -> Any:
        if values is None:
            if nonnull:
                raise _Impure
            return None
        if values.__class__ is not list and isinstance(values, (str, bytes, Mapping)):
            raise _Impure
        return complete_items(values)

    return each


def _each(item: Complete) -> Complete:
    def items(values: Any) -> list[Any]:
        return [item(value) for value in values]

    return items


def _nullable(complete: Complete, nonnull: bool) -> Complete:
    def maybe(value: Any) -> Any:
        if value is None:
            if nonnull:
                raise _Impure
            return None
        return complete(value)

    return maybe


#: Nested objects are completed inline up to this depth (deeper ones call their own
#: completion), so that a large selection does not compile to one huge function.
_INLINE_DEPTH = 3


def _compile(plan: ObjectPlan) -> None:
    """Set the plan's generated completion: ``pure`` and ``many`` when every field reads
    an attribute (or is ``__typename``) and completes purely, else ``partial`` for the
    fields that do and ``rest`` for the others.

    Generated as Python source, as :mod:`dataclasses` generates ``__init__``: the object's
    answer is one dict display of attribute loads, with the common leaves (strings,
    numbers, booleans, enum members) checked inline, nested objects completed inline, and
    anything else handed to its shape's closure. A list of objects is one loop over it,
    with no call per item. It is the inner loop of every large answer."""
    names: dict[str, Any] = {"_Impure": _Impure}
    lines: list[str] = []
    rest: list[FieldPlan] = []
    display = _inline_object(plan, "source", lines, "", names, [0], 0, rest)
    assert display is not None  # with ``rest`` given, a field that is not pure goes there
    body = ["def complete(source):", *_indented(lines, 1), f"    return {display}"]
    if rest:
        plan.rest = rest
        if len(rest) < len(plan.fields):  # else a resolver per field: nothing to generate
            plan.partial = _compiled(body, f"<partial plan for {plan.type.name}>", names)
        return
    plan.pure = _compiled(body, f"<plan for {plan.type.name}>", names)
    made: dict[bool, Complete] = {}

    def many(nonnull: bool) -> Complete:
        found = made.get(nonnull)
        if found is None:
            none = "raise _Impure" if nonnull else "append(None); continue"
            source = [
                "def complete(values):",
                "    out = []",
                "    append = out.append",
                "    for source in values:",
                f"        if source is None: {none}",
                *_indented(lines, 2),
                f"        append({display})",
                "    return out",
            ]
            found = made[nonnull] = _compiled(source, f"<plan for [{plan.type.name}]>", names)
        return found

    plan.many = many


def _indented(lines: list[str], levels: int) -> list[str]:
    return [" " * (4 * levels) + line for line in lines]


def _compiled(lines: list[str], filename: str, names: dict[str, Any]) -> Complete:
    scope = dict(names)
    exec(compile("\n".join(lines), filename, "exec"), scope)  # noqa: S102
    return cast(Complete, scope["complete"])


def _inline_object(
    plan: ObjectPlan,
    source: str,
    lines: list[str],
    indent: str,
    names: dict[str, Any],
    counter: list[int],
    depth: int,
    rest: list[FieldPlan] | None = None,
) -> str | None:
    """Append to ``lines`` the statements completing each field of ``plan`` read from the
    local ``source``; return the dict display of the answer (None: not pure). Given
    ``rest``, a field that is not pure is null in the display and appended to ``rest``."""
    items: list[str] = []
    for f in plan.fields:
        if f.definition is None:
            items.append(f"{f.key!r}: {plan.type.name!r}")
            continue
        shape = f.shape
        pure = shape.pure
        if f.attribute is None or pure is None:
            if rest is None:
                return None
            rest.append(f)
            items.append(f"{f.key!r}: None")
            continue
        index = counter[0]
        counter[0] += 1
        value = f"v{index}"
        read = (
            f"{source}.{f.attribute}"
            if f.attribute.isidentifier() and not keyword.iskeyword(f.attribute)
            else f"getattr({source}, {f.attribute!r})"
        )
        lines.append(f"{indent}{value} = {read}")
        named = _named(shape.type)
        as_is = _AS_IS.get(named) if shape.kind == LEAF else None
        python_enum, members = (
            _enum_members(named) if isinstance(named, GraphQLEnumType) else (None, {})
        )
        names[f"c{index}"] = pure
        if as_is is not None:
            names[f"t{index}"] = as_is
            lines.append(
                f"{indent}if {value}.__class__ is not t{index}: {value} = c{index}({value})"
            )
        elif python_enum is not None:
            # A member not in the map raises KeyError: the careful path reports it.
            names[f"e{index}"], names[f"m{index}"] = python_enum, members
            lines.append(
                f"{indent}if {value}.__class__ is e{index}: {value} = m{index}[{value}._name_]"
            )
            lines.append(f"{indent}else: {value} = c{index}({value})")
        elif shape.kind == OBJECT and shape.inner is not None:
            check = "is None: raise _Impure" if shape.nonnull else "is not None:"
            inner = indent if shape.nonnull else indent + "    "
            nested: list[str] = []
            display = (
                _inline_object(
                    shape.plan(shape.object_type), value, nested, inner, names, counter, depth + 1
                )
                if depth < _INLINE_DEPTH
                else None
            )
            if display is None:
                names[f"o{index}"] = shape.inner
                nested, display = [], f"o{index}({value})"
            lines.append(f"{indent}if {value} {check}")
            lines.extend(nested)
            lines.append(f"{inner}{value} = {display}")
        else:
            lines.append(f"{indent}{value} = c{index}({value})")
        items.append(f"{f.key!r}: {value}")
    return f"{{{', '.join(items)}}}"


def _named(type_: GraphQLOutputType) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_
