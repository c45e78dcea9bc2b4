"""Load from a separate process: wrk (``apt-get install wrk``), driven by a generated Lua script.

The script POSTs one request body again and again, counts answers that are not 2xx or
that carry GraphQL ``errors``, and its ``done()`` hook prints one line of JSON, which
:func:`parse` reads.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["WrkMissing", "WrkResult", "lua_script", "parse", "require_wrk", "run"]

MARKER = "WRK-JSON "

_HOOKS = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non_2xx = 0
  graphql_errors = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  elseif body:find('"errors":', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end

function done(summary, latency, requests)
  local non2xx, gql = 0, 0
  for _, thread in ipairs(threads) do
    non2xx = non2xx + thread:get("non_2xx")
    gql = gql + thread:get("graphql_errors")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"non_2xx": %d, "graphql": %d}, ' ..
    '"latency_us": {"p50": %.1f, "p90": %.1f, "p99": %.1f, "mean": %.1f, "max": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, non2xx, gql,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
"""


class WrkMissing(RuntimeError):
    """wrk is not installed."""


def require_wrk() -> str:
    """wrk's path, or :class:`WrkMissing` saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing("wrk is not installed: apt-get install wrk (Debian, Ubuntu)")
    return path


def _lua_string(text: str) -> str:
    """``text`` as a double-quoted Lua string: other bytes than printable ASCII escaped."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        if char in '"\\':
            out.append("\\" + char)
        else:
            out.append(char if 32 <= byte < 127 else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def lua_script(body: Mapping[str, Any], headers: Mapping[str, str]) -> str:
    """A wrk script POSTing ``body`` as JSON with ``headers``."""
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = {_lua_string(json.dumps(body, separators=(',', ':')))}",
        'wrk.headers["Content-Type"] = "application/json"',
    ]
    lines += [f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()]
    return "\n".join(lines) + "\n" + _HOOKS


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    #: Latency percentiles in milliseconds: 50, 90, 99.
    p50: float
    p90: float
    p99: float
    #: Socket errors and timeouts, answers other than 2xx, 2xx answers with GraphQL errors.
    errors: Mapping[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        """Requests that did not get a clean answer (wrk's ``status`` is in ``non_2xx``)."""
        return sum(count for name, count in self.errors.items() if name != "status")


def parse(output: str) -> WrkResult:
    """The result in wrk's output (the line our ``done()`` hook prints)."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line.removeprefix(MARKER))
            latency = data["latency_us"]
            return WrkResult(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50=latency["p50"] / 1000,
                p90=latency["p90"] / 1000,
                p99=latency["p99"] / 1000,
                errors=data["errors"],
            )
    raise ValueError(f"no {MARKER.strip()} line in wrk's output:\n{output}")


def run(
    url: str,
    script: Path,
    *,
    connections: int,
    seconds: float,
    threads: int = 1,
    timeout: float = 10.0,
) -> WrkResult:
    """One wrk run against ``url`` with ``script``."""
    command = [
        require_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout))}s",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    try:
        if done.returncode != 0:
            raise ValueError(f"exit status {done.returncode}")
        return parse(done.stdout)
    except ValueError as exc:
        raise RuntimeError(f"wrk failed ({exc}):\n{done.stderr}{done.stdout}") from None
