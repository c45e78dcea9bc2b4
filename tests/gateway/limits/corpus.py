"""Hostile GraphQL requests, each with the codes its refusal may carry.

Generated where a family differs only in size (deep chains, alias floods, fragment fans,
...), written out where each case is its own trick. Every case must be refused before
execution: coded errors only, no data, no back-end call, never a 5xx.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

DEPTH = "MAX_DEPTH"
ALIASES = "MAX_ALIASES"
ROOT = "MAX_ROOT_FIELDS"
DIRECTIVES = "MAX_DIRECTIVES"
COST = "MAX_COST"
TOKENS = "MAX_TOKENS"
LENGTH = "MAX_DOCUMENT_LENGTH"
OVERLAP = "MAX_OVERLAPPING_FIELDS"
INVALID = "GRAPHQL_VALIDATION_FAILED"
PARSE = "GRAPHQL_PARSE_FAILED"
BAD_INPUT = "BAD_USER_INPUT"
OPERATION = "OPERATION_RESOLUTION_FAILURE"


@dataclass(frozen=True)
class Hostile:
    family: str
    name: str
    document: str
    codes: frozenset[str]
    variables: dict[str, Any] | None = None
    operation_name: str | None = None

    @property
    def id(self) -> str:
        return f"{self.family}/{self.name}"


def _case(
    family: str,
    name: str,
    document: str,
    *codes: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
) -> Hostile:
    return Hostile(family, name, document, frozenset(codes), variables, operation_name)


P1 = 'product(handle: "product-1")'


def _chain(levels: int, leaf: str = "sku") -> str:
    """``variant { product { variants { product { ... } } } }``, ``levels`` fields deep."""
    opening, closing = ['variant(sku: "SKU-1-S")'], 1
    while closing < levels - 1:
        opening.append("product" if closing % 2 else "variants")
        closing += 1
    return "{ " + " { ".join(opening) + f" {{ {leaf} " + "} " * len(opening) + "}"


def deep_nesting() -> Iterator[Hostile]:
    family = "deep-nesting"
    for levels in (9, 10, 11, 12, 16, 20, 32, 64, 100, 140):
        yield _case(family, f"chain-{levels}", _chain(levels), DEPTH, COST)
    # Lists inside lists: most chains are over the cost as well; past the walk's 150
    # levels, a chain is refused as too deep without the other measures.
    for levels in (160, 199):
        yield _case(family, f"chain-{levels}", _chain(levels), DEPTH)
    for levels in (250, 400):  # past the parser's nesting limit
        yield _case(family, f"chain-{levels}", _chain(levels), PARSE)
    yield _case(family, "chain-700", _chain(700), TOKENS, PARSE)
    for count in (5, 10, 40):
        fragments = " ".join(
            f"fragment F{i} on Variant {{ product {{ variants {{ ...F{i + 1} }} }} }}"
            for i in range(count)
        )
        document = f'{{ variant(sku: "SKU-1-S") {{ ...F0 }} }} {fragments} fragment F{count} on Variant {{ sku }}'
        yield _case(family, f"fragment-chain-{count}", document, DEPTH, COST)
    for count in (5, 10, 40):
        inner = "sku"
        for _ in range(count):
            inner = f"... on Variant {{ product {{ variants {{ {inner} }} }} }}"
        yield _case(
            family,
            f"inline-chain-{count}",
            f'{{ variant(sku: "SKU-1-S") {{ {inner} }} }}',
            DEPTH,
            COST,
        )
    node = "id"
    for _ in range(6):
        node = f"... on Variant {{ product {{ variants {{ {node} }} }} }}"
    yield _case(family, "through-an-interface", f'{{ node(id: "x") {{ {node} }} }}', DEPTH, COST)
    orders = "id"
    for _ in range(4):
        orders = f"customer {{ orders {{ nodes {{ {orders} }} }} }}"
    yield _case(family, "order-customer-cycle", f'{{ order(id: "x") {{ {orders} }} }}', DEPTH, COST)
    # A chain of 100 fragments, each three fields deep: 300 levels through fragments.
    fragments = " ".join(
        f"fragment F{i} on Variant {{ product {{ variants {{ ...F{i + 1} }} }} }}"
        for i in range(100)
    )
    document = (
        f'{{ variant(sku: "SKU-1-S") {{ ...F0 }} }} {fragments} fragment F100 on Variant {{ sku }}'
    )
    yield _case(family, "fragment-chain-past-the-walk", document, DEPTH, INVALID)


def _aliases(count: int, field_name: str = "title") -> str:
    return " ".join(f"a{i}: {field_name}" for i in range(count))


def alias_floods() -> Iterator[Hostile]:
    family = "alias-flood"
    for count in (16, 20, 50, 100, 200, 400):
        yield _case(family, f"flat-{count}", f"{{ {P1} {{ {_aliases(count)} }} }}", ALIASES)
    eight = "fragment A on Product { " + _aliases(8) + " }"
    for spreads in (2, 3, 5, 10, 50):
        document = f"{{ {P1} {{ {'...A ' * spreads}}} }} {eight}"
        yield _case(family, f"fragment-spread-{spreads}-times", document, ALIASES)
    for levels in (3, 5, 10, 20, 30):
        fragments = " ".join(
            f"fragment F{i} on Product {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
        )
        document = f"{{ {P1} {{ ...F{levels} }} }} fragment F0 on Product {{ a: title b: handle }} {fragments}"
        yield _case(family, f"fragment-fan-{levels}", document, ALIASES)
    inline = " ".join(f"... on Product {{ a{i}: title }}" for i in range(16))
    yield _case(family, "inline-fragments-16", f"{{ {P1} {{ {inline} }} }}", ALIASES)
    inline = " ".join(f"... {{ a{i}: title }}" for i in range(60))
    yield _case(family, "untyped-inline-fragments-60", f"{{ {P1} {{ {inline} }} }}", ALIASES)
    for count in (16, 50, 100):
        document = "{ " + _aliases(count, "__typename") + " }"
        yield _case(family, f"typename-at-the-root-{count}", document, ALIASES, ROOT)
    roots = " ".join(f'p{i}: product(handle: "product-{i}") {{ id }}' for i in range(16))
    yield _case(family, "root-fields-with-arguments", f"{{ {roots} }}", ALIASES, ROOT)
    document = (
        "query A { __typename } query B { __typename } "
        + f"query C {{ {P1} {{ {_aliases(16)} }} }}"
    )
    yield _case(family, "in-one-of-three-operations", document, ALIASES, operation_name="A")
    document = f"{{ {P1} {{ title }} }} fragment Unused on Product {{ {_aliases(40)} }}"
    yield _case(family, "in-an-unused-fragment", document, ALIASES)
    nested = f"variants {{ {_aliases(8, 'sku')} product {{ {_aliases(8)} }} }}"
    yield _case(family, "spread-over-levels", f"{{ {P1} {{ {nested} }} }}", ALIASES)


def root_field_floods() -> Iterator[Hostile]:
    family = "root-fields"
    for count in (11, 50, 500):
        yield _case(family, f"typename-{count}", "{ " + "__typename " * count + "}", ROOT)
    three = f"fragment R on Query {{ __typename {P1} {{ id }} locations {{ id }} }}"
    for spreads in (4, 20, 100):
        yield _case(
            family, f"fragment-spread-{spreads}-times", f"{{ {'...R ' * spreads}}} {three}", ROOT
        )
    for count in (11, 40):
        inline = "... on Query { __typename } " * count
        yield _case(family, f"inline-fragments-{count}", f"{{ {inline}}}", ROOT)
    products = " ".join(f"p{i}: products(first: 1) {{ nodes {{ id }} }}" for i in range(11))
    yield _case(family, "connections-11", f"{{ {products} }}", ROOT)
    products = " ".join(f"p{i}: products(first: 1) {{ nodes {{ id }} }}" for i in range(20))
    yield _case(family, "connections-20", f"{{ {products} }}", ROOT, ALIASES)
    skipped = " ".join(f"... @skip(if: true) {{ p{i}: {P1} {{ id }} }}" for i in range(11))
    yield _case(family, "skipped-still-count", f"{{ {skipped} }}", ROOT)


def directive_floods() -> Iterator[Hostile]:
    family = "directive-flood"
    for count in (51, 100, 200):
        inline = "... @include(if: true) { title } " * count
        yield _case(
            family, f"inline-fragments-{count}", f"{{ {P1} {{ {inline}}} }}", DIRECTIVES, TOKENS
        )
    yield _case(
        family,
        "repeated-include-60",
        f"{{ {P1} {{ title{' @include(if: true)' * 60} }} }}",
        DIRECTIVES,
    )
    yield _case(family, "unknown-directive-60", f"{{ {P1} {{ title{' @x' * 60} }} }}", DIRECTIVES)
    yield _case(family, "unknown-directive-500", f"{{ {P1} {{ title{' @x' * 500} }} }}", DIRECTIVES)
    yield _case(
        family, "deprecated-misused-60", f"{{ {P1} {{ title{' @deprecated' * 60} }} }}", DIRECTIVES
    )
    spreads = "...F @include(if: true) " * 60
    yield _case(
        family,
        "on-fragment-spreads",
        f"{{ {P1} {{ {spreads}}} }} fragment F on Product {{ title }}",
        DIRECTIVES,
    )
    document = (
        f"{{ {P1} {{ {'...F ' * 30}}} }} "
        "fragment F on Product { title @skip(if: false) handle @include(if: true) }"
    )
    yield _case(family, "inside-a-fragment-spread-30-times", document, DIRECTIVES)
    inline = "... @include(if: $t) { title } " * 60
    document = f"query($t: Boolean!) {{ {P1} {{ {inline}}} }}"
    yield _case(family, "with-variables", document, DIRECTIVES, variables={"t": True})
    yield _case(family, "on-the-operation", "query Q" + " @x" * 60 + " { __typename }", DIRECTIVES)
    yield _case(
        family, "on-a-variable", "query($v: Int" + " @x" * 60 + ") { __typename }", DIRECTIVES
    )
    for levels in (6, 20):
        fragments = " ".join(
            f"fragment F{i} on Product {{ ...F{i - 1} @include(if: true) ...F{i - 1} }}"
            for i in range(1, levels + 1)
        )
        document = f"{{ {P1} {{ ...F{levels} }} }} fragment F0 on Product {{ title }} {fragments}"
        yield _case(family, f"fragment-fan-{levels}", document, DIRECTIVES)


def fragment_cycles_and_fans() -> Iterator[Hostile]:
    family = "fragments"
    yield _case(family, "self-cycle", "{ ...A } fragment A on Query { __typename ...A }", INVALID)
    for length in (2, 3, 10, 100):
        fragments = " ".join(
            f"fragment F{i} on Query {{ __typename ...F{(i + 1) % length} }}" for i in range(length)
        )
        codes = (INVALID,) if length <= 10 else (INVALID, ROOT)
        yield _case(family, f"cycle-of-{length}", f"{{ ...F0 }} {fragments}", *codes)
    document = (
        f"{{ {P1} {{ ...A }} }} fragment A on Product {{ variants {{ product {{ ...A }} }} }}"
    )
    yield _case(family, "cycle-through-fields", document, INVALID)
    document = (
        f"{{ {P1} {{ ...P }} }} fragment P on Product {{ variants {{ ...V }} }} "
        "fragment V on Variant { product { ...P } }"
    )
    yield _case(family, "cycle-across-types", document, INVALID)
    document = (
        f"{{ {P1} {{ ...A }} }} fragment A on Product {{ a: title ...B ...B }} "
        "fragment B on Product { b: handle ...A ...A }"
    )
    yield _case(family, "cycle-that-fans-out", document, INVALID)
    document = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...C } fragment C on Query { ...A }"
    yield _case(family, "cycle-with-no-fields", document, INVALID)
    for levels in (10, 20, 30, 45):
        fragments = " ".join(
            f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
        )
        document = f"{{ ...F{levels} }} fragment F0 on Query {{ __typename }} {fragments}"
        yield _case(family, f"fan-of-{levels}", document, ROOT)
    yield _case(family, "unknown-fragment", "{ ...Nope }", INVALID)
    yield _case(family, "on-an-unknown-type", "{ ...F } fragment F on Nope { id }", INVALID)
    yield _case(family, "on-a-scalar", "{ ...F } fragment F on String { id }", INVALID)
    document = f"{{ {P1} {{ ...F }} }} fragment F on Customer {{ email }}"
    yield _case(family, "spread-on-the-wrong-type", document, INVALID)
    document = f"{{ {P1} {{ title }} }} fragment F on Product {{ title }}"
    yield _case(family, "unused", document, INVALID)
    document = (
        f"{{ {P1} {{ ...F }} }} fragment F on Product {{ title }} fragment F on Product {{ id }}"
    )
    yield _case(family, "defined-twice", document, INVALID)
    document = f"{{ {P1} {{ ...F(x: 1) }} }} fragment F($x: Int) on Product {{ title }}"
    yield _case(family, "with-arguments", document, PARSE)
    # 240 fragments chained: more than the validator follows (and than the walk does).
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(240))
    document = f"{{ ...F0 }} {fragments} fragment F240 on Query {{ __typename }}"
    yield _case(family, "chain-of-240", document, DEPTH, INVALID)


def duplicated_fields() -> Iterator[Hostile]:
    family = "duplicated-fields"
    for count in (700, 1000, 1990):
        yield _case(family, f"leaf-{count}", f"{{ {P1} {{ {'title ' * count}}} }}", OVERLAP)
    for count in (200, 300, 490):
        yield _case(
            family, f"object-{count}", f"{{ {P1} {{ {'variants { sku } ' * count}}} }}", OVERLAP
        )
    for count in (2, 20, 60, 180):
        conflicting = " ".join(f'inventory(locationIds: ["l{i}"]) {{ sku }}' for i in range(count))
        document = f'{{ variant(sku: "SKU-1-S") {{ {conflicting} }} }}'
        yield _case(family, f"conflicting-arguments-{count}", document, INVALID, OVERLAP)
    document = '{ product(handle: "a") { id } product(handle: "b") { id } }'
    yield _case(family, "conflicting-root-fields", document, INVALID)
    roots = " ".join(f'product(handle: "h{i}") {{ id }}' for i in range(11))
    yield _case(family, "conflicting-root-fields-11", f"{{ {roots} }}", ROOT)
    yield _case(family, "alias-of-two-fields", f"{{ {P1} {{ a: title a: handle }} }}", INVALID)
    pairs = " ".join(f"a: {name}" for name in ("title", "handle") * 100)
    yield _case(family, "alias-of-two-fields-200", f"{{ {P1} {{ {pairs} }} }}", ALIASES)
    document = '{ p: product(handle: "a") { id } p: product(handle: "b") { id } }'
    yield _case(family, "one-alias-two-arguments", document, INVALID)
    document = (
        '{ node(id: "x") { ... on Product { x: title } ... on Variant { x: price { amount } } } }'
    )
    yield _case(family, "one-alias-two-types", document, INVALID)
    for count in (100, 150):
        spreads = " ".join(f"...F{i}" for i in range(count))
        fragments = " ".join(
            f"fragment F{i} on Product {{ variants {{ sku }} }}" for i in range(count)
        )
        yield _case(
            family, f"through-{count}-fragments", f"{{ {P1} {{ {spreads} }} }} {fragments}", OVERLAP
        )
    inline = "... on Product { variants { sku } } " * 220
    yield _case(family, "through-inline-fragments", f"{{ {P1} {{ {inline}}} }}", OVERLAP)
    nested = "variants { " + "product { variants { sku } } " * 12 + "} "
    yield _case(family, "nested-repeats", f"{{ {P1} {{ {nested * 12}}} }}", OVERLAP)


LISTING = "nodes { variants { product { variants { product { variants { sku } } } } } }"


def cost_floods() -> Iterator[Hostile]:
    family = "cost"
    yield _case(family, "nested-lists", f"{{ products(first: 100) {{ {LISTING} }} }}", COST)
    yield _case(family, "nested-lists-30", f"{{ products(first: 30) {{ {LISTING} }} }}", COST)
    document = (
        "{ customers(first: 100) { nodes { orders(first: 100) { nodes { lines { title } } } } } }"
    )
    yield _case(family, "connection-in-a-connection", document, COST)
    for first in (1000, 100_000, 2147483647):
        document = f"{{ products(first: {first}) {{ nodes {{ variants {{ sku }} }} }} }}"
        yield _case(family, f"first-{first}", document, COST)
    document = "query($n: Int!) { products(first: $n) { nodes { variants { sku } } } }"
    for first in (1000, 2147483647):
        yield _case(family, f"variable-first-{first}", document, COST, variables={"n": first})
    document = "query($n: Int = 5000) { products(first: $n) { nodes { variants { sku } } } }"
    yield _case(family, "variable-default", document, COST, variables={})
    skus = ", ".join(f'"SKU-{i % 60 + 1}-S"' for i in range(250))
    ids = ", ".join(f'"l{i}"' for i in range(30))
    document = f"{{ inventory(skus: [{skus}], locationIds: [{ids}]) {{ location {{ name }} }} }}"
    yield _case(family, "keys-times-keys", document, COST)
    document = "query($s: [String!]!) { inventory(skus: $s) { location { address { city } } } }"
    yield _case(family, "keys-from-a-variable", document, COST, variables={"s": ["SKU-1-S"] * 2000})
    ten = " ".join(
        f"p{i}: products(first: 100) {{ nodes {{ variants {{ sku }} }} }}" for i in range(10)
    )
    yield _case(family, "ten-connections", f"{{ {ten} }}", COST)
    inline = "... on Product { variants { inventory { location { address { city } } } } }"
    document = f"{{ products(first: 100) {{ nodes {{ {inline} }} }} }}"
    yield _case(family, "through-an-inline-fragment", document, COST)
    document = (
        "{ ...P ...P } fragment P on Query { products(first: 100) { nodes { "
        "variants { inventory { location { name } } } } } }"
    )
    yield _case(family, "fragment-spread-twice", document, COST)
    document = "{ products(first: 70) { nodes { variants { inventory { location { address { city } } } } } } }"
    yield _case(family, "stock-for-a-page", document, COST)


def strings() -> Iterator[Hostile]:
    family = "strings"
    yield _case(family, "unterminated", '{ product(handle: "abc) { id } }', PARSE)
    yield _case(family, "unterminated-block", '{ product(handle: """abc) { id } }', PARSE)
    yield _case(family, "bad-escape", r'{ product(handle: "\q") { id } }', PARSE)
    yield _case(family, "short-unicode-escape", r'{ product(handle: "\u12") { id } }', PARSE)
    yield _case(family, "bad-unicode-escape", r'{ product(handle: "\uZZZZ") { id } }', PARSE)
    yield _case(family, "lone-surrogate", r'{ product(handle: "\uD800") { id } }', PARSE)
    yield _case(
        family, "broken-surrogate-pair", r'{ product(handle: "\uD800\u0041") { id } }', PARSE
    )
    yield _case(
        family, "braced-escape-out-of-range", r'{ product(handle: "\u{110000}") { id } }', PARSE
    )
    yield _case(
        family, "braced-escape-of-a-surrogate", r'{ product(handle: "\u{D800}") { id } }', PARSE
    )
    yield _case(family, "newline-in-a-string", '{ product(handle: "a\nb") { id } }', PARSE)
    # Strings just under the document length limit reach the parser and the validator;
    # longer ones are refused before parsing.
    for size, name in ((60_000, "long"), (800_000, "huge")):
        codes = (INVALID,) if size < 65_536 else (LENGTH,)
        text = "x" * size
        yield _case(
            family, f"{name}-in-an-unknown-argument", f'{{ {P1} {{ title(x: "{text}") }} }}', *codes
        )
        yield _case(
            family,
            f"{name}-as-an-int",
            f'{{ products(first: "{text}") {{ nodes {{ id }} }} }}',
            *codes,
        )
        yield _case(
            family,
            f"{name}-handle-and-unknown-field",
            f'{{ product(handle: "{text}") {{ nope }} }}',
            *codes,
        )
        yield _case(
            family, f"{name}-as-an-enum", f'{{ locations(kind: "{text}") {{ id }} }}', *codes
        )
        escapes = "\\n" * (size // 2)
        yield _case(
            family, f"{name}-run-of-escapes", f'{{ {P1} {{ title(x: "{escapes}") }} }}', *codes
        )
        block = '"""' + "line\n" * (size // 5) + '"""'
        yield _case(
            family,
            f"{name}-block-string-in-a-directive",
            f"{{ {P1} {{ title @x(y: {block}) }} }}",
            *codes,
        )


def numbers() -> Iterator[Hostile]:
    family = "numbers"
    literals = {
        "int32-overflow": ("2147483648", INVALID),
        "int32-underflow": ("-2147483649", INVALID),
        "huge-int": ("9" * 400, INVALID),
        "float-overflow": ("1e309", INVALID),
        "fraction": ("1.5", INVALID),
        "hex": ("0x10", PARSE),
        "underscores": ("1_000", PARSE),
        "leading-zero": ("01", PARSE),
        "nan": ("NaN", INVALID),
        "infinity": ("Infinity", INVALID),
        "trailing-dot": ("1.", PARSE),
        "exponent-without-digits": ("1e", PARSE),
    }
    for name, (value, code) in literals.items():
        document = f"{{ products(first: {value}) {{ nodes {{ id }} }} }}"
        yield _case(family, f"literal-{name}", document, code)
    document = "query($n: Int!) { products(first: $n) { nodes { id } } }"
    values: dict[str, Any] = {
        "int32-overflow": 2147483648,
        "int32-underflow": -2147483649,
        "int64-max": 2**63 - 1,
        "fraction": 1.5,
        "float-huge": 1e308,
        "string": "10",
        "boolean": True,
    }
    for name, value in values.items():
        yield _case(family, f"variable-{name}", document, BAD_INPUT, variables={"n": value})


def unknown_names() -> Iterator[Hostile]:
    family = "unknown"
    cases = {
        "root-field": "{ nope }",
        "nested-field": f"{{ {P1} {{ nope }} }}",
        "argument": "{ product(nope: 1) { id } }",
        "nested-argument": f"{{ {P1} {{ variants(nope: 1) {{ sku }} }} }}",
        "inline-fragment-type": f"{{ {P1} {{ ... on Nope {{ id }} }} }}",
        "variable-type": "query($x: Nope) { product(handle: $x) { id } }",
        "undefined-variable": "{ product(handle: $nope) { id } }",
        "enum-value": "{ locations(kind: SHOP) { id } }",
        "enum-as-string": '{ locations(kind: "STORE") { id } }',
        "selection-on-a-scalar": f"{{ {P1} {{ title {{ length }} }} }}",
        "object-without-selection": f"{{ {P1} }}",
        "missing-required-argument": "{ variant { sku } }",
        "null-for-non-null": "{ variant(sku: null) { sku } }",
        "list-for-a-scalar": '{ variant(sku: ["a", "b"]) { sku } }',
        "object-for-a-scalar": "{ variant(sku: {a: 1}) { sku } }",
        "argument-twice": '{ product(handle: "a", handle: "b") { id } }',
        "arguments-on-typename": "{ __typename(x: 1) }",
        "mutation-root": "mutation { pay(card: 1) }",
    }
    for name, document in cases.items():
        yield _case(family, name, document, INVALID)
    flood = "{ " + " ".join(f"f{i}" for i in range(1900)) + " }"
    yield _case(family, "flood-of-unknown-fields", flood, ROOT)
    # The HTTP layer serves no subscriptions: it refuses before validation.
    yield _case(family, "subscription-root", "subscription { ticks }", INVALID, "BAD_REQUEST")


def variables() -> Iterator[Hostile]:
    family = "variables"
    first = "query($n: Int!) { products(first: $n) { nodes { id } } }"
    for name, value in {"null": None, "list": [1], "object": {"a": 1}, "text": "x"}.items():
        yield _case(family, f"int-given-{name}", first, BAD_INPUT, variables={"n": value})
    yield _case(family, "missing-required", first, BAD_INPUT, variables={})
    skus = "query($s: [String!]!) { inventory(skus: $s) { sku } }"
    for name, value in {"null-item": [None], "nested-lists": [[["a"]]], "object": {"a": 1}}.items():
        yield _case(family, f"sku-list-given-{name}", skus, BAD_INPUT, variables={"s": value})
    deep: Any = "a"
    for _ in range(30):
        deep = [deep]
    # The HTTP layer may refuse JSON this deep before the graph sees it.
    yield _case(
        family, "sku-list-nested-30-deep", skus, BAD_INPUT, "BAD_REQUEST", variables={"s": deep}
    )
    kind = "query($k: LocationKind) { locations(kind: $k) { id } }"
    yield _case(family, "enum-given-unknown-value", kind, BAD_INPUT, variables={"k": "SHOP"})
    cases = {
        "used-in-the-wrong-position": "query($s: String) { products(first: $s) { nodes { id } } }",
        "declared-twice": "query($n: Int!, $n: Int!) { products(first: $n) { nodes { id } } }",
        "unused": "query($n: Int) { __typename }",
        "default-of-the-wrong-type": 'query($n: Int = "x") { products(first: $n) { nodes { id } } }',
        "nullable-into-non-null": "query($s: String) { variant(sku: $s) { sku } }",
        "object-type-as-a-variable": "query($p: Product) { __typename }",
    }
    # Validation errors about variables: gateway.errors codes them BAD_USER_INPUT too.
    for name, document in cases.items():
        yield _case(family, name, document, INVALID, BAD_INPUT, variables={})


def introspection_abuse() -> Iterator[Hostile]:
    family = "introspection"
    yield _case(
        family,
        "nested-type-fields",
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        DEPTH,
    )
    yield _case(
        family,
        "nested-type-by-name",
        '{ __type(name: "Product") { fields { type { fields { type { fields { type { name } } } } } } } }',
        DEPTH,
    )
    yield _case(
        family,
        "nested-interfaces-and-possible-types",
        "{ __schema { types { interfaces { possibleTypes { interfaces { possibleTypes { name } } } } } } }",
        DEPTH,
    )
    document = (
        "{ __schema { types { ...T } } } fragment T on __Type { fields { type { ...U } } } "
        "fragment U on __Type { fields { type { fields { name } } } }"
    )
    yield _case(family, "nested-through-fragments", document, DEPTH)
    aliased = " ".join(f"s{i}: __schema {{ queryType {{ name }} }}" for i in range(16))
    yield _case(family, "aliased-16-times", f"{{ {aliased} }}", ALIASES, ROOT)
    yield _case(
        family,
        "schema-inside-an-object",
        f"{{ {P1} {{ __schema {{ queryType {{ name }} }} }} }}",
        INVALID,
    )
    yield _case(family, "type-without-a-name", "{ __type { name } }", INVALID)
    yield _case(family, "type-with-an-int-name", "{ __type(name: 5) { name } }", INVALID)
    yield _case(family, "unknown-introspection-field", "{ __schema { secrets } }", INVALID)
    chain = "{ __schema { types { " + "ofType { " * 160 + _aliases(20, "name") + " }" * 162 + " }"
    yield _case(family, "aliases-under-a-long-of-type-chain", chain, DEPTH)
    directives = "{ __schema { queryType { name" + " @x" * 60 + " } } }"
    yield _case(family, "directive-flood", directives, DIRECTIVES)


def floods_of_nothing() -> Iterator[Hostile]:
    family = "comments-and-whitespace"
    yield _case(family, "comments-past-the-token-limit", "#c\n" * 2001 + "{ __typename }", TOKENS)
    spaced = "\n#c\n".join(["{", P1, "{", *(["title"] * 1100), "}", "}"])
    yield _case(family, "a-comment-between-every-token", spaced, TOKENS)
    yield _case(family, "only-comments", "# nothing here\n" * 50, PARSE)
    yield _case(family, "whitespace-then-unterminated", " " * 60_000 + "{", PARSE)
    yield _case(family, "commas-then-unknown-field", "," * 60_000 + "{ nope }", INVALID)
    yield _case(family, "tabs-then-unknown-field", "\t" * 60_000 + "{ nope }", INVALID)
    yield _case(
        family, "whitespace-past-the-length-limit", " " * 1_500_000 + "{ __typename }", LENGTH
    )
    yield _case(
        family, "comment-past-the-length-limit", "#" + "x" * 1_500_000 + "\n{ __typename }", LENGTH
    )
    yield _case(
        family,
        "line-breaks-past-the-token-limit",
        "\r\n".join(["{"] + ["__typename"] * 2001 + ["}"]),
        TOKENS,
    )
    yield _case(family, "byte-order-mark-then-junk", "\ufeff{ ? }", PARSE)
    yield _case(family, "unicode-line-separator", "{ __typename\u2028 }", PARSE)
    yield _case(family, "nul-outside-strings", "{ __typename \x00 }", PARSE)
    yield _case(family, "non-breaking-space", "{\u00a0__typename }", PARSE)


def operation_names() -> Iterator[Hostile]:
    family = "operation-name"
    yield _case(
        family, "not-in-the-document", "query A { __typename }", OPERATION, operation_name="B"
    )
    yield _case(
        family, "for-an-anonymous-operation", "{ __typename }", OPERATION, operation_name="A"
    )
    yield _case(family, "huge", "query A { __typename }", OPERATION, operation_name="B" * 100_000)
    yield _case(
        family,
        "naming-a-fragment",
        "{ ...F } fragment F on Query { __typename }",
        OPERATION,
        operation_name="F",
    )
    yield _case(family, "empty", "query A { __typename }", OPERATION, operation_name="")
    yield _case(family, "with-a-nul", "query A { __typename }", OPERATION, operation_name="A\x00")
    yield _case(family, "two-anonymous", "{ __typename } { __typename }", INVALID)
    yield _case(
        family,
        "anonymous-and-named",
        "{ __typename } query A { __typename }",
        INVALID,
        operation_name="A",
    )
    yield _case(
        family,
        "same-name-twice",
        "query A { __typename } query A { __typename }",
        INVALID,
        operation_name="A",
    )
    yield _case(family, "only-fragments", "fragment F on Query { __typename }", OPERATION)
    yield _case(family, "mutation-by-name", "mutation M { x }", INVALID, operation_name="M")
    yield _case(
        family,
        "subscription-by-name",
        "query A { __typename } subscription S { x }",
        INVALID,
        operation_name="A",
    )


def type_system() -> Iterator[Hostile]:
    family = "type-system"
    cases = {
        "type": "type Card { number: String } { __typename }",
        "schema": "schema { query: Query } { __typename }",
        "extension": "extend type Query { cards: [String] } { __typename }",
        "directive": "directive @leak on FIELD { __typename }",
        "scalar": "scalar Pan { __typename }",
        "input": "input CardInput { number: String } { __typename }",
    }
    for name, document in cases.items():
        yield _case(family, name, document, INVALID)


def garbage() -> Iterator[Hostile]:
    family = "syntax"
    cases = [
        "{",
        "}",
        "{ product(",
        "query {",
        "{ a: }",
        "{ ... }",
        "fragment on Query { a }",
        "query ($: Int) { a }",
        "{ product(handle: ) { id } }",
        "@include",
        "{ a(b: $) }",
        "!!!",
        "query Q { __typename } extra",
        "{ __typename ",
        "query Q($n: Int!!) { __typename }",
        '{ product(handle: "x" { id } }',
        "<script>alert(1)</script>",
        "SELECT * FROM customers",
        '{"query": "{ __typename }"}',
    ]
    for index, document in enumerate(cases):
        yield _case(family, f"{index:02d}", document, PARSE)


FAMILIES = [
    deep_nesting,
    alias_floods,
    root_field_floods,
    directive_floods,
    fragment_cycles_and_fans,
    duplicated_fields,
    cost_floods,
    strings,
    numbers,
    unknown_names,
    variables,
    introspection_abuse,
    floods_of_nothing,
    operation_names,
    type_system,
    garbage,
]

CORPUS = [case for family in FAMILIES for case in family()]
