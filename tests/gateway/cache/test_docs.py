"""docs/caching.md runs as written: its config parses into policies, its example prints
what the page says it prints."""

from __future__ import annotations

import contextlib
import io
import re
import tomllib
from pathlib import Path

from gateway.cache import CachePolicy, default_policies

PAGE = (Path(__file__).parents[3] / "docs" / "caching.md").read_text()
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", PAGE, re.S)


def test_the_config_snippet_names_known_kinds_and_valid_policies() -> None:
    config = tomllib.loads(next(body for lang, body in BLOCKS if lang == "toml"))

    assert config["cache"]["backend"] in ("memory", "redis")
    for kind, options in config["cache"]["policies"].items():
        assert kind in default_policies()
        CachePolicy(**options)


def test_the_python_example_prints_what_the_page_shows() -> None:
    index = next(i for i, (lang, _) in enumerate(BLOCKS) if lang == "python")
    code, (_, shown) = BLOCKS[index][1], BLOCKS[index + 1]
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/caching.md", "exec"), {"__name__": "docs"})

    assert printed.getvalue() == shown


def test_the_policy_table_matches_the_defaults() -> None:
    rows = re.findall(r"^\| `(\w+)` \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|", PAGE, re.M)

    assert {
        kind: CachePolicy(float(f), float(s), float(e), negative=float(n))
        for kind, f, s, e, n in rows
    } == default_policies()
