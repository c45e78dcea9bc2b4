"""The config the benchmarks serve is one the gateway accepts, and says what the docs say."""

from __future__ import annotations

import tomllib

import pytest

from benchmarks.gateway_config import SYSTEMS, raw_config, to_toml
from gateway.cache.entity import default_policies
from gateway.config import CACHE_KINDS, parse_config

URLS = {name: f"http://127.0.0.1:{9201 + i}" for i, name in enumerate(SYSTEMS)}


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_the_generated_toml_parses_into_the_benchmark_routing(cache: str) -> None:
    text = to_toml(raw_config(URLS, cache=cache))

    config = parse_config(tomllib.loads(text), env={})

    assert config.routing.catalog == "shopify"
    assert config.routing.inventory == ("shopify", "sap_commerce")
    assert config.routing.customers == ("salesforce", "shopify", "sap_commerce", "odoo")
    assert config.routing.orders == ("shopify", "sap_commerce", "odoo")
    assert config.federation.price_authority is None  # both gateways fetch the same data
    assert config.federation.same_place == ()  # Dortmund's ERP twin is not routed
    assert config.http.rate_limit.enabled is False
    assert [key.name for key in config.auth.api_keys] == ["bench-admin"]
    assert config.connectors["odoo"].settings.base_url.rstrip("/") == URLS["odoo"]


def test_cold_caches_nothing_and_warm_keeps_the_defaults() -> None:
    cold = parse_config(tomllib.loads(to_toml(raw_config(URLS, cache="cold"))), env={})
    warm = parse_config(tomllib.loads(to_toml(raw_config(URLS, cache="warm"))), env={})

    for kind in CACHE_KINDS:
        policy = cold.cache.policies[kind]
        assert (policy.fresh, policy.stale, policy.stale_if_error) == (0, 0, 0), kind
    assert dict(warm.cache.policies) == default_policies()


def test_toml_round_trips_keys_and_strings_toml_must_quote() -> None:
    raw = {
        "a": {"dc-kassel": "x", "11": 'say "hi"\\', "with space": [1, 2.5, True]},
        "list": [{"name": "one"}, {"name": "two", "sub": {"k": "ö"}}],
    }

    assert tomllib.loads(to_toml(raw)) == raw


def test_an_unknown_cache_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="cold, warm"):
        raw_config(URLS, cache="tepid")
