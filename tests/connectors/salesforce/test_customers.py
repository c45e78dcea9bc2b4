"""Customers by ID and by e-mail against the sandbox: one SOQL query per batch, escaped
input, duplicates kept, every batch of a large result followed."""

from __future__ import annotations

import asyncio

import pytest

from connectors.models import Identity
from connectors.salesforce import SalesforceConnector
from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.sandbox import Samples
from connectors.sandbox.retailer import demo_retailer

from .support import QUERY_PATH, Connect, queries, soql

SELECT = (
    "SELECT Id, FirstName, LastName, Email, Phone, MobilePhone, MailingStreet, MailingCity, "
    "MailingPostalCode, MailingCountryCode, HasOptedOutOfEmail, CreatedDate, "
    "Loyalty_Points__c, Loyalty_Tier__c, Customer_Number__c, Account.Id, Account.Name "
    "FROM Contact"
)


def _contact_with_email(sandbox: SalesforceSandbox, email: str) -> str:
    """Give the first sample contact ``email``; its ID."""
    contact_id = sandbox.samples().customer_ids[0]
    sandbox.state.contacts[contact_id]["Email"] = email
    return contact_id


# -- the query sent ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_batch_of_emails_is_one_soql_query(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    a, b = samples.customer_emails[:2]

    await connector.customers_by_email([a, f"  {b.upper()} "])

    [request] = sandbox.api_calls()
    assert request.path == QUERY_PATH
    assert request.headers["authorization"].startswith("Bearer ")
    assert soql(request) == f"{SELECT} WHERE Email IN ('{a}', '{b}')"


@pytest.mark.anyio
async def test_a_batch_of_ids_is_one_soql_query(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    a, b = samples.customer_ids[:2]

    found = await connector.customers([a, b, a])

    [request] = sandbox.api_calls()
    assert soql(request) == f"{SELECT} WHERE Id IN ('{a}', '{b}')"
    assert [c.external_id if c else None for c in found] == [a, b, a]


@pytest.mark.anyio
async def test_an_email_with_a_quote_reaches_salesforce_escaped_and_is_found(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    contact_id = _contact_with_email(sandbox, "Sean.O'Brien@example.com")

    [found] = await connector.customers_by_email(["sean.o'brien@example.com"])

    assert [c.external_id for c in found] == [contact_id]
    assert soql(sandbox.api_calls()[0]).endswith("WHERE Email IN ('sean.o\\'brien@example.com')")


@pytest.mark.anyio
async def test_an_email_with_a_backslash_reaches_salesforce_escaped_and_is_found(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    contact_id = _contact_with_email(sandbox, "back\\slash@example.com")

    [found] = await connector.customers_by_email(["back\\slash@example.com"])

    assert [c.external_id for c in found] == [contact_id]
    assert soql(sandbox.api_calls()[0]).endswith("WHERE Email IN ('back\\\\slash@example.com')")


@pytest.mark.anyio
async def test_an_injection_attempt_is_one_literal_that_matches_nothing(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    attack = "x' OR Email != '"

    results = await connector.customers_by_email([attack, samples.customer_emails[0]])

    assert results[0] == []
    assert [c.email.lower() for c in results[1] if c.email] == [samples.customer_emails[0]]
    assert soql(sandbox.api_calls()[0]).endswith(
        # Keys are compared lower-cased, so they are sent that way.
        f"WHERE Email IN ('x\\' or email != \\'', '{samples.customer_emails[0]}')"
    )


@pytest.mark.anyio
async def test_wildcards_are_not_wildcards_outside_like(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    # '%' and '_' mean nothing to '=' / IN, so they are sent as they are and match only
    # themselves (escaping them, as LIKE needs, would be a syntax error here).
    contact_id = _contact_with_email(sandbox, "a_b%c@example.com")

    found = await connector.customers_by_email(["a_b%c@example.com", "%@example.com"])

    assert [[c.external_id for c in matches] for matches in found] == [[contact_id], []]


@pytest.mark.anyio
async def test_keys_that_cannot_match_cost_no_call(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    by_id = await connector.customers(["not-an-id", "0035g00000AbCdEAAA", "' OR Id != '"])
    by_email = await connector.customers_by_email(["", "   ", "a@b\x00.de", "x" * 300 + "@x.de"])

    assert by_id == [None, None, None]
    assert by_email == [[], [], [], []]
    assert sandbox.api_calls() == []


@pytest.mark.anyio
async def test_an_empty_batch_costs_nothing(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    assert await connector.customers([]) == []
    assert await connector.customers_by_email([]) == []
    assert sandbox.requests == []


# -- what comes back ---------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_15_character_id_finds_the_contact_by_its_18_character_id(
    connector: SalesforceConnector, samples: Samples
) -> None:
    full = samples.customer_ids[0]

    [customer] = await connector.customers([full[:15]])

    assert customer is not None
    assert customer.external_id == full


@pytest.mark.anyio
async def test_a_person_the_crm_holds_twice_comes_back_twice_oldest_first(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    email = samples.extra["duplicated_email"]
    first, second = samples.extra["duplicated_ids"]

    [matches] = await connector.customers_by_email([email])

    assert [c.external_id for c in matches] == [first, second]
    original, duplicate = matches
    assert original.email == email
    assert duplicate.email is not None
    assert duplicate.email != email
    assert duplicate.email.lower() == email
    assert original.loyalty is not None
    assert duplicate.loyalty is None
    assert len(sandbox.api_calls()) == 1


@pytest.mark.anyio
async def test_a_customer_carries_crm_loyalty_number_and_company(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    retailer = demo_retailer()
    # The person typed differently in each system: the CRM has a double-barrelled name.
    person = next(c for c in retailer.customers if "salesforce" in c.overrides)
    [contact_id] = sandbox.state.contacts_of[person.key]

    [customer] = await connector.customers([contact_id])

    assert customer is not None
    assert customer.source == "salesforce"
    assert customer.email == person.email
    assert customer.email_verified is False
    assert customer.last_name == f"{person.last_name}-Kaya"
    assert customer.phones == ("+49 151 99988877",)
    assert customer.loyalty is not None
    assert (customer.loyalty.points, customer.loyalty.tier) == (8450, "Gold")
    assert customer.identities == (Identity("customer_number", person.number),)
    assert customer.accepts_marketing is person.accepts_marketing
    assert customer.created_at is not None
    assert customer.default_address is not None
    assert customer.default_address.city == person.city
    # She buys on the B2B site too, so her account is her company, not a household.
    assert customer.default_address.company is not None
    assert not customer.default_address.company.endswith("Household")


@pytest.mark.anyio
async def test_a_household_account_is_not_a_company(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    contact_id = next(
        c["Id"]
        for c in sandbox.state.contacts.values()
        if sandbox.state.accounts[c["AccountId"]]["Type"] == "Household"
    )

    [customer] = await connector.customers([contact_id])

    assert customer is not None
    assert customer.default_address is not None
    assert customer.default_address.company is None


@pytest.mark.anyio
async def test_emails_count_as_verified_only_when_the_operator_says_so(
    make_connector: Connect, samples: Samples
) -> None:
    async with make_connector(emails_verified=True) as connector:
        [found] = await connector.customers_by_email([samples.customer_emails[0]])
    assert [c.email_verified for c in found] == [True]


@pytest.mark.anyio
async def test_custom_field_names_come_from_settings(
    make_connector: Connect, sandbox: SalesforceSandbox, samples: Samples
) -> None:
    async with make_connector(loyalty_tier_field="", customer_number_field="") as connector:
        [customer] = await connector.customers([samples.customer_ids[0]])

    assert customer is not None
    assert customer.loyalty is not None
    assert customer.loyalty.tier is None
    assert customer.identities == ()
    query = soql(sandbox.api_calls()[0])
    assert "Loyalty_Points__c" in query
    assert "Loyalty_Tier__c" not in query
    assert "Customer_Number__c" not in query


# -- big batches -------------------------------------------------------------------------


@pytest.mark.anyio
async def test_every_batch_of_a_large_result_is_followed_by_next_records_url(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    # Given a server that hands out query results three records at a time
    sandbox.query_batch_size = 3
    emails = sorted({c["Email"].lower() for c in sandbox.state.contacts.values()})

    # When a batch of every e-mail is read
    results = await connector.customers_by_email(emails)

    # Then one query and one follow-up per further batch fetched every contact, once
    total = len(sandbox.state.contacts)
    assert sum(len(found) for found in results) == total
    assert all(found for found in results)
    calls = sandbox.api_calls()
    assert len(calls) == -(-total // 3)
    assert len(queries(sandbox)) == 1
    follow_ups = calls[1:]
    assert all(r.path.startswith(f"{QUERY_PATH}/01g") and r.query == "" for r in follow_ups)
    assert [r.path.rsplit("-", 1)[1] for r in follow_ups] == [str(n) for n in range(3, total, 3)]


@pytest.mark.anyio
async def test_a_batch_longer_than_one_url_is_cut_into_queries_that_run_together(
    make_connector: Connect, sandbox: SalesforceSandbox
) -> None:
    emails = [f"customer.number.{i:04d}@example.com" for i in range(300)]

    async with make_connector(max_url_bytes=4096) as connector:
        await connector.ping()  # the token first, so only the queries are timed
        sandbox.requests.clear()
        sandbox.faults.latency_ms = 50
        started = asyncio.get_running_loop().time()
        results = await connector.customers_by_email(emails)
        elapsed = asyncio.get_running_loop().time() - started

    sent = queries(sandbox)
    assert results == [[] for _ in emails]
    assert len(sent) >= 4
    assert all(len(r.path) + 1 + len(r.query) <= 4096 for r in sent)
    asked = [literal for r in sent for literal in soql(r).split(" IN (")[1][:-1].split(", ")]
    assert sorted(asked) == [f"'{email}'" for email in emails]  # each once, none lost
    assert elapsed < 0.05 * (len(sent) - 1)  # together, not one after another
