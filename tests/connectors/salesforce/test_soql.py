"""What the connector puts into SOQL: escaped literals, checked IDs, URL-sized chunks."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from urllib.parse import parse_qs

import pytest

from connectors.salesforce.soql import (
    chunk_literals,
    id_suffix,
    in_clause,
    query_path,
    salesforce_id,
    select_contacts,
    soql_string,
)


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("max@example.com", "'max@example.com'"),
        ("o'brien@example.com", "'o\\'brien@example.com'"),
        ("back\\slash@example.com", "'back\\\\slash@example.com'"),
        ("x' OR Email != '", "'x\\' OR Email != \\''"),
        ('say "hi"@example.com', "'say \\\"hi\\\"@example.com'"),
        ("a\nb\rc\td\fe", "'a\\nb\\rc\\td\\fe'"),
        ("bell\x07nul\x00", "'bell\\u0007nul\\u0000'"),
        ("under_score%pct@example.com", "'under_score%pct@example.com'"),
        ("jürgen@exämple.com", "'jürgen@exämple.com'"),
    ],
    ids=[
        "plain",
        "single-quote",
        "backslash",
        "injection",
        "double-quote",
        "whitespace-controls",
        "other-controls",
        "like-wildcards-untouched",
        "unicode",
    ],
)
def test_string_literals_use_salesforce_escape_sequences(value: str, literal: str) -> None:
    assert soql_string(value) == literal


def test_a_trailing_backslash_cannot_escape_the_closing_quote() -> None:
    assert soql_string("evil\\") == "'evil\\\\'"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0035g00000AbCdE", "0035g00000AbCdEAAV"),
        ("0035g00000AbCdEAAV", "0035g00000AbCdEAAV"),
        ("003000000000000", "003000000000000AAA"),
        ("0035g00000AbCdEAAA", None),  # checksum of another case pattern
        ("0035g00000abcde", "0035g00000abcdeAAA"),
        ("0035g00000AbCd", None),
        ("0035g00000AbCdEAA", None),
        ("0035g00000AbCdEAAVX", None),
        ("0035g00000AbC-E", None),
        ("0035g00000AbCdE' OR Id != '", None),
        ("", None),
    ],
    ids=[
        "15-char",
        "18-char",
        "all-digits",
        "bad-checksum",
        "lower-case-15",
        "14-char",
        "17-char",
        "19-char",
        "punctuation",
        "injection",
        "empty",
    ],
)
def test_ids_are_checked_and_made_18_characters(value: str, expected: str | None) -> None:
    assert salesforce_id(value) == expected


def test_the_suffix_encodes_the_case_of_each_five_characters() -> None:
    assert id_suffix("AAAAAaaaaaAaAaA") == "5AV"  # 31 -> '5', 0 -> 'A', 0b10101 -> 'V'


def test_select_lists_each_field_once() -> None:
    assert select_contacts(["Id", "Email", "Id", "Account.Name"]) == (
        "SELECT Id, Email, Account.Name FROM Contact"
    )


def test_the_query_travels_form_encoded_in_q() -> None:
    soql = "SELECT Id FROM Contact" + in_clause("Email", ["'a+b@x.de'", "'o\\'c@x.de'"])
    path = query_path("/services/data/v60.0", soql)
    prefix, _, query = path.partition("?")
    assert prefix == "/services/data/v60.0/query"
    assert "a%2Bb" in query  # a literal plus is not read as a space
    assert parse_qs(query)["q"] == [soql]


def test_chunks_fit_the_url_budget_and_keep_every_literal_in_order() -> None:
    literals = [soql_string(f"customer{i:03d}@example.com") for i in range(200)]

    def path_for(chunk: Sequence[str]) -> str:
        return query_path(
            "/services/data/v60.0", "SELECT Id FROM Contact" + in_clause("Email", chunk)
        )

    chunks = chunk_literals(literals, path_for=path_for, max_bytes=2048)

    assert len(chunks) > 1
    assert [literal for chunk in chunks for literal in chunk] == literals
    assert all(len(path_for(chunk)) <= 2048 for chunk in chunks)
    # Each chunk is as full as the budget allows: one more literal would not fit.
    for chunk, following in itertools.pairwise(chunks):
        assert len(path_for([*chunk, following[0]])) > 2048


def test_one_chunk_when_everything_fits() -> None:
    literals = [soql_string("a@x.de"), soql_string("b@x.de")]
    assert chunk_literals(literals, path_for=lambda c: "x" * 10 * len(c), max_bytes=2048) == [
        literals
    ]
