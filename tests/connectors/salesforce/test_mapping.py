"""Contact records -> ``Customer``, on recorded-shape query results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from connectors.models import Address, Identity, Loyalty
from connectors.salesforce.mapping import ContactFields, customer, loyalty, parse_time

from .support import payload

FIELDS = ContactFields()


def _records() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = payload("contacts")["records"]
    return records


def test_a_b2b_contact_maps_every_field() -> None:
    record = _records()[0]

    mapped = customer(record, source="crm", fields=FIELDS, email_verified=True)

    assert mapped.source == "crm"
    assert mapped.external_id == "0035g00000AbCdEAAV"
    assert mapped.email == "Jurgen.Krueger@example.com"
    assert mapped.email_verified is True
    assert (mapped.first_name, mapped.last_name) == ("Jürgen", "Krüger")
    assert mapped.phones == ("+49 341 5550101", "+49 171 5550101")
    assert mapped.accepts_marketing is True
    assert mapped.loyalty == Loyalty(8450, "Gold")
    assert mapped.created_at == datetime(2025, 4, 4, 9, 0, tzinfo=UTC)
    assert mapped.identities == (Identity("customer_number", "K-000025"),)
    expected = Address(
        line1="Lindenallee 7",
        line2="Hinterhaus, 2. OG",
        city="Leipzig",
        postal_code="04109",
        country_code="DE",
        company="Krüger Bergsport GmbH",
        first_name="Jürgen",
        last_name="Krüger",
        phone="+49 341 5550101",
    )
    assert mapped.default_address == expected
    assert mapped.addresses == (expected,)


def test_a_household_contact_opted_out_with_fractional_points() -> None:
    mapped = customer(_records()[1], source="crm", fields=FIELDS)

    assert mapped.email_verified is False
    assert mapped.phones == ("+43 664 1234567",)
    assert mapped.accepts_marketing is False
    assert mapped.loyalty == Loyalty(299, None)  # a fraction of a point is never rounded up
    assert mapped.identities == ()
    assert mapped.created_at == datetime(2024, 11, 30, 23, 15, 42, tzinfo=UTC)
    assert mapped.default_address is not None
    assert mapped.default_address.company is None  # "Winter Household" is not a company
    assert mapped.default_address.phone == "+43 664 1234567"


def test_a_bare_contact_has_no_address_no_loyalty_and_no_email() -> None:
    mapped = customer(_records()[2], source="crm", fields=FIELDS, email_verified=True)

    assert mapped.email is None
    assert mapped.email_verified is False  # nothing to verify
    assert mapped.first_name is None
    assert mapped.last_name == "Unbekannt"
    assert mapped.addresses == ()
    assert mapped.default_address is None
    assert mapped.loyalty is None
    assert mapped.phones == ()


def test_an_empty_household_suffix_keeps_every_account_name() -> None:
    fields = ContactFields(household_suffix="")
    mapped = customer(_records()[1], source="crm", fields=fields)
    assert mapped.default_address is not None
    assert mapped.default_address.company == "Winter Household"


def test_field_names_are_the_orgs() -> None:
    record = {
        **_records()[0],
        "Points__c": 12,
        "Status__c": "Platinum",
        "Kundennummer__c": 4711.0,  # a Number field holding the customer number
    }
    fields = ContactFields(
        loyalty_points="Points__c", loyalty_tier="Status__c", customer_number="Kundennummer__c"
    )

    mapped = customer(record, source="crm", fields=fields)

    assert mapped.loyalty == Loyalty(12, "Platinum")
    assert mapped.identities == (Identity("customer_number", "4711"),)


@pytest.mark.parametrize(
    ("points", "expected"),
    [(0.0, Loyalty(0, "Gold")), ("120", Loyalty(120, "Gold")), (None, None)],
    ids=["zero-is-loyalty", "string-number", "absent"],
)
def test_loyalty_needs_points(points: object, expected: Loyalty | None) -> None:
    record = {"Loyalty_Points__c": points, "Loyalty_Tier__c": "Gold"}
    assert loyalty(record, FIELDS) == expected


def test_no_points_field_means_no_loyalty() -> None:
    record = {"Loyalty_Points__c": 10, "Loyalty_Tier__c": "Gold"}
    assert loyalty(record, ContactFields(loyalty_points="")) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-04-04T09:00:00.000+0000", datetime(2025, 4, 4, 9, 0, tzinfo=UTC)),
        ("2025-04-04T11:00:00.000+0200", datetime(2025, 4, 4, 9, 0, tzinfo=UTC)),
        ("2025-04-04T09:00:00Z", datetime(2025, 4, 4, 9, 0, tzinfo=UTC)),
        (None, None),
    ],
    ids=["salesforce", "offset", "zulu", "absent"],
)
def test_salesforce_datetimes_become_aware_utc(
    value: str | None, expected: datetime | None
) -> None:
    assert parse_time(value) == expected
