"""Each wave of pending fields settles as ``asyncio.gather(..., return_exceptions=True)``
would: results and exceptions in order, a cancelled field as a CancelledError, and a
cancelled request cancels the fields it was waiting for."""

from __future__ import annotations

import asyncio

import pytest

from gateway.execution.executor import _settle

pytestmark = pytest.mark.anyio


async def test_a_wave_settles_like_gather() -> None:
    async def value(x: int) -> int:
        await asyncio.sleep(0)
        return x

    async def fails() -> int:
        raise ValueError("boom")

    cancelled = asyncio.ensure_future(asyncio.sleep(10))
    cancelled.cancel()
    settled = await _settle([value(1), fails(), cancelled, value(2)])
    assert settled[0] == 1
    assert settled[3] == 2
    assert isinstance(settled[1], ValueError)
    assert isinstance(settled[2], asyncio.CancelledError)


async def test_a_cancelled_request_cancels_its_pending_fields() -> None:
    started = asyncio.Event()

    async def slow() -> None:
        started.set()
        await asyncio.sleep(10)

    children = [asyncio.ensure_future(slow()) for _ in range(3)]
    waiting = asyncio.ensure_future(_settle(list(children)))
    await started.wait()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.sleep(0)
    assert all(child.cancelled() for child in children)
