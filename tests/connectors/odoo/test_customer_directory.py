"""Listing customers (keyset pages over ``res.partner``) and finding them by the retailer's
customer number (one ``ref in [...]`` read per batch)."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.errors import RejectedByVendor
from connectors.models import Identity
from connectors.odoo.sandbox import OdooSandbox
from connectors.odoo.sandbox.orm import Field

from .support import Connect, calls_to

TRICKY_NAME = "O'Hara_50%\\Nord"


def _partners(sandbox: OdooSandbox) -> dict[int, dict[str, Any]]:
    return sandbox.registry.models["res.partner"].records


def _customer_ids(sandbox: OdooSandbox) -> list[str]:
    """Every active partner with a customer rank, by id: what a walk must return."""
    return [
        str(i)
        for i, record in sorted(_partners(sandbox).items())
        if record["active"] and (record["customer_rank"] or 0) > 0
    ]


async def _walk(connector: Any, first: int, after: str | None = None, **kw: Any) -> list[str]:
    seen: list[str] = []
    for _ in range(100):
        page = await connector.list_customers(first=first, after=after, **kw)
        seen.extend(customer.external_id for customer in page.items)
        if not page.has_next_page:
            return seen
        after = page.next_cursor
    raise AssertionError("the walk did not end")


def _sent(sandbox: OdooSandbox) -> list[dict[str, Any]]:
    return [request.json() for request in calls_to(sandbox, "res.partner", "web_search_read")]


# -- list_customers ------------------------------------------------------------------------


@pytest.mark.anyio
async def test_customers_are_partners_with_a_rank_in_id_order(
    connector: Any, sandbox: OdooSandbox
) -> None:
    company = sandbox.registry.search("res.partner", [["is_company", "=", True]])

    walked = await _walk(connector, 4)

    assert walked == _customer_ids(sandbox)
    assert not set(walked) & {str(i) for i in company}, "the retailer's own company is no customer"
    assert "Mitchell Admin" not in {_partners(sandbox)[int(i)]["name"] for i in walked}, (
        "nor is the admin user"
    )


@pytest.mark.anyio
async def test_one_call_a_page_counting_no_further_than_one_past_it(
    connector: Any, sandbox: OdooSandbox
) -> None:
    total = len(_customer_ids(sandbox))
    pages = -(-total // 6)

    await _walk(connector, 6)

    sent = _sent(sandbox)
    assert len(sent) == pages
    assert {(body["limit"], body["count_limit"], body["order"]) for body in sent} == {(6, 7, "id")}
    assert sent[0]["domain"] == [["customer_rank", ">", 0]]
    assert sent[1]["domain"][1][:2] == ["id", ">"]


@pytest.mark.anyio
async def test_a_keyset_cursor_does_not_skip_when_an_earlier_customer_leaves(
    connector: Any, sandbox: OdooSandbox
) -> None:
    everyone = _customer_ids(sandbox)
    page = await connector.list_customers(first=5)
    # Archived between two pages: an offset cursor would now skip the sixth customer.
    sandbox.registry.write("res.partner", int(everyone[0]), {"active": False})
    newcomer = sandbox.registry.create(
        "res.partner", {"name": "Nina Neu", "active": True, "customer_rank": 1}
    )

    rest = await _walk(connector, 5, page.next_cursor)

    assert [c.external_id for c in page.items] == everyone[:5]
    assert rest == [*everyone[5:], str(newcomer)]


@pytest.mark.anyio
async def test_the_last_full_page_says_there_is_no_next_one(
    connector: Any, sandbox: OdooSandbox
) -> None:
    total = len(_customer_ids(sandbox))

    page = await connector.list_customers(first=total)

    assert len(page.items) == total
    assert page.next_cursor is None
    assert len(_sent(sandbox)) == 1


@pytest.mark.anyio
async def test_free_text_matches_name_or_email_with_wildcards_escaped(
    connector: Any, sandbox: OdooSandbox
) -> None:
    everyone = _customer_ids(sandbox)
    target, by_email = int(everyone[2]), int(everyone[7])
    sandbox.registry.write("res.partner", target, {"name": TRICKY_NAME})
    sandbox.registry.write("res.partner", by_email, {"email": "o'hara_50%\\nord@example.com"})

    found = await connector.list_customers(first=10, query=f"  {TRICKY_NAME.lower()}  ")
    percent = await connector.list_customers(first=50, query="%")
    underscore = await connector.list_customers(first=50, query="_")

    pattern = "o'hara\\_50\\%\\\\nord"
    assert _sent(sandbox)[0]["domain"] == [
        ["customer_rank", ">", 0],
        "|",
        ["name", "ilike", pattern],
        ["email", "ilike", pattern],
    ]
    assert [c.external_id for c in found.items] == [str(target), str(by_email)]
    # Unescaped, '%' and '_' would have matched every customer.
    assert [c.external_id for c in percent.items] == [str(target), str(by_email)]
    assert [c.external_id for c in underscore.items] == [str(target), str(by_email)]


@pytest.mark.anyio
async def test_a_filtered_walk_keeps_its_filter_on_every_page(
    connector: Any, sandbox: OdooSandbox
) -> None:
    def holds_er(partner: dict[str, Any]) -> bool:
        return "er" in partner["name"].lower() or "er" in partner["email"].lower()

    everyone = _customer_ids(sandbox)
    expected = [i for i in everyone if holds_er(_partners(sandbox)[int(i)])]
    assert 3 < len(expected) < len(everyone)

    walked = await _walk(connector, 3, query="ER")

    assert walked == expected
    assert all(body["domain"][-1] == ["email", "ilike", "ER"] for body in _sent(sandbox))


@pytest.mark.anyio
@pytest.mark.parametrize(
    "cursor",
    ["not-a-cursor", "b2RvbzoxMA", "b2Rvby1pZDp4"],
    ids=["garbage", "an-offset-cursor", "no-id"],
)
async def test_a_foreign_cursor_is_refused_without_a_call(
    connector: Any, sandbox: OdooSandbox, cursor: str
) -> None:
    with pytest.raises(RejectedByVendor) as caught:
        await connector.list_customers(first=5, after=cursor)
    assert (caught.value.code, caught.value.field) == ("BAD_CURSOR", ("after",))
    assert sandbox.api_calls() == []


# -- customers_by_identity -----------------------------------------------------------------


def _number(sandbox: OdooSandbox, index: int) -> tuple[str, str]:
    """(partner id, customer number) of the ``index``-th seeded customer."""
    partner = list(sandbox.seeded.partner_ids.values())[index]
    return str(partner), _partners(sandbox)[partner]["ref"]


@pytest.mark.anyio
async def test_customer_numbers_are_one_read_in_key_order(
    connector: Any, sandbox: OdooSandbox
) -> None:
    (a_id, a), (b_id, b) = _number(sandbox, 0), _number(sandbox, 5)
    keys = [
        Identity("customer_number", b),
        Identity("customer_number", "K-999999"),
        Identity("customer_number", a),
        Identity("customer_number", b),
    ]

    found = await connector.customers_by_identity(keys)

    assert [[c.external_id for c in matches] for matches in found] == [[b_id], [], [a_id], [b_id]]
    assert all(Identity("customer_number", b) in c.identities for c in found[0])
    [body] = _sent(sandbox)
    assert body["domain"] == [["ref", "in", [b, "K-999999", a]]]


@pytest.mark.anyio
async def test_other_systems_and_blank_numbers_find_nothing_without_a_call(
    connector: Any, sandbox: OdooSandbox
) -> None:
    _, number = _number(sandbox, 0)

    found = await connector.customers_by_identity(
        [
            Identity("salesforce", "0035g00000AbCdEAAV"),
            Identity("shopify", number),
            Identity("customer_number", "   "),
        ]
    )

    assert found == [[], [], []]
    assert sandbox.api_calls() == []


@pytest.mark.anyio
async def test_mixed_systems_cost_one_call_for_the_numbers(
    connector: Any, sandbox: OdooSandbox
) -> None:
    partner, number = _number(sandbox, 1)

    found = await connector.customers_by_identity(
        [Identity("odoo", partner), Identity("customer_number", number)]
    )

    assert [[c.external_id for c in matches] for matches in found] == [[], [partner]]
    assert len(sandbox.api_calls()) == 1


@pytest.mark.anyio
async def test_a_number_held_twice_answers_both_records(
    connector: Any, sandbox: OdooSandbox
) -> None:
    partner, number = _number(sandbox, 2)
    twin = sandbox.registry.create(
        "res.partner", {"name": "Twin", "ref": number, "active": True, "customer_rank": 1}
    )

    [both] = await connector.customers_by_identity([Identity("customer_number", number)])

    assert [c.external_id for c in both] == [partner, str(twin)]


@pytest.mark.anyio
async def test_numbers_compare_exactly(connector: Any, sandbox: OdooSandbox) -> None:
    _, number = _number(sandbox, 3)

    [lower] = await connector.customers_by_identity([Identity("customer_number", number.lower())])

    assert lower == []


@pytest.mark.anyio
async def test_the_number_field_is_a_setting(make_connector: Connect, sandbox: OdooSandbox) -> None:
    partners = sandbox.registry.models["res.partner"]
    partners.fields["x_customer_no"] = Field("char")
    for record in partners.records.values():
        record["x_customer_no"] = None
    partner, _ = _number(sandbox, 4)
    sandbox.registry.write("res.partner", int(partner), {"x_customer_no": "LEGACY-77"})

    async with make_connector(customer_number_field="x_customer_no") as connector:
        [found] = await connector.customers_by_identity([Identity("customer_number", "LEGACY-77")])
    async with make_connector(customer_number_field="") as without:
        [none] = await without.customers_by_identity([Identity("customer_number", "LEGACY-77")])

    assert [c.external_id for c in found] == [partner]
    assert found[0].identities == (Identity("customer_number", "LEGACY-77"),)
    assert _sent(sandbox)[0]["domain"] == [["x_customer_no", "in", ["LEGACY-77"]]]
    assert none == []
    assert len(sandbox.api_calls()) == 1
