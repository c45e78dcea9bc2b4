"""The sandbox speaks Salesforce: its token endpoint, Bearer sessions, SOQL as Salesforce
parses it (and refuses it), query batches, the usage header and its error bodies."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from connectors.salesforce.sandbox import SalesforceSandbox
from connectors.salesforce.sandbox.seed import record_id
from connectors.salesforce.sandbox.soql import SoqlError, canonical_id, parse
from connectors.sandbox.retailer import demo_retailer
from connectors.testing import SandboxTransport

DATA = "/services/data/v60.0"


@pytest.fixture
async def http(sandbox: SalesforceSandbox, anyio_backend: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client carrying a live session."""
    headers = {"Authorization": f"Bearer {sandbox.issue_token()}"}
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app), base_url=sandbox.base_url, headers=headers
    ) as client:
        yield client


async def _query(http: httpx.AsyncClient, soql: str, **headers: str) -> httpx.Response:
    return await http.get(f"{DATA}/query", params={"q": soql}, headers=headers)


# -- seed ----------------------------------------------------------------------------------


def test_the_crm_holds_every_salesforce_customer_once_and_the_duplicate_twice(
    sandbox: SalesforceSandbox,
) -> None:
    retailer = demo_retailer()
    known = retailer.customers_in("salesforce")
    twice = [c for c in known if "salesforce" in c.duplicated_in]
    assert twice
    assert len(sandbox.state.contacts) == len(known) + len(twice)
    numbers = {c["Customer_Number__c"] for c in sandbox.state.contacts.values()} - {None}
    assert numbers == {c.number for c in known}
    for customer in known:
        [first, *rest] = sandbox.state.contacts_of[customer.key]
        contact = sandbox.state.contacts[first]
        assert contact["Email"] == customer.seen_by("salesforce")["email"]
        assert contact["Loyalty_Points__c"] == customer.loyalty_points
        assert contact["Loyalty_Tier__c"] == customer.loyalty_tier
        assert contact["HasOptedOutOfEmail"] is not customer.accepts_marketing
        account = sandbox.state.accounts[contact["AccountId"]]
        b2b = "sap_commerce" in customer.systems
        assert account["Type"] == ("Customer" if b2b else "Household")
        assert account["Name"].endswith(" Household") is not b2b
        assert len(rest) == (1 if customer in twice else 0)


def test_ids_are_stable_18_character_salesforce_ids(sandbox: SalesforceSandbox) -> None:
    contacts = list(sandbox.state.contacts)
    accounts = list(sandbox.state.accounts)
    assert all(i.startswith("003") and canonical_id(i) == i for i in contacts)
    assert all(i.startswith("001") and canonical_id(i) == i for i in accounts)
    assert len(set(contacts)) == len(contacts)
    assert contacts == list(SalesforceSandbox().state.contacts)
    assert sandbox.samples().missing_customer_id not in sandbox.state.contacts
    assert canonical_id(sandbox.samples().missing_customer_id) is not None
    assert record_id("003", 1) == "0035g0000000001AAA"


# -- OAuth and sessions --------------------------------------------------------------------


@pytest.mark.anyio
async def test_the_token_endpoint_answers_like_salesforce(sandbox: SalesforceSandbox) -> None:
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app), base_url=sandbox.base_url
    ) as client:
        ok = await client.post(
            "/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": sandbox.client_id,
                "client_secret": sandbox.client_secret,
            },
        )
        basic = await client.post(
            "/services/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(sandbox.client_id, sandbox.client_secret),
        )
        wrong = await client.post(
            "/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": sandbox.client_id,
                "client_secret": "nope",
            },
        )
        grant = await client.post("/services/oauth2/token", data={"grant_type": "password"})

    body = ok.json()
    assert set(body) == {
        "access_token",
        "signature",
        "scope",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
    }
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == sandbox.base_url
    assert body["access_token"].startswith(sandbox.org_id[:15] + "!")
    assert body["issued_at"].isdigit()
    assert basic.status_code == 200
    assert (wrong.status_code, wrong.json()) == (
        400,
        {"error": "invalid_client", "error_description": "invalid client credentials"},
    )
    assert grant.json()["error"] == "unsupported_grant_type"
    assert [r.kind for r in sandbox.requests] == ["auth"] * 4


@pytest.mark.anyio
@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer not-a-session", "Basic eDp5"],
    ids=["none", "unknown-token", "wrong-scheme"],
)
async def test_every_data_call_needs_a_session(
    sandbox: SalesforceSandbox, anyio_backend: str, authorization: str
) -> None:
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app), base_url=sandbox.base_url
    ) as client:
        headers = {"Authorization": authorization} if authorization else {}
        response = await client.get(f"{DATA}/limits", headers=headers)
    assert response.status_code == 401
    assert response.json() == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]
    assert sandbox.api_used == 0


# -- resources, usage, limits --------------------------------------------------------------


@pytest.mark.anyio
async def test_usage_is_counted_and_reported_on_every_answer(
    http: httpx.AsyncClient, sandbox: SalesforceSandbox
) -> None:
    sandbox.api_limit = 3
    answers = [await http.get(f"{DATA}/limits") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 403]
    assert [a.headers["Sforce-Limit-Info"] for a in answers] == [
        "api-usage=1/3",
        "api-usage=2/3",
        "api-usage=3/3",
        "api-usage=3/3",
    ]
    assert answers[0].json()["DailyApiRequests"] == {"Max": 3, "Remaining": 2}
    assert answers[3].json() == [
        {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
    ]
    assert "Retry-After" not in answers[3].headers


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/services/data/v99.0/limits", 404, "NOT_FOUND"),
        ("GET", "/services/data/v60/limits", 404, "NOT_FOUND"),
        ("GET", f"{DATA}/sobjects/Contact/x", 404, "NOT_FOUND"),
        ("POST", f"{DATA}/query", 405, "METHOD_NOT_ALLOWED"),
        ("GET", f"{DATA}/query", 400, "MALFORMED_QUERY"),
        ("GET", f"{DATA}/query/01gXXXXXXXXXXXXXXX-2000", 400, "INVALID_QUERY_LOCATOR"),
    ],
    ids=["retired-version", "bad-version", "unknown-resource", "post-query", "no-q", "bad-locator"],
)
async def test_wrong_calls_get_salesforce_error_arrays(
    http: httpx.AsyncClient, method: str, path: str, status: int, code: str
) -> None:
    response = await http.request(method, path)
    assert response.status_code == status
    [error] = response.json()
    assert error["errorCode"] == code
    assert error["message"]


@pytest.mark.anyio
async def test_fault_answers_are_salesforces(
    sandbox: SalesforceSandbox, http: httpx.AsyncClient
) -> None:
    sandbox.faults.down = True
    down = await http.get(f"{DATA}/limits")
    sandbox.faults.down = False
    sandbox.faults.throttle = True
    throttled = await http.get(f"{DATA}/limits")

    assert down.status_code == 503
    assert down.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert throttled.status_code == 403
    assert throttled.json()[0]["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    assert throttled.headers["Sforce-Limit-Info"].startswith("api-usage=")


# -- queries -------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_query_returns_salesforce_records_with_the_account_nested(
    http: httpx.AsyncClient, sandbox: SalesforceSandbox
) -> None:
    contact_id = sandbox.samples().customer_ids[0]
    contact = sandbox.state.contacts[contact_id]

    response = await _query(
        http,
        f"select id, EMAIL, CreatedDate, Loyalty_Points__c, account.name, Account.Id "
        f"from contact where ID = '{contact_id[:15]}'",
    )

    body = response.json()
    assert (body["totalSize"], body["done"]) == (1, True)
    assert "nextRecordsUrl" not in body
    [record] = body["records"]
    assert record == {
        "attributes": {"type": "Contact", "url": f"{DATA}/sobjects/Contact/{contact_id}"},
        "Id": contact_id,
        "Email": contact["Email"],
        "CreatedDate": record["CreatedDate"],
        "Loyalty_Points__c": contact["Loyalty_Points__c"],
        "Account": {
            "attributes": {
                "type": "Account",
                "url": f"{DATA}/sobjects/Account/{contact['AccountId']}",
            },
            "Name": sandbox.state.accounts[contact["AccountId"]]["Name"],
            "Id": contact["AccountId"],
        },
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", record["CreatedDate"])


@pytest.mark.anyio
async def test_query_batches_follow_next_records_url_honouring_batch_size(
    http: httpx.AsyncClient, sandbox: SalesforceSandbox
) -> None:
    # Given 450 contacts
    template = next(iter(sandbox.state.contacts.values()))
    for n in range(450 - len(sandbox.state.contacts)):
        new_id = record_id("003", 3_900_000_000 + n)
        sandbox.state.contacts[new_id] = {**template, "Id": new_id}

    # When they are queried asking for batches of 100 (Salesforce's minimum is 200)
    first = await _query(
        http, "SELECT Id FROM Contact", **{"Sforce-Query-Options": "batchSize=100"}
    )
    pages = [first.json()]
    while not pages[-1]["done"]:
        pages.append((await http.get(pages[-1]["nextRecordsUrl"])).json())

    # Then three batches of at most 200 came back, every contact once
    assert [len(page["records"]) for page in pages] == [200, 200, 50]
    assert all(page["totalSize"] == 450 for page in pages)
    ids = [r["Id"] for page in pages for r in page["records"]]
    assert len(set(ids)) == 450
    assert re.fullmatch(rf"{DATA}/query/01g\w{{15}}-200", pages[0]["nextRecordsUrl"])


@pytest.mark.anyio
async def test_where_order_by_limit_and_offset(
    http: httpx.AsyncClient, sandbox: SalesforceSandbox
) -> None:
    gold = sorted(
        (c for c in sandbox.state.contacts.values() if c["Loyalty_Tier__c"] == "Gold"),
        key=lambda c: (-c["Loyalty_Points__c"], c["Id"]),
    )

    response = await _query(
        http,
        "SELECT Id FROM Contact WHERE (Loyalty_Tier__c = 'gold' OR Loyalty_Tier__c = 'GOLD') "
        "AND HasOptedOutOfEmail IN (true, false) AND NOT Email LIKE '%@nowhere.invalid' "
        "ORDER BY Loyalty_Points__c DESC NULLS LAST, Id LIMIT 2 OFFSET 1",
    )

    assert [r["Id"] for r in response.json()["records"]] == [c["Id"] for c in gold[1:3]]


@pytest.mark.anyio
async def test_string_escapes_are_decoded_and_injection_stays_a_literal(
    http: httpx.AsyncClient, sandbox: SalesforceSandbox
) -> None:
    contact_id = sandbox.samples().customer_ids[0]
    sandbox.state.contacts[contact_id]["Email"] = 'o\'hara\\"x"@example.com'

    escaped = await _query(
        http, "SELECT Id FROM Contact WHERE Email = 'O\\'Hara\\\\\\\"x\\\"@example.com'"
    )
    injected = await _query(http, "SELECT Id FROM Contact WHERE Email IN ('x\\' OR Email != \\'')")
    unescaped = await _query(http, "SELECT Id FROM Contact WHERE Email IN ('x' OR Email != '')")

    assert [r["Id"] for r in escaped.json()["records"]] == [contact_id]
    assert injected.json()["records"] == []
    assert unescaped.status_code == 400
    assert unescaped.json()[0]["errorCode"] == "MALFORMED_QUERY"
    assert unescaped.json()[0]["message"].endswith("unexpected token: OR")


@pytest.mark.parametrize(
    ("soql", "code", "reason"),
    [
        ("SELECT Idx FROM Contact", "INVALID_FIELD", "No such column 'Idx' on entity 'Contact'."),
        (
            "SELECT Owner.Name FROM Contact",
            "INVALID_FIELD",
            "Didn't understand relationship 'Owner'",
        ),
        ("SELECT Id FROM Lead", "INVALID_TYPE", "sObject type 'Lead' is not supported."),
        ("SELECT Id FRM Contact", "MALFORMED_QUERY", "unexpected token: FRM"),
        ("SELECT Id, Id FROM Contact", "MALFORMED_QUERY", "duplicate field selected: Id"),
        (
            "SELECT Id FROM Contact WHERE Email = 'a' AND Phone = 'b' OR Id = null",
            "MALFORMED_QUERY",
            "unexpected token: OR",
        ),
        (
            "SELECT Id FROM Contact WHERE Email = 'a\\qb'",
            "MALFORMED_QUERY",
            "Illegal character sequence '\\q'",
        ),
        (
            "SELECT Id FROM Contact WHERE Email = 'a\\_b'",
            "MALFORMED_QUERY",
            "Illegal character sequence '\\_'",
        ),
        (
            "SELECT Id FROM Contact WHERE Email = 'open",
            "MALFORMED_QUERY",
            "mismatched character '<EOF>'",
        ),
        (
            "SELECT Id FROM Contact WHERE Id = 'abc'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid ID field: abc",
        ),
        (
            "SELECT Id FROM Contact WHERE AccountId > '0015g00000AbCdE'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid operator on reference field: >",
        ),
        (
            "SELECT Id FROM Contact WHERE HasOptedOutOfEmail < true",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid operator on boolean field: <",
        ),
        (
            "SELECT Id FROM Contact WHERE Id > 'abc'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "invalid ID field: abc",
        ),
        (
            "SELECT Id FROM Contact WHERE HasOptedOutOfEmail = 'true'",
            "INVALID_QUERY_FILTER_OPERATOR",
            "must be of type boolean",
        ),
        (
            "SELECT Id FROM Contact WHERE Email = 42",
            "INVALID_QUERY_FILTER_OPERATOR",
            "must be of type string",
        ),
        ("SELECT COUNT() FROM Contact", "MALFORMED_QUERY", "unexpected token: ("),
        (
            "SELECT Id FROM Contact OFFSET 2001",
            "NUMBER_OUTSIDE_VALID_RANGE",
            "Maximum SOQL offset allowed is 2000",
        ),
        ("", "MALFORMED_QUERY", "A query string has to be specified"),
    ],
    ids=[
        "unknown-field",
        "unknown-relationship",
        "unknown-object",
        "typo",
        "duplicate-field",
        "mixed-and-or",
        "illegal-escape",
        "like-escape-outside-like",
        "unterminated-string",
        "invalid-id",
        "range-on-reference",
        "range-on-boolean",
        "range-on-an-invalid-id",
        "quoted-boolean",
        "unquoted-string",
        "aggregate",
        "offset-over-2000",
        "empty",
    ],
)
def test_soql_salesforce_refuses_is_refused_with_its_error_code(
    soql: str, code: str, reason: str
) -> None:
    with pytest.raises(SoqlError) as caught:
        parse(soql)
    assert caught.value.code == code
    assert reason in caught.value.message


def test_errors_point_at_the_offending_token_as_salesforce_does() -> None:
    with pytest.raises(SoqlError) as caught:
        parse("SELECT Id, Nope FROM Contact")
    assert caught.value.message.splitlines()[:4] == [
        "",
        "SELECT Id, Nope FROM Contact",
        "           ^",
        "ERROR at Row:1:Column:12",
    ]


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("'a\\nb\\Nc'", "a\nb\nc"),
        ("'a\\tb\\rc\\fd\\be'", "a\tb\rc\fd\be"),
        ("'\\u00e9t\\u00E9'", "été"),
        ("'q\\\"q\\'q\\\\q'", "q\"q'q\\q"),
    ],
    ids=["newlines", "controls", "unicode", "quotes-and-backslash"],
)
def test_escape_sequences_decode(literal: str, value: str) -> None:
    query = parse(f"SELECT Id FROM Contact WHERE Email = {literal}")
    assert query.where is not None
    assert query.where.values == (value,)


def test_like_patterns_honour_wildcards_and_their_escapes() -> None:
    rows: list[dict[str, Any]] = [
        {"Email": "a_b@x.de"},
        {"Email": "axb@x.de"},
        {"Email": "50%@x.de"},
    ]

    def emails(soql: str) -> list[str]:
        query = parse(soql)
        return [r["Email"] for r in query.run(rows, lambda row, path: row.get(path.parts[0]))]

    assert emails("SELECT Id FROM Contact WHERE Email LIKE 'a_b%'") == ["a_b@x.de", "axb@x.de"]
    assert emails("SELECT Id FROM Contact WHERE Email LIKE 'a\\_b%'") == ["a_b@x.de"]
    assert emails("SELECT Id FROM Contact WHERE Email LIKE '%\\%%'") == ["50%@x.de"]


def test_ids_compare_and_sort_case_sensitively_for_keyset_paging() -> None:
    # "A", "a" and "B" are different base-62 digits; compared without case, "…a" would
    # sort beside "…A" and before "…B", and a keyset walk would skip or repeat records.
    upper_a, lower_a, upper_b = (
        canonical_id(f"0035g000000000{digit}") or "" for digit in ("A", "a", "B")
    )
    rows: list[dict[str, Any]] = [{"Id": i} for i in (lower_a, upper_b, upper_a)]

    def walk(soql: str) -> list[str]:
        return [r["Id"] for r in parse(soql).run(rows, lambda row, path: row.get(path.parts[0]))]

    assert walk("SELECT Id FROM Contact ORDER BY Id") == [upper_a, upper_b, lower_a]
    assert walk(f"SELECT Id FROM Contact WHERE Id > '{upper_a}' ORDER BY Id LIMIT 1") == [upper_b]
    assert walk(f"SELECT Id FROM Contact WHERE Id >= '{upper_b[:15]}' ORDER BY Id DESC") == [
        lower_a,
        upper_b,
    ]
    assert walk(f"SELECT Id FROM Contact WHERE Id < '{lower_a}' AND Id <= '{upper_b}'") == [
        upper_b,
        upper_a,
    ]


@pytest.mark.anyio
async def test_query_cursors_close_when_read_and_at_most_ten_stay_open(
    http: httpx.AsyncClient, sandbox: SalesforceSandbox
) -> None:
    sandbox.query_batch_size = 20  # 34 contacts: two batches

    opened = [(await _query(http, "SELECT Id FROM Contact")).json() for _ in range(11)]
    oldest, newest = opened[0]["nextRecordsUrl"], opened[-1]["nextRecordsUrl"]
    last = await http.get(newest)
    again = await http.get(newest)
    dropped = await http.get(oldest)

    assert last.json()["done"] is True
    assert len(last.json()["records"]) == len(sandbox.state.contacts) - 20
    assert again.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"  # read to the end: closed
    assert dropped.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"  # the eleventh dropped it
