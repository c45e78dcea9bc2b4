"""A bad config fails fast, naming the key and the fix."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from connectors import Secret
from gateway.config import ConfigError, load_config, parse_config
from tests import fakes
from tests.gateway.conftest import FAKE_RAW, fake_config


def broken(**changes: Any) -> dict[str, Any]:
    raw = copy.deepcopy(FAKE_RAW)
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        table = raw
        for part in parents:
            table = table.setdefault(part, {})
        if value is None:
            del table[last]
        else:
            table[last] = value
    return raw


def test_a_good_config_is_typed_and_secrets_are_wrapped() -> None:
    config = fake_config()
    stores = config.connectors["stores"]
    assert stores.connector_type == "fake"
    assert stores.settings.token == Secret("t1")
    assert "t1" not in repr(stores.settings)
    assert config.routing.inventory == ("stores", "warehouses")
    assert config.server.profile == "dev"


@pytest.mark.parametrize(
    ("raw", "env", "message"),
    [
        (broken(connectors__stores__colour="red"), {}, "unknown key connectors.stores.colour"),
        (broken(routing__pricing="stores"), {}, "unknown key routing.pricing"),
        (broken(extra={"a": 1}), {}, "unknown key extra"),
        (broken(connectors__stores__token=None), {}, "missing key connectors.stores.token"),
        (
            broken(connectors__stores__type="shopfiy"),
            {},
            "no connector named 'shopfiy' is installed",
        ),
        (broken(connectors__stores__type=None), {}, "missing key connectors.stores.type"),
        (broken(connectors__stores__holds=3), {}, "connectors.stores.holds must be a string"),
        (
            broken(routing__catalog="nowhere"),
            {},
            "routing.catalog names 'nowhere', which is not configured",
        ),
        (
            broken(routing__catalog=None),
            {},
            "routing.catalog: stores, warehouses can all serve the catalog",
        ),
        (
            broken(gateway={"profile": "prod"}),
            {},
            "gateway.profile must be one of 'dev', 'production'",
        ),
        (broken(gateway={"port": 70000}), {}, "gateway.port must be between 1 and 65535"),
        (
            broken(connectors__stores__http={"timeout": -1.0}),
            {},
            "connectors.stores.http: timeouts must be positive",
        ),
        (
            broken(connectors__stores__http={"retries": 3}),
            {},
            "unknown key connectors.stores.http.retries",
        ),
    ],
    ids=[
        "unknown-connector-key",
        "unknown-route",
        "unknown-top-level",
        "missing-secret-key",
        "connector-not-installed",
        "no-type",
        "wrong-type",
        "route-to-unknown",
        "ambiguous-catalog",
        "bad-profile",
        "bad-port",
        "bad-timeout",
        "unknown-http-key",
    ],
)
def test_mistakes_name_the_key(raw: dict[str, Any], env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(raw, {"FAKE_TOKEN": "t1", **env}, find_connector=_find)
    assert message in str(caught.value)


def _find(name: str) -> Any:
    if name == "fake":
        return fakes.FakeConnector
    from connectors.registry import load_connector

    return load_connector(name)


def test_an_unset_environment_variable_names_the_key_and_the_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(FAKE_RAW, {}, find_connector=fakes.find_connector)
    assert "connectors.stores.token uses ${FAKE_TOKEN}, which is not set" in str(caught.value)


def test_environment_fallbacks_and_dollar_escapes() -> None:
    raw = broken(connectors__stores__token="${MISSING:-fallback}$$x")
    config = parse_config(raw, {}, find_connector=fakes.find_connector)
    assert config.connectors["stores"].settings.token.reveal() == "fallback$x"


def test_malformed_toml_says_where(tmp_path: Path) -> None:
    path = tmp_path / "gateway.toml"
    path.write_text('[connectors.shop\ntype = "shopify"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert "is not valid TOML" in str(caught.value)
    assert "line 1" in str(caught.value)


def test_a_missing_file_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist; pass --config"):
        load_config(tmp_path / "nope.toml", {})


def test_a_route_to_a_connector_that_cannot_serve_it() -> None:
    class CatalogOnly(fakes.FakeConnector):
        capabilities = frozenset({fakes.Capability.CATALOG})

    raw = broken(routing__inventory=["stores"])
    raw["connectors"]["stores"]["type"] = "catalog_only"

    def find(name: str) -> Any:
        return CatalogOnly if name == "catalog_only" else fakes.FakeConnector

    with pytest.raises(
        ConfigError,
        match=r"routing\.inventory names 'stores', whose connector type cannot serve inventory",
    ):
        parse_config(raw, {"FAKE_TOKEN": "t"}, find_connector=find)
