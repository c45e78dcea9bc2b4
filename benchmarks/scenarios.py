"""What the gateway benchmarks ask: a storefront's three pages, as GraphQL requests.

Each :class:`Scenario` carries its request and ``normalise(answer) -> canonical``, the part
of the answer that must be equal whichever gateway gave it (``benchmarks/peer`` uses the
same canonical forms): money as ``str(Decimal(amount).normalize())``, stock levels sorted
by location, everything else in the answer's order.

- ``plp``: a product listing page of 20, with prices and every variant's stock everywhere
  (stock from two back ends: Shopify's stores, SAP's warehouses).
- ``pdp``: one product's page, its variants' stock and pickup locations.
- ``account``: one customer found in four systems, loyalty from the CRM, orders from
  every channel (needs the demo's admin key).
- ``plp-warm``: the listing against a gateway whose entity cache is on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gateway.sandboxes import DEMO_ADMIN_KEY

__all__ = [
    "ACCOUNT_EMAIL",
    "PAGE_SIZES",
    "PDP_HANDLE",
    "SCENARIOS",
    "Scenario",
    "normalise_account",
    "normalise_pdp",
    "normalise_plp",
    "plp_query",
]

#: A demo product with four variants, stocked in stores and warehouses.
PDP_HANDLE = "alpine-tee"
#: A demo customer in all four systems, with orders from three channels (docs/federation.md).
ACCOUNT_EMAIL = "yusuf.vogel@example.com"
#: Listing sizes for "back-end calls per request vs page size".
PAGE_SIZES = (5, 20, 50)

Canonical = Any


def plp_query(first: int = 20) -> str:
    return (
        f"{{ products(first: {first}) {{ nodes {{ id handle title "
        "priceRange { minVariantPrice { amount currencyCode } } "
        "variants { sku title price { amount currencyCode } "
        "inventory { available location { name kind } } } } } }"
    )


PDP_QUERY = (
    f'{{ product(handle: "{PDP_HANDLE}") {{ title description '
    "variants { sku price { amount currencyCode } "
    "inventory { available location { name kind pickupEnabled } } } } }"
)

ACCOUNT_QUERY = (
    f'{{ customer(email: "{ACCOUNT_EMAIL}") {{ email firstName lastName '
    "loyalty { points tier } "
    "orders(first: 10) { nodes { number channel createdAt "
    "totals { total { amount currencyCode } } } } } }"
)


def _money(money: dict[str, Any]) -> tuple[str, str]:
    return str(Decimal(money["amount"]).normalize()), money["currencyCode"]


def normalise_plp(answer: dict[str, Any]) -> Canonical:
    """``[(handle, title, ((sku, amount, currency, ((location, available), ...)), ...)), ...]``"""
    return [
        (
            node["handle"],
            node["title"],
            tuple(
                (
                    variant["sku"],
                    *_money(variant["price"]),
                    tuple(
                        sorted(
                            (level["location"]["name"], level["available"])
                            for level in variant["inventory"]
                        )
                    ),
                )
                for variant in node["variants"]
            ),
        )
        for node in answer["data"]["products"]["nodes"]
    ]


def normalise_pdp(answer: dict[str, Any]) -> Canonical:
    """``(title, ((sku, amount, currency, ((location, available, pickup), ...)), ...))``"""
    product = answer["data"]["product"]
    return (
        product["title"],
        tuple(
            (
                variant["sku"],
                *_money(variant["price"]),
                tuple(
                    sorted(
                        (
                            level["location"]["name"],
                            level["available"],
                            level["location"]["pickupEnabled"],
                        )
                        for level in variant["inventory"]
                    )
                ),
            )
            for variant in product["variants"]
        ),
    )


def normalise_account(answer: dict[str, Any]) -> Canonical:
    """``(email, firstName, lastName, points, tier, ((number, channel, createdAt), ...))``"""
    customer = answer["data"]["customer"]
    loyalty = customer["loyalty"] or {}
    return (
        customer["email"],
        customer["firstName"],
        customer["lastName"],
        loyalty.get("points"),
        loyalty.get("tier"),
        tuple(
            (order["number"], order["channel"], order["createdAt"])
            for order in customer["orders"]["nodes"]
        ),
    )


def _plp_problem(canonical: Canonical, first: int = 20) -> str | None:
    if len(canonical) != first:
        return f"{len(canonical)} products, not {first}"
    if not all(variants and all(v[3] for v in variants) for _, _, variants in canonical):
        return "a product without variants or a variant without stock levels"
    return None


def _pdp_problem(canonical: Canonical) -> str | None:
    title, variants = canonical
    if not title or len(variants) < 2 or not all(v[3] for v in variants):
        return "expected a product with several variants, each with stock levels"
    return None


def _account_problem(canonical: Canonical) -> str | None:
    if canonical[0] != ACCOUNT_EMAIL or canonical[3] is None or len(canonical[5]) < 2:
        return f"expected {ACCOUNT_EMAIL} with loyalty and orders"
    return None


@dataclass(frozen=True)
class Scenario:
    """One request, timed again and again."""

    name: str
    query: str
    normalise: Callable[[dict[str, Any]], Canonical]
    #: Says what is wrong with a canonical answer, or ``None``.
    problem: Callable[[Canonical], str | None]
    headers: dict[str, str] = field(default_factory=dict)
    #: The gateway it runs against: ``"cold"`` (nothing cached) or ``"warm"``.
    cache: str = "cold"

    def body(self) -> dict[str, Any]:
        return {"query": self.query}

    def check(self, status: int, answer: Any) -> Canonical:
        """The canonical answer; ``ValueError`` saying why if it is not one to time."""
        if status != 200:
            raise ValueError(f"{self.name}: HTTP {status}: {str(answer)[:500]}")
        if not isinstance(answer, dict) or answer.get("errors") or not answer.get("data"):
            raise ValueError(f"{self.name}: errors in the answer: {str(answer)[:500]}")
        try:
            canonical = self.normalise(answer)
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise ValueError(
                f"{self.name}: unexpected shape ({exc!r}): {str(answer)[:500]}"
            ) from None
        problem = self.problem(canonical)
        if problem:
            raise ValueError(f"{self.name}: {problem}")
        return canonical


def plp(first: int = 20, *, name: str = "plp", cache: str = "cold") -> Scenario:
    return Scenario(
        name,
        plp_query(first),
        normalise_plp,
        lambda canonical: _plp_problem(canonical, first),
        cache=cache,
    )


SCENARIOS: dict[str, Scenario] = {
    "plp": plp(),
    "pdp": Scenario("pdp", PDP_QUERY, normalise_pdp, _pdp_problem),
    "account": Scenario(
        "account",
        ACCOUNT_QUERY,
        normalise_account,
        _account_problem,
        headers={"X-Api-Key": DEMO_ADMIN_KEY},
    ),
    "plp-warm": plp(name="plp-warm", cache="warm"),
}
