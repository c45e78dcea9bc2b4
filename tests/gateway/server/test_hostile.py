"""Hostile requests: each is refused with a 4xx and a coded GraphQL error, and none reaches
a back end. The gateway runs over the in-memory fake back end, which records every call.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from gateway.server.errors import RequestError
from gateway.server.params import from_query_string
from gateway.server.persisted import sha256_hex
from gateway.testing import GatewayClient
from tests.fakes import FakeState

#: A query that calls the back end if it ever runs.
Q = "{ products(first: 2) { nodes { title } } }"
JSON_TYPE = {"content-type": "application/json"}
PREFLIGHT = {"apollo-require-preflight": "true"}
MB = 1024 * 1024


def nest(levels: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


@dataclass(frozen=True)
class Case:
    id: str
    status: int
    code: str
    method: str = "POST"
    body: bytes | None = None
    headers: dict[str, str] | list[tuple[str, str]] = field(default_factory=lambda: dict(JSON_TYPE))
    query_string: str = ""


def post(
    id: str, body: bytes | str | Any, status: int = 400, code: str = "BAD_REQUEST", **headers: str
) -> Case:
    if isinstance(body, str):
        raw = body.encode()
    elif isinstance(body, bytes):
        raw = body
    else:
        raw = json.dumps(body).encode()
    return Case(id, status, code, body=raw, headers={**JSON_TYPE, **headers})


def get(
    id: str, query_string: str, status: int = 400, code: str = "BAD_REQUEST", **headers: str
) -> Case:
    return Case(
        id, status, code, "GET", headers={**PREFLIGHT, **headers}, query_string=query_string
    )


def typed(
    id: str, content_type: str | None, status: int, code: str, *, preflight: bool = False
) -> Case:
    headers = {"content-type": content_type} if content_type is not None else {}
    if preflight:
        headers.update(PREFLIGHT)
    return Case(id, status, code, body=json.dumps({"query": Q}).encode(), headers=headers)


BATCH = "BATCHING_NOT_SUPPORTED"
TOO_LARGE = "BODY_TOO_LARGE"
CSRF = "CSRF_BLOCKED"
MEDIA = "UNSUPPORTED_MEDIA_TYPE"

CASES = [
    # -- bodies that are not one JSON object ---------------------------------------------
    post("empty-body", b""),
    post("whitespace-body", b" \n\t "),
    post("open-brace", "{"),
    post("truncated", '{"query": '),
    post("json-null", "null"),
    post("json-number", "42"),
    post("json-string", '"{ products { nodes { title } } }"'),
    post("json-true", "true"),
    post("batch-empty", "[]", code=BATCH),
    post("batch-one", [{"query": Q}], code=BATCH),
    post("batch-two", [{"query": Q}, {"query": Q}], code=BATCH),
    post("batch-nested", [[{"query": Q}]], code=BATCH),
    post("trailing-garbage", f'{{"query": "{Q}"}} x'),
    post("two-objects", f'{{"query": "{Q}"}}{{"query": "{Q}"}}'),
    post("comment", f'// hi\n{{"query": "{Q}"}}'),
    post("single-quotes", f"{{'query': '{Q}'}}"),
    post("nan-variable", f'{{"query": "{Q}", "variables": {{"a": NaN}}}}'),
    post("infinite-number", f'{{"query": "{Q}", "variables": {{"a": 1e400}}}}'),
    post("raw-nul-in-string", b'{"query": "{ products(first: 2) \x00 }"}'),
    # -- encodings -------------------------------------------------------------------------
    post("invalid-utf8", b'{"query": "\xff{ products }"}'),
    post("overlong-utf8", b'{"query": "\xc0\xaf"}'),
    post("encoded-surrogate", b'{"query": "\xed\xa0\x80"}'),
    post("truncated-utf8", b'{"query": "\xe2\x82"}'),
    post("escaped-lone-surrogate", '{"query": "\\ud800"}'),
    post("utf8-bom", b"\xef\xbb\xbf" + json.dumps({"query": Q}).encode()),
    post("utf16-body", json.dumps({"query": Q}).encode("utf-16")),
    post("latin1-body", '{"query": "{ café }"}'.encode("latin-1")),
    # -- parameters of the wrong type --------------------------------------------------------
    post("no-query", {}),
    post("query-typo", {"qeury": Q}),
    post("query-null", {"query": None}),
    post("query-empty", {"query": ""}),
    post("query-number", {"query": 0}),
    post("query-array", {"query": [Q]}),
    post("query-object", {"query": {"q": Q}}),
    post("query-bool", {"query": False}),
    post("variables-string", {"query": Q, "variables": "{}"}),
    post("variables-number", {"query": Q, "variables": 0}),
    post("variables-array", {"query": Q, "variables": [1]}),
    post("variables-bool", {"query": Q, "variables": False}),
    post("operation-name-number", {"query": Q, "operationName": 1}),
    post("operation-name-object", {"query": Q, "operationName": {}}),
    post("operation-name-array", {"query": Q, "operationName": ["A"]}),
    post("extensions-string", {"query": Q, "extensions": "x"}),
    post("extensions-array", {"query": Q, "extensions": [1]}),
    post("extensions-number", {"query": Q, "extensions": 1}),
    post("doc-id-and-query", {"query": Q, "doc_id": "q1"}),
    post("doc-id-number", {"doc_id": 7}),
    post("doc-id-and-other-id", {"doc_id": "a", "id": "b"}),
    post("doc-id-empty", {"doc_id": ""}),
    # -- deep JSON -----------------------------------------------------------------------------
    post("variables-33-deep", {"query": Q, "variables": nest(33)}),
    post(
        "variables-deep-lists", {"query": Q, "variables": {"a": json.loads("[" * 500 + "]" * 500)}}
    ),
    post(
        "variables-5000-deep",
        f'{{"query": "{Q}", "variables": ' + '{"a":' * 5000 + "1" + "}" * 5001,
    ),
    post("extensions-100-deep", {"query": Q, "extensions": nest(100)}),
    # -- persisted operations ------------------------------------------------------------------
    post("apq-not-an-object", {"extensions": {"persistedQuery": "abc"}}),
    post("apq-short-hash", {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}}),
    post(
        "apq-version-2",
        {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "a" * 64}}},
        code="PERSISTED_QUERY_NOT_SUPPORTED",
    ),
    post(
        "apq-hash-mismatch",
        {
            "query": Q,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(Q + " ")}},
        },
        code="PERSISTED_QUERY_HASH_MISMATCH",
    ),
    post("unknown-doc-id", {"doc_id": "q-unknown"}, code="PERSISTED_QUERY_NOT_FOUND"),
    # -- sizes ---------------------------------------------------------------------------------
    post("body-2mb-plus-one", b" " * (2 * MB - 1) + b"{}", 413, TOO_LARGE),
    post("query-3mb", {"query": "{ " + "products " * (3 * MB // 9) + "}"}, 413, TOO_LARGE),
    post("variables-5mb", {"query": Q, "variables": {"a": "x" * (5 * MB)}}, 413, TOO_LARGE),
    # -- content types -------------------------------------------------------------------------
    typed("no-content-type", None, 400, CSRF),
    typed("no-content-type-preflighted", None, 415, MEDIA, preflight=True),
    typed("text-plain", "text/plain", 400, CSRF),
    typed("text-plain-preflighted", "text/plain", 415, MEDIA, preflight=True),
    typed("form", "application/x-www-form-urlencoded", 400, CSRF),
    typed("multipart", "multipart/form-data; boundary=x", 400, CSRF),
    typed("application-graphql", "application/graphql", 415, MEDIA),
    typed("graphql-response-as-request", "application/graphql-response+json", 415, MEDIA),
    typed("xml", "application/xml", 415, MEDIA),
    typed("json-latin1", "application/json; charset=latin-1", 415, MEDIA),
    typed("json-utf16", "application/json; charset=utf-16", 415, MEDIA),
    typed("garbage-content-type", "}{", 400, CSRF),
    post(
        "gzip-body",
        gzip.compress(json.dumps({"query": Q}).encode()),
        415,
        MEDIA,
        **{"content-encoding": "gzip"},
    ),
    post("deflate-body", json.dumps({"query": Q}), 415, MEDIA, **{"content-encoding": "deflate"}),
    typed("garbage-content-type-preflighted", "}{", 415, MEDIA, preflight=True),
    Case(
        "two-content-types",
        400,
        "BAD_REQUEST",
        body=json.dumps({"query": Q}).encode(),
        headers=[
            ("content-type", "application/json"),
            ("content-type", "application/json"),
            *PREFLIGHT.items(),
        ],
    ),
    # -- Accept ----------------------------------------------------------------------------------
    post("accept-html", {"query": Q}, 406, "NOT_ACCEPTABLE", accept="text/html"),
    post("accept-xml", {"query": Q}, 406, "NOT_ACCEPTABLE", accept="application/xml"),
    post(
        "accept-json-latin1",
        {"query": Q},
        406,
        "NOT_ACCEPTABLE",
        accept="application/json; charset=latin1",
    ),
    # -- methods ---------------------------------------------------------------------------------
    Case("put", 405, "METHOD_NOT_ALLOWED", "PUT", json.dumps({"query": Q}).encode()),
    Case("delete", 405, "METHOD_NOT_ALLOWED", "DELETE"),
    Case("patch", 405, "METHOD_NOT_ALLOWED", "PATCH", json.dumps({"query": Q}).encode()),
    Case("options", 405, "METHOD_NOT_ALLOWED", "OPTIONS"),
    get("get-mutation", "query=mutation%20%7B%20__typename%20%7D", 405, "METHOD_NOT_ALLOWED"),
    get(
        "get-named-mutation",
        "query=query%20A%20%7B%20__typename%20%7D%20mutation%20B%20%7B%20__typename%20%7D&operationName=B",
        405,
        "METHOD_NOT_ALLOWED",
    ),
    get("get-subscription", "query=subscription%20%7B%20__typename%20%7D"),
    post("post-subscription", {"query": "subscription { __typename }"}),
    # -- GET query strings ---------------------------------------------------------------------
    Case(
        "get-without-preflight",
        400,
        CSRF,
        "GET",
        headers={},
        query_string="query=%7B%20__typename%20%7D",
    ),
    get("get-no-query", ""),
    get("get-empty-query", "query="),
    get("get-repeated-query", "query=%7Ba%7D&query=%7Bb%7D"),
    get("get-variables-not-json", "query=%7B__typename%7D&variables=%7Bnope"),
    get("get-variables-array", "query=%7B__typename%7D&variables=%5B1%5D"),
    get(
        "get-variables-deep",
        "query=%7B__typename%7D&variables=" + "%7B%22a%22%3A" * 40 + "1" + "%7D" * 40,
    ),
    get("get-extensions-not-json", "query=%7B__typename%7D&extensions=%7B"),
    get("get-invalid-utf8", "query=%FF%FE"),
    get("get-too-many-fields", "&".join(f"f{i}=1" for i in range(40)) + "&query=%7B__typename%7D"),
    get("get-operation-name-only", "operationName=A"),
]


def test_the_corpus_is_large_and_its_ids_unique() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_a_hostile_request_is_refused_with_a_code_and_reaches_no_back_end(
    fake_client: GatewayClient, fake_state: FakeState, case: Case
) -> None:
    path = "/graphql" + (f"?{case.query_string}" if case.query_string else "")

    response = fake_client.request(case.method, path, content=case.body, headers=case.headers)

    assert 400 <= response.status_code < 500
    assert (response.status_code, _code(response)) == (case.status, case.code)
    assert fake_state.calls == []


def _code(response: Any) -> str:
    body = response.json()
    assert set(body) == {"errors"}, "a refusal has no data"
    (error,) = body["errors"]
    assert isinstance(error["message"], str)
    assert error["message"]
    return str(error["extensions"]["code"])


def test_a_streamed_body_over_the_limit_is_refused(
    fake_client: GatewayClient, fake_state: FakeState
) -> None:
    sent = []

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(64):  # 64 MiB if it were all read
            sent.append(1)
            yield b" " * MB

    response = fake_client.post("/graphql", content=endless(), headers=JSON_TYPE)

    assert (response.status_code, _code(response)) == (413, TOO_LARGE)
    assert len(sent) <= 4
    assert fake_state.calls == []


def test_the_same_gateway_does_call_its_back_end_for_a_good_request(
    fake_client: GatewayClient, fake_state: FakeState
) -> None:
    """The corpus' "no back-end call" is only worth something if a call would show."""
    response = fake_client.post("/graphql", json={"query": Q})

    assert response.json()["data"]["products"]["nodes"] == [
        {"title": "Product 1"},
        {"title": "Product 2"},
    ]
    assert fake_state.calls != []


@pytest.mark.parametrize(
    "query_string",
    [b"query=\xff", "query=caf\u00e9".encode()],
    ids=["raw-invalid-byte", "raw-non-ascii"],
)
def test_a_raw_non_ascii_url_query_is_refused(query_string: bytes) -> None:
    with pytest.raises(RequestError, match="percent-encoded ASCII"):
        from_query_string(query_string)


@pytest.mark.parametrize(
    "variables",
    [{"n": "two"}, {"n": 2**40}, {"n": None}, {"n": [1]}, {"n": {"a": 1}}],
    ids=["string", "too-big", "null", "list", "object"],
)
def test_a_variable_of_the_wrong_type_is_the_clients_error_not_a_5xx(
    fake_client: GatewayClient, fake_state: FakeState, variables: dict[str, Any]
) -> None:
    body = {
        "query": "query($n: Int!) { products(first: $n) { nodes { title } } }",
        "variables": variables,
    }

    strict = fake_client.post(
        "/graphql", json=body, headers={"accept": "application/graphql-response+json"}
    )
    legacy = fake_client.post("/graphql", json=body)

    assert (strict.status_code, legacy.status_code) == (400, 200)
    for response in (strict, legacy):
        assert _code(response) == "BAD_USER_INPUT"
        assert "Variable '$n'" in response.json()["errors"][0]["message"]
    assert fake_state.calls == []
