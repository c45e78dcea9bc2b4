"""Opaque cursors (connectors.cursors): what one connector writes, only it reads."""

from __future__ import annotations

import pytest

from connectors import cursors


@pytest.mark.parametrize("value", [0, 40, "001xx000003DGb2AAG", "a:b"])
def test_a_cursor_gives_back_its_value(value: str | int) -> None:
    cursor = cursors.encode("occ", value)
    assert "=" not in cursor
    assert cursors.decode("occ", cursor) == str(value)


@pytest.mark.parametrize(
    "cursor",
    [cursors.encode("odoo", 40), cursors.encode("occx", 40), "b2Nj", "!!", "é", "", "4pyT"],
)
def test_anything_else_is_refused(cursor: str) -> None:
    with pytest.raises(ValueError, match="not a cursor from this connector"):
        cursors.decode("occ", cursor)
