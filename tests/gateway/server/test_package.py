from __future__ import annotations

import doctest
import importlib

import pytest

import gateway.server


def test_public_names_are_sorted_and_importable() -> None:
    names = gateway.server.__all__

    assert names == sorted(names)
    assert all(getattr(gateway.server, name) is not None for name in names)


@pytest.mark.parametrize("module", ["csrf", "media", "params", "persisted", "ratelimit"])
def test_the_docstring_examples_run(module: str) -> None:
    results = doctest.testmod(importlib.import_module(f"gateway.server.{module}"))

    assert results.attempted > 0
    assert results.failed == 0
