"""How limit errors leave: their own code and message; and the production profile's
answers without "Did you mean ...?"."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLError, GraphQLSyntaxError, parse

from gateway.errors import code_for, format_error
from gateway.graph import build_graph
from gateway.limits import LimitSettings
from schema.errors import BadUserInput

PRODUCTION = LimitSettings.for_profile("production")


def errors_of(
    document: str, variables: dict[str, Any] | None = None, limits: LimitSettings = PRODUCTION
) -> list[GraphQLError]:
    result = build_graph(limits).execute_sync(document, variables)
    assert result.data is None
    assert result.errors
    return result.errors


def test_a_code_set_by_a_rule_is_kept_with_its_message() -> None:
    [error] = errors_of(
        '{ product(handle: "x") { a: title b: title } }', limits=LimitSettings(max_aliases=1)
    )

    formatted = format_error(error, suggestions=False)

    assert formatted.extensions == {"code": "MAX_ALIASES"}
    assert formatted.message == "alias count 2 exceeds the limit of 1"


def test_a_code_a_resolver_smuggles_in_is_not_trusted() -> None:
    # graphql-core wraps a GraphQLError raised by a resolver; what it claims is a bug's.
    raised = GraphQLError("a deep problem", extensions={"code": "MAX_DEPTH"})
    located = GraphQLError(
        raised.message, path=["product"], original_error=raised, extensions=raised.extensions
    )

    assert code_for(located) == "INTERNAL_SERVER_ERROR"
    assert format_error(located).message == "Unexpected error."


def test_the_token_limit_is_max_tokens() -> None:
    [error] = errors_of("{" + " __typename" * 2000 + " }")

    assert code_for(error) == "MAX_TOKENS"
    assert format_error(error).message == "token count exceeds the limit of 2000"


def test_the_parsers_token_limit_is_max_tokens_wherever_it_is_raised() -> None:
    with pytest.raises(GraphQLSyntaxError) as raised:
        parse("{ a b c }", max_tokens=3)

    assert code_for(raised.value) == "MAX_TOKENS"
    with pytest.raises(GraphQLSyntaxError) as raised:
        parse("{ a(b: }")
    assert code_for(raised.value) == "GRAPHQL_PARSE_FAILED"


SUGGESTED = {
    "unknown-field": (
        "{ produtcs { id } }",
        None,
        "Cannot query field 'produtcs' on type 'Query'.",
        " Did you mean 'products' or 'product'?",
    ),
    "unknown-argument": (
        '{ product(handel: "x") { id } }',
        None,
        "Unknown argument 'handel' on field 'Query.product'.",
        " Did you mean 'handle'?",
    ),
    "enum-literal": (
        "{ locations(kind: STOR) { name } }",
        None,
        "Value 'STOR' does not exist in 'LocationKind' enum.",
        " Did you mean the enum value 'STORE'?",
    ),
    "enum-variable": (
        "query($k: LocationKind) { locations(kind: $k) { name } }",
        {"k": "STOR"},
        "Variable '$k' has invalid value: Value 'STOR' does not exist in 'LocationKind' enum.",
        " Did you mean the enum value 'STORE'?",
    ),
}


@pytest.mark.parametrize(
    ("document", "variables", "message", "suggestion"), SUGGESTED.values(), ids=SUGGESTED.keys()
)
def test_production_answers_without_suggestions(
    document: str, variables: dict[str, Any] | None, message: str, suggestion: str
) -> None:
    [error] = errors_of(document, variables)

    assert format_error(error, suggestions=True).message == message + suggestion
    assert format_error(error, suggestions=False).message == message


def test_errors_raised_on_purpose_keep_their_message() -> None:
    raised = BadUserInput("give `id` or `handle`. Did you mean `handle`?")
    error = GraphQLError(raised.message, path=["product"], original_error=raised)

    formatted = format_error(error, suggestions=False)

    assert formatted.message == "give `id` or `handle`. Did you mean `handle`?"
    assert formatted.extensions == {"code": "BAD_USER_INPUT"}
