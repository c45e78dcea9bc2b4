"""Connector settings: typed, checked, secrets wrapped."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from connectors import LocationKind, Secret, SettingsError, build_settings
from connectors.settings import secret_fields


@dataclass(frozen=True)
class Example:
    host: str
    api_key: Secret
    page_size: int = 50
    timeout: float = 2.0
    kind: LocationKind = LocationKind.STORE
    kinds: dict[str, LocationKind] = field(default_factory=dict)
    optional_key: Secret | None = None


def test_values_are_typed_and_secrets_never_print() -> None:
    settings = build_settings(
        Example,
        {
            "host": "h",
            "api_key": "sk_live_123",
            "timeout": 5,
            "kind": "WAREHOUSE",
            "kinds": {"a": "STORE"},
        },
        where="connectors.x",
    )
    assert settings.timeout == 5.0
    assert settings.kind is LocationKind.WAREHOUSE
    assert settings.kinds == {"a": LocationKind.STORE}
    assert settings.api_key.reveal() == "sk_live_123"
    assert "sk_live_123" not in repr(settings)
    assert "sk_live_123" not in f"{settings.api_key}"
    assert secret_fields(Example) == ["api_key", "optional_key"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"api_key": "k"}, "missing key connectors.x.host: set it to a string"),
        (
            {"host": "h", "api_key": "k", "colour": 1},
            "unknown key connectors.x.colour; remove it or use one of: api_key, host,",
        ),
        ({"host": 1, "api_key": "k"}, "connectors.x.host must be a string, got int 1"),
        (
            {"host": "h", "api_key": 5},
            "connectors.x.api_key must be a string (a secret: use ${ENV_VAR})",
        ),
        (
            {"host": "h", "api_key": "k", "page_size": "50"},
            "connectors.x.page_size must be an integer",
        ),
        (
            {"host": "h", "api_key": "k", "page_size": True},
            "connectors.x.page_size must be an integer",
        ),
        (
            {"host": "h", "api_key": "k", "kind": "SHOP"},
            "connectors.x.kind must be one of 'STORE', 'WAREHOUSE', 'DISTRIBUTION_CENTER'",
        ),
        (
            {"host": "h", "api_key": "k", "kinds": {"a": "SHOP"}},
            "connectors.x.kinds.a must be one of",
        ),
    ],
    ids=[
        "missing",
        "unknown",
        "wrong-type",
        "secret-not-string",
        "int-as-string",
        "bool-as-int",
        "bad-enum",
        "bad-enum-in-table",
    ],
)
def test_mistakes_name_the_key_and_the_fix(raw: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        build_settings(Example, raw, where="connectors.x")
    assert message in str(caught.value)


def test_secrets_compare_in_constant_time_and_hash_without_the_value() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert repr(Secret("a")) == "Secret('**********')"
