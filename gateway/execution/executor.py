"""An executor that completes answers from query plans, in waves.

graphql-core executes field by field: every field builds its resolve info and path,
checks whether its value is awaitable, and every list of objects with an async field
becomes a task per item gathered together. For a storefront page — 20 products, 65
variants, 500 stock levels — that is thousands of Python-level steps per request, and a
profile shows them as most of the gateway's CPU.

:class:`PlannedExecutor` runs the same operation from a :mod:`plan <gateway.execution.plan>`:

- fields that only read an attribute complete without resolve info, path or awaitable
  check, and subtrees made only of those complete through compiled closures;
- resolvers are called as graphql-core calls them (``resolve(source, info, **args)``, so
  strawberry's argument conversion, permissions and field extensions all run), with the
  same :class:`~graphql.GraphQLResolveInfo` and path;
- awaitables are not awaited one by one: each wave collects every awaitable the previous
  one produced and awaits them together, so DataLoaders see all of a level's keys at once;
- errors follow the spec as graphql-core does: a field error nulls the field and is
  reported at its path; a null in a non-null position nulls the nearest nullable parent.

Anything it does not plan — mutations (run serially), subscriptions, ``@defer``/``@stream``,
introspection roots, middleware, abort signals, disabled error propagation — runs on
graphql-core's own executor, unchanged.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any
from weakref import WeakKeyDictionary

from cachetools import LRUCache
from graphql import (
    GraphQLAbstractType,
    GraphQLError,
    GraphQLSchema,
    OperationType,
    located_error,
)
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import get_argument_values
from graphql.language import (
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.execution.plan import (
    ABSTRACT,
    LEAF,
    LIST,
    OBJECT,
    FieldPlan,
    ObjectPlan,
    Planner,
    Shape,
    without_default_nulls,
)

__all__ = ["PlannedExecutor"]

#: Plans per schema, per operation (documents come from the parse cache, so one query
#: text is one operation object for as long as the cache keeps it).
_PLANS: WeakKeyDictionary[GraphQLSchema, LRUCache[int, tuple[OperationDefinitionNode, ObjectPlan]]]
_PLANS = WeakKeyDictionary()
_PLANS_PER_SCHEMA = 512

#: Root fields graphql-core's introspection answers.
_INTROSPECTION = frozenset({"__schema", "__type"})

_STATIC, _PER_REQUEST, _UNPLANNED = "static", "per-request", "unplanned"

Pending = tuple[Any, FieldPlan, Path, dict[str, Any]]


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, executing queries from cached plans."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        plan = self._plan() if not serially else None
        if plan is None:
            return super().execute_operation(serially)
        self._root_plan = plan
        self._data: dict[str, Any] | None = {}
        self._pending: list[Pending] = []
        self._arguments: dict[FieldPlan, dict[str, Any]] = {}
        try:
            self._fill(plan, self.root_value, None, self._data)
        except GraphQLError as error:  # a non-null root field failed
            self.collected_errors.add(error, None)
            return self._respond(None)
        if not self._pending:
            return self._respond(self._data)
        return self._drive()

    def _respond(self, data: dict[str, Any] | None) -> Any:
        response = self.build_response(data)
        # graphql-core keeps its helpers for resolvers as methods bound to the context: a
        # reference cycle that would leave the context, and the loaders and records it
        # reaches, to the garbage collector. A planned execution is over here, so the
        # cycle is broken and all of it goes as soon as the request does.
        self.__dict__.pop("async_helpers", None)
        return response

    # -- planning ------------------------------------------------------------------------

    def _plan(self) -> ObjectPlan | None:
        operation = self.operation
        if (
            operation.operation is not OperationType.QUERY
            or self.abort_signal is not None
            or not self.error_propagation
            or (self.middleware_manager is not None and self.middleware_manager.middlewares)
        ):
            return None
        cache = _PLANS.get(self.schema)
        if cache is None:
            cache = _PLANS[self.schema] = LRUCache(_PLANS_PER_SCHEMA)
        cached = cache.get(id(operation))
        if cached is not None and cached[0] is operation:
            return cached[1]
        kind = _planning(operation, self.fragment_definitions.values())
        if kind == _UNPLANNED:
            return None
        root = self.schema.query_type
        assert root is not None
        try:
            collected = collect_fields(
                self.schema,
                self.fragments,
                self.variable_values,
                root,
                operation,
                self.hide_suggestions,
            )
        except RecursionError:
            return None
        grouped = collected.grouped_field_set
        if any(details[0].node.name.value in _INTROSPECTION for details in grouped.values()):
            return None
        planner = Planner(
            self.schema, self.fragments, self.variable_values, operation, self.field_resolver
        )
        try:
            plan = planner.root_plan(root, grouped)
        except RecursionError:
            return None
        if kind == _STATIC:
            cache[id(operation)] = (operation, plan)
        return plan

    # -- completing ----------------------------------------------------------------------

    def _object(self, plan: ObjectPlan, source: Any, path: Path) -> dict[str, Any]:
        """The answer for ``source``, the object at ``path``: its pure fields in one call
        where the plan has them, then the rest field by field."""
        partial = plan.partial
        if partial is not None:
            try:
                out: dict[str, Any] = partial(source)
            except Exception:  # noqa: S110 - redone below, errors reported there
                pass
            else:
                self._fill_fields(plan.type.name, plan.rest, source, path, out)
                return out
        out = {}
        self._fill(plan, source, path, out)
        return out

    def _fill(self, plan: ObjectPlan, source: Any, path: Path | None, out: dict[str, Any]) -> None:
        """Set every field of ``plan`` on ``out`` for ``source`` (the object at ``path``);
        raises the located error of a non-null field that failed."""
        self._fill_fields(plan.type.name, plan.fields, source, path, out)

    def _fill_fields(
        self,
        typename: str,
        fields: list[FieldPlan],
        source: Any,
        path: Path | None,
        out: dict[str, Any],
    ) -> None:
        for f in fields:
            key = f.key
            attribute = f.attribute
            if attribute is not None:
                try:
                    value = getattr(source, attribute)
                except Exception as error:
                    self._fail(error, f, Path(path, key, typename), out)
                    continue
                pure = f.shape.pure
                if pure is not None:
                    try:
                        out[key] = pure(value)
                        continue
                    except Exception:  # noqa: S110 - redone below, errors reported there
                        pass
                self._complete_into(f, value, Path(path, key, typename), out)
                continue
            if f.definition is None:  # __typename
                out[key] = typename
                continue
            field_path = Path(path, key, typename)
            try:
                arguments = f.static_arguments
                if arguments is None:
                    arguments = self._arguments_of(f)
                info = self.build_resolve_info(f.definition, f.nodes, f.parent, field_path)
                direct = f.direct
                if direct is not None and not arguments:
                    value = direct(source, info)
                else:
                    value = f.resolve(source, info, **arguments)  # type: ignore[misc]
            except Exception as error:
                self._fail(error, f, field_path, out)
                continue
            # A list is never awaitable: most resolved values are lists, and the check
            # costs a call each (strawberry's, for graphql-core's rules on awaitables).
            if value.__class__ is not list and self.is_awaitable(value):
                out[key] = None
                self._pending.append((value, f, field_path, out))
                continue
            self._complete_into(f, value, field_path, out)

    def _complete_into(self, f: FieldPlan, value: Any, path: Path, out: dict[str, Any]) -> None:
        try:
            out[f.key] = self._complete(f, f.shape, value, path)
        except Exception as error:
            self._fail(error, f, path, out)

    def _fail(self, error: Exception, f: FieldPlan, path: Path, out: dict[str, Any]) -> None:
        located = located_error(error, f.nodes, path.as_list())
        if f.shape.nonnull:
            raise located
        self.collected_errors.add(located, path)
        out[f.key] = None

    def _complete(self, f: FieldPlan, shape: Shape, value: Any, path: Path) -> Any:
        if value is None:
            if shape.nonnull:
                raise TypeError(f"Cannot return null for non-nullable field {f.parent}.{f.name}.")
            return None
        if isinstance(value, Exception):
            raise value
        kind = shape.kind
        if kind is LEAF:
            assert shape.coerce is not None
            return shape.coerce(value)
        if kind is LIST:
            return self._complete_list(f, shape, value, path)
        if kind is OBJECT:
            return self._object(shape.plan(shape.object_type), value, path)
        assert kind is ABSTRACT
        return self._object(shape.plan(self._runtime_type(f, shape, value, path)), value, path)

    def _complete_list(self, f: FieldPlan, shape: Shape, values: Any, path: Path) -> list[Any]:
        # A list first: the ABC checks cost a microsecond each, on every list in the answer.
        if values.__class__ is not list and (
            not isinstance(values, Iterable) or isinstance(values, (str, bytes, Mapping))
        ):
            raise GraphQLError(
                f"Expected Iterable, but did not find one for field '{f.parent}.{f.name}'."
            )
        item = shape.item
        assert item is not None
        if item.pure is not None:
            try:
                if item.many is not None:
                    return item.many(values)  # type: ignore[no-any-return]
                return [item.pure(value) for value in values]
            except Exception:  # noqa: S110 - redone below, errors reported there
                pass
        completed: list[Any] = []
        for index, value in enumerate(values):
            item_path = Path(path, index, None)
            try:
                if self.is_awaitable(value):
                    raise TypeError(
                        f"{f.parent}.{f.name} returned an awaitable list item; resolve the "
                        "items before returning the list"
                    )
                completed.append(self._complete(f, item, value, item_path))
            except Exception as error:
                located = located_error(error, f.nodes, item_path.as_list())
                if item.nonnull:
                    raise located from None
                self.collected_errors.add(located, item_path)
                completed.append(None)
        return completed

    def _runtime_type(self, f: FieldPlan, shape: Shape, value: Any, path: Path) -> Any:
        abstract = shape.type.of_type if shape.nonnull else shape.type  # type: ignore[union-attr]
        assert isinstance(abstract, GraphQLAbstractType)
        assert f.definition is not None
        info = self.build_resolve_info(f.definition, f.nodes, f.parent, path)
        resolve_type = abstract.resolve_type or self.type_resolver
        name = resolve_type(value, info, abstract)
        if self.is_awaitable(name):
            close = getattr(name, "close", None)  # a coroutine never awaited: say so quietly
            if close is not None:
                close()
            raise TypeError(f"{abstract}'s type resolver must not be async")
        return self.ensure_valid_runtime_type(name, abstract, f.details, info, value)

    def _arguments_of(self, f: FieldPlan) -> dict[str, Any]:
        found = self._arguments.get(f)
        if found is None:
            assert f.definition is not None
            details = f.details[0]
            found = self._arguments[f] = without_default_nulls(
                f.definition,
                get_argument_values(
                    f.definition,
                    details.node,
                    self.variable_values,
                    details.fragment_variable_values,
                    self.hide_suggestions,
                ),
            )
        return found

    # -- waves ---------------------------------------------------------------------------

    async def _drive(self) -> Any:
        """Await each wave of pending fields together, completing them into the answer;
        what they resolve to may start the next wave."""
        pending = self._pending
        while pending:
            self._pending = []
            settled = await _settle([p[0] for p in pending])
            for (_, f, path, out), value in zip(pending, settled, strict=True):
                if isinstance(value, BaseException):
                    if not isinstance(value, Exception):
                        raise value
                    failure: Exception = value
                else:
                    try:
                        out[f.key] = self._complete(f, f.shape, value, path)
                        continue
                    except Exception as error:
                        failure = error
                located = located_error(failure, f.nodes, path.as_list())
                if f.shape.nonnull:
                    self._null_parent(located, path)
                else:
                    self.collected_errors.add(located, path)
                    out[f.key] = None
            pending = self._pending
        return self._respond(self._data)

    def _null_parent(self, error: GraphQLError, path: Path) -> None:
        """A non-null field at ``path`` failed after its object was already placed in the
        answer: null the nearest nullable position above it, as the spec says."""
        chain: list[Path] = []
        entry: Path | None = path.prev
        while entry is not None:
            chain.append(entry)
            entry = entry.prev
        chain.reverse()
        positions: list[tuple[Any, str | int, Shape, Path]] = []
        node: Any = self._data
        shape: Shape | None = None
        for entry in chain:
            if node is None:
                return  # already nulled from another error
            key = entry.key
            if isinstance(key, str):
                plan = self._root_plan if shape is None else self._plan_at(shape, entry)
                shape = plan.by_key[key].shape
            else:
                assert shape is not None
                assert shape.item is not None
                shape = shape.item
            positions.append((node, key, shape, entry))
            node = node[key]
        if node is None:
            return
        for container, key, position_shape, entry in reversed(positions):
            if not position_shape.nonnull:
                container[key] = None
                self.collected_errors.add(error, entry)
                return
        self._data = None
        self.collected_errors.add(error, None)

    def _plan_at(self, shape: Shape, entry: Path) -> ObjectPlan:
        if shape.kind is OBJECT:
            return shape.plan(shape.object_type)
        runtime = self.schema.get_type(entry.typename or "")
        return shape.plan(runtime)  # type: ignore[arg-type]


def _planning(operation: OperationDefinitionNode, fragments: Iterable[Any]) -> str:
    """Whether an operation's plan can be cached (``_STATIC``), depends on its variables
    (``_PER_REQUEST``: ``@skip``/``@include`` with a variable) or is left to graphql-core
    (``_UNPLANNED``: ``@defer``/``@stream``)."""
    kind = _STATIC
    for selection_set in [operation.selection_set, *(f.selection_set for f in fragments)]:
        found = _directives_in(selection_set)
        if found == _UNPLANNED:
            return _UNPLANNED
        if found == _PER_REQUEST:
            kind = _PER_REQUEST
    return kind


def _directives_in(selection_set: SelectionSetNode | None) -> str:
    kind = _STATIC
    stack = [selection_set]
    while stack:
        current = stack.pop()
        if current is None:
            continue
        for selection in current.selections:
            for directive in selection.directives or ():
                found = _directive_kind(directive)
                if found == _UNPLANNED:
                    return _UNPLANNED
                if found == _PER_REQUEST:
                    kind = _PER_REQUEST
            if isinstance(selection, (FieldNode, InlineFragmentNode)):
                stack.append(selection.selection_set)
            else:
                assert isinstance(selection, FragmentSpreadNode)
    return kind


def _directive_kind(directive: DirectiveNode) -> str:
    name = directive.name.value
    if name in ("defer", "stream"):
        return _UNPLANNED
    if name in ("skip", "include") and any(
        isinstance(argument.value, VariableNode) for argument in directive.arguments or ()
    ):
        return _PER_REQUEST
    return _STATIC


async def _settle(awaitables: list[Any]) -> list[Any]:
    """Each awaitable's result or exception, as ``gather(..., return_exceptions=True)``
    gives them: every coroutine becomes a task at once (so all of them reach their
    DataLoader loads in the same tick), then the tasks are awaited in order — most are
    done by the time their turn comes. ``gather`` adds a Python callback and bookkeeping
    per child, a tenth of a listing's execution. Cancelled, it cancels what is left."""
    loop = asyncio.get_running_loop()
    tasks = [
        loop.create_task(a) if asyncio.iscoroutine(a) else asyncio.ensure_future(a)
        for a in awaitables
    ]
    settled: list[Any] = []
    try:
        for task in tasks:
            try:
                settled.append(await task)
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise  # this request is cancelled, not (only) the field's task
                settled.append(asyncio.CancelledError())
            except BaseException as error:  # handed back, as gather does
                settled.append(error)
    except BaseException:
        for task in tasks:
            task.cancel()
        raise
    return settled
