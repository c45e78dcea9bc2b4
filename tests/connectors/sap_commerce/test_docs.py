"""The connector's docs page opens with code that runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[3] / "docs" / "connectors" / "sap_commerce.md"


def test_the_opening_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    example = re.search(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert example, "the page opens with a Python example"
    exec(compile(example.group(1), str(DOC), "exec"), {"__name__": "__docs__"})
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "2 calls"
    assert lines[0].startswith("NL-")
    assert "wh-leipzig" in lines[0]
