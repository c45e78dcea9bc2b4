"""A gateway that does not use Redis or bearer tokens does not load their libraries:
redis-py costs every worker 6 MB and PyJWT with cryptography 10 MB (docs/performance.md)."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from benchmarks.gateway_config import SYSTEMS, raw_config
from gateway.app import create_app
from gateway.cli import main
from gateway.config import parse_config
urls = {name: f"http://127.0.0.1:{9000 + i}" for i, name in enumerate(SYSTEMS)}
create_app(parse_config(raw_config(urls, cache="warm"), {}))  # API keys, no JWT; in process
print(",".join(sorted(m for m in ("redis", "jwt", "cryptography") if m in sys.modules)))
"""


def test_redis_and_jwt_are_loaded_only_when_configured() -> None:
    found = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True, timeout=60
    )
    assert found.stdout.strip() == ""
