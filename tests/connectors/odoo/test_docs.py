"""The connector's docs page opens with code that runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[3] / "docs" / "connectors" / "odoo.md"


def test_the_opening_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    example = re.search(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert example, "the page opens with a Python example"
    exec(compile(example.group(1), str(DOC), "exec"), {"__name__": "__docs__"})
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "3 calls"
    assert lines[0].startswith("NL-1003-")
    assert "'11':" in lines[0]  # stock at the outlet
    assert len(lines) == 9


def test_every_setting_is_documented() -> None:
    from dataclasses import fields

    from connectors.odoo import OdooSettings

    text = DOC.read_text()
    missing = [f.name for f in fields(OdooSettings) if f"| `{f.name}` |" not in text]
    assert missing == []
