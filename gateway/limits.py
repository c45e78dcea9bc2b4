"""Operation limits: how much one GraphQL request may ask for, checked before anything runs.

    setting              default  code when exceeded       what is measured
    max_document_length   65,536  MAX_DOCUMENT_LENGTH      characters, before parsing
    max_tokens             2,000  MAX_TOKENS               lexical tokens and comments, while parsing
    max_depth                  8  MAX_DEPTH                nested field levels, a root field is level 1
    max_aliases               15  MAX_ALIASES              aliased fields
    max_root_fields           10  MAX_ROOT_FIELDS          fields at the root of an operation
    max_directives            50  MAX_DIRECTIVES           directive uses (@include, @skip, ...)
    max_cost               5,000  MAX_COST                 static cost, weighted by list sizes (below)
    introspection             on  INTROSPECTION_DISABLED   when off: ``__schema`` and ``__type``

Every measure looks through fragments: a fragment counts at every place it is spread, so
``...F ...F ...F`` counts ``F``'s aliases three times. Each fragment is measured once and
its measure reused, so a fan of spreads costs the walker linear time even when the count
it produces is exponential, and a spread that closes a cycle counts 0 (the spec's rules
reject the cycle). Introspection (``__schema``, ``__type``) is exempt from depth and cost:
it is answered from memory, never from a back end, and graphql-core's
``MaxIntrospectionDepthRule`` bounds its only amplification (``fields { type { fields``
...), as graphql-js and Apollo Router do; a client such as GraphiQL needs depth 13 for it.

**Cost** estimates how many objects the answer may hold: each object costs 1, scalars and
enums 0 (they come with their object). A list of objects costs its size times (1 + what
each element selects); a connection costs 1 + ``first`` times what it selects (its
``edges`` and ``nodes``, one per element). A list's size is its ``first`` argument (the
literal, the variable's value, or the argument's default); the product of the lengths of
its list arguments when it takes keys (``inventory(skus: [...])``, one entry per key);
otherwise ``default_list_size``.

The checks run in order and the request stops at the first that fails:

1. the document's length, then parsing, which stops past ``max_tokens``;
2. the limit rules, alone, before the spec's validation rules: some of those grow faster
   than the document (overlapping fields compare pairs), and a document over a limit
   never reaches them. Cost is checked here with every variable at its least (``first:
   $n`` counts 1), so a document that is over whatever its variables stops here;
3. the spec's rules, the overlapping-fields check within ``OVERLAP_BUDGET``;
4. the cost again, with the request's variables.

Steps 1 to 3 depend on the document alone: a document and its verdict are cached
together, by its text, within ``CACHE_TOKENS``. Step 4 depends on the variables, so it is
never cached (it walks at most ``max_tokens`` tokens, a fraction of a millisecond): a
cached "valid" never lets ``first: $n`` through unchecked. That is why cost is not only a
validation rule — graphql-core's rules never see variables, and strawberry caches their
verdict by document.

    >>> import strawberry
    >>> from gateway.limits import LimitSettings, OperationLimits
    >>> @strawberry.type
    ... class Query:
    ...     hello: str = "world"
    >>> schema = strawberry.Schema(
    ...     Query, extensions=[lambda: OperationLimits(LimitSettings(max_aliases=1))]
    ... )
    >>> result = schema.execute_sync("{ a: hello b: hello }")
    >>> result.errors[0].message, result.errors[0].extensions
    ('alias count 2 exceeds the limit of 1', {'code': 'MAX_ALIASES'})
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias

from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    ListValueNode,
    NamedTypeNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
    parse,
    validate,
    value_from_ast,
)
from graphql.language import SKIP, VisitorAction
from graphql.validation import (
    ASTValidationRule,
    MaxIntrospectionDepthRule,
    OverlappingFieldsCanBeMergedRule,
    ValidationContext,
    ValidationRule,
)
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

__all__ = [
    "DEFAULT_LIMITS",
    "LimitSettings",
    "OperationLimits",
    "limit_rules",
    "operation_cost",
]

Definition: TypeAlias = OperationDefinitionNode | FragmentDefinitionNode
Rules: TypeAlias = tuple[type[ASTValidationRule], ...]

#: Fields answered by introspection: rejected when it is off, exempt from depth and cost.
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})

#: Measures saturate here: fans of fragment spreads multiply, and messages stay short.
_CAP = 10**12

#: What the cache of parsed and validated documents may hold, in tokens. A parsed document
#: keeps its tokens: some 600 bytes and 5 objects the garbage collector walks, each. At
#: 30,000 tokens (150 to 300 ordinary documents) the cache holds 20 MB at most and adds
#: about 30 ms to a full collection; counting documents instead, 1,024 hostile ones of
#: 2,000 tokens would pin over a gigabyte and stall every full collection for seconds.
CACHE_TOKENS = 30_000

#: Work allowed to graphql-core's overlapping-fields check on one document (a unit is
#: about one comparison of two fields; graphql-core's default is 500,000). Selecting one
#: response name many times over, directly or through many fragments, makes the check
#: quadratic: at 2,000 tokens the default lets one document cost half a second of CPU.
#: 20,000 keeps the check to about 20 ms and still admits some 40 fragments spread on one
#: object that each select the same five fields again.
OVERLAP_BUDGET = 20_000


@dataclass(frozen=True)
class LimitSettings:
    """What one operation may ask for: ``[limits]`` in the config, read once at start-up.

    The defaults are safe for a public endpoint; the ``production`` profile also turns off
    ``introspection`` and ``suggestions`` (:meth:`for_profile`).
    """

    #: Nested field levels, a root field being level 1 (``{ product { title } }`` is 2).
    #: Fragments and inline fragments add their fields' levels where they are spread.
    max_depth: int = 8
    #: Aliased fields (``a: title``) in one operation; a fragment's count at every spread.
    max_aliases: int = 15
    #: Lexical tokens in the document, comments included; parsing stops past it.
    max_tokens: int = 2000
    #: Characters in the document, checked before parsing. graphql-core lexes a few
    #: hundred nanoseconds a character: a 2 MB string literal or run of escapes costs
    #: half a second whatever its tokens. 2,000 tokens of any realistic document, indented,
    #: fit in a fraction of this; large values belong in variables.
    max_document_length: int = 65_536
    #: Fields at the root of an operation, through fragments; each is resolved on its own.
    max_root_fields: int = 10
    #: Directive uses in one operation; a fragment's count at every spread.
    max_directives: int = 50
    #: Static cost: about how many objects the answer may hold (see the module docstring).
    max_cost: int = 5000
    #: The size cost assumes for a list of objects without ``first`` or key arguments
    #: (``variants``, ``images``, ``lines``, ``Variant.inventory``, ``locations``, ...).
    #: 5: apparel comes in 4 sizes, a retailer's stock sits at a handful of locations,
    #: an order has a few lines. A 50-product listing with prices and stock at every
    #: location then costs 3,151 (100 products: 6,301, over the default limit).
    default_list_size: int = 5
    #: Whether ``__schema`` and ``__type`` are answered; ``__typename`` always is.
    introspection: bool = True
    #: Whether error messages may suggest names ("Did you mean 'products'?"), which tells
    #: a client the schema even with introspection off. Applied by
    #: :func:`gateway.errors.format_error`; errors raised on purpose keep their message.
    suggestions: bool = True

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.type == "int" and (
                not isinstance(value, int) or isinstance(value, bool) or value < 1
            ):
                raise ValueError(f"limits.{field.name} must be a positive integer, got {value!r}")
            if field.type == "bool" and not isinstance(value, bool):
                raise ValueError(f"limits.{field.name} must be true or false, got {value!r}")

    @classmethod
    def for_profile(cls, profile: str, **overrides: Any) -> LimitSettings:
        """The defaults of a profile (``"dev"`` or ``"production"``), then ``overrides``
        (the keys the config file sets)."""
        defaults: dict[str, Any] = {}
        if profile == "production":
            defaults = {"introspection": False, "suggestions": False}
        return cls(**{**defaults, **overrides})


DEFAULT_LIMITS = LimitSettings()


def _limit_error(code: str, message: str, nodes: Any = None) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": code})


def _shown(value: int) -> str:
    return str(value) if value < _CAP else f"more than {_CAP}"


# Measures. Each walks one definition's selections, through fragments.

#: Selection sets a walk may be inside (fields, inline fragments and fragments nested):
#: deeper documents are refused as too deep, and the walk stays far from Python's
#: recursion limit (three frames a level at most).
_MAX_LEVELS = 150


class _TooDeep(Exception):
    pass


class _Levels:
    """``with levels:`` around each selection set a walk enters."""

    def __init__(self) -> None:
        self.depth = 0

    def __enter__(self) -> None:
        if self.depth >= _MAX_LEVELS:
            raise _TooDeep
        self.depth += 1

    def __exit__(self, *_exc: object) -> None:
        self.depth -= 1


class _Spreads:
    """A fragment's measure, computed once per walk and reused at every spread. An unknown
    fragment, or a spread that closes a cycle, measures 0: the spec's rules reject both.

    A base class rather than a helper holding ``self.fragment``: a bound method kept on
    the measure is a reference cycle, left for the garbage collector on every request."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        self._fragments = fragments
        self._known: dict[str, int] = {}
        self._open: set[str] = set()

    def fragment(self, node: FragmentDefinitionNode) -> int:
        raise NotImplementedError

    def spread(self, name: str) -> int:
        known = self._known.get(name)
        if known is not None:
            return known
        fragment = self._fragments.get(name)
        if fragment is None or name in self._open:
            return 0
        self._open.add(name)
        try:
            value = min(self.fragment(fragment), _CAP)
        finally:
            self._open.discard(name)
        self._known[name] = value
        return value


class _Measure(_Spreads):
    """Depth, alias, root-field and directive counts: no types needed."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]) -> None:
        super().__init__(fragments)
        self.levels = _Levels()

    def definition(self, node: Definition) -> int:
        if isinstance(node, FragmentDefinitionNode):
            return self.spread(node.name.value)
        return min(self.operation(node), _CAP)

    def operation(self, node: OperationDefinitionNode) -> int:
        return self.selections(node.selection_set)

    def fragment(self, node: FragmentDefinitionNode) -> int:
        return self.selections(node.selection_set)

    def selections(self, node: SelectionSetNode | None) -> int:
        raise NotImplementedError


def _is_introspection(condition: NamedTypeNode | None) -> bool:
    # A fragment on __Type, __Field, ...: it can only be spread inside introspection.
    return condition is not None and condition.name.value.startswith("__")


class _Depth(_Measure):
    def fragment(self, node: FragmentDefinitionNode) -> int:
        return 0 if _is_introspection(node.type_condition) else super().fragment(node)

    def selections(self, node: SelectionSetNode | None) -> int:
        with self.levels:
            deepest = 0
            for selection in node.selections if node else ():
                depth = 0
                if isinstance(selection, FieldNode):
                    if selection.name.value not in INTROSPECTION_FIELDS:
                        depth = 1 + self.selections(selection.selection_set)
                elif isinstance(selection, InlineFragmentNode):
                    if not _is_introspection(selection.type_condition):
                        depth = self.selections(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    depth = self.spread(selection.name.value)
                deepest = max(deepest, depth)
            return deepest


class _Aliases(_Measure):
    def selections(self, node: SelectionSetNode | None) -> int:
        with self.levels:
            count = 0
            for selection in node.selections if node else ():
                if isinstance(selection, FieldNode):
                    count += (selection.alias is not None) + self.selections(
                        selection.selection_set
                    )
                elif isinstance(selection, InlineFragmentNode):
                    count += self.selections(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    count += self.spread(selection.name.value)
            return count


class _RootFields(_Measure):
    def selections(self, node: SelectionSetNode | None) -> int:
        with self.levels:
            count = 0
            for selection in node.selections if node else ():
                if isinstance(selection, FieldNode):
                    count += 1
                elif isinstance(selection, InlineFragmentNode):
                    count += self.selections(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    count += self.spread(selection.name.value)
            return count


class _Directives(_Measure):
    def operation(self, node: OperationDefinitionNode) -> int:
        on_variables = sum(len(v.directives or ()) for v in node.variable_definitions or ())
        return len(node.directives or ()) + on_variables + self.selections(node.selection_set)

    def fragment(self, node: FragmentDefinitionNode) -> int:
        return len(node.directives or ()) + self.selections(node.selection_set)

    def selections(self, node: SelectionSetNode | None) -> int:
        with self.levels:
            count = 0
            for selection in node.selections if node else ():
                count += len(selection.directives or ())
                if isinstance(selection, FieldNode | InlineFragmentNode):
                    count += self.selections(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    count += self.spread(selection.name.value)
            return count


class _Cost(_Spreads):
    """Static cost (see the module docstring). ``variables`` are the request's values, as
    sent, and ``defaults`` the operation's defaults for them; ``variables=None`` means not
    known yet, and every variable then counts at its least."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        default_list_size: int,
        variables: Mapping[str, Any] | None = None,
        defaults: Mapping[str, ValueNode] | None = None,
    ) -> None:
        self.schema = schema
        self.default_list_size = default_list_size
        self.variables = variables
        self.defaults = defaults or {}
        super().__init__(fragments)
        self.levels = _Levels()

    def definition(self, node: Definition) -> int:
        if isinstance(node, FragmentDefinitionNode):
            return self.spread(node.name.value)
        root = self.schema.get_root_type(node.operation)
        return min(self.selections(node.selection_set, root), _CAP)

    def fragment(self, node: FragmentDefinitionNode) -> int:
        condition = node.type_condition
        if _is_introspection(condition):
            return 0
        return self.selections(node.selection_set, self.schema.get_type(condition.name.value))

    def selections(self, node: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        with self.levels:
            total = 0
            for selection in node.selections if node else ():
                if isinstance(selection, FieldNode):
                    total += self.field(selection, parent)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    if not _is_introspection(condition):
                        scope = self.schema.get_type(condition.name.value) if condition else parent
                        total += self.selections(selection.selection_set, scope)
                elif isinstance(selection, FragmentSpreadNode):
                    total += self.spread(selection.name.value)
            return min(total, _CAP)

    def field(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        name = node.name.value
        if name in INTROSPECTION_FIELDS:
            return 0
        fields = (
            parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        )
        definition = fields.get(name)
        if definition is None:
            # __typename, or a field the spec's rules will reject: one value, no objects.
            return 0 if node.selection_set is None else 1
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        inner = self.selections(node.selection_set, named)
        size = self.list_size(node, definition, parent)
        if is_list_type(get_nullable_type(definition.type)):
            return min(size * (1 + inner), _CAP)  # each element, and what it selects
        # One object; a connection's `first` multiplies what it selects (edges, nodes).
        return min(1 + size * inner, _CAP)

    def list_size(
        self, node: FieldNode, definition: GraphQLField, parent: GraphQLNamedType | None
    ) -> int:
        if "first" in definition.args:
            first = self.first(node, definition)
            if first is _UNKNOWN:
                return 1  # a variable not known yet: the least it can be
            if isinstance(first, int) and not isinstance(first, bool):
                return max(first, 0)
            return self.default_list_size
        if isinstance(parent, GraphQLObjectType) and "pageInfo" in parent.fields:
            return 1  # a connection's edges or nodes: the connection's `first` counted them
        if not is_list_type(get_nullable_type(definition.type)):
            return 1
        counts = [
            self.key_count(node, name)
            for name, argument in definition.args.items()
            if is_list_type(get_nullable_type(argument.type))
        ]
        if any(isinstance(count, int) for count in counts):
            return math.prod(count for count in counts if isinstance(count, int))
        if _UNKNOWN in counts:
            return 1
        return self.default_list_size

    def first(self, node: FieldNode, definition: GraphQLField) -> object:
        """``first`` as the resolver will see it; ``_UNKNOWN`` for a variable not known yet."""
        argument = definition.args["first"]
        default = None if argument.default_value is Undefined else argument.default_value
        given = _argument(node, "first")
        if given is None:
            return default
        if isinstance(given, VariableNode):
            if self.variables is None:
                return _UNKNOWN
            name = given.name.value
            if name in self.variables:
                return _as_int(self.variables[name])
            given = self.defaults.get(name)
            if given is None:
                return default  # not provided, no default: the argument's default applies
        return _as_int(value_from_ast(given, argument.type))

    def key_count(self, node: FieldNode, name: str) -> object:
        """How many keys a list argument holds; ``None`` when not given, ``_UNKNOWN`` for
        a variable not known yet. A single value counts 1 (GraphQL makes it a list)."""
        given = _argument(node, name)
        if given is None or isinstance(given, NullValueNode):
            return None
        if isinstance(given, ListValueNode):
            return len(given.values)
        if isinstance(given, VariableNode):
            if self.variables is None:
                return _UNKNOWN
            name = given.name.value
            if name not in self.variables:
                default = self.defaults.get(name)
                return None if default is None else self.key_count_of(default)
            value = self.variables[name]
            if value is None:
                return None
            return len(value) if isinstance(value, list) else 1
        return 1

    @staticmethod
    def key_count_of(node: ValueNode) -> int | None:
        if isinstance(node, NullValueNode):
            return None
        return len(node.values) if isinstance(node, ListValueNode) else 1


def _as_int(value: object) -> int | None:
    """An Int as GraphQL would coerce it (``5.0`` is 5, 32 bits); anything else ``None``:
    execution refuses it before a resolver runs, and says why."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if -(2**31) <= value < 2**31 else None


def _argument(node: FieldNode, name: str) -> ValueNode | None:
    return next((a.value for a in node.arguments or () if a.name.value == name), None)


_UNKNOWN = object()


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    settings: LimitSettings = DEFAULT_LIMITS,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The static cost of ``operation`` (a definition in ``document``, assumed valid).

    ``variables`` are the request's values as sent (read, not coerced: coercing them twice
    would double the work a large list costs); ``None`` counts every variable at its
    least. A value GraphQL will refuse counts at its least: execution refuses it before
    any resolver runs.
    """
    defaults = {
        definition.variable.name.value: definition.default_value
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    size = settings.default_list_size
    cost = _Cost(schema, _fragments(document), size, variables, defaults)
    return cost.definition(operation)


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


# Validation rules: one per limit, bound to its settings by `limit_rules`.


class _LimitRule(ValidationRule):
    """Measures every operation and fragment once, at the document, and reports the
    worst one over the limit (one error per limit, however many definitions exceed it)."""

    code: ClassVar[str]
    what: ClassVar[str]
    settings: ClassVar[LimitSettings]
    operations_only: ClassVar[bool] = False

    def limit(self) -> int:
        raise NotImplementedError

    def measure(
        self, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> Callable[[Definition], int]:
        raise NotImplementedError

    def enter_document(self, node: DocumentNode, *_args: object) -> VisitorAction:
        limit = self.limit()
        measure = self.measure(_fragments(node))
        worst: tuple[int, Definition] | None = None
        try:
            for definition in node.definitions:
                if isinstance(definition, OperationDefinitionNode) or (
                    isinstance(definition, FragmentDefinitionNode) and not self.operations_only
                ):
                    value = measure(definition)
                    if value > limit and (worst is None or value > worst[0]):
                        worst = (value, definition)
        except _TooDeep:
            # Whichever walk meets it first (introspection is walked by some measures and
            # not others); the pipeline keeps one of these identical errors.
            message = f"the document nests more than {_MAX_LEVELS} selections deep"
            self.report_error(_limit_error("MAX_DEPTH", message))
            return SKIP
        if worst is not None:
            value, definition = worst
            message = f"{self.what} {_shown(value)} exceeds the limit of {limit}"
            self.report_error(_limit_error(self.code, message, definition))
        return SKIP


class _DepthRule(_LimitRule):
    code, what = "MAX_DEPTH", "depth"

    def limit(self) -> int:
        return self.settings.max_depth

    def measure(
        self, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> Callable[[Definition], int]:
        return _Depth(fragments).definition


class _AliasRule(_LimitRule):
    code, what = "MAX_ALIASES", "alias count"

    def limit(self) -> int:
        return self.settings.max_aliases

    def measure(
        self, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> Callable[[Definition], int]:
        return _Aliases(fragments).definition


class _RootFieldRule(_LimitRule):
    code, what = "MAX_ROOT_FIELDS", "root field count"
    operations_only = True

    def limit(self) -> int:
        return self.settings.max_root_fields

    def measure(
        self, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> Callable[[Definition], int]:
        return _RootFields(fragments).definition


class _DirectiveRule(_LimitRule):
    code, what = "MAX_DIRECTIVES", "directive count"

    def limit(self) -> int:
        return self.settings.max_directives

    def measure(
        self, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> Callable[[Definition], int]:
        return _Directives(fragments).definition


class _CostRule(_LimitRule):
    """The cost with every variable at its least: what a document costs whatever its
    variables. The cost with the request's variables is checked after validation."""

    code, what = "MAX_COST", "cost"

    def limit(self) -> int:
        return self.settings.max_cost

    def measure(
        self, fragments: Mapping[str, FragmentDefinitionNode]
    ) -> Callable[[Definition], int]:
        schema = self.context.schema
        return _Cost(schema, fragments, self.settings.default_list_size).definition


class _IntrospectionRule(ValidationRule):
    """``__schema`` and ``__type`` are refused (``__typename`` is not introspection)."""

    def enter_field(self, node: FieldNode, *_args: object) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            message = (
                f"introspection is disabled on this gateway: `{node.name.value}` is not available"
            )
            self.report_error(_limit_error("INTROSPECTION_DISABLED", message, node))


class _IntrospectionDepthRule(MaxIntrospectionDepthRule):
    """graphql-core's bound on nested introspection lists, with a code."""

    def report_error(self, error: GraphQLError) -> None:
        message = "introspection nests lists of types or fields more than 3 deep"
        super().report_error(_limit_error("MAX_DEPTH", message, error.nodes))


class _BoundedOverlapRule(OverlappingFieldsCanBeMergedRule):
    """The spec's overlapping-fields rule, stopped after ``OVERLAP_BUDGET``, with a code."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        budget = self.rule_context.remaining_complexity_budget
        self.rule_context.remaining_complexity_budget = min(budget, OVERLAP_BUDGET)

    def enter_selection_set(self, *args: Any) -> None:
        try:
            super().enter_selection_set(*args)
        except ValidationAbortedError:
            if self.rule_context.remaining_complexity_budget >= 0:
                raise  # the error count limit, not the budget
            raise ValidationAbortedError(
                "the document selects the same fields too many times over to check that "
                "they merge (repeated fields, or many fragments selecting the same fields)",
                extensions={"code": "MAX_OVERLAPPING_FIELDS"},
            ) from None


def _spec_rules(rules: Rules) -> Rules:
    return tuple(
        _BoundedOverlapRule if rule is OverlappingFieldsCanBeMergedRule else rule for rule in rules
    )


@functools.cache
def limit_rules(settings: LimitSettings) -> Rules:
    """The validation rules for ``settings``; the same objects for equal settings, so a
    validation cache keyed on the rules keeps its hits across requests."""
    bound: list[type[ASTValidationRule]] = [
        type(rule.__name__, (rule,), {"settings": settings})
        for rule in (_DepthRule, _AliasRule, _RootFieldRule, _DirectiveRule, _CostRule)
    ]
    bound.append(_IntrospectionDepthRule)
    if not settings.introspection:
        bound.append(_IntrospectionRule)
    return tuple(bound)


# The extension: parse, limits, validation, cost, in that order.


@dataclass
class _Prepared:
    """A parsed document, and its verdict for each schema and set of spec rules."""

    document: DocumentNode
    length: int
    verdicts: dict[tuple[GraphQLSchema, Rules], list[GraphQLError]] = dataclasses.field(
        default_factory=dict
    )
    #: The cost verdict per schema and operation name, for operations without variables
    #: (a variable can change a list's size, so theirs is worked out per request).
    costs: dict[tuple[GraphQLSchema, str | None], GraphQLError | None] = dataclasses.field(
        default_factory=dict
    )

    @property
    def tokens(self) -> int:
        # graphql-core 3.3 counts them while parsing; about four characters a token else.
        counted = getattr(self.document, "token_count", None)
        return max(1, counted if isinstance(counted, int) else self.length // 4)


class _Pipeline:
    """Parse and validate with ``settings``; documents and verdicts cached together, by
    the document's text. One per distinct settings."""

    def __init__(self, settings: LimitSettings) -> None:
        self.settings = settings
        rules = limit_rules(settings)
        # The measures need the document only, not a visit of every node with type info
        # (a third of the time on a large document); introspection's rules need the visit.
        self.measures = [rule for rule in rules if issubclass(rule, _LimitRule)]
        self.visiting = [rule for rule in rules if not issubclass(rule, _LimitRule)]
        self.cache: LRUCache[str, _Prepared] = LRUCache(
            maxsize=CACHE_TOKENS, getsizeof=lambda prepared: prepared.tokens
        )
        self.lock = threading.Lock()
        #: Documents parsed and validated (not served from the cache), for tests.
        self.parsed = self.validated = 0

    def prepare(self, source: str) -> _Prepared:
        with self.lock:
            prepared = self.cache.get(source)
        if prepared is None:
            prepared = _Prepared(self.parse(source), len(source))
            if prepared.tokens <= CACHE_TOKENS:
                with self.lock:
                    self.cache[source] = prepared
        return prepared

    def parse(self, source: str) -> DocumentNode:
        length, limit = len(source), self.settings.max_document_length
        if length > limit:
            message = f"document length {length} exceeds the limit of {limit} characters"
            raise _limit_error("MAX_DOCUMENT_LENGTH", message + "; send large values as variables")
        self.parsed += 1
        tokens = self.settings.max_tokens
        try:
            return parse(source, max_tokens=tokens)
        except GraphQLSyntaxError as error:
            if f"more than {tokens} tokens" not in error.message:
                raise
            raise GraphQLError(
                f"token count exceeds the limit of {tokens}",
                source=error.source,
                positions=error.positions,
                extensions={"code": "MAX_TOKENS"},
            ) from None

    def errors(
        self, prepared: _Prepared, schema: GraphQLSchema, rules: Rules
    ) -> list[GraphQLError]:
        key = (schema, rules)
        errors = prepared.verdicts.get(key)
        if errors is None:
            errors = prepared.verdicts[key] = self.validate(schema, prepared.document, rules)
        return errors

    def validate(
        self, schema: GraphQLSchema, document: DocumentNode, rules: Rules
    ) -> list[GraphQLError]:
        self.validated += 1
        errors = self.limit_errors(schema, document)
        return errors or validate_document(schema, document, _spec_rules(rules))

    def limit_errors(self, schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
        errors: list[GraphQLError] = []
        context = ValidationContext(schema, document, TypeInfo(schema), errors.append)
        for rule in self.measures:
            rule(context).enter_document(document)
        if _mentions_introspection(document):
            errors.extend(validate(schema, document, self.visiting))
        # Measures that meet a document too deep to walk each say so: keep one.
        unique = {(error.message, str(error.locations)): error for error in errors}
        return list(unique.values())

    def prepared_cost_error(
        self,
        prepared: _Prepared,
        schema: GraphQLSchema,
        operation_name: str | None,
        variables: object,
    ) -> GraphQLError | None:
        """:meth:`cost_error`, kept with the document when its operation takes no
        variables."""
        operation = _operation(prepared.document, operation_name)
        if operation is None or operation.variable_definitions:
            return self.cost_error(schema, prepared.document, operation_name, variables)
        key = (schema, operation_name)
        if key not in prepared.costs:
            prepared.costs[key] = self.cost_error(schema, prepared.document, operation_name, {})
        return prepared.costs[key]

    def cost_error(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: object,
    ) -> GraphQLError | None:
        operation = _operation(document, operation_name)
        if operation is None:
            return None  # execution reports it
        values = variables if isinstance(variables, Mapping) else {}
        limit = self.settings.max_cost
        try:
            cost = operation_cost(schema, document, operation, self.settings, values)
        except _TooDeep:
            return _limit_error("MAX_COST", "the document nests too deeply to measure its cost")
        if cost <= limit:
            return None
        message = f"cost {_shown(cost)} exceeds the limit of {limit}"
        return _limit_error("MAX_COST", message, operation)


_INTROSPECTION = re.compile(r"__(schema|type)\b")


def _mentions_introspection(document: DocumentNode) -> bool:
    # The text, not the tree: a mention in a string or comment only costs a visit.
    return document.loc is None or bool(_INTROSPECTION.search(document.loc.source.body))


@functools.cache
def _pipeline(settings: LimitSettings) -> _Pipeline:
    return _Pipeline(settings)


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations: Sequence[OperationDefinitionNode] = [
        d for d in document.definitions if isinstance(d, OperationDefinitionNode)
    ]
    if name is None:
        return operations[0] if operations else None  # strawberry runs the first
    return next((o for o in operations if o.name and o.name.value == name), None)


class OperationLimits(SchemaExtension):
    """Enforces :class:`LimitSettings` on every operation, and owns the parse and
    validation caches, since the limits run between parsing and the spec's validation.

    Pass it as a factory (strawberry builds extensions per request; the caches are shared
    by every instance with equal settings)::

        create_schema(extensions=[lambda: OperationLimits(settings)])
    """

    def __init__(self, settings: LimitSettings = DEFAULT_LIMITS) -> None:
        super().__init__()
        self.pipeline = _pipeline(settings)
        self.prepared: _Prepared | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            self.prepared = self.pipeline.prepare(context.query)
            context.graphql_document = self.prepared.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None, "on_parse sets the document or the request ends"
        schema, rules = context.schema._schema, context.validation_rules
        prepared = self.prepared if self.prepared and self.prepared.document is document else None
        if prepared is not None:
            errors = self.pipeline.errors(prepared, schema, rules)
        else:  # a document another extension provided: not cached
            errors = self.pipeline.validate(schema, document, rules)
        if not errors:
            name, variables = context.operation_name, context.variables
            error = (
                self.pipeline.prepared_cost_error(prepared, schema, name, variables)
                if prepared is not None
                else self.pipeline.cost_error(schema, document, name, variables)
            )
            errors = [error] if error else []
        # A copy: the cached list is shared by every request with this document.
        context.pre_execution_errors = list(errors)
        yield
