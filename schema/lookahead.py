"""What a query asks for below the field being resolved, so a resolver can fetch ahead.

A listing whose variants' stock is asked for can fetch that stock beside its own call
instead of after it (``with_stock``); one that does not ask must not pay for it. Only the
query's selections decide: field names as the schema spells them, through fragments, and
without what ``@skip`` / ``@include`` leave out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import strawberry
from strawberry.types.nodes import SelectedField, Selection

__all__ = ["selects_any"]


def selects_any(info: strawberry.Info[Any, Any], paths: Iterable[Sequence[str]]) -> bool:
    """Whether the field being resolved selects any of ``paths`` below it, e.g.
    ``[("nodes", "variants", "inventory")]``."""
    fields = info.selected_fields  # the field itself, once per node that selects it
    return any(_selects(field.selections, tuple(path)) for path in paths for field in fields)


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
