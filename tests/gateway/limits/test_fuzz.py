"""Property-based fuzzing of the real schema (hypothesis-graphql) through the real app.

Valid queries (any root field, any arguments, nested at random) and queries with one
schema violation each, against the in-memory back end: whatever the query, the answer is
never a 5xx, every error carries a code, and none is an unmasked internal error.
Derandomized and bounded: the same examples on every run, in a few seconds.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, queries

from gateway.testing import GatewayClient
from schema import create_schema
from tests import fakes

SCHEMA = create_schema()._schema
ROOT_FIELDS = sorted(SCHEMA.query_type.fields) if SCHEMA.query_type else []


def one_root_field(mode: Mode) -> st.SearchStrategy[str]:
    # One root field a query: a query of every root field at once almost always fails on
    # the first random ID, and never reaches the rest.
    return st.one_of([queries(SCHEMA, fields=[name], mode=mode) for name in ROOT_FIELDS])


FUZZ = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_answered_safely(client: GatewayClient, document: str) -> None:
    fakes.STATE.calls.clear()
    response = client.query(document)

    assert response.status_code < 500, (document, response)
    for error in response.errors:
        code = error.get("extensions", {}).get("code")
        assert isinstance(code, str), (document, error)
        assert code, (document, error)
        assert code != "INTERNAL_SERVER_ERROR", (document, error)


@FUZZ
@given(document=one_root_field(Mode.POSITIVE))
def test_valid_queries_get_data_or_coded_errors(client: GatewayClient, document: str) -> None:
    assert_answered_safely(client, document)


@FUZZ
@given(document=one_root_field(Mode.NEGATIVE))
def test_invalid_queries_get_coded_errors(client: GatewayClient, document: str) -> None:
    assert_answered_safely(client, document)
