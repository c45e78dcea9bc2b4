"""No input in the schema accepts card data: payments take a provider's token, never a card.

A card number, security code or expiry that reaches the gateway puts it in PCI DSS scope:
the client hands them to the payment provider's own fields and sends the gateway the
token it gets back. The scan reads every argument and every input field, the live schema
and the committed SDL alike, so a payment input added later is held to the same rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import GraphQLInputObjectType, GraphQLSchema, build_schema, get_named_type

from schema import create_schema

SDL = Path(__file__).parents[3] / "schema" / "schema.graphql"

#: Words that name card data on their own.
CARD_WORDS = frozenset(
    {
        "pan",
        "cvc",
        "cvc2",
        "cvv",
        "cvv2",
        "csc",
        "expiry",
        "expiration",
        "magstripe",
        "track1",
        "track2",
    }
)
#: Pairs of words that do (``ccNumber``, ``securityCode``, ``expMonth``, ...).
CARD_PAIRS = [
    ({"card", "cc", "credit", "debit", "account"}, {"number", "num", "no"}),
    ({"security", "verification"}, {"code", "value"}),
    ({"exp"}, {"month", "year", "date", "mm", "yy", "yyyy"}),
]
#: A payment input, by its type's or its field's name.
PAYMENT_WORDS = frozenset({"payment", "pay", "card", "tender", "charge", "capture", "authorize"})
#: What a payment input may hold besides the provider's token.
PAYMENT_FIELDS = frozenset(
    {"amount", "currencyCode", "idempotencyKey", "provider", "billingAddress", "returnUrl"}
)


def words(name: str) -> list[str]:
    """``cardNumber`` -> card, number; ``CVV2`` -> cvv2; ``exp_month`` -> exp, month."""
    return [w.lower() for w in re.findall(r"[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+", name)]


def is_card_data(name: str) -> bool:
    found = set(words(name))
    if found & CARD_WORDS:
        return True
    if "card" in found and not found & {"token", "id"}:
        return True
    return any(found & first and found & second for first, second in CARD_PAIRS)


def is_payment(name: str) -> bool:
    return bool(set(words(name)) & PAYMENT_WORDS)


def token_only(name: str) -> bool:
    """The provider's token or its ID for a stored method (``savedCardId``), or a field
    that is no card data."""
    found = words(name)
    return "token" in found or found[-1:] == ["id"] or name in PAYMENT_FIELDS


def card_data_inputs(schema: GraphQLSchema) -> list[str]:
    """Every argument or input field that could carry card data, as ``Type.field`` or
    ``Type.field(argument:)``."""
    found: list[str] = []
    for type_ in schema.type_map.values():
        if type_.name.startswith("__"):
            continue
        if isinstance(type_, GraphQLInputObjectType):
            payment = is_payment(type_.name)
            for name in type_.fields:
                if is_card_data(name) or (payment and not token_only(name)):
                    found.append(f"{type_.name}.{name}")
        for field_name, field in getattr(type_, "fields", {}).items():
            payment = is_payment(field_name)
            for name, argument in getattr(field, "args", {}).items():
                scalar = not isinstance(get_named_type(argument.type), GraphQLInputObjectType)
                if is_card_data(name) or (payment and scalar and not token_only(name)):
                    found.append(f"{type_.name}.{field_name}({name}:)")
    for directive in schema.directives:
        found.extend(f"@{directive.name}({name}:)" for name in directive.args if is_card_data(name))
    return found


@pytest.mark.parametrize(
    "schema",
    [create_schema()._schema, build_schema(SDL.read_text())],
    ids=["live", "committed-sdl"],
)
def test_no_input_accepts_card_data(schema: GraphQLSchema) -> None:
    assert card_data_inputs(schema) == []


BAD = {
    "card-number": "input PaymentInput { cardNumber: String! token: String }",
    "pan": "input TenderInput { PAN: String }",
    "cvc": "input CheckoutInput { token: String cvc: String }",
    "cvv2": "input CheckoutInput { cvv2: Int }",
    "expiry": "input CheckoutInput { expiry: String }",
    "exp-month": "input CheckoutInput { exp_month: Int }",
    "security-code": "input CheckoutInput { securityCode: String }",
    "cc-number": "input CheckoutInput { ccNumber: String }",
    "bare-card": "input CheckoutInput { card: String }",
    "number-in-a-payment": "input PaymentInput { token: String number: String }",
    "holder-in-a-payment": "input CardPaymentInput { token: String holderName: String }",
    "argument": "type Mutation { pay(token: String, cardNumber: String): Boolean }",
    "scalar-argument-of-a-payment": "type Mutation { capturePayment(number: String): Boolean }",
    "directive": "directive @charged(pan: String) on FIELD_DEFINITION",
}


@pytest.mark.parametrize("sdl", BAD.values(), ids=BAD.keys())
def test_the_scan_finds_card_data(sdl: str) -> None:
    schema = build_schema(f"type Query {{ ok: Boolean }}\n{sdl}")

    assert card_data_inputs(schema) != []


def test_a_tokenised_payment_input_passes() -> None:
    sdl = """type Query { ok: Boolean }
    input PaymentInput { provider: String! paymentMethodToken: String! amount: String!
      currencyCode: String! idempotencyKey: String! billingAddress: AddressInput }
    input AddressInput { city: String company: String expand: Boolean span: Int }
    type Mutation { pay(input: PaymentInput!, cardToken: String, savedCardId: ID): Boolean }"""

    assert card_data_inputs(build_schema(sdl)) == []
