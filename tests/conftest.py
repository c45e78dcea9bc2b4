from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import fakes


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def fake_state() -> Iterator[fakes.FakeState]:
    fakes.STATE.calls.clear()
    fakes.STATE.failing.clear()
    yield fakes.STATE
    fakes.STATE.calls.clear()
    fakes.STATE.failing.clear()
