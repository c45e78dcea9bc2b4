"""End to end without wrk: sandbox and gateway processes on loopback answer every scenario."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from benchmarks import floor, measure, replay
from benchmarks.processes import start_gateways, start_sandboxes
from benchmarks.scenarios import SCENARIOS


@pytest.mark.skipif(sys.platform != "linux", reason="the benchmarks read Linux's /proc")
def test_every_scenario_answers_over_real_processes(tmp_path: Path) -> None:
    with ExitStack() as stack:
        sandboxes = start_sandboxes(stack, latency_ms=0, logs=tmp_path)
        started = start_gateways(stack, sandboxes, [("cold", 1), ("warm", 1)], tmp_path)
        gateways = {gateway.cache: gateway for gateway in started}

        for name, scenario in SCENARIOS.items():
            target = measure.ours_target(gateways[scenario.cache], scenario)
            assert measure.check(target, scenario), name

        # The sandboxes count and time the listing's calls, as docs/performance.md says.
        by_size = {
            entry["page_size"]: entry["calls"]
            for entry in measure.calls_by_page_size(gateways["cold"], sandboxes, requests=1)
        }
        assert by_size[20] == {"shopify": 5, "sap_commerce": 2, "odoo": 0, "salesforce": 0}
        plp = measure.ours_target(gateways["cold"], SCENARIOS["plp"])
        overhead = measure.critical_path(plp, sandboxes, requests=3)
        assert 0 < overhead["overhead_p50_ms"] < overhead["c1_p50_ms"]

        # The floor's bare proxy replays the listing's calls: the products, then the
        # stock (three Shopify searches, one SAP query) and both systems' locations.
        planned = floor.record(sandboxes, SCENARIOS["plp"])
        assert [len(calls) for calls in planned] == [1, 6]
        plan = tmp_path / "plp.json"
        plan.write_text(json.dumps(planned))
        proxy = floor.start_proxy(stack, plan, tmp_path)
        bare = measure.critical_path(proxy, sandboxes, requests=3)
        assert bare["c1_backend_calls_per_request"] == 7
        assert 0 < bare["overhead_p50_ms"] < bare["c1_p50_ms"]

        # The replay answers the listing from its recording alone (it checks the answer
        # is the recorded one) once the sandboxes are gone.
        recording = replay.record(sandboxes, "plp")
        assert len(recording.exchanges) == 8  # the listing's 7 calls and SAP's OAuth token
    assert replay.replay(recording, concurrency=2, batches=1) > 0
