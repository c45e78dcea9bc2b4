"""The processes under test: sandboxes and gateways, each in its own, stopped on exit.

Every ``start_*`` registers the process's stop with the caller's :class:`ExitStack`, so an
exception or Ctrl-C anywhere leaves nothing running.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.gateway_config import SYSTEMS, raw_config, to_toml

__all__ = [
    "Client",
    "Gateway",
    "Sandboxes",
    "free_port",
    "start_gateway",
    "start_gateways",
    "start_sandboxes",
    "stop",
    "wait_listening",
]

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def stop(*processes: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """SIGTERM to each, then SIGKILL to those still running after ``grace`` seconds."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _tail(log: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return ""


def wait_listening(
    port: int, process: subprocess.Popen[Any], log: Path, timeout: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited ({process.returncode}):\n{_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), 1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{process.args!r} is not listening on {port} after {timeout} s")


class Client:
    """A keep-alive HTTP/1.1 client to one address (http.client: little client-side time)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self._connection = http.client.HTTPConnection(host, int(port), timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, bytes]:
        sent = {"content-type": "application/json", **(headers or {})}
        try:
            self._connection.request(method, path, body, sent)
            response = self._connection.getresponse()
            return response.status, response.read()
        except (http.client.HTTPException, OSError):
            self._connection.close()  # reconnects on the next request
            raise

    def post_json(
        self, path: str, payload: Any, headers: Mapping[str, str] | None = None
    ) -> tuple[int, Any]:
        status, body = self.request("POST", path, json.dumps(payload).encode(), headers)
        try:
            return status, json.loads(body)
        except ValueError:
            return status, body.decode(errors="replace")

    def close(self) -> None:
        self._connection.close()


@dataclass
class Sandboxes:
    """The four sandbox processes of one latency."""

    urls: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]]
    latency_ms: float

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes.values()]

    def _each(self, method: str, path: str) -> dict[str, Any]:
        answers = {}
        for name, url in self.urls.items():
            client = Client(url)
            try:
                status, body = client.request(method, path)
            finally:
                client.close()
            if status != 200:
                raise RuntimeError(f"{name} sandbox: {method} {path}: HTTP {status}")
            answers[name] = json.loads(body)
        return answers

    def reset(self) -> None:
        self._each("POST", "/__bench/reset")

    def calls(self) -> dict[str, list[tuple[int, int]]]:
        """Each sandbox's request intervals since the last reset."""
        return {
            name: [(start, end) for start, end in answer["intervals"]]
            for name, answer in self._each("GET", "/__bench/calls").items()
        }


def start_sandboxes(stack: ExitStack, latency_ms: float, logs: Path) -> Sandboxes:
    """One process per system, on free ports."""
    processes: dict[str, subprocess.Popen[bytes]] = {}
    stack.callback(lambda: stop(*processes.values()))
    for name in SYSTEMS:
        log = logs / f"sandbox-{name}-{latency_ms:g}ms.log"
        command = [sys.executable, "-m", "benchmarks.sandbox_server", name, "0"]
        process = subprocess.Popen(
            [*command, "--latency-ms", str(latency_ms)],
            stdout=subprocess.PIPE,
            stderr=stack.enter_context(log.open("wb")),
        )
        processes[name] = process
    urls = {}
    for name, process in processes.items():
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.isdigit():
            log = logs / f"sandbox-{name}-{latency_ms:g}ms.log"
            raise RuntimeError(f"the {name} sandbox did not start:\n{_tail(log)}")
        urls[name] = f"http://{HOST}:{int(line)}"
        wait_listening(int(line), process, logs / f"sandbox-{name}-{latency_ms:g}ms.log")
    return Sandboxes(urls, processes, latency_ms)


@dataclass
class Gateway:
    url: str
    process: subprocess.Popen[bytes]
    workers: int
    cache: str

    @property
    def pid(self) -> int:
        return self.process.pid


def start_gateways(
    stack: ExitStack, sandboxes: Sandboxes, wanted: list[tuple[str, int]], workdir: Path
) -> list[Gateway]:
    """``commerce-gateway serve`` over ``sandboxes`` for each (cache mode, workers), all
    started at once, each ready (``/readyz`` answers 200)."""
    launched = []
    for cache, workers in wanted:
        name = f"gateway-{cache}-{workers}w-{sandboxes.latency_ms:g}ms"
        config = workdir / f"{name}.toml"
        config.write_text(to_toml(raw_config(sandboxes.urls, cache=cache)))
        port = free_port()
        log = workdir / f"{name}.log"
        command = [sys.executable, "-m", "gateway.cli", "serve", "--config", str(config)]
        options = ["--port", str(port), "--workers", str(workers), "--no-access-log"]
        process = subprocess.Popen(
            [*command, *options],
            stdout=subprocess.DEVNULL,
            stderr=stack.enter_context(log.open("wb")),
        )
        stack.callback(stop, process)
        launched.append((Gateway(f"http://{HOST}:{port}", process, workers, cache), port, log))
    for gateway, port, log in launched:
        wait_listening(port, gateway.process, log)
        for _ in range(gateway.workers * 2):  # new connections: most likely every worker
            client = Client(gateway.url)
            try:
                status, body = client.request("GET", "/readyz")
            finally:
                client.close()
            if status != 200:
                raise RuntimeError(f"the gateway is not ready: {body.decode(errors='replace')}")
    return [gateway for gateway, _, _ in launched]


def start_gateway(
    stack: ExitStack, sandboxes: Sandboxes, *, cache: str, workers: int, workdir: Path
) -> Gateway:
    """One gateway (see :func:`start_gateways`)."""
    return start_gateways(stack, sandboxes, [(cache, workers)], workdir)[0]
