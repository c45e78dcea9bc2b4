"""Federation over the demo's four systems: one customer, one stock picture, one price."""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.sandbox import Sandbox
from connectors.sandbox.retailer import demo_retailer
from gateway.app import create_app
from gateway.sandboxes import DEMO_ADMIN_KEY, create_sandboxes, sandbox_config
from gateway.testing import GatewayClient
from gateway.testing.plugin import sandbox_transports

CUSTOMER = """
query($email: String!) { customer(email: $email) {
  id firstName lastName phones loyalty { points tier }
  identities { system externalId } sources { field system } warnings { code message } } }
"""


def test_a_customer_in_four_systems_is_one_customer_by_precedence(
    admin_client: GatewayClient,
) -> None:
    result = admin_client.query(CUSTOMER, {"email": "Yusuf.Vogel@Example.com "})

    assert result.errors == []
    customer = result.data["customer"]
    assert [i["system"] for i in customer["identities"]] == [
        "salesforce",
        "shopify",
        "sap_commerce",
        "odoo",
    ]
    # Default precedence puts the CRM first; phones come from the shop first.
    assert customer["lastName"] == "Vogel-Kaya"
    assert customer["firstName"] == "Yusuf"
    assert customer["phones"] == ["+4915120190056"]
    assert customer["loyalty"] == {"points": 8450, "tier": "Gold"}
    sources = {s["field"]: s["system"] for s in customer["sources"]}
    assert sources["lastName"] == "salesforce"
    assert sources["phones"] == "shopify"
    assert sources["loyalty"] == "salesforce"
    assert customer["warnings"] == []


def test_any_members_id_answers_the_same_person(admin_client: GatewayClient) -> None:
    merged = admin_client.query(CUSTOMER, {"email": "yusuf.vogel@example.com"}).data["customer"]
    shop = next(i for i in merged["identities"] if i["system"] == "shopify")
    from schema.ids import encode

    by_id = admin_client.query(
        "query($id: ID!) { customer(id: $id) { id identities { system } } }",
        {"id": encode("Customer", "shopify", shop["externalId"])},
    ).data["customer"]
    assert by_id["id"] == merged["id"]
    assert len(by_id["identities"]) == 4


@pytest.mark.parametrize(
    ("email", "code", "names"),
    [
        ("jonas.hoffmann@example.com", "AMBIGUOUS_MATCH", "salesforce holds 2 records"),
        ("elif.vogel@example.com", "UNVERIFIED_EMAIL", "shopify has a record with this email"),
    ],
    ids=["duplicate-in-crm", "unverified-in-shop"],
)
def test_ambiguous_records_stay_separate_and_the_answer_says_why(
    admin_client: GatewayClient, email: str, code: str, names: str
) -> None:
    customer = admin_client.query(CUSTOMER, {"email": email}).data["customer"]
    [warning] = customer["warnings"]
    assert warning["code"] == code
    assert names in warning["message"]
    systems = [i["system"] for i in customer["identities"]]
    assert len(systems) == len(set(systems)), "never two records of one system in one customer"


def test_a_variants_stock_lists_every_system_each_location_once(
    admin_client: GatewayClient,
) -> None:
    result = admin_client.query(
        '{ variant(sku: "NL-1001-NVY-M") { inventory { location { id name kind } } } }'
    )
    locations = [level["location"] for level in result.data["variant"]["inventory"]]
    names = Counter(location["name"] for location in locations)
    assert max(names.values()) == 1
    assert "Lager Dortmund" in names, "the building SAP and the ERP share, once, SAP's"
    assert "Lager Dortmund (Odoo)" not in names
    assert {"Lager Leipzig", "Zentrallager Kassel", "Lager Nürnberg"} <= set(names)
    assert sum(location["kind"] == "STORE" for location in locations) >= 4
    everywhere = admin_client.query("{ locations { name } }").data["locations"]
    assert "Lager Dortmund (Odoo)" not in [loc["name"] for loc in everywhere]


def test_prices_come_from_the_erp_falling_back_to_the_catalog(
    admin_client: GatewayClient, commerce_sandboxes: dict[str, Sandbox]
) -> None:
    query = (
        "query($sku: String!) { variant(sku: $sku) { price { amount } sources { field system } } }"
    )
    repriced = admin_client.query(query, {"sku": "NL-1002-GRY-S"}).data["variant"]
    assert repriced == {
        "price": {"amount": "74.90"},
        "sources": [{"field": "price", "system": "odoo"}],
    }
    unpriced = admin_client.query(query, {"sku": "NL-1055-RST-42"}).data["variant"]
    assert unpriced["sources"] == [], "the ERP does not sell it: the catalog's price stands"
    assert unpriced["price"]["amount"] == str(demo_retailer().variant("NL-1055-RST-42")[1].price)


def test_the_erp_down_leaves_the_catalogs_price_and_says_so(
    admin_client: GatewayClient, commerce_sandboxes: dict[str, Sandbox]
) -> None:
    commerce_sandboxes["odoo"].faults.down = True
    result = admin_client.query('{ variant(sku: "NL-1002-GRY-S") { price { amount } } }')
    assert result.data["variant"]["price"]["amount"] == "69.90"
    assert [(e["extensions"]["code"], e["extensions"]["connector"]) for e in result.errors] == [
        ("UPSTREAM_UNAVAILABLE", "odoo")
    ]


def test_a_merged_order_history_pages_every_order_once_newest_first(
    admin_client: GatewayClient,
) -> None:
    query = """query($after: String) { customer(email: "yusuf.vogel@example.com") {
      orders(first: 1, after: $after) { nodes { number createdAt channel } pageInfo { hasNextPage endCursor } } } }"""
    seen: list[dict[str, str]] = []
    after = None
    for _ in range(50):
        page = admin_client.query(query, {"after": after}).data["customer"]["orders"]
        seen.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    retailer = demo_retailer()
    key = next(c.key for c in retailer.customers if c.email == "yusuf.vogel@example.com")
    expected = [o for o in retailer.orders if o.customer_key == key]
    assert sorted(o["number"] for o in seen) == sorted(o.number for o in expected)
    assert len({o["number"] for o in seen}) == len(seen)
    stamps = [o["createdAt"] for o in seen]
    assert stamps == sorted(stamps, reverse=True)
    assert {o["channel"] for o in seen} >= {"WEB", "B2B", "POS"}


def test_an_email_with_quote_and_backslash_reaches_salesforce_escaped(
    admin_client: GatewayClient, commerce_sandboxes: dict[str, Sandbox]
) -> None:
    email = "o'brien\\x@example.com"
    result = admin_client.query(CUSTOMER, {"email": email})
    assert result.errors == []
    assert result.data["customer"] is None
    queries = [
        parse_qs(urlsplit(f"http://x{c.path}?{c.query}").query)["q"][0]
        for c in commerce_sandboxes["salesforce"].api_calls()
        if "q=" in c.query
    ]
    assert any("'o\\'brien\\\\x@example.com'" in q for q in queries), queries


def test_the_customer_directory_shows_every_person_once(admin_client: GatewayClient) -> None:
    query = """query($after: String) { customers(first: 7, after: $after) {
      nodes { id email identities { system externalId } } pageInfo { hasNextPage endCursor } } }"""
    people: list[dict[str, object]] = []
    after = None
    for _ in range(40):
        page = admin_client.query(query, {"after": after}).data["customers"]
        people.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    ids = [p["id"] for p in people]
    assert len(ids) == len(set(ids)), "each person once"
    records = [(i["system"], i["externalId"]) for p in people for i in p["identities"]]  # type: ignore[union-attr]
    assert len(records) == len(set(records)), "each record in one person only"
    emails = {str(p["email"]).strip().casefold() for p in people if p["email"]}
    assert {c.email for c in demo_retailer().customers} <= emails


PAGE_OF_CUSTOMERS = """query($first: Int!) { customers(first: $first) { nodes {
  loyalty { points } orders(first: 3) { nodes { number } } } } }"""


def calls_for(first: int) -> Counter[str]:
    """Back-end calls for one page of customers with their last orders, on a cold gateway."""
    sandboxes = create_sandboxes()
    config = sandbox_config(sandboxes, {n: s.base_url for n, s in sandboxes.items()})
    app = create_app(config, transport_factory=sandbox_transports(sandboxes))
    with GatewayClient(app, headers={"x-api-key": DEMO_ADMIN_KEY}) as client:
        result = client.query(PAGE_OF_CUSTOMERS, {"first": first})
    assert result.errors == []
    assert len(result.data["customers"]["nodes"]) == first
    return Counter({name: len(s.api_calls()) for name, s in sandboxes.items()})


def test_a_page_of_customers_with_orders_costs_constant_calls_per_back_end() -> None:
    twenty, thirty = calls_for(20), calls_for(30)
    # Listing, matching (by email, by customer number, by ID) and orders: a fixed number
    # of batched calls per system, whatever the page size...
    for system in ("salesforce", "sap_commerce", "odoo"):
        assert thirty[system] == twenty[system], (system, twenty, thirty)
    # ...except where the vendor caps what one call may carry: Shopify's 1,000-point
    # query cost holds a few customers' orders per document. Still batched, never one
    # call per customer.
    assert thirty["shopify"] <= 30 / 3 + 2
