"""The README's demo command, run as a newcomer would: a real process on real ports."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

PLP = """{ products(first: 20) { nodes { title variants { sku
    inventory { available location { name kind } } } } } }"""


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _free_run(count: int) -> int:
    """The first of ``count`` consecutive free ports (the demo's sandboxes take one each)."""
    for _ in range(100):
        [base] = _free_ports(1)
        sockets = []
        try:
            for port in range(base, base + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


@pytest.fixture
def demo() -> Iterator[str]:
    [port] = _free_ports(1)
    sandbox_port = _free_run(4)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gateway.cli",
            "demo",
            "--port",
            str(port),
            "--sandbox-port",
            str(sandbox_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                pytest.fail(
                    f"demo exited early:\n{process.stdout.read() if process.stdout else ''}"
                )
            time.sleep(0.1)
        else:
            pytest.fail("demo did not become ready in 30 s")
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_the_demo_answers_a_product_listing_with_store_and_warehouse_stock(demo: str) -> None:
    response = httpx.post(f"{demo}/graphql", json={"query": PLP}, timeout=10)

    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    nodes = body["data"]["products"]["nodes"]
    assert len(nodes) == 20
    kinds = {
        level["location"]["kind"]
        for node in nodes
        for variant in node["variants"]
        for level in variant["inventory"]
    }
    assert {"STORE", "WAREHOUSE"} <= kinds


def test_the_demo_serves_graphiql(demo: str) -> None:
    response = httpx.get(f"{demo}/graphql", headers={"accept": "text/html"}, timeout=10)
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
