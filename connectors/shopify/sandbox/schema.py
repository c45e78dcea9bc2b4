"""Shopify's published Admin API schema, loaded once per process.

The SDL ships gzip'd next to this module (see ``PROVENANCE.md``). Shopify's 2025-01 schema
breaks one type-system rule twice — an implementation field deprecated while its interface
field is not — so graphql-core's ``validate`` and ``execute`` would refuse it. We accept
the vendor's schema as published: exactly those two violations, and fail on any other::

    >>> schema = admin_schema()
    >>> validate_document(parse("{ shop { id nope } }"))[0].message
    "Cannot query field 'nope' on type 'Shop'."
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    build_ast_schema,
    parse,
    validate,
    validate_schema,
)

__all__ = [
    "API_VERSION",
    "KNOWN_SCHEMA_VIOLATIONS",
    "SchemaDefectError",
    "admin_schema",
    "admin_sdl",
    "check_schema",
    "validate_document",
]

API_VERSION = "2025-01"
SDL_FILE = "admin-2025-01.graphql.gz"

#: What graphql-core reports about Shopify's published 2025-01 schema, word for word.
KNOWN_SCHEMA_VIOLATIONS = frozenset(
    {
        "Interface field CommentEventSubject.hasTimelineComment is not deprecated, so "
        "implementation field Customer.hasTimelineComment must not be deprecated.",
        "Interface field Node.id is not deprecated, so implementation field "
        "DiscountAutomaticBxgy.id must not be deprecated.",
    }
)


class SchemaDefectError(RuntimeError):
    """The schema breaks a rule beyond the two Shopify publishes with."""


@functools.cache
def admin_sdl() -> str:
    """The Admin API 2025-01 SDL, as Shopify publishes it."""
    data = resources.files("connectors.shopify.sandbox").joinpath(SDL_FILE).read_bytes()
    return gzip.decompress(data).decode("utf-8")


def check_schema(schema: GraphQLSchema) -> None:
    """Raise :class:`SchemaDefectError` unless the schema's violations are exactly the known ones."""
    found = {error.message for error in validate_schema(schema)}
    if found != KNOWN_SCHEMA_VIOLATIONS:
        unexpected = sorted(found - KNOWN_SCHEMA_VIOLATIONS)
        gone = sorted(KNOWN_SCHEMA_VIOLATIONS - found)
        raise SchemaDefectError(
            f"schema violations changed; unexpected: {unexpected or 'none'}, "
            f"no longer found: {gone or 'none'}"
        )


@functools.cache
def admin_schema() -> GraphQLSchema:
    """The schema, checked, and marked valid so graphql-core will validate and execute on it.

    Built once per process (about 0.7 s): parsing dominates; the printed SDL came from a
    working schema, so SDL-level re-validation is skipped and the type-system checks run.
    """
    checked = build_ast_schema(parse(admin_sdl(), no_location=True), assume_valid_sdl=True)
    check_schema(checked)
    kwargs = checked.to_kwargs()
    kwargs["assume_valid"] = True
    return GraphQLSchema(**kwargs)


def validate_document(document: DocumentNode) -> list[GraphQLError]:
    """Validation errors of ``document`` against the Admin schema (empty when valid)."""
    return validate(admin_schema(), document)
