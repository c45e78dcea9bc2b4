"""The sandbox process's recorder: back-end calls, timed, behind /__bench/."""

from __future__ import annotations

import time

import httpx
import pytest

from benchmarks.sandbox_server import UNLIMITED, CallRecorder, build_sandbox


@pytest.mark.anyio
async def test_the_recorder_times_each_call_and_forgets_them_on_reset() -> None:
    sandbox = build_sandbox("odoo", latency_ms=5)
    recorder = CallRecorder(sandbox.app, after=sandbox.requests.clear)
    transport = httpx.ASGITransport(recorder)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://odoo.test") as client:
        before = time.monotonic_ns()
        await client.post("/json/2/res.partner/search_read", json={})
        await client.post("/json/2/res.partner/search_read", json={})
        after = time.monotonic_ns()

        calls = (await client.get("/__bench/calls")).json()
        reset = await client.post("/__bench/reset")
        empty = (await client.get("/__bench/calls")).json()
        unknown = await client.get("/__bench/nothing")

    assert calls["count"] == 2
    for start, end in calls["intervals"]:
        assert before <= start < end <= after
        assert end - start >= 5_000_000  # the latency is inside the interval
    assert reset.status_code == 200
    assert empty == {"count": 0, "intervals": []}
    assert unknown.status_code == 404
    assert sandbox.requests == []  # the sandbox's own log does not grow under load


def test_the_shopify_sandbox_never_throttles_a_load_test() -> None:
    sandbox = build_sandbox("shopify", latency_ms=20)

    assert sandbox.bucket.maximum == UNLIMITED  # type: ignore[attr-defined]
    assert sandbox.faults.latency_ms == 20
