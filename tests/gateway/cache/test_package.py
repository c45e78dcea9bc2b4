from __future__ import annotations

import gateway.cache


def test_public_names_are_sorted_and_importable() -> None:
    names = gateway.cache.__all__

    assert names == sorted(names)
    assert all(getattr(gateway.cache, name) is not None for name in names)
