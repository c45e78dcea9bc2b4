"""The planned executor answers exactly as graphql-core's executor does.

Every operation below runs twice over the same strawberry schema — once on strawberry's
default execution context (graphql-core's executor), once on
:class:`~gateway.execution.PlannedExecutor` — and the answers must be equal: the same
``data``, and the same errors with the same messages, paths and locations, in any order.
The schema is built to reach every branch of completion: nulls in non-null positions at
every depth (sync and after an await), resolvers and properties that raise, leaves that do
not coerce, enums, abstract types, lists of lists, aliases, fragments, directives and
variables.
"""

from __future__ import annotations

import asyncio
import enum
from typing import Any

import pytest
import strawberry
from graphql import GraphQLError

from gateway.execution import PlannedExecutor

pytestmark = pytest.mark.anyio


@strawberry.enum
class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Tag:
    label: str
    color: Color | None = None


@strawberry.type
class Leaf(Named):
    name: str
    size: int
    color: Color
    maybe: str | None = None
    broken: str = ""
    tag: Tag | None = None

    @strawberry.field
    def strict(self) -> str:
        return None  # type: ignore[return-value]  # a non-null field that answers null

    @strawberry.field
    def bad_int(self) -> int:
        return "not a number"  # type: ignore[return-value]


@strawberry.type
class Branch(Named):
    name: str
    leaves: list[Leaf]
    optional_leaves: list[Leaf | None] | None = None
    grid: list[list[int]] = strawberry.field(default_factory=lambda: [[1, 2], [3]])
    main_tag: Tag = strawberry.field(default_factory=lambda: Tag(label="main", color=Color.RED))

    @strawberry.field
    async def later(self) -> list[Leaf]:
        await asyncio.sleep(0)
        return self.leaves

    @strawberry.field
    async def later_strict(self) -> str:
        await asyncio.sleep(0)
        return None  # type: ignore[return-value]

    @strawberry.field
    async def later_fails(self) -> str | None:
        await asyncio.sleep(0)
        raise ValueError("async resolver failed")

    @strawberry.field
    def leaf(self, index: int = 0) -> Leaf | None:
        return self.leaves[index] if index < len(self.leaves) else None

    @strawberry.field
    def must_leaf(self) -> Leaf:
        return Leaf(name="x", size=1, color=None)  # type: ignore[arg-type]


class _Exploding(Leaf):
    """A leaf whose ``broken`` attribute raises when read (a failing property)."""

    def __getattribute__(self, name: str) -> Any:
        if name == "broken":
            raise RuntimeError("attribute failed")
        return super().__getattribute__(name)


def _leaves(n: int) -> list[Leaf]:
    return [
        (_Exploding if i == 1 else Leaf)(
            name=f"leaf-{i}",
            size=i,
            color=Color.RED if i % 2 else Color.GREEN,
            # No tag, a tag, a tag whose non-null label is null: every way a nested
            # object completes inline.
            tag=(None, Tag(label=f"t{i}", color=Color.GREEN), Tag(label=None))[i % 3],  # type: ignore[arg-type]
        )
        for i in range(n)
    ]


def _branches(first: int) -> list[Branch]:
    # Not a method of Query: root resolvers get the root value (None here) as ``self``.
    return [Branch(name=f"b{i}", leaves=_leaves(3 + i)) for i in range(first)]


@strawberry.type
class Query:
    @strawberry.field
    def branches(self, first: int = 2) -> list[Branch]:
        return _branches(first)

    @strawberry.field
    def maybe_branches(self) -> list[Branch | None] | None:
        return [*_branches(3), None]

    @strawberry.field
    async def branch(self) -> Branch | None:
        await asyncio.sleep(0)
        return Branch(name="async", leaves=_leaves(2), optional_leaves=[_leaves(1)[0], None])

    @strawberry.field
    def strict_branch(self) -> Branch:
        return Branch(name="strict", leaves=[Leaf(name=None, size=1, color=Color.RED)])  # type: ignore[arg-type]

    @strawberry.field
    def tagged_branches(self) -> list[Branch | None]:
        """The second branch's non-null ``mainTag`` is null."""
        branches: list[Branch | None] = list(_branches(3))
        branches[1].main_tag = None  # type: ignore[assignment,union-attr]
        return branches

    @strawberry.field
    def named(self) -> list[Named]:
        return [*_leaves(2), Branch(name="b", leaves=_leaves(1))]

    @strawberry.field
    def fails(self) -> str | None:
        raise ValueError("root resolver failed")

    @strawberry.field
    def must_fail(self) -> str:
        raise ValueError("non-null root failed")

    @strawberry.field
    def echo(self, text: str, times: int = 1) -> list[str]:
        return [text] * times

    @strawberry.field
    def not_a_list(self) -> list[int] | None:
        return 5  # type: ignore[return-value]

    @strawberry.field
    def nulls(
        self,
        tags: list[str] | None = None,
        limit: int | None = 3,
        cursor: strawberry.Maybe[str | None] = None,
    ) -> str:
        """How each nullable argument reached the resolver: a null for ``tags`` (default
        None) may be left out, one for ``limit`` (default 3) or ``cursor`` (a Maybe,
        which tells null from absent) may not."""
        return f"tags={tags!r} limit={limit!r} cursor={cursor!r}"


OPERATIONS: dict[str, tuple[str, dict[str, Any] | None]] = {
    "plain": ("{ branches { name leaves { name size color maybe } } }", None),
    "aliases and duplicates": (
        "{ a: branches(first: 1) { n: name name leaves { size s2: size } } "
        "b: branches(first: 3) { leaves { name } } }",
        None,
    ),
    "typename everywhere": (
        "{ __typename branches { __typename leaves { __typename name } } }",
        None,
    ),
    "fragments": (
        "query { branches { ...B } } fragment B on Branch { name leaves { ...L } } "
        "fragment L on Leaf { name ... on Leaf { size } }",
        None,
    ),
    "abstract list": (
        "{ named { __typename name ... on Leaf { size color } ... on Branch { leaves { name } } } }",
        None,
    ),
    "skip and include, literal": (
        "{ branches { name @skip(if: true) leaves @include(if: true) { size } } }",
        None,
    ),
    "skip and include, variables": (
        "query($s: Boolean!, $i: Boolean!) { branches { name @skip(if: $s) "
        "leaves @include(if: $i) { size name @include(if: $s) } } }",
        {"s": False, "i": True},
    ),
    "variables in arguments": (
        "query($n: Int!, $t: String!) { branches(first: $n) { leaf(index: $n) { name } } "
        "echo(text: $t, times: $n) }",
        {"n": 2, "t": "hi"},
    ),
    "property raises in a pure subtree": ("{ branches { leaves { name broken } } }", None),
    "non-null null in a list item": ("{ branches { leaves { strict } } }", None),
    "leaf that does not coerce": ("{ branches { leaves { badInt } } }", None),
    "nested non-null null to the root": ("{ strictBranch { leaves { name } } }", None),
    "non-null object with a null enum": ("{ branches { mustLeaf { color } } }", None),
    "async list and nullable items": (
        "{ branch { later { name size } optionalLeaves { name } } }",
        None,
    ),
    "async non-null null after the object is placed": (
        "{ branches { name laterStrict } branch { name } }",
        None,
    ),
    "async resolver raises": ("{ branch { laterFails name } }", None),
    "root resolver raises": ("{ fails branches(first: 1) { name } }", None),
    "non-null root raises": ("{ mustFail branches { name } }", None),
    "non-null null stops at a nullable item": (
        "{ maybeBranches { name leaves { strict } } }",
        None,
    ),
    "async non-null null stops at a nullable item": (
        "{ maybeBranches { name laterStrict } b: maybeBranches { name } }",
        None,
    ),
    "errors in several items": ("{ maybeBranches { later { name broken } } }", None),
    "list of lists": ("{ branches { grid } }", None),
    "pure fields beside resolvers, one raising": (
        "{ branches { name leaves { broken } laterFails leaf { name } mainTag { label } } }",
        None,
    ),
    "nested objects inline": (
        "{ maybeBranches { mainTag { label color } leaves { name tag { label color } } } }",
        None,
    ),
    "nested non-null object null, inline": (
        "{ taggedBranches { name mainTag { label } leaves { tag { color } } } }",
        None,
    ),
    "not a list": ("{ notAList }", None),
    "nullable arguments, absent": ("{ nulls }", None),
    "nullable arguments, null literals": (
        "{ nulls(tags: null, limit: null, cursor: null) }",
        None,
    ),
    "nullable arguments, values": ('{ nulls(tags: ["a"], limit: 1, cursor: "c") }', None),
    "nullable arguments, null variables": (
        "query($t: [String!], $l: Int, $c: String) { nulls(tags: $t, limit: $l, cursor: $c) }",
        {"t": None, "l": None, "c": None},
    ),
    "nullable arguments, variables left out": (
        "query($t: [String!], $l: Int, $c: String) { nulls(tags: $t, limit: $l, cursor: $c) }",
        {},
    ),
}


def _schema(planned: bool) -> strawberry.Schema:
    if planned:
        return strawberry.Schema(query=Query, execution_context_class=PlannedExecutor)
    return strawberry.Schema(query=Query)


def _errors(errors: list[GraphQLError] | None) -> list[tuple[str, Any, Any]]:
    return sorted(
        (
            (e.message, e.path, [(loc.line, loc.column) for loc in e.locations or ()])
            for e in errors or ()
        ),
        key=repr,
    )


@pytest.fixture
def planned_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operations the planned executor completed itself (not handed to graphql-core)."""
    runs: list[str] = []
    fill = PlannedExecutor._fill

    def spy(self: PlannedExecutor, plan: Any, source: Any, path: Any, out: Any) -> None:
        if path is None:
            runs.append(plan.type.name)
        fill(self, plan, source, path, out)

    monkeypatch.setattr(PlannedExecutor, "_fill", spy)
    return runs


@pytest.mark.parametrize("name", list(OPERATIONS))
async def test_answers_like_graphql_core(name: str, planned_runs: list[str]) -> None:
    query, variables = OPERATIONS[name]
    expected = await _schema(planned=False).execute(query, variable_values=variables)
    actual = await _schema(planned=True).execute(query, variable_values=variables)
    assert planned_runs == ["Query"]
    assert actual.data == expected.data
    assert _errors(actual.errors) == _errors(expected.errors)


async def test_a_plan_is_reused_and_variables_still_apply() -> None:
    schema = _schema(planned=True)
    query = "query($n: Int!) { branches(first: $n) { name } }"
    first = await schema.execute(query, variable_values={"n": 1})
    second = await schema.execute(query, variable_values={"n": 3})
    assert first.data == {"branches": [{"name": "b0"}]}
    assert second.data == {"branches": [{"name": f"b{i}"} for i in range(3)]}


async def test_skip_with_a_variable_is_planned_per_request() -> None:
    schema = _schema(planned=True)
    query = "query($s: Boolean!) { branches(first: 1) { name @skip(if: $s) } }"
    assert (await schema.execute(query, variable_values={"s": True})).data == {"branches": [{}]}
    assert (await schema.execute(query, variable_values={"s": False})).data == {
        "branches": [{"name": "b0"}]
    }


async def test_null_arguments_reach_resolvers_as_sent() -> None:
    answer = await _schema(planned=True).execute(
        "{ a: nulls b: nulls(tags: null, limit: null, cursor: null) }"
    )
    assert answer.data == {
        "a": "tags=None limit=3 cursor=None",
        "b": "tags=None limit=None cursor=Some(None)",
    }


async def test_introspection_runs_on_graphql_core(planned_runs: list[str]) -> None:
    result = await _schema(planned=True).execute("{ __schema { queryType { name } } }")
    assert result.data == {"__schema": {"queryType": {"name": "Query"}}}
    assert planned_runs == []
