"""Listing contacts (keyset pages: ``ORDER BY Id``, ``Id > last``) and finding them by the
retailer's customer number (one ``IN`` per batch)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from connectors.errors import RejectedByVendor
from connectors.models import Identity
from connectors.salesforce import SalesforceConnector
from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.salesforce.sandbox.seed import record_id
from connectors.salesforce.sandbox.soql import SCHEMA

from .support import QUERY_PATH, Connect, queries, soql

TRICKY_NAME = "O'Hara_50%\\Nord"
NUMBER = "customer_number"


async def _walk(connector: SalesforceConnector, first: int, **kw: Any) -> list[str]:
    seen: list[str] = []
    after = kw.pop("after", None)
    for _ in range(100):
        page = await connector.list_customers(first=first, after=after, **kw)
        seen.extend(customer.external_id for customer in page.items)
        if not page.has_next_page:
            return seen
        after = page.next_cursor
    raise AssertionError("the walk did not end")


def _add_contact(sandbox: SalesforceSandbox, number: int, **values: Any) -> str:
    template = next(iter(sandbox.state.contacts.values()))
    contact_id = record_id("003", number)
    sandbox.state.contacts[contact_id] = {**template, "Id": contact_id, **values}
    return contact_id


# -- list_customers ------------------------------------------------------------------------


@pytest.mark.anyio
async def test_contacts_come_by_id_one_query_a_page(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    walked = await _walk(connector, 10)

    sent = [soql(request) for request in queries(sandbox)]
    assert walked == sorted(sandbox.state.contacts)
    assert len(sent) == -(-len(walked) // 10) == len(sandbox.api_calls())
    assert sent[0].endswith("FROM Contact ORDER BY Id LIMIT 11")
    assert sent[1].endswith(f"FROM Contact WHERE Id > '{walked[9]}' ORDER BY Id LIMIT 11")


@pytest.mark.anyio
async def test_a_cursor_stays_valid_when_contacts_come_and_go_before_it(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    everyone = sorted(sandbox.state.contacts)
    page = await connector.list_customers(first=5)
    del sandbox.state.contacts[everyone[1]]  # an offset would now skip everyone[5]
    early = _add_contact(sandbox, 1)  # sorts before the cursor
    late = _add_contact(sandbox, 62**9 - 1)  # sorts after everything

    rest = await _walk(connector, 7, after=page.next_cursor)

    assert early < everyone[0]
    assert late > everyone[-1]
    assert [c.external_id for c in page.items] == everyone[:5]
    assert rest == [*everyone[5:], late]


@pytest.mark.anyio
async def test_pages_walk_on_when_salesforce_serves_small_batches(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    sandbox.query_batch_size = 4  # LIMIT 8 comes back in two batches

    walked = await _walk(connector, 7)

    assert walked == sorted(sandbox.state.contacts)
    assert len(sandbox.api_calls()) == 2 * len(queries(sandbox))


@pytest.mark.anyio
async def test_a_huge_page_is_one_batch_of_salesforce(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    page = await connector.list_customers(first=50_000)

    [request] = queries(sandbox)
    assert soql(request).endswith("ORDER BY Id LIMIT 2001")
    assert len(page.items) == len(sandbox.state.contacts)
    assert page.next_cursor is None


@pytest.mark.anyio
async def test_free_text_is_an_escaped_like_on_name_or_email(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    contacts = sorted(sandbox.state.contacts)
    by_name, by_email = contacts[3], contacts[8]
    sandbox.state.contacts[by_name].update(LastName=TRICKY_NAME, Name=f"Ida {TRICKY_NAME}")
    sandbox.state.contacts[by_email]["Email"] = "o'hara_50%\\nord@example.com"

    found = await connector.list_customers(first=10, query=f"  {TRICKY_NAME.lower()} ")
    percent = await connector.list_customers(first=50, query="%")
    underscore = await connector.list_customers(first=50, query="_")

    pattern = "'%o\\'hara\\_50\\%\\\\nord%'"
    assert soql(queries(sandbox)[0]).endswith(
        f"FROM Contact WHERE (Name LIKE {pattern} OR Email LIKE {pattern}) ORDER BY Id LIMIT 11"
    )
    assert [c.external_id for c in found.items] == [by_name, by_email]
    assert found.items[0].last_name == TRICKY_NAME
    # Unescaped, '%' and '_' would have matched every contact.
    assert [c.external_id for c in percent.items] == [by_name, by_email]
    assert [c.external_id for c in underscore.items] == [by_name, by_email]


@pytest.mark.anyio
async def test_a_filtered_walk_keeps_its_filter_and_its_place(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    expected = sorted(
        contact_id
        for contact_id, contact in sandbox.state.contacts.items()
        if "er" in contact["Name"].lower() or "er" in contact["Email"].lower()
    )
    assert 3 < len(expected) < len(sandbox.state.contacts)

    walked = await _walk(connector, 3, query="ER")

    assert walked == expected
    assert all("(Name LIKE '%ER%' OR Email LIKE '%ER%')" in soql(r) for r in queries(sandbox))


@pytest.mark.anyio
@pytest.mark.parametrize(
    "text",
    ["x" * 255, "tab\x00nul", "bell\x07"],
    ids=["longer-than-any-name-or-email", "nul", "control-character"],
)
async def test_free_text_nobody_can_match_costs_no_call(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, text: str
) -> None:
    page = await connector.list_customers(first=10, query=text)

    assert (list(page.items), page.next_cursor) == ([], None)
    assert sandbox.api_calls() == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    "cursor",
    ["not-a-cursor", "c2YtaWQ6MDAzNWcwMDAwMEFiQ2RF' OR Id != '", "c2YtaWQ6bm9wZQ"],
    ids=["garbage", "injection", "not-an-id"],
)
async def test_a_foreign_cursor_is_refused_without_a_call(
    connector: SalesforceConnector, sandbox: SalesforceSandbox, cursor: str
) -> None:
    with pytest.raises(RejectedByVendor) as caught:
        await connector.list_customers(first=5, after=cursor)
    assert (caught.value.code, caught.value.field) == ("BAD_CURSOR", ("after",))
    assert sandbox.api_calls() == []


# -- customers_by_identity -----------------------------------------------------------------


def _numbered(sandbox: SalesforceSandbox) -> list[tuple[str, str]]:
    """(contact ID, customer number) of the contacts holding one, in seed order."""
    return [
        (contact_id, contact["Customer_Number__c"])
        for contact_id, contact in sandbox.state.contacts.items()
        if contact["Customer_Number__c"]
    ]


@pytest.mark.anyio
async def test_customer_numbers_are_one_query_in_key_order(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    (a_id, a), (b_id, b) = _numbered(sandbox)[0], _numbered(sandbox)[6]

    found = await connector.customers_by_identity(
        [
            Identity(NUMBER, b),
            Identity(NUMBER, "K-999999"),
            Identity(NUMBER, a),
            Identity(NUMBER, b),
        ]
    )

    assert [[c.external_id for c in matches] for matches in found] == [[b_id], [], [a_id], [b_id]]
    assert found[0][0].identities == (Identity(NUMBER, b),)
    [request] = sandbox.api_calls()
    assert request.path == QUERY_PATH
    assert soql(request).endswith(f"WHERE Customer_Number__c IN ('{b}', 'K-999999', '{a}')")


@pytest.mark.anyio
async def test_other_systems_and_blank_numbers_find_nothing_without_a_call(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    contact_id, number = _numbered(sandbox)[0]

    found = await connector.customers_by_identity(
        [
            Identity("salesforce", contact_id),
            Identity("odoo", number),
            Identity(NUMBER, "  "),
            Identity(NUMBER, "K-1\x00"),
        ]
    )

    assert found == [[], [], [], []]
    assert sandbox.api_calls() == []


@pytest.mark.anyio
async def test_numbers_match_exactly_though_salesforce_ignores_case(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    _, number = _numbered(sandbox)[1]

    [lower, injected] = await connector.customers_by_identity(
        [Identity(NUMBER, number.lower()), Identity(NUMBER, f"{number}' OR Email != '")]
    )

    # Salesforce's IN found the record for the lower-case key; the connector drops it.
    assert len(sandbox.api_calls()) == 1
    assert (lower, injected) == ([], [])
    assert soql(sandbox.api_calls()[0]).endswith(
        f"IN ('{number.lower()}', '{number}\\' OR Email != \\'')"
    )


@pytest.mark.anyio
async def test_a_number_held_twice_answers_both_oldest_first(
    connector: SalesforceConnector, sandbox: SalesforceSandbox
) -> None:
    original, number = _numbered(sandbox)[2]
    created = sandbox.state.contacts[original]["CreatedDate"]
    older = _add_contact(
        sandbox, 5, Customer_Number__c=number, CreatedDate=created - timedelta(days=1)
    )

    [both] = await connector.customers_by_identity([Identity(NUMBER, number)])

    assert [c.external_id for c in both] == [older, original]


@pytest.mark.anyio
async def test_the_number_field_is_a_setting(
    make_connector: Connect, sandbox: SalesforceSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(SCHEMA["Contact"]["fields"], "Legacy_No__c", "string")
    for contact in sandbox.state.contacts.values():
        contact["Legacy_No__c"] = None
    contact_id, _ = _numbered(sandbox)[3]
    sandbox.state.contacts[contact_id]["Legacy_No__c"] = "LEGACY-77"

    async with make_connector(customer_number_field="Legacy_No__c") as connector:
        [found] = await connector.customers_by_identity([Identity(NUMBER, "LEGACY-77")])
    async with make_connector(customer_number_field="") as without:
        [none] = await without.customers_by_identity([Identity(NUMBER, "LEGACY-77")])

    assert [c.external_id for c in found] == [contact_id]
    assert soql(sandbox.api_calls()[0]).endswith("WHERE Legacy_No__c IN ('LEGACY-77')")
    assert none == []
    assert len(sandbox.api_calls()) == 1
