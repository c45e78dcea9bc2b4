"""examples/demo/gateway.toml is the demo's configuration, written out: keep them equal."""

from __future__ import annotations

from pathlib import Path

from gateway.config import load_config
from gateway.sandboxes import create_sandboxes, sandbox_config

EXAMPLE = Path(__file__).parents[2] / "examples" / "demo" / "gateway.toml"


def test_the_example_config_is_what_the_demo_runs() -> None:
    example = load_config(EXAMPLE, env={})
    sandboxes = create_sandboxes()
    urls = {name: f"http://127.0.0.1:{9001 + i}" for i, name in enumerate(sandboxes)}
    demo = sandbox_config(sandboxes, urls)

    assert example.routing == demo.routing
    assert example.federation == demo.federation
    assert example.connectors.keys() == demo.connectors.keys()
    for name, spec in demo.connectors.items():
        assert example.connectors[name].settings == spec.settings, name
        assert example.connectors[name].connector_type == spec.connector_type


def test_secrets_in_the_example_come_from_the_environment_when_set() -> None:
    config = load_config(
        EXAMPLE,
        env={
            "SHOPIFY_ACCESS_TOKEN": "shpat_real",
            "SAP_CLIENT_SECRET": "s3cret",
            "ODOO_API_KEY": "odoo-key",
            "SALESFORCE_CLIENT_SECRET": "sf-secret",
        },
    )
    assert config.connectors["shopify"].settings.access_token.reveal() == "shpat_real"
    assert config.connectors["sap_commerce"].settings.client_secret.reveal() == "s3cret"
    assert config.connectors["odoo"].settings.api_key.reveal() == "odoo-key"
    assert config.connectors["salesforce"].settings.client_secret.reveal() == "sf-secret"
