"""wrk's script and output: the load generator's side of the benchmarks, without wrk."""

from __future__ import annotations

import json
import re

import pytest

from benchmarks import wrk

OUTPUT = """\
Running 10s test @ http://127.0.0.1:8201/graphql
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    61.16ms   10.02ms 150.30ms   90.12%
    Req/Sec   523.41     40.15   600.00     70.00%
  5237 requests in 10.00s, 23.91MB read
Requests/sec:    523.50
Transfer/sec:      2.39MB
WRK-JSON {"requests": 5237, "duration_us": 10003721, "bytes": 25071322, "errors": {"connect": 0, "read": 0, "write": 0, "status": 2, "timeout": 1, "non_2xx": 2, "graphql": 3}, "latency_us": {"p50": 60112.0, "p90": 70480.5, "p99": 101234.0, "mean": 61160.2, "max": 150300.0}}
"""


def test_the_done_hook_line_is_the_result() -> None:
    result = wrk.parse(OUTPUT)

    assert result.requests == 5237
    assert result.rps == pytest.approx(523.5, abs=0.1)
    assert (result.p50, result.p90, result.p99) == pytest.approx((60.112, 70.4805, 101.234))
    # wrk's own "status" count is the same answers as non_2xx: counted once.
    assert result.failed == 2 + 1 + 3


def test_output_without_the_hook_line_is_refused() -> None:
    with pytest.raises(ValueError, match="no WRK-JSON line"):
        wrk.parse(OUTPUT.rsplit("WRK-JSON", 1)[0])


def _lua_value(script: str, assignment: str) -> str:
    """The string a line ``<assignment> = "..."`` of ``script`` assigns, unescaped as Lua does."""
    line = next(line for line in script.splitlines() if line.startswith(f"{assignment} = "))
    literal = line.split(" = ", 1)[1]
    assert literal[0] == literal[-1] == '"'
    unescaped = re.sub(
        rb"\\(\d{3}|.)",
        lambda m: bytes([int(m[1])]) if m[1].isdigit() else m[1],
        literal[1:-1].encode(),
    )
    return unescaped.decode()


def test_the_script_posts_the_body_with_its_headers() -> None:
    body = {"query": '{ product(handle: "köln") { title } }', "variables": {"a": "\\"}}
    script = wrk.lua_script(body, {"X-Api-Key": 'k"\\ey-ä'})

    assert 'wrk.method = "POST"' in script
    assert json.loads(_lua_value(script, "wrk.body")) == body
    assert _lua_value(script, 'wrk.headers["X-Api-Key"]') == 'k"\\ey-ä'
    assert _lua_value(script, 'wrk.headers["Content-Type"]') == "application/json"
    assert "function done(summary, latency, requests)" in script


def test_a_missing_wrk_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wrk.shutil, "which", lambda name: None)

    with pytest.raises(wrk.WrkMissing, match="apt-get install wrk"):
        wrk.require_wrk()
