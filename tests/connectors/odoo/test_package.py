"""The package's public face: exports, entry point, settings read from a config table."""

from __future__ import annotations

from typing import Any

import pytest

import connectors.odoo as package
from connectors.errors import SettingsError
from connectors.models import LocationKind
from connectors.odoo import OdooConnector, OdooSettings
from connectors.odoo.query import any_of, decode_cursor, encode_cursor, slug, unslug
from connectors.odoo.sandbox import OdooSandbox
from connectors.registry import load_connector, load_sandbox
from connectors.settings import build_settings

TABLE = {"base_url": "https://nordlicht.odoo.com/", "api_key": "0123abcd"}


def test_exports_are_sorted_and_complete() -> None:
    assert package.__all__ == sorted(package.__all__)
    assert package.__all__ == ["OdooConnector", "OdooSettings"]


def test_the_entry_point_finds_the_connector_and_its_sandbox() -> None:
    assert load_connector("odoo") is OdooConnector
    assert load_sandbox(OdooConnector) is OdooSandbox


def test_settings_from_a_config_table_with_defaults() -> None:
    settings = build_settings(
        OdooSettings,
        {**TABLE, "location_kinds": {"11": "STORE"}, "phone_fields": ["phone", "mobile"]},
        where="connectors.erp",
    )
    assert settings.root == "https://nordlicht.odoo.com"
    assert (settings.database, settings.language) == (None, None)
    assert settings.kind_of("11") is LocationKind.STORE
    assert settings.kind_of("9") is LocationKind.WAREHOUSE
    assert settings.phone_fields == ("phone", "mobile")
    assert (settings.customer_number_field, settings.emails_verified) == ("ref", False)
    assert settings.pos_teams == ("Point of Sale",)
    assert "0123abcd" not in repr(settings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"base_url": "nordlicht.odoo.com"}, "base_url must start with https://"),
        ({"base_url": "https://x.odoo.com/json/2"}, "without /json/2"),
        ({"database": " "}, "database must be a database name"),
        ({"location_kinds": {"WH/Stock": "STORE"}}, "stock.location ids"),
        ({"location_kinds": {"11": "SHOP"}}, "location_kinds.11 must be one of"),
        ({"default_location_kind": "DEPOT"}, "default_location_kind must be one of"),
        ({"customer_number_field": "Ref Nr"}, "customer_number_field must be a res.partner field"),
        ({"phone_fields": []}, "phone_fields must name at least one field"),
        ({"phone_fields": ["phone", "mobile;"]}, "phone_fields must be res.partner field names"),
        ({"max_page_size": 0}, "max_page_size"),
        ({"api_key": 42}, "api_key must be a string"),
        ({"warehouse": "NUE"}, "unknown key connectors.erp.warehouse"),
    ],
    ids=[
        "no-scheme",
        "api-path",
        "blank-database",
        "location-not-an-id",
        "unknown-kind",
        "unknown-default-kind",
        "bad-number-field",
        "no-phone-fields",
        "bad-phone-field",
        "no-page",
        "key-not-a-string",
        "unknown-key",
    ],
)
def test_wrong_settings_say_how_to_fix_them(change: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        build_settings(OdooSettings, {**TABLE, **change}, where="connectors.erp")


@pytest.mark.parametrize(
    ("name", "record", "expected"),
    [
        ("Alpine Tee", 12, "alpine-tee-12"),
        ("Daypack 22L", 10, "daypack-22l-10"),
        ("Über-Jacke «Föhn» / Größe", 3, "uber-jacke-fohn-groe-3"),
        ("???", 4, "4"),
    ],
    ids=["plain", "digits", "accents-and-symbols", "nothing-left"],
)
def test_slugs_are_odoos_and_give_their_id_back(name: str, record: int, expected: str) -> None:
    assert slug(name, record) == expected
    assert unslug(expected) == record


def test_unslug_refuses_what_names_no_record() -> None:
    assert unslug("alpine-tee") is None
    assert unslug("alpine-tee-0") is None
    assert unslug("alpine-tee-99999999999") is None
    assert unslug("alpine-tee-١٢") is None  # non-ASCII digits


def test_cursors_round_trip_and_refuse_foreign_ones() -> None:
    assert decode_cursor(encode_cursor(40)) == 40
    assert decode_cursor(None) == 0
    for foreign in ("b2NjOjEw", "not base64!", ""):
        with pytest.raises(ValueError, match="not a cursor from this connector"):
            decode_cursor(foreign)


def test_any_of_is_prefix_notation() -> None:
    a, b, c = ["a", "=", 1], ["b", "=", 2], ["c", "=", 3]
    assert any_of([a]) == [a]
    assert any_of([a, b, c]) == ["|", "|", a, b, c]
    with pytest.raises(ValueError, match="at least one leaf"):
        any_of([])
