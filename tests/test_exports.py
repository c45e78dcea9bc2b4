"""Each package's public names are re-exported, sorted, and importable."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    "package",
    [
        "connectors",
        "schema",
        "gateway.http",
        "gateway.testing",
        "connectors.testing",
        "connectors.sandbox",
    ],
)
def test_all_is_sorted_and_importable(package: str) -> None:
    module = importlib.import_module(package)
    names = module.__all__
    assert names == sorted(names)
    for name in names:
        assert getattr(module, name) is not None
