"""The package's public face: exports, entry point, settings read from a config table."""

from __future__ import annotations

from typing import Any

import pytest

import connectors.sap_commerce as package
from connectors.errors import SettingsError
from connectors.models import LocationKind
from connectors.registry import load_connector, load_sandbox
from connectors.sap_commerce import SapCommerceConnector, SapCommerceSettings
from connectors.sap_commerce.sandbox import SapCommerceSandbox
from connectors.settings import build_settings

TABLE = {
    "base_url": "https://api.example.com/",
    "base_site": "nordlicht",
    "client_id": "gateway",
    "client_secret": "s3cret",
}


def test_exports_are_sorted_and_complete() -> None:
    assert package.__all__ == sorted(package.__all__)
    assert package.__all__ == ["SapCommerceConnector", "SapCommerceSettings"]


def test_the_entry_point_finds_the_connector_and_its_sandbox() -> None:
    assert load_connector("sap_commerce") is SapCommerceConnector
    assert load_sandbox(SapCommerceConnector) is SapCommerceSandbox


def test_settings_from_a_config_table_with_defaults() -> None:
    settings = build_settings(
        SapCommerceSettings,
        {**TABLE, "location_kinds": {"dc-kassel": "DISTRIBUTION_CENTER"}},
        where="connectors.b2b",
    )
    assert settings.root == "https://api.example.com"
    assert (settings.language, settings.currency) == ("en", "EUR")
    assert settings.stock_api_path == "/odata2webservices/InboundStockLevel"
    assert (settings.customer_api_path, settings.order_api_path) == (None, None)
    assert settings.kind_of("dc-kassel") is LocationKind.DISTRIBUTION_CENTER
    assert settings.kind_of("wh-leipzig") is LocationKind.WAREHOUSE
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"location_kinds": {"dc": "DEPOT"}}, "location_kinds.dc must be one of"),
        ({"default_location_kind": "SHOP"}, "default_location_kind must be one of"),
        ({"base_url": "api.example.com"}, "base_url must start with https://"),
        ({"base_site": "a/b"}, "base_site"),
        ({"stock_api_path": "odata2webservices/X"}, "stock_api_path must start with '/'"),
        ({"order_api_path": "InboundOrder"}, "order_api_path must start with '/'"),
        ({"customer_api_path": 7}, "customer_api_path must be a string"),
        ({"max_concurrency": 0}, "max_concurrency"),
    ],
    ids=[
        "unknown-location-kind",
        "unknown-default-kind",
        "no-scheme",
        "slash-in-site",
        "relative-path",
        "relative-order-path",
        "customer-path-not-a-string",
        "no-concurrency",
    ],
)
def test_wrong_settings_say_how_to_fix_them(change: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        build_settings(SapCommerceSettings, {**TABLE, **change}, where="connectors.b2b")
