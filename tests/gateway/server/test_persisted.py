"""Persisted operations: Apollo and Relay manifests, APQ, and safelist-only mode."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from gateway.cache import MemoryBackend
from gateway.server import (
    BackendQueryStore,
    EndpointSettings,
    Manifest,
    ManifestError,
    MemoryQueryStore,
    PersistedOperations,
    PersistedSettings,
    build_persisted,
)
from gateway.server.persisted import sha256_hex
from tests.gateway.server.conftest import Harness, codes

pytestmark = pytest.mark.anyio

HELLO = "query Hello { hello }"
REDEEM = "mutation Redeem($code: String!) { redeem(code: $code) }"
APOLLO = {
    "format": "apollo-persisted-query-manifest",
    "version": 1,
    "operations": [
        {"id": sha256_hex(HELLO), "name": "Hello", "type": "query", "body": HELLO},
        {"id": "redeem-v1", "name": "Redeem", "type": "mutation", "body": REDEEM},
    ],
}
RELAY = {"q-hello": HELLO, "m-redeem": REDEEM}


def apq(query: str | None, sha256: str | None = None, version: object = 1) -> dict[str, object]:
    body: dict[str, object] = {
        "extensions": {
            "persistedQuery": {"version": version, "sha256Hash": sha256 or sha256_hex(query or "")}
        }
    }
    if query is not None:
        body["query"] = query
    return body


# -- manifests ------------------------------------------------------------------------------


def test_an_apollo_manifest_finds_operations_by_id_by_hash_and_by_text() -> None:
    manifest = Manifest.from_data(APOLLO)

    assert len(manifest) == 2
    assert manifest.get("redeem-v1") == REDEEM
    assert manifest.get(sha256_hex(REDEEM)) == REDEEM
    assert manifest.get(sha256_hex(HELLO).upper()) == HELLO
    assert manifest.get("nope") is None
    assert manifest.contains(HELLO)
    assert manifest.contains("query Hello {\n  hello\n}  # same operation, other layout")
    assert not manifest.contains("query Hello { hello hello2: hello }")
    assert not manifest.contains("{ unbalanced")


def test_a_relay_manifest_maps_ids_to_text(tmp_path: Path) -> None:
    path = tmp_path / "persisted-queries.json"
    path.write_text(json.dumps(RELAY))

    manifest = Manifest.load(path)

    assert manifest.operations == RELAY


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "must be a JSON object"),
        ({"format": "other"}, "unknown manifest format 'other'"),
        ({**APOLLO, "version": 2}, "version 2 is not supported"),
        ({**APOLLO, "operations": {}}, "'operations' must be an array"),
        ({**APOLLO, "operations": [{"id": "a", "type": "query"}]}, "operations[0].body"),
        (
            {**APOLLO, "operations": [{"id": "", "body": "{a}", "type": "query"}]},
            "operations[0].id",
        ),
        ({**APOLLO, "operations": [{"id": "a", "body": "{a}", "type": "x"}]}, "operations[0].type"),
        (
            {
                **APOLLO,
                "operations": [
                    {"id": "a", "body": "{a}", "type": "query"},
                    {"id": "a", "body": "{b}", "type": "query"},
                ],
            },
            "listed twice",
        ),
        ({"q1": 42}, "'q1' must map to the operation's text"),
    ],
    ids=[
        "array",
        "format",
        "version",
        "operations",
        "body",
        "id",
        "type",
        "duplicate",
        "relay-value",
    ],
)
def test_a_malformed_manifest_says_where(data: object, message: str) -> None:
    with pytest.raises(ManifestError, match=re.escape(message)):
        Manifest.from_data(data)


def test_an_unreadable_manifest_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")

    with pytest.raises(ManifestError, match=r"broken\.json is not valid JSON"):
        Manifest.load(broken)
    with pytest.raises(ManifestError, match="cannot read the manifest"):
        Manifest.load(tmp_path / "missing.json")


def test_safelist_mode_needs_a_manifest() -> None:
    with pytest.raises(ValueError, match="safelist_only needs a manifest"):
        PersistedOperations(safelist_only=True)
    with pytest.raises(ValueError, match="needs redis_url"):
        build_persisted(PersistedSettings(apq_backend="redis"))
    with pytest.raises(ValueError, match="'memory' or 'redis'"):
        build_persisted(PersistedSettings(apq_backend="disk"))


# -- ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["doc_id", "id"])
async def test_relay_runs_an_operation_by_id(
    make_harness: Callable[..., Harness], field: str
) -> None:
    harness = make_harness(persisted=PersistedOperations(Manifest.from_data(RELAY)))

    response = await harness.post({field: "m-redeem", "variables": {"code": "GIFT-9"}})

    assert response.json() == {"data": {"redeem": True}}
    assert harness.calls == ["redeem:GIFT-9"]


async def test_an_id_works_over_get_for_queries(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(persisted=PersistedOperations(Manifest.from_data(RELAY)))

    query = await harness.get({"doc_id": "q-hello"})
    mutation = await harness.get({"doc_id": "m-redeem", "variables": '{"code": "x"}'})

    assert query.json() == {"data": {"hello": "Hello, world"}}
    assert mutation.status_code == 405
    assert harness.calls == ["hello"]


async def test_an_unknown_id_is_400(make_harness: Callable[..., Harness]) -> None:
    harness = make_harness(persisted=PersistedOperations(Manifest.from_data(RELAY)))

    response = await harness.post({"doc_id": "q-goodbye"})
    without_manifest = await make_harness().post({"doc_id": "q-hello"})

    for refused in (response, without_manifest):
        assert refused.status_code == 400
        assert codes(refused) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert harness.calls == []


# -- automatic persisted queries ------------------------------------------------------------


async def test_apq_miss_then_register_then_hit(harness: Harness) -> None:
    query = "{ hello }"

    miss = await harness.post(apq(None, sha256_hex(query)))
    registered = await harness.post(apq(query))
    hit = await harness.post(apq(None, sha256_hex(query)))
    over_get = await harness.get(
        {"extensions": json.dumps(apq(None, sha256_hex(query))["extensions"])}
    )

    assert miss.status_code == 200  # Apollo clients resend with the text on this
    assert miss.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    for answered in (registered, hit, over_get):
        assert answered.json() == {"data": {"hello": "Hello, world"}}
    assert harness.calls == ["hello"] * 3


async def test_apq_miss_is_200_in_both_media_types(harness: Harness) -> None:
    response = await harness.post(
        apq(None, "a" * 64), headers={"accept": "application/graphql-response+json"}
    )

    assert response.status_code == 200
    assert codes(response) == ["PERSISTED_QUERY_NOT_FOUND"]


async def test_apq_refuses_a_text_that_does_not_hash_to_the_hash(harness: Harness) -> None:
    response = await harness.post(apq("{ hello }", sha256_hex("{ boom }")))
    later = await harness.post(apq(None, sha256_hex("{ boom }")))

    assert response.status_code == 400
    assert codes(response) == ["PERSISTED_QUERY_HASH_MISMATCH"]
    assert codes(later) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert harness.calls == []


async def test_apq_registers_only_operations_that_parse_and_validate(harness: Harness) -> None:
    for invalid in ("{ hello", "{ goodbye }"):
        await harness.post(apq(invalid))
        again = await harness.post(apq(None, sha256_hex(invalid)))

        assert codes(again) == ["PERSISTED_QUERY_NOT_FOUND"]


@pytest.mark.parametrize(
    ("extension", "code"),
    [
        ("not an object", "BAD_REQUEST"),
        ({"version": 2, "sha256Hash": "a" * 64}, "PERSISTED_QUERY_NOT_SUPPORTED"),
        ({"version": True, "sha256Hash": "a" * 64}, "PERSISTED_QUERY_NOT_SUPPORTED"),
        ({"sha256Hash": "a" * 64}, "PERSISTED_QUERY_NOT_SUPPORTED"),
        ({"version": 1, "sha256Hash": "a" * 63}, "BAD_REQUEST"),
        ({"version": 1, "sha256Hash": "g" * 64}, "BAD_REQUEST"),
        ({"version": 1}, "BAD_REQUEST"),
    ],
    ids=[
        "not-object",
        "version-2",
        "version-bool",
        "no-version",
        "short-hash",
        "not-hex",
        "no-hash",
    ],
)
async def test_a_malformed_persisted_query_is_400(
    harness: Harness, extension: object, code: str
) -> None:
    response = await harness.post({"extensions": {"persistedQuery": extension}})

    assert response.status_code == 400
    assert codes(response) == [code]


async def test_apq_switched_off_tells_clients_to_send_text(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(settings=EndpointSettings(persisted=PersistedSettings(apq=False)))

    response = await harness.post(apq("{ hello }"))

    assert response.status_code == 200
    assert codes(response) == ["PERSISTED_QUERY_NOT_SUPPORTED"]
    assert harness.calls == []


async def test_the_memory_store_keeps_at_most_its_bytes_dropping_the_least_recent() -> None:
    store = MemoryQueryStore(max_bytes=30)
    await store.put("a", "x" * 10)
    await store.put("b", "y" * 10)
    assert await store.get("a") == "x" * 10  # a is now the most recent

    await store.put("c", "z" * 15)
    await store.put("huge", "w" * 31)

    assert await store.get("b") is None
    assert await store.get("a") == "x" * 10
    assert await store.get("c") == "z" * 15
    assert await store.get("huge") is None


async def test_a_shared_store_is_trusted_only_where_the_text_still_hashes_right() -> None:
    backend = MemoryBackend()
    store = BackendQueryStore(backend, ttl=60)
    good = "{ hello }"

    await store.put(sha256_hex(good), good)
    await backend.set_many({"f" * 64: b"{ boom }"}, 60)

    assert await store.get(sha256_hex(good)) == good
    assert await store.get("f" * 64) is None
    assert await store.get("0" * 64) is None


# -- safelist mode --------------------------------------------------------------------------


@pytest.fixture
def safelisted(make_harness: Callable[..., Harness]) -> Harness:
    return make_harness(
        persisted=PersistedOperations(Manifest.from_data(APOLLO), safelist_only=True)
    )


async def test_safelist_mode_runs_listed_operations_by_text_id_or_hash(safelisted: Harness) -> None:
    by_text = await safelisted.post({"query": "query Hello {\n  hello\n}\n"})
    by_id = await safelisted.post({"id": "redeem-v1", "variables": {"code": "A"}})
    by_hash = await safelisted.post(apq(None, sha256_hex(HELLO)))
    by_manifest_id_as_hash = await safelisted.post(
        apq(None, sha256_hex(REDEEM)) | {"variables": {"code": "B"}}
    )

    assert by_text.json() == {"data": {"hello": "Hello, world"}}
    assert by_id.json() == {"data": {"redeem": True}}
    assert by_hash.json() == {"data": {"hello": "Hello, world"}}
    assert by_manifest_id_as_hash.json() == {"data": {"redeem": True}}


async def test_safelist_mode_refuses_anything_else(safelisted: Harness) -> None:
    text = await safelisted.post({"query": "{ hello }"})
    registration = await safelisted.post(apq("{ hello }"))
    unknown_hash = await safelisted.post(apq(None, sha256_hex("{ hello }")))
    then = await safelisted.post(apq(None, sha256_hex("{ hello }")))

    for refused in (text, registration, unknown_hash, then):
        assert refused.status_code == 400
        assert codes(refused) == ["PERSISTED_QUERY_NOT_SAFELISTED"]
    assert safelisted.calls == []


async def test_safelist_mode_accepts_apq_of_a_listed_text_without_registering(
    safelisted: Harness,
) -> None:
    layout = "query Hello {\n  hello\n}"

    sent = await safelisted.post(apq(layout))
    hash_only = await safelisted.post(apq(None, sha256_hex(layout)))

    assert sent.json() == {"data": {"hello": "Hello, world"}}
    assert codes(hash_only) == ["PERSISTED_QUERY_NOT_SAFELISTED"]


def test_build_persisted_reads_the_manifest_file(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(APOLLO))

    persisted = build_persisted(PersistedSettings(manifest=str(path), safelist_only=True))

    assert persisted.manifest is not None
    assert len(persisted.manifest) == 2
    assert persisted.safelist_only
    assert not persisted.apq


async def test_a_mutation_registered_over_post_still_never_runs_over_get(harness: Harness) -> None:
    mutation = 'mutation { redeem(code: "GIFT-1") }'
    registered = await harness.post(apq(mutation))

    over_get = await harness.get(
        {"extensions": json.dumps(apq(None, sha256_hex(mutation))["extensions"])}
    )

    assert registered.json() == {"data": {"redeem": True}}
    assert over_get.status_code == 405
    assert codes(over_get) == ["METHOD_NOT_ALLOWED"]
    assert harness.calls == ["redeem:GIFT-1"]
