"""Matching and merging one person's records from several systems."""

from __future__ import annotations

from connectors import Customer, Identity, Loyalty
from gateway.federation import match, merge, normalise_email

NUMBER = "customer_number"
PRECEDENCE = {
    "default": ("salesforce", "shopify", "sap_commerce", "odoo"),
    "phones": ("shopify", "salesforce", "sap_commerce", "odoo"),
}


def record(
    source: str, external_id: str, email: str | None, *, verified: bool = True, **fields: object
) -> Customer:
    return Customer(source, external_id, email, email_verified=verified, **fields)  # type: ignore[arg-type]


def people(records: list[Customer]) -> list[set[tuple[str, str]]]:
    groups = match(
        records, link_on=[NUMBER], systems=["salesforce", "shopify", "sap_commerce", "odoo"]
    )
    return sorted(({(r.source, r.external_id) for r in group} for group, _ in groups), key=sorted)


def test_emails_match_across_case_whitespace_and_unicode_forms() -> None:
    composed = "zo\u00eb.m\u00fcller@example.com"
    decomposed = "zoe\u0308.mu\u0308ller@EXAMPLE.com"
    assert normalise_email(f"  {decomposed} ") == normalise_email(composed)
    found = people(
        [record("shopify", "1", composed), record("salesforce", "2", f" {decomposed.upper()}")]
    )
    assert found == [{("shopify", "1"), ("salesforce", "2")}]


def test_a_person_in_four_systems_is_one_customer_fields_by_precedence() -> None:
    records = [
        record(
            "shopify",
            "gid://shopify/Customer/25",
            "yusuf.vogel@example.com",
            first_name="Yusuf",
            last_name="Vogel",
            phones=("+49 151 1",),
        ),
        record(
            "sap_commerce",
            "yusuf.vogel@example.com",
            "yusuf.vogel@example.com",
            first_name="YUSUF",
            last_name="Vogel",
            phones=("+49 30 2",),
        ),
        record(
            "odoo",
            "77",
            "Yusuf.Vogel@example.com ",
            verified=False,
            first_name="Yusuf K.",
            phones=("+49 911 3",),
            identities=(Identity(NUMBER, "K-000025"),),
        ),
        # The CRM's email is verified (an operator setting); the ERP's is not, so the
        # ERP's record joins through the customer number the two share.
        record(
            "salesforce",
            "003A",
            "yusuf.vogel@example.com",
            last_name="Vogel-Kaya",
            phones=("+49 151 4",),
            loyalty=Loyalty(8450, "Gold"),
            identities=(Identity(NUMBER, "K-000025"),),
        ),
    ]
    [(group, warnings)] = match(records, link_on=[NUMBER])
    result = merge(group, PRECEDENCE, warnings=warnings)

    customer = result.customer
    assert (customer.source, customer.external_id) == ("salesforce", "003A"), (
        "the ID is the first system's"
    )
    assert customer.last_name == "Vogel-Kaya"  # default precedence: the CRM first
    assert customer.first_name == "Yusuf"  # the CRM has none: the shop's
    assert customer.phones == ("+49 151 1",)  # phones: the shop first
    assert customer.loyalty == Loyalty(8450, "Gold")
    assert [(i.system, i.external_id) for i in customer.identities] == [
        ("salesforce", "003A"),
        ("shopify", "gid://shopify/Customer/25"),
        ("sap_commerce", "yusuf.vogel@example.com"),
        ("odoo", "77"),
    ]
    assert result.sources["last_name"] == Identity("salesforce", "003A")
    assert result.sources["phones"] == Identity("shopify", "gid://shopify/Customer/25")
    assert result.warnings == ()


def test_a_duplicate_in_one_system_is_not_merged_and_says_why() -> None:
    records = [
        record("shopify", "s1", "kat@example.com"),
        record("salesforce", "003A", "kat@example.com"),
        record("salesforce", "003B", "KAT@example.com"),
    ]
    groups = match(records)
    assert sorted(len(group) for group, _ in groups) == [1, 1, 1]
    notes = {(g[0].source, g[0].external_id): w for g, w in groups}
    assert [w.code for w in notes[("shopify", "s1")]] == ["AMBIGUOUS_MATCH"]
    assert (
        "salesforce holds 2 records for this person (003A, 003B)"
        in notes[("shopify", "s1")][0].message
    )


def test_an_unverified_email_links_nothing_and_says_so() -> None:
    records = [
        record("salesforce", "003A", "elif@example.com"),
        record("shopify", "s5", "elif@example.com", verified=False),
    ]
    groups = match(records)
    assert sorted(len(g) for g, _ in groups) == [1, 1]
    crm = next(w for g, w in groups if g[0].source == "salesforce")
    assert [w.code for w in crm] == ["UNVERIFIED_EMAIL"]
    assert "shopify has a record with this email (s5)" in crm[0].message


def test_a_record_naming_another_systems_id_links_to_it() -> None:
    records = [
        record(
            "salesforce",
            "003A",
            None,
            identities=(Identity("shopify", "gid://shopify/Customer/9"),),
        ),
        record("shopify", "gid://shopify/Customer/9", "x@example.com", verified=False),
    ]
    assert people(records) == [{("salesforce", "003A"), ("shopify", "gid://shopify/Customer/9")}]


def test_shared_keys_only_link_when_configured() -> None:
    records = [
        record("odoo", "1", None, identities=(Identity(NUMBER, "K-1"),)),
        record("salesforce", "2", None, identities=(Identity(NUMBER, "K-1"),)),
    ]
    assert len(match(records)) == 2
    assert len(match(records, link_on=[NUMBER])) == 1
