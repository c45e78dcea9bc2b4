"""The `commerce-gateway` command line."""

from __future__ import annotations

import logging
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gateway.cli import EXIT_CONFIG, EXIT_UNREADY, main
from schema import sdl


def test_schema_prints_the_sdl(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == sdl()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[connectors.shop\n", "is not valid TOML"),
        (
            '[connectors.shop]\ntype = "shopfiy"\n',
            "connectors.shop.type: no connector named 'shopfiy' is installed",
        ),
        (
            '[connectors.shop]\ntype = "shopify"\nshop = "x"\naccess_token = "${NO_SUCH_VAR_3F9}"\n',
            "connectors.shop.access_token uses ${NO_SUCH_VAR_3F9}, which is not set",
        ),
        ('[gateway]\nprofil = "dev"\n', "unknown key gateway.profil"),
    ],
    ids=["malformed", "unknown-connector", "missing-secret", "unknown-key"],
)
def test_bad_config_exits_2_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = tmp_path / "gateway.toml"
    path.write_text(text)
    assert main(["check", "--config", str(path)]) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert err.startswith("commerce-gateway: config error: ")
    assert message in err


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_check_reports_back_ends_that_do_not_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = Path(__file__).parents[2] / "examples" / "demo" / "gateway.toml"
    text = config.read_text()
    for port in (9001, 9002, 9003, 9004):
        text = text.replace(f"127.0.0.1:{port}", f"127.0.0.1:{_closed_port()}")
    path = tmp_path / "gateway.toml"
    path.write_text(text)

    assert main(["check", "--config", str(path)]) == EXIT_UNREADY

    out = capsys.readouterr().out
    assert "valid (4 connectors)" in out
    for name in ("shopify", "sap_commerce", "odoo", "salesforce"):
        assert f"{name:<16} FAILED: UpstreamUnavailable" in out


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("erp=down", "--fault erp=down: no sandbox named 'erp' (have: shopify, sap_commerce"),
        ("shopify=slow", "--fault shopify=slow: unknown fault 'slow'"),
    ],
    ids=["unknown-sandbox", "unknown-fault"],
)
def test_demo_refuses_faults_it_cannot_apply(
    capsys: pytest.CaptureFixture[str], fault: str, message: str
) -> None:
    assert main(["demo", "--fault", fault]) == EXIT_CONFIG
    assert message in capsys.readouterr().err


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="pre-fork workers and /proc are Linux's")
def test_serve_with_two_workers_answers_from_two_child_processes() -> None:
    config = Path(__file__).parents[2] / "examples" / "demo" / "gateway.toml"
    port = _closed_port()
    command = ["serve", "--config", str(config), "--port", str(port), "--workers", "2"]
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, "serve exited before answering"
                assert time.monotonic() < deadline, "serve did not answer /healthz in 10 s"
                time.sleep(0.05)
        assert response.json() == {"status": "ok"}
        workers = _children(process.pid)
        assert len(workers) == 2

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize(
    ("flags", "level"),
    [([], logging.NOTSET), (["--no-access-log"], logging.WARNING)],
    ids=["as the root logger", "warnings only"],
)
def test_no_access_log_also_drops_the_line_per_back_end_call(
    monkeypatch: pytest.MonkeyPatch, flags: list[str], level: int
) -> None:
    calls = logging.getLogger("httpx")  # its INFO line: "HTTP Request: GET ... 200 OK"
    before = calls.level
    monkeypatch.setattr("gateway.cli._run", lambda serving: serving.close())
    config = Path(__file__).parents[2] / "examples" / "demo" / "gateway.toml"
    calls.setLevel(logging.NOTSET)
    try:
        assert main(["serve", "--config", str(config), *flags]) == 0
        assert calls.level == level
    finally:
        calls.setLevel(before)
