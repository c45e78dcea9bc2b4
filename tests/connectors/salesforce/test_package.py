"""The package's public face: exports, entry point, settings read from a config table."""

from __future__ import annotations

from typing import Any

import pytest

import connectors.salesforce as package
from connectors.errors import SettingsError
from connectors.registry import load_connector, load_sandbox
from connectors.salesforce import SalesforceConnector, SalesforceSettings
from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.settings import build_settings

TABLE = {
    "instance_url": "https://nordlicht.my.salesforce.com/",
    "client_id": "3MVG9-consumer-key",
    "client_secret": "s3cret-value",
}


def test_exports_are_sorted_and_complete() -> None:
    assert package.__all__ == sorted(package.__all__)
    assert package.__all__ == ["ApiUsage", "SalesforceConnector", "SalesforceSettings"]


def test_the_entry_point_finds_the_connector_and_its_sandbox() -> None:
    assert load_connector("salesforce") is SalesforceConnector
    assert load_sandbox(SalesforceConnector) is SalesforceSandbox


def test_settings_from_a_config_table_with_defaults() -> None:
    settings = build_settings(SalesforceSettings, TABLE, where="connectors.crm")
    assert settings.root == "https://nordlicht.my.salesforce.com"
    assert settings.data_path == "/services/data/v60.0"
    assert settings.uses_client_credentials
    assert (settings.loyalty_points_field, settings.loyalty_tier_field) == (
        "Loyalty_Points__c",
        "Loyalty_Tier__c",
    )
    assert settings.customer_number_field == "Customer_Number__c"
    assert settings.emails_verified is False
    assert settings.max_url_bytes == 15_000
    assert "s3cret-value" not in repr(settings)


def test_a_static_access_token_is_the_other_auth_mode() -> None:
    settings = build_settings(
        SalesforceSettings,
        {"instance_url": TABLE["instance_url"], "access_token": "00D!token-value"},
        where="connectors.crm",
    )
    assert not settings.uses_client_credentials
    assert "00D!token-value" not in repr(settings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"access_token": "00D!x"}, "either access_token or client_id and client_secret"),
        ({"client_secret": None}, "client_id and client_secret go together"),
        ({"client_id": None, "client_secret": None}, "no credentials"),
        ({"instance_url": "nordlicht.my.salesforce.com"}, "instance_url must start with"),
        ({"api_version": "60.0"}, 'api_version must look like "v60.0"'),
        ({"loyalty_points_field": "Points__c) FROM User --"}, "loyalty_points_field must be"),
        ({"customer_number_field": "Nr'"}, "customer_number_field must be"),
        ({"max_url_bytes": 20_000}, "max_url_bytes must be between"),
        ({"request_limit_retry_after": -1}, "must not be negative"),
    ],
    ids=[
        "both-auth-modes",
        "id-without-secret",
        "no-credentials",
        "no-scheme",
        "version-without-v",
        "field-name-injection",
        "quote-in-field-name",
        "url-over-salesforce-limit",
        "negative-retry-after",
    ],
)
def test_wrong_settings_say_how_to_fix_them(change: dict[str, Any], message: str) -> None:
    table = {key: value for key, value in {**TABLE, **change}.items() if value is not None}
    with pytest.raises(SettingsError, match=message):
        build_settings(SalesforceSettings, table, where="connectors.crm")


def test_an_empty_custom_field_setting_leaves_that_field_out() -> None:
    settings = build_settings(
        SalesforceSettings, {**TABLE, "loyalty_tier_field": ""}, where="connectors.crm"
    )
    assert settings.loyalty_tier_field == ""
