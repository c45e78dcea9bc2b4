"""The connector's docs page opens with code that runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[3] / "docs" / "connectors" / "salesforce.md"


def test_the_opening_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    example = re.search(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert example, "the page opens with a Python example"
    exec(compile(example.group(1), str(DOC), "exec"), {"__name__": "__docs__"})
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "1 call"
    assert lines[-2] == "api usage 1/15000"
    # The person the CRM holds twice: both records, the original (with loyalty) first
    first, second = lines[:-2]
    assert first.startswith("003")
    assert "Loyalty(points=" in first
    assert second.endswith(" None")
