"""The scenarios' canonical forms: what must be equal whichever gateway answered."""

from __future__ import annotations

from typing import Any

import pytest

from benchmarks.scenarios import ACCOUNT_EMAIL, SCENARIOS, normalise_account, normalise_pdp, plp

# Recorded from the gateway over the sandboxes (trimmed to one product, two variants).
PLP_ANSWER: dict[str, Any] = {
    "data": {
        "products": {
            "nodes": [
                {
                    "id": "UHJvZHVjdDpzaG9waWZ5OjgwMDE=",
                    "handle": "alpine-tee",
                    "title": "Alpine Tee",
                    "priceRange": {"minVariantPrice": {"amount": "24.90", "currencyCode": "EUR"}},
                    "variants": [
                        {
                            "sku": "NL-1001-NVY-S",
                            "title": "Navy / S",
                            "price": {"amount": "24.90", "currencyCode": "EUR"},
                            "inventory": [
                                {
                                    "available": 238,
                                    "location": {
                                        "name": "Zentrallager Kassel",
                                        "kind": "DISTRIBUTION_CENTER",
                                    },
                                },
                                {
                                    "available": 4,
                                    "location": {"name": "Nordlicht Berlin Mitte", "kind": "STORE"},
                                },
                                {
                                    "available": 1,
                                    "location": {
                                        "name": "Nordlicht Hamburg Altona",
                                        "kind": "STORE",
                                    },
                                },
                            ],
                        },
                        {
                            "sku": "NL-1001-NVY-M",
                            "title": "Navy / M",
                            "price": {"amount": "100.00", "currencyCode": "EUR"},
                            "inventory": [],
                        },
                    ],
                }
            ]
        }
    }
}

PDP_ANSWER: dict[str, Any] = {
    "data": {
        "product": {
            "title": "Alpine Tee",
            "description": "The alpine tee from Nordlicht: made for alpine days outdoors.",
            "variants": [
                {
                    "sku": "NL-1001-NVY-S",
                    "price": {"amount": "24.90", "currencyCode": "EUR"},
                    "inventory": [
                        {
                            "available": 1,
                            "location": {
                                "name": "Nordlicht Hamburg Altona",
                                "kind": "STORE",
                                "pickupEnabled": True,
                            },
                        },
                        {
                            "available": 238,
                            "location": {
                                "name": "Zentrallager Kassel",
                                "kind": "DISTRIBUTION_CENTER",
                                "pickupEnabled": False,
                            },
                        },
                    ],
                }
            ],
        }
    }
}

ACCOUNT_ANSWER: dict[str, Any] = {
    "data": {
        "customer": {
            "email": "yusuf.vogel@example.com",
            "firstName": "Yusuf",
            "lastName": "Vogel-Kaya",
            "loyalty": {"points": 8450, "tier": "Gold"},
            "orders": {
                "nodes": [
                    {
                        "number": "#1057",
                        "channel": "WEB",
                        "createdAt": "2026-09-25T18:07:00+00:00",
                        "totals": {"total": {"amount": "41.75", "currencyCode": "EUR"}},
                    },
                    {
                        "number": "S00015",
                        "channel": "POS",
                        "createdAt": "2026-06-11T03:44:00+00:00",
                        "totals": {"total": {"amount": "358.00", "currencyCode": "EUR"}},
                    },
                ]
            },
        }
    }
}


def test_plp_canonical_form_keeps_page_order_and_sorts_stock_by_location() -> None:
    assert SCENARIOS["plp"].normalise(PLP_ANSWER) == [
        (
            "alpine-tee",
            "Alpine Tee",
            (
                (
                    "NL-1001-NVY-S",
                    "24.9",
                    "EUR",
                    (
                        ("Nordlicht Berlin Mitte", 4),
                        ("Nordlicht Hamburg Altona", 1),
                        ("Zentrallager Kassel", 238),
                    ),
                ),
                ("NL-1001-NVY-M", "1E+2", "EUR", ()),
            ),
        )
    ]


def test_pdp_canonical_form_has_pickup_per_location() -> None:
    assert normalise_pdp(PDP_ANSWER) == (
        "Alpine Tee",
        (
            (
                "NL-1001-NVY-S",
                "24.9",
                "EUR",
                (("Nordlicht Hamburg Altona", 1, True), ("Zentrallager Kassel", 238, False)),
            ),
        ),
    )


def test_account_canonical_form_lists_orders_newest_first_as_answered() -> None:
    assert normalise_account(ACCOUNT_ANSWER) == (
        ACCOUNT_EMAIL,
        "Yusuf",
        "Vogel-Kaya",
        8450,
        "Gold",
        (
            ("#1057", "WEB", "2026-09-25T18:07:00+00:00"),
            ("S00015", "POS", "2026-06-11T03:44:00+00:00"),
        ),
    )


def test_money_differing_only_in_trailing_zeros_is_equal() -> None:
    other = {"data": {"product": {**PDP_ANSWER["data"]["product"]}}}
    variant = {
        **other["data"]["product"]["variants"][0],
        "price": {"amount": "24.9", "currencyCode": "EUR"},
    }
    other["data"]["product"]["variants"] = [variant]

    assert normalise_pdp(other) == normalise_pdp(PDP_ANSWER)


@pytest.mark.parametrize(
    ("status", "answer", "message"),
    [
        (500, {"errors": [{"message": "boom"}]}, "HTTP 500"),
        (200, {"data": None, "errors": [{"message": "boom"}]}, "errors in the answer"),
        (200, {"data": {"products": {"edges": []}}}, "unexpected shape"),
        (200, PLP_ANSWER, "1 products, not 20"),
    ],
    ids=["http-error", "graphql-errors", "wrong-shape", "short-page"],
)
def test_an_answer_not_worth_timing_is_refused(status: int, answer: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SCENARIOS["plp"].check(status, answer)


def test_a_full_page_with_stock_is_accepted_and_a_variant_without_stock_is_not() -> None:
    product = PLP_ANSWER["data"]["products"]["nodes"][0]
    stocked = {**product, "variants": product["variants"][:1]}
    answer = {"data": {"products": {"nodes": [stocked]}}}

    assert len(plp(1).check(200, answer)) == 1
    with pytest.raises(ValueError, match="without stock levels"):
        plp(1).check(200, PLP_ANSWER)


def test_the_account_page_sends_the_admin_key_and_the_listing_goes_to_the_warm_gateway() -> None:
    assert "X-Api-Key" in SCENARIOS["account"].headers
    assert SCENARIOS["plp-warm"].cache == "warm"
    assert SCENARIOS["plp-warm"].query == SCENARIOS["plp"].query
