"""What a query asks for below the field being resolved, so a resolver can fetch ahead.

A listing whose variants' stock is asked for can fetch that stock beside its own call
instead of after it (``with_stock``); one that does not ask must not pay for it. Only the
query's selections decide: field names as the schema spells them, through fragments, and
without what ``@skip`` / ``@include`` leave out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import strawberry
from cachetools import LRUCache
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.types.nodes import SelectedField, Selection

__all__ = ["selects_any"]


Paths = tuple[tuple[str, ...], ...]

#: Answers per (field nodes, paths): the nodes come from the parse cache, so one query
#: text asks the same question of the same nodes on every request. Each entry keeps its
#: nodes, so their ids cannot be reused by other nodes while it is kept.
_ANSWERS: LRUCache[tuple[tuple[int, ...], Paths], tuple[tuple[FieldNode, ...], bool]]
_ANSWERS = LRUCache(maxsize=1024)


def selects_any(info: strawberry.Info[Any, Any], paths: Iterable[Sequence[str]]) -> bool:
    """Whether the field being resolved selects any of ``paths`` below it, e.g.
    ``[("nodes", "variants", "inventory")]``."""
    wanted = tuple(tuple(path) for path in paths)
    raw = info._raw_info  # strawberry has no public accessor for the field's nodes
    nodes = tuple(raw.field_nodes)
    key = (tuple(map(id, nodes)), wanted)
    kept = _ANSWERS.get(key)
    if kept is not None and all(a is b for a, b in zip(kept[0], nodes, strict=True)):
        return kept[1]
    answer = _answer(info, wanted)
    if not _depends_on_variables(nodes, raw.fragments):
        _ANSWERS[key] = (nodes, answer)
    return answer


def _answer(info: strawberry.Info[Any, Any], paths: Paths) -> bool:
    fields = info.selected_fields  # the field itself, once per node that selects it
    return any(_selects(field.selections, path) for path in paths for field in fields)


def _depends_on_variables(
    nodes: Iterable[FieldNode], fragments: Mapping[str, FragmentDefinitionNode]
) -> bool:
    """Whether an ``@skip`` / ``@include`` below ``nodes`` takes a variable (then the
    answer is the request's, not the document's)."""
    seen: set[str] = set()
    stack: list[SelectionSetNode | None] = [node.selection_set for node in nodes]
    while stack:
        selection_set = stack.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            for directive in selection.directives or ():
                if any(isinstance(a.value, VariableNode) for a in directive.arguments or ()):
                    return True
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if name not in seen and fragment is not None:
                    seen.add(name)
                    stack.append(fragment.selection_set)
            else:
                stack.append(cast(FieldNode | InlineFragmentNode, selection).selection_set)
    return False


def _selects(selections: Sequence[Selection], path: tuple[str, ...]) -> bool:
    if not path:
        return True
    for selection in selections:
        if not _included(selection.directives):
            continue
        if isinstance(selection, SelectedField):
            found = selection.name == path[0] and _selects(selection.selections, path[1:])
        else:  # a fragment: its selections are the field's own
            found = _selects(selection.selections, path)
        if found:
            return True
    return False


def _included(directives: dict[str, dict[str, Any]]) -> bool:
    if not directives:
        return True
    skip = directives.get("skip")
    if skip is not None and skip.get("if") is True:
        return False
    include = directives.get("include")
    return include is None or include.get("if") is not False
