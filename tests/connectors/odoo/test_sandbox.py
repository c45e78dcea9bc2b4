"""The sandbox refuses what Odoo refuses and answers in its shapes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from connectors.odoo.sandbox import OdooSandbox
from connectors.odoo.sandbox.orm import OdooError
from connectors.sandbox.retailer import demo_retailer
from connectors.testing import SandboxTransport


async def _call(http: httpx.AsyncClient, model: str, method: str, **body: Any) -> httpx.Response:
    return await http.post(f"/json/2/{model}/{method}", json=body)


def _error(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    assert set(body) == {"name", "message", "arguments", "context", "debug"}
    assert body["debug"].startswith("Traceback (most recent call last):")
    return response.status_code, body["name"], body["message"]


def _ids(sandbox: OdooSandbox, model: str, domain: list[Any], **kwargs: Any) -> list[int]:
    return sandbox.registry.search(model, domain, **kwargs)


# -- authentication and routing ----------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "User not authenticated, use an API Key with a Bearer Authorization header."),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "User not authenticated"),
        ({"Authorization": "bearer not-the-key"}, "Invalid apikey"),
    ],
    ids=["no-header", "basic-auth", "wrong-key"],
)
async def test_a_call_without_the_api_key_is_unauthorized(
    sandbox: OdooSandbox, anyio_backend: str, headers: dict[str, str], message: str
) -> None:
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app), base_url=sandbox.base_url, headers=headers
    ) as client:
        answer = await client.post("/json/2/res.partner/search_read", json={"limit": 1})
    status, name, text = _error(answer)
    assert (status, name) == (401, "werkzeug.exceptions.Unauthorized")
    assert text.startswith(message)
    assert answer.json()["arguments"] == [text, 401]
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.anyio
async def test_the_bearer_scheme_is_case_insensitive(
    sandbox: OdooSandbox, http: httpx.AsyncClient
) -> None:
    http.headers["Authorization"] = f"Bearer {sandbox.api_key}"
    answer = await _call(http, "res.company", "search_read", fields=["name"])
    assert answer.json() == [{"id": 1, "name": "Nordlicht Outfitters GmbH"}]


@pytest.mark.anyio
async def test_an_unknown_database_finds_no_route(http: httpx.AsyncClient) -> None:
    http.headers["X-Odoo-Database"] = "nordlicht-test"
    answer = await _call(http, "res.partner", "search_read")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/json/2/res.partner/search_read"),
        ("POST", "/json/2/res.partner"),
        ("POST", "/json/2"),
    ],
    ids=["get", "no-method", "bare"],
)
async def test_anything_but_post_model_method_is_not_found(
    http: httpx.AsyncClient, method: str, path: str
) -> None:
    answer = await http.request(method, path)
    assert _error(answer) == (
        404,
        "werkzeug.exceptions.NotFound",
        "Did you mean POST /json/2/<model>/<method>?",
    )


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("model", "method", "body", "expected"),
    [
        (
            "product.pricelist",
            "search_read",
            {},
            (404, "werkzeug.exceptions.NotFound", "the model 'product.pricelist' does not exist"),
        ),
        (
            "res.partner",
            "frobnicate",
            {},
            (
                404,
                "werkzeug.exceptions.NotFound",
                "The method 'res.partner.frobnicate' does not exist",
            ),
        ),
        (
            "res.partner",
            "_read",
            {},
            (
                403,
                "odoo.exceptions.AccessError",
                "Private methods (such as 'res.partner._read') cannot be called remotely.",
            ),
        ),
        (
            "res.partner",
            "web_search_read",
            {"domain": [], "specification": {}, "fields": ["name"]},
            (
                422,
                "werkzeug.exceptions.UnprocessableEntity",
                "got an unexpected keyword argument 'fields'",
            ),
        ),
        (
            "res.partner",
            "web_search_read",
            {"domain": []},
            (
                422,
                "werkzeug.exceptions.UnprocessableEntity",
                "missing a required argument: 'specification'",
            ),
        ),
        (
            "res.partner",
            "search_read",
            {"ids": [1]},
            (
                422,
                "werkzeug.exceptions.UnprocessableEntity",
                "cannot call res.partner.search_read with ids",
            ),
        ),
        (
            "res.partner",
            "search_read",
            {"specification": {}},
            (
                500,
                "builtins.TypeError",
                "BaseModel._read_format() got an unexpected keyword argument 'specification'",
            ),
        ),
        (
            "res.partner",
            "read",
            {"ids": [999999], "fields": ["name"]},
            (
                404,
                "odoo.exceptions.MissingError",
                "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)",
            ),
        ),
        (
            "res.partner",
            "write",
            {"ids": [7], "vals": {"name": "X"}},
            (
                500,
                "builtins.NotImplementedError",
                "odoo sandbox: res.partner.write is not implemented",
            ),
        ),
    ],
    ids=[
        "unknown-model",
        "unknown-method",
        "private-method",
        "unknown-keyword",
        "missing-argument",
        "ids-to-model-method",
        "search-read-keyword",
        "missing-record",
        "unimplemented",
    ],
)
async def test_calls_odoo_refuses(
    http: httpx.AsyncClient,
    model: str,
    method: str,
    body: dict[str, Any],
    expected: tuple[int, str, str],
) -> None:
    assert _error(await _call(http, model, method, **body)) == expected


@pytest.mark.anyio
async def test_a_body_that_is_not_json(http: httpx.AsyncClient) -> None:
    plain = await http.post(
        "/json/2/res.partner/search_read",
        content=b"limit=1",
        headers={"Content-Type": "text/plain"},
    )
    broken = await http.post(
        "/json/2/res.partner/search_read",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert plain.status_code == 415
    assert plain.headers["accept"] == "application/json"
    status, name, message = _error(broken)
    assert (status, name) == (400, "werkzeug.exceptions.BadRequest")
    assert message.startswith("could not parse the body as json")


# -- read shapes -----------------------------------------------------------------------------


@pytest.mark.anyio
async def test_search_read_answers_many2one_pairs_and_false_for_empty(
    http: httpx.AsyncClient,
) -> None:
    answer = await _call(
        http,
        "res.partner",
        "search_read",
        domain=[["ref", "=", "K-000002"]],
        fields=["name", "country_id", "street2", "customer_rank", "is_company"],
    )
    assert answer.json() == [
        {
            "id": 7,
            "name": "Ben Brandt",
            "country_id": [57, "Germany"],
            "street2": False,
            "customer_rank": 1,
            "is_company": False,
        }
    ]


@pytest.mark.anyio
async def test_web_search_read_nests_related_records(http: httpx.AsyncClient) -> None:
    answer = await _call(
        http,
        "stock.quant",
        "web_search_read",
        domain=[["product_id.default_code", "=", "NL-1001-NVY-S"], ["location_id", "=", 11]],
        specification={
            "product_id": {"fields": {"default_code": {}, "display_name": {}}},
            "location_id": {},
            "quantity": {},
        },
    )
    body = answer.json()
    assert body["length"] == 1
    [quant] = body["records"]
    assert quant["product_id"] == {
        "id": 1,
        "default_code": "NL-1001-NVY-S",
        "display_name": "[NL-1001-NVY-S] Alpine Tee (Navy, S)",
    }
    assert quant["location_id"] == 11
    assert isinstance(quant["quantity"], float)


@pytest.mark.anyio
async def test_web_search_read_counts_only_a_full_page(http: httpx.AsyncClient) -> None:
    sold = [["sale_ok", "=", True]]
    spec = {"name": {}}

    full = (
        await _call(
            http, "product.template", "web_search_read", domain=sold, specification=spec, limit=10
        )
    ).json()
    last = (
        await _call(
            http,
            "product.template",
            "web_search_read",
            domain=sold,
            specification=spec,
            offset=50,
            limit=10,
        )
    ).json()
    past = (
        await _call(
            http,
            "product.template",
            "web_search_read",
            domain=sold,
            specification=spec,
            offset=60,
            limit=10,
        )
    ).json()

    assert (full["length"], len(full["records"])) == (54, 10)
    assert (last["length"], len(last["records"])) == (54, 4)
    assert past == {"length": 0, "records": []}


@pytest.mark.anyio
async def test_unsold_products_have_no_price_and_are_not_for_sale(
    http: httpx.AsyncClient,
) -> None:
    answer = await _call(
        http,
        "product.product",
        "search_read",
        domain=[["sale_ok", "=", False], ["product_tmpl_id.type", "=", "consu"]],
        fields=["lst_price"],
    )
    rows = answer.json()
    retailer = demo_retailer()
    unpriced = [
        v for p in retailer.products for v in p.variants if v.sku not in retailer.erp_prices
    ]
    assert len(rows) == len(unpriced) > 0
    assert {row["lst_price"] for row in rows} == {0.0}


# -- domains ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ([["default_code", "in", ["NL-1001-NVY-S", "NL-1001-NVY-M", "NOPE"]]], [1, 2]),
        ([["default_code", "=ilike", "nl-1001-nvy-s"]], [1]),
        ([["default_code", "ilike", "1001-NVY-"]], [1, 2, 3, 4]),
        ([["default_code", "like", "1001-nvy-"]], []),
        (
            ["|", ["default_code", "=", "NL-1001-NVY-S"], ["default_code", "=", "NL-1002-GRY-S"]],
            [1, 5],
        ),
        (["!", ["default_code", "not ilike", "NL-1001-"]], [1, 2, 3, 4]),
        ([["product_tmpl_id", "=", 1], ["default_code", "!=", "NL-1001-NVY-S"]], [2, 3, 4]),
        (["&", ["product_tmpl_id", "=", 1], "|", ["id", "<", 2], ["id", ">=", 4]], [1, 4]),
        ([["product_tmpl_id.name", "=", "Alpine Hoodie"]], [5, 6, 7, 8]),
        ([["barcode", "=", False], ["default_code", "ilike", "DELIVERY"]], [186]),
        ([["default_code", "=?", False], ["id", "<=", 2]], [1, 2]),
    ],
    ids=[
        "in",
        "=ilike",
        "ilike",
        "like-is-case-sensitive",
        "or",
        "not",
        "implicit-and",
        "nested",
        "many2one-path",
        "false-is-empty",
        "=?-ignores-false",
    ],
)
def test_domains_evaluate_as_odoo_does(
    sandbox: OdooSandbox, domain: list[Any], expected: list[int]
) -> None:
    assert _ids(sandbox, "product.product", domain, order="id") == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("50%", ["50% off", "50%", "500 off"]),
        ("50\\%", ["50% off", "50%"]),
        ("a_b", ["a_b", "axb"]),
        ("a\\_b", ["a_b"]),
        ("back\\\\slash", ["back\\slash"]),
    ],
    ids=[
        "percent-is-a-wildcard",
        "escaped-percent",
        "underscore-is-any-char",
        "escaped-underscore",
        "escaped-backslash",
    ],
)
def test_like_patterns_honour_postgresqls_backslash_escape(
    sandbox: OdooSandbox, pattern: str, expected: list[str]
) -> None:
    # Odoo wraps an ilike value in %...% and leaves the rest to PostgreSQL: % and _ are
    # wildcards unless a backslash escapes them.
    names = ["50% off", "50%", "500 off", "a_b", "axb", "back\\slash"]
    ids = [sandbox.registry.create("res.country", {"name": name}) for name in names]
    found = _ids(
        sandbox, "res.country", [["id", "in", ids], ["name", "ilike", pattern]], order="id"
    )
    assert [names[ids.index(i)] for i in found] == expected


def test_a_like_pattern_ending_in_a_lone_backslash_is_postgresqls_error(
    sandbox: OdooSandbox,
) -> None:
    with pytest.raises(OdooError) as caught:
        _ids(sandbox, "res.partner", [["name", "=ilike", "x\\"]])
    assert caught.value.name == "psycopg2.errors.InvalidEscapeSequence"


def test_a_one2many_path_matches_any_related_record(sandbox: OdooSandbox) -> None:
    found = _ids(
        sandbox, "product.template", [["product_variant_ids.default_code", "=", "NL-1002-GRY-M"]]
    )
    assert found == [2]


def test_archived_records_are_left_out_unless_asked_for(sandbox: OdooSandbox) -> None:
    assert _ids(sandbox, "res.partner", [["name", "=", "OdooBot"]]) == []
    assert _ids(sandbox, "res.partner", [["name", "=", "OdooBot"], ["active", "=", False]]) == [2]


@pytest.mark.parametrize(
    ("domain", "status", "name", "message"),
    [
        (
            [["price", "=", 1]],
            500,
            "builtins.ValueError",
            "Invalid field product.product.price in condition",
        ),
        ([["default_code", "~", "x"]], 500, "builtins.ValueError", "Invalid operator '~'"),
        (
            [["default_code", "in", "NL-1001-NVY-S"]],
            500,
            "builtins.ValueError",
            "a list is expected",
        ),
        (
            [["lst_price", ">", 10]],
            500,
            "builtins.ValueError",
            "Non-stored field product.product.lst_price cannot be searched.",
        ),
        ([["default_code.name", "=", "x"]], 500, "builtins.ValueError", "is not relational"),
        (["|", ["id", "=", 1]], 500, "builtins.ValueError", "lacks its operands"),
        (["default_code", "=", "x"], 500, "builtins.ValueError", "Invalid leaf 'default_code'"),
        (
            [["categ_id", "child_of", 1]],
            500,
            "builtins.NotImplementedError",
            "operator 'child_of' is not implemented",
        ),
        ({"default_code": "x"}, 500, "builtins.ValueError", "a list is expected"),
    ],
    ids=[
        "unknown-field",
        "unknown-operator",
        "in-without-list",
        "computed-field",
        "path-through-a-char",
        "dangling-or",
        "leaf-not-a-list",
        "unimplemented-operator",
        "not-a-list",
    ],
)
def test_a_domain_odoo_would_refuse_is_refused(
    sandbox: OdooSandbox, domain: Any, status: int, name: str, message: str
) -> None:
    with pytest.raises(OdooError) as caught:
        sandbox.registry.search("product.product", domain)
    assert (caught.value.status, caught.value.name) == (status, name)
    assert message in caught.value.message


def test_order_limit_and_offset(sandbox: OdooSandbox) -> None:
    desc = _ids(
        sandbox, "product.product", [["product_tmpl_id", "=", 1]], order="default_code desc"
    )
    page = _ids(
        sandbox, "product.product", [["product_tmpl_id", "=", 1]], order="id", offset=1, limit=2
    )
    nulls = _ids(sandbox, "product.product", [["id", "in", [1, 186]]], order="barcode desc")

    assert desc == [4, 1, 2, 3]  # XL, S, M, L
    assert page == [2, 3]
    assert nulls == [186, 1]  # PostgreSQL: NULL first when descending

    with pytest.raises(OdooError, match='Invalid "order" specified'):
        _ids(sandbox, "product.product", [], order="lst_price")
    with pytest.raises(OdooError, match='Invalid "order" specified'):
        _ids(sandbox, "product.product", [], order="id; drop table")


@pytest.mark.anyio
async def test_the_kit_faults_answer_as_the_proxy_in_front_of_odoo(
    sandbox: OdooSandbox, http: httpx.AsyncClient
) -> None:
    sandbox.faults.throttle = True
    throttled = await _call(http, "res.company", "search_read")
    sandbox.faults.clear()
    sandbox.faults.down = True
    down = await _call(http, "res.company", "search_read")

    assert (throttled.status_code, throttled.headers["retry-after"]) == (429, "3")
    assert down.status_code == 503
    assert down.headers["content-type"].startswith("text/html")


def test_reset_restores_the_seeded_state(sandbox: OdooSandbox) -> None:
    seeded = sandbox.samples()
    sandbox.api_key = "rotated"
    sandbox.forbidden_models.add("sale.order")
    sandbox.install_partner_mobile()
    sandbox.registry.write("product.product", 1, {"default_code": "CHANGED"})

    sandbox.reset()

    assert sandbox.api_key != "rotated"
    assert sandbox.forbidden_models == set()
    assert "mobile" not in sandbox.registry.models["res.partner"].fields
    assert sandbox.registry.models["product.product"].records[1]["default_code"] == "NL-1001-NVY-S"
    assert sandbox.samples() == seeded


def test_the_connector_settings_name_the_outlet_a_store(sandbox: OdooSandbox) -> None:
    settings = sandbox.connector_settings("http://127.0.0.1:9003")
    outlet = sandbox.seeded.location_ids["odoo-outlet-nuernberg"]
    assert settings == {
        "base_url": "http://127.0.0.1:9003",
        "api_key": sandbox.api_key,
        "database": "nordlicht",
        "location_kinds": {str(outlet): "STORE"},
    }
