"""Audit the gateway with graphql-http, the GraphQL-over-HTTP spec authors' audit.

    python -m tests.http_audit.run            # what CI runs (.ci/run)

Starts the demo's gateway (dev profile, sandboxes in process) on a free loopback port,
installs the pinned audit (``npm ci``, from package-lock.json), runs ``node audit.mjs URL``
and stops the gateway. Exits with the audit's status: 0 only with no MUST failure and no
warning. The audit's GET requests carry ``X-Commerce-Gateway-Client``, as any client's
must: CSRF prevention stays on (docs/http.md).
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import uvicorn

from connectors.testing.transport import SandboxTransport
from gateway.app import create_app
from gateway.config import ConnectorConfig
from gateway.sandboxes import create_sandboxes, sandbox_config

HERE = Path(__file__).resolve().parent
#: The header that makes the audit's requests preflighted (see gateway/server/csrf.py).
CSRF_HEADER = "X-Commerce-Gateway-Client: graphql-http-audit"


@contextlib.contextmanager
def serve_gateway() -> Iterator[str]:
    """The demo gateway on 127.0.0.1 (a free port); yields its ``/graphql`` URL."""
    sandboxes = create_sandboxes()
    config = sandbox_config(sandboxes, {name: s.base_url for name, s in sandboxes.items()})
    assert config.server.profile == "dev"

    def transport(spec: ConnectorConfig) -> httpx.AsyncBaseTransport:
        return SandboxTransport(sandboxes[spec.instance].app)

    app = create_app(config, transport_factory=transport)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", ws="none", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the gateway did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def install() -> None:
    """``npm ci``: the exact graphql-http and graphql that package-lock.json pins."""
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


def audit(url: str) -> int:
    """``node audit.mjs URL``; its exit status."""
    return subprocess.run(
        ["node", "audit.mjs", url, "--header", CSRF_HEADER], cwd=HERE, check=False
    ).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-install", action="store_true", help="use node_modules as it is (no npm ci)"
    )
    args = parser.parse_args(argv)
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        print(
            f"the audit needs Node.js 18 or later: {', '.join(missing)} not found", file=sys.stderr
        )
        return 2
    started = time.monotonic()
    if not args.no_install:
        install()
    with serve_gateway() as url:
        status = audit(url)
    print(f"audit finished in {time.monotonic() - started:.1f}s (exit {status})")
    return status


if __name__ == "__main__":
    sys.exit(main())
