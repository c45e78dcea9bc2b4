"""docs/limits.md runs as written: its config is the defaults, its table says what the
code does, its example prints what the page shows."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
import tomllib
from pathlib import Path

from gateway.limits import LimitSettings

PAGE = (Path(__file__).parents[3] / "docs" / "limits.md").read_text()
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", PAGE, re.S)


def test_the_config_snippet_is_the_defaults_and_names_every_setting() -> None:
    config = tomllib.loads(next(body for lang, body in BLOCKS if lang == "toml"))["limits"]

    assert LimitSettings(**config) == LimitSettings()
    assert set(config) == {field.name for field in dataclasses.fields(LimitSettings)}


def test_the_table_gives_the_defaults() -> None:
    rows = dict(re.findall(r"^\| `(\w+)` \| (\w+) \|", PAGE, re.M))
    defaults = dataclasses.asdict(LimitSettings())

    assert {name: rows[name] for name in defaults} == {
        name: str(value).lower() for name, value in defaults.items()
    }


def test_the_python_example_prints_what_the_page_shows() -> None:
    index = next(i for i, (lang, _) in enumerate(BLOCKS) if lang == "python")
    code, (_, shown) = BLOCKS[index][1], BLOCKS[index + 1]
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/limits.md", "exec"), {"__name__": "docs"})

    assert printed.getvalue() == shown
