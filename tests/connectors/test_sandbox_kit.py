"""The sandbox kit's faults, parsed the way `commerce-gateway demo --fault` spells them."""

from __future__ import annotations

import pytest

from connectors.sandbox import Faults
from connectors.sandbox.retailer import demo_retailer


def test_fault_spellings() -> None:
    faults = Faults.parse("down", "latency:300", "error-rate:0.3", "throttle", "garbage")
    assert (faults.down, faults.latency_ms, faults.error_rate, faults.throttle, faults.garbage) == (
        True,
        300.0,
        0.3,
        True,
        True,
    )
    faults.clear()
    assert faults == Faults()


@pytest.mark.parametrize("spec", ["slow", "latency:abc", "error-rate:2", "down:1"])
def test_unknown_faults_list_the_choices(spec: str) -> None:
    with pytest.raises(ValueError) as caught:
        Faults.parse(spec)
    assert "use down, throttle, garbage, latency:<ms> or error-rate:<0..1>" in str(caught.value)


def test_the_demo_retailer_is_coherent_and_deterministic() -> None:
    retailer = demo_retailer()
    assert retailer is demo_retailer()
    skus = [v.sku for p in retailer.products for v in p.variants]
    assert len(retailer.products) >= 50
    assert len(skus) == len(set(skus))
    stores = [loc for loc in retailer.locations if loc.kind == "STORE"]
    warehouses = [loc for loc in retailer.locations if loc.kind != "STORE"]
    assert len(stores) >= 5
    assert len(warehouses) >= 2
    assert {r.sku for r in retailer.stock} <= set(skus)
    both = [c for c in retailer.customers if len(c.systems) == 2]
    assert both, "some customers live in Shopify and SAP"
    assert all(line.sku in skus for order in retailer.orders for line in order.lines)
