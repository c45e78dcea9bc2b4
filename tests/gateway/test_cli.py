"""The `commerce-gateway` command line."""

from __future__ import annotations

import socket
from pathlib import Path

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
