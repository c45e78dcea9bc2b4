"""Shopify's calculated query cost and its leaky bucket.

Requested cost follows Shopify's documented rules, before execution: scalars and enums 0,
objects 1, interfaces and unions the most expensive of their selections, connections
``2 + first * (cost of one node)``, lists of objects ``n * object`` where ``n`` is the
number of IDs (``nodes(ids:)``) or ``first`` (otherwise 1), mutations 10. Actual cost
walks the result instead, so empty pages and ``null`` objects cost nothing::

    >>> requested_cost(schema, parse("{ shop { id } }"), {})
    1
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
)

__all__ = ["MUTATION_COST", "LeakyBucket", "actual_cost", "requested_cost"]

MUTATION_COST = 10


def _unwrap(type_: GraphQLOutputType) -> tuple[GraphQLNamedType, bool]:
    """The named type and whether a list wraps it."""
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            is_list = True
        type_ = type_.of_type
    return type_, is_list


def _is_connection(named: GraphQLNamedType) -> bool:
    return isinstance(named, GraphQLObjectType) and named.name.endswith("Connection")


def _node_type(connection: GraphQLNamedType) -> GraphQLNamedType | None:
    """The type of a connection's nodes."""
    fields: dict[str, GraphQLField] = getattr(connection, "fields", {})
    return get_named_type(fields["nodes"].type) if "nodes" in fields else None


def _argument(node: FieldNode, name: str, variables: Mapping[str, Any]) -> Any:
    for argument in node.arguments or ():
        if argument.name.value == name:
            return _value(argument.value, variables)
    return None


def _value(node: ValueNode, variables: Mapping[str, Any]) -> Any:
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, ListValueNode):
        return [_value(item, variables) for item in node.values]
    if isinstance(node, BooleanValueNode):
        return node.value
    return getattr(node, "value", None)


def _skipped(
    node: FieldNode | InlineFragmentNode | FragmentSpreadNode, variables: Mapping[str, Any]
) -> bool:
    for directive in node.directives or ():
        if directive.name.value in ("skip", "include"):
            arguments = directive.arguments
            flag = bool(_value(arguments[0].value, variables)) if arguments else False
            if (directive.name.value == "skip") == flag:
                return True
    return False


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]

    def fields(
        self, selection_set: SelectionSetNode | None, condition: str | None = None
    ) -> list[tuple[str | None, FieldNode]]:
        """Every field selected, flattened through fragments, with the object type its
        fragment is conditioned on (``None`` when unconditional or abstract)."""
        found: list[tuple[str | None, FieldNode]] = []
        if selection_set is None:
            return found
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode | InlineFragmentNode | FragmentSpreadNode) and (
                _skipped(selection, self.variables)
            ):
                continue
            if isinstance(selection, FieldNode):
                found.append((condition, selection))
                continue
            if isinstance(selection, InlineFragmentNode):
                type_condition = selection.type_condition
                inner = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                type_condition = fragment.type_condition
                inner = fragment.selection_set
            else:
                continue
            name = type_condition.name.value if type_condition else None
            narrowed = condition
            if name is not None and isinstance(self.schema.get_type(name), GraphQLObjectType):
                narrowed = name
            found.extend(self.fields(inner, narrowed))
        return found

    def selection(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None) -> int:
        """Cost of the fields under one object of type ``parent`` (the object's own 1 not
        included): for an abstract type, the most expensive of its possible shapes."""
        groups: dict[str | None, int] = {}
        for condition, node in self.fields(selection_set):
            groups[condition] = groups.get(condition, 0) + self.field(parent, condition, node)
        common = groups.pop(None, 0)
        return common + max(groups.values(), default=0)

    def field(self, parent: GraphQLNamedType, condition: str | None, node: FieldNode) -> int:
        name = node.name.value
        if name.startswith("__"):
            return 0
        owner = self.schema.get_type(condition) if condition else parent
        definition: GraphQLField | None = getattr(owner, "fields", {}).get(name)
        if definition is None:
            return 0
        named, is_list = _unwrap(definition.type)
        if is_leaf_type(named):
            return 0
        if _is_connection(named):
            size = _argument(node, "first", self.variables) or _argument(
                node, "last", self.variables
            )
            return 2 + int(size or 0) * self.node(named, node.selection_set)
        one = 1 + self.selection(named, node.selection_set)
        if not is_list:
            return one
        # ``nodes(ids:)`` costs per ID; a list with ``first`` per item asked for; any other
        # list of objects (``selectedOptions``, ``quantities(names:)``) like one object.
        listed = _argument(node, "ids", self.variables)
        if isinstance(listed, list):
            return len(listed) * one
        return int(_argument(node, "first", self.variables) or 1) * one

    def node(self, connection: GraphQLNamedType, selection_set: SelectionSetNode | None) -> int:
        """Cost of one node of a connection, through ``edges { node }`` or ``nodes``."""
        node_type = _node_type(connection)
        costs = [0]
        for _, child in self.fields(selection_set):
            if child.name.value == "nodes" and node_type is not None:
                costs.append(1 + self.selection(node_type, child.selection_set))
            elif child.name.value == "edges" and node_type is not None:
                for _, grandchild in self.fields(child.selection_set):
                    if grandchild.name.value == "node":
                        costs.append(1 + self.selection(node_type, grandchild.selection_set))
        return max(costs)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _with_defaults(
    operation: OperationDefinitionNode, variables: Mapping[str, Any]
) -> dict[str, Any]:
    values = dict(variables)
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name not in values and definition.default_value is not None:
            values[name] = _value(definition.default_value, {})
    return values


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any],
    operation_name: str | None = None,
) -> int:
    """The cost Shopify charges up front, from the document alone."""
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    walk = _Walk(schema, _fragments(document), _with_defaults(operation, variables))
    if operation.operation == OperationType.MUTATION:
        return MUTATION_COST * len(walk.fields(operation.selection_set))
    root = schema.query_type
    assert root is not None
    return walk.selection(root, operation.selection_set)


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any],
    data: Mapping[str, Any] | None,
    operation_name: str | None = None,
) -> int:
    """The cost of what was returned: objects present, nodes actually on each page."""
    operation = _operation(document, operation_name)
    if operation is None or data is None:
        return 0
    walk = _Walk(schema, _fragments(document), _with_defaults(operation, variables))
    if operation.operation == OperationType.MUTATION:
        return MUTATION_COST * len(walk.fields(operation.selection_set))
    root = schema.query_type
    assert root is not None
    return _actual(walk, root, operation.selection_set, data)


def _actual(
    walk: _Walk,
    parent: GraphQLNamedType,
    selection_set: SelectionSetNode | None,
    value: Mapping[str, Any],
) -> int:
    total = 0
    for condition, node in walk.fields(selection_set):
        key = node.alias.value if node.alias else node.name.value
        if key not in value or node.name.value.startswith("__"):
            continue
        owner = walk.schema.get_type(condition) if condition else parent
        definition = getattr(owner, "fields", {}).get(node.name.value)
        if definition is None:
            continue
        named, _ = _unwrap(definition.type)
        if is_leaf_type(named):
            continue
        total += _actual_value(walk, named, node, value[key])
    return total


def _actual_value(walk: _Walk, named: GraphQLNamedType, node: FieldNode, value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, list):
        costs = [_actual_value(walk, named, node, item) for item in value]
        sized = any(_argument(node, key, walk.variables) is not None for key in ("ids", "first"))
        # As requested: per item for ``nodes(ids:)`` and lists with ``first``, else one object.
        return sum(costs) if sized else max(costs, default=0)
    if _is_connection(named):
        node_type = _node_type(named)
        if node_type is None:
            return 2
        counts = [0]
        for _, child in walk.fields(node.selection_set):
            key = child.alias.value if child.alias else child.name.value
            items = value.get(key)
            if child.name.value == "nodes" and items:
                counts.append(
                    sum(1 + _actual(walk, node_type, child.selection_set, i) for i in items)
                )
            elif child.name.value == "edges" and items:
                for _, grandchild in walk.fields(child.selection_set):
                    inner = grandchild.alias.value if grandchild.alias else grandchild.name.value
                    if grandchild.name.value == "node":
                        counts.append(
                            sum(
                                1 + _actual(walk, node_type, grandchild.selection_set, e[inner])
                                for e in items
                                if e.get(inner) is not None
                            )
                        )
        return 2 + max(counts)
    if is_abstract_type(named) or isinstance(named, GraphQLObjectType):
        return 1 + _actual(walk, named, node.selection_set, value)
    return 0


@dataclass
class LeakyBucket:
    """Shopify's throttle: ``maximum`` points that refill at ``restore_rate`` per second.

    A query needs its requested cost in the bucket before it runs; the difference between
    requested and actual cost is refunded afterwards.
    """

    maximum: float
    restore_rate: float
    clock: Callable[[], float] = time.monotonic
    level: float = field(init=False)
    _updated: float = field(init=False)

    def __post_init__(self) -> None:
        self.level = self.maximum
        self._updated = self.clock()

    def available(self) -> float:
        now = self.clock()
        self.level = min(self.maximum, self.level + (now - self._updated) * self.restore_rate)
        self._updated = now
        return self.level

    def take(self, cost: int) -> bool:
        """Take ``cost`` points if they are there; ``False`` (and nothing taken) if not."""
        # A caller that waited exactly the advertised time must get in, float error or not.
        if self.available() + 1e-6 < cost:
            return False
        self.level -= cost
        return True

    def refund(self, points: int) -> None:
        self.level = min(self.maximum, self.level + max(0, points))

    def status(self) -> dict[str, float | int]:
        return {
            "maximumAvailable": float(self.maximum),
            "currentlyAvailable": int(self.available()),
            "restoreRate": float(self.restore_rate),
        }
