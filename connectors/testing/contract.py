"""The contract suite. See :mod:`connectors.testing` for how a connector uses it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, ClassVar

import httpx
import pytest

from connectors.base import Connector
from connectors.capabilities import Capability, CustomerDirectory, CustomerLinks
from connectors.errors import (
    AuthFailed,
    ConnectorError,
    RateLimited,
    UnexpectedResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from connectors.models import Identity, OrderPageRequest
from connectors.registry import load_sandbox
from connectors.sandbox import Samples, Sandbox
from connectors.settings import build_settings, secret_fields
from connectors.testing.transport import SandboxTransport

__all__ = ["ConnectorContract", "connect"]


@asynccontextmanager
async def connect(
    connector_class: type[Connector[Any]],
    sandbox: Sandbox,
    *,
    read_timeout: float = 5.0,
    overrides: Mapping[str, Any] | None = None,
) -> AsyncIterator[Connector[Any]]:
    """A connector wired in process to ``sandbox``, with the settings the sandbox hands out."""
    raw = dict(sandbox.connector_settings(sandbox.base_url))
    raw.update(overrides or {})
    settings = build_settings(
        connector_class.settings_type, raw, where=f"connectors.{connector_class.name}"
    )
    async with httpx.AsyncClient(
        transport=SandboxTransport(sandbox.app), timeout=read_timeout
    ) as client:
        connector = connector_class(settings, client)
        try:
            yield connector
        finally:
            await connector.aclose()


def _calls(sandbox: Sandbox) -> int:
    return len(sandbox.api_calls())


class ConnectorContract:
    """Subclass it in a ``test_*.py`` file and set ``connector_class``."""

    connector_class: ClassVar[type[Connector[Any]]]
    #: Capability the connector does not declare -> why (required for each one).
    missing_capabilities: ClassVar[Mapping[Capability, str]] = {}
    #: Batch method whose vendor has no batch endpoint -> why it calls once per key.
    per_key_calls: ClassVar[Mapping[str, str]] = {}

    # -- fixtures --------------------------------------------------------------------

    @pytest.fixture
    def anyio_backend(self) -> str:
        return "asyncio"

    @pytest.fixture
    def sandbox(self) -> Sandbox:
        sandbox: Sandbox = load_sandbox(self.connector_class)()
        return sandbox

    @pytest.fixture
    def samples(self, sandbox: Sandbox) -> Samples:
        return sandbox.samples()

    @pytest.fixture
    async def connector(self, sandbox: Sandbox, anyio_backend: str) -> AsyncIterator[Any]:
        async with connect(self.connector_class, sandbox) as connector:
            yield connector

    def require(self, capability: Capability) -> None:
        if capability in self.connector_class.capabilities:
            return
        reason = self.missing_capabilities.get(capability)
        if not reason:
            pytest.fail(
                f"{self.connector_class.__name__} does not declare {capability.name}; "
                f"give the reason in missing_capabilities to skip these tests"
            )
        pytest.skip(reason)

    def assert_batched(self, method: str, calls_for_one: int, calls_for_many: int) -> None:
        if method in self.per_key_calls:
            return
        assert calls_for_many == calls_for_one, (
            f"{method}: {calls_for_many} vendor calls for a batch, {calls_for_one} for one key; "
            f"a batch must cost the same as one key (or list the method in per_key_calls with why)"
        )

    # -- the connector class -----------------------------------------------------------

    def test_declares_name_settings_and_sandbox(self) -> None:
        cls = self.connector_class
        assert cls.name.isidentifier(), "a connector's name is a Python identifier"
        assert cls.sandbox, "a connector ships a sandbox"
        assert cls.capabilities, "a connector declares at least one capability"

    def test_implements_every_declared_capability(self) -> None:
        assert self.connector_class.missing_capability_methods() == {}

    # -- catalog -----------------------------------------------------------------------

    @pytest.mark.anyio
    async def test_products_keep_key_order_and_none_for_missing(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        self.require(Capability.CATALOG)
        first, second, third = samples.product_ids[:3]
        before = _calls(sandbox)
        [one] = await connector.products([first])
        calls_for_one = _calls(sandbox) - before

        keys = [third, samples.missing_product_id, first, second]
        before = _calls(sandbox)
        results = await connector.products(keys)
        calls_for_many = _calls(sandbox) - before

        assert one is not None
        assert one.external_id == first
        assert [p.external_id if p else None for p in results] == [third, None, first, second]
        assert all(p.variants for p in results if p)
        self.assert_batched("products", calls_for_one, calls_for_many)

    @pytest.mark.anyio
    async def test_products_by_handle_keep_key_order(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        self.require(Capability.CATALOG)
        a, b = samples.product_handles[:2]
        before = _calls(sandbox)
        await connector.products_by_handle([a])
        calls_for_one = _calls(sandbox) - before
        before = _calls(sandbox)
        results = await connector.products_by_handle([b, "no-such-handle-anywhere", a])
        calls_for_many = _calls(sandbox) - before
        assert [p.handle if p else None for p in results] == [b, None, a]
        self.assert_batched("products_by_handle", calls_for_one, calls_for_many)

    @pytest.mark.anyio
    async def test_list_products_walks_every_product_exactly_once(
        self, connector: Any, samples: Samples
    ) -> None:
        self.require(Capability.CATALOG)
        seen: list[str] = []
        after = None
        for _ in range(1000):
            page = await connector.list_products(first=7, after=after)
            assert len(page.items) <= 7
            seen.extend(p.external_id for p in page.items)
            if not page.has_next_page:
                break
            after = page.next_cursor
        assert len(seen) == len(set(seen)), "a product appeared on two pages"
        assert len(seen) == samples.extra["product_count"]

    @pytest.mark.anyio
    async def test_variants_by_sku_keep_key_order_and_none_for_missing(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        self.require(Capability.CATALOG)
        a, b, c = samples.skus[:3]
        before = _calls(sandbox)
        await connector.variants([a])
        calls_for_one = _calls(sandbox) - before
        before = _calls(sandbox)
        results = await connector.variants([c, "NO-SUCH-SKU", a, b])
        calls_for_many = _calls(sandbox) - before
        assert [v.sku if v else None for v in results] == [c, None, a, b]
        assert all(v.price.amount > 0 for v in results if v)
        self.assert_batched("variants", calls_for_one, calls_for_many)

    # -- inventory ---------------------------------------------------------------------

    @pytest.mark.anyio
    async def test_locations_are_unique_and_typed(self, connector: Any, samples: Samples) -> None:
        self.require(Capability.INVENTORY)
        locations = await connector.locations()
        ids = [location.external_id for location in locations]
        assert ids
        assert len(ids) == len(set(ids))
        assert set(samples.location_ids) <= set(ids)
        assert all(location.source == connector.instance for location in locations)

    @pytest.mark.anyio
    async def test_levels_one_list_per_sku_in_key_order(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        self.require(Capability.INVENTORY)
        a, b, c = samples.skus[:3]
        before = _calls(sandbox)
        await connector.levels([a])
        calls_for_one = _calls(sandbox) - before
        before = _calls(sandbox)
        results = await connector.levels([c, "NO-SUCH-SKU", a, b])
        calls_for_many = _calls(sandbox) - before
        assert len(results) == 4
        assert results[1] == []
        for sku, levels in zip([c, a, b], [results[0], results[2], results[3]], strict=True):
            assert levels, f"{sku} has stock records in the sandbox"
            assert {level.sku for level in levels} == {sku}
            locations = [level.location.external_id for level in levels]
            assert len(locations) == len(set(locations)), "one level per location"
            assert all(level.available >= 0 for level in levels)
        self.assert_batched("levels", calls_for_one, calls_for_many)

    @pytest.mark.anyio
    async def test_levels_only_at_the_locations_asked_for(
        self, connector: Any, samples: Samples
    ) -> None:
        self.require(Capability.INVENTORY)
        wanted = samples.location_ids[:1]
        [levels] = await connector.levels([samples.skus[0]], wanted)
        assert {level.location.external_id for level in levels} <= set(wanted)

    # -- customers ---------------------------------------------------------------------

    @pytest.mark.anyio
    async def test_customers_keep_key_order_and_none_for_missing(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        self.require(Capability.CUSTOMERS)
        a, b = samples.customer_ids[:2]
        before = _calls(sandbox)
        await connector.customers([a])
        calls_for_one = _calls(sandbox) - before
        before = _calls(sandbox)
        results = await connector.customers([b, samples.missing_customer_id, a])
        calls_for_many = _calls(sandbox) - before
        assert [c.external_id if c else None for c in results] == [b, None, a]
        self.assert_batched("customers", calls_for_one, calls_for_many)

    @pytest.mark.anyio
    async def test_customers_by_email_ignore_case_and_keep_order(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        self.require(Capability.CUSTOMERS)
        a, b = samples.customer_emails[:2]
        before = _calls(sandbox)
        await connector.customers_by_email([a])
        calls_for_one = _calls(sandbox) - before
        before = _calls(sandbox)
        results = await connector.customers_by_email([b.upper(), "nobody@nowhere.invalid", a])
        calls_for_many = _calls(sandbox) - before
        assert [[c.email.lower() for c in found if c.email] for found in results] == [[b], [], [a]]
        self.assert_batched("customers_by_email", calls_for_one, calls_for_many)

    @pytest.mark.anyio
    async def test_list_customers_walks_every_customer_exactly_once(
        self, connector: Any, samples: Samples
    ) -> None:
        if not isinstance(connector, CustomerDirectory):
            pytest.skip("the connector does not list customers (CustomerDirectory is optional)")
        seen: list[str] = []
        after = None
        for _ in range(1000):
            page = await connector.list_customers(first=7, after=after)
            assert len(page.items) <= 7
            seen.extend(c.external_id for c in page.items)
            if not page.has_next_page:
                break
            after = page.next_cursor
        assert len(seen) == len(set(seen)), "a customer appeared on two pages"
        assert len(seen) == samples.extra["customer_count"]
        assert set(samples.customer_ids) <= set(seen)

    @pytest.mark.anyio
    async def test_customers_by_identity_keep_key_order_and_batch(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        if not isinstance(connector, CustomerLinks):
            pytest.skip("the connector stores no shared keys (CustomerLinks is optional)")
        known: list[Identity] = samples.extra["customer_identities"]
        assert len(known) >= 2, "the sandbox names two identities its customers carry"
        a, b = known[:2]
        missing = Identity(a.system, "no-such-key-7f3")
        before = _calls(sandbox)
        await connector.customers_by_identity([a])
        calls_for_one = _calls(sandbox) - before
        before = _calls(sandbox)
        results = await connector.customers_by_identity([b, missing, a])
        calls_for_many = _calls(sandbox) - before
        assert results[1] == []
        for identity, found in ((b, results[0]), (a, results[2])):
            assert found, f"a record carries {identity}"
            assert all(identity in customer.identities for customer in found)
        self.assert_batched("customers_by_identity", calls_for_one, calls_for_many)

    # -- orders ------------------------------------------------------------------------

    @pytest.mark.anyio
    async def test_orders_keep_key_order_and_none_for_missing(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        self.require(Capability.ORDERS)
        a, b = samples.order_ids[:2]
        before = _calls(sandbox)
        await connector.orders([a])
        calls_for_one = _calls(sandbox) - before
        before = _calls(sandbox)
        results = await connector.orders([b, samples.missing_order_id, a])
        calls_for_many = _calls(sandbox) - before
        assert [o.external_id if o else None for o in results] == [b, None, a]
        assert all(o.lines and o.totals.total.amount > 0 for o in results if o)
        self.assert_batched("orders", calls_for_one, calls_for_many)

    @pytest.mark.anyio
    async def test_customer_orders_page_newest_first_each_once(
        self, connector: Any, samples: Samples
    ) -> None:
        self.require(Capability.ORDERS)
        customer = samples.customer_with_orders
        assert customer, "the sandbox names a customer with several orders"
        seen = []
        after = None
        for _ in range(100):
            [page] = await connector.orders_for_customers([OrderPageRequest(customer, 1, after)])
            seen.extend(page.items)
            if not page.has_next_page:
                break
            after = page.next_cursor
        assert len(seen) >= 2
        assert len({o.external_id for o in seen}) == len(seen), "an order appeared twice"
        stamps = [o.created_at for o in seen]
        assert stamps == sorted(stamps, reverse=True), "orders come newest first"

    @pytest.mark.anyio
    async def test_customer_orders_batch_keeps_order_and_empty_for_unknown(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        self.require(Capability.ORDERS)
        known = samples.customer_with_orders
        assert known
        before = _calls(sandbox)
        await connector.orders_for_customers([OrderPageRequest(known, 5)])
        calls_for_one = _calls(sandbox) - before
        before = _calls(sandbox)
        pages = await connector.orders_for_customers(
            [OrderPageRequest(samples.missing_customer_id, 5), OrderPageRequest(known, 5)]
        )
        calls_for_many = _calls(sandbox) - before
        assert list(pages[0].items) == []
        assert pages[1].items
        assert all(o.customer_external_id in (None, known) for o in pages[1].items)
        self.assert_batched("orders_for_customers", calls_for_one, calls_for_many)

    # -- failures ----------------------------------------------------------------------

    async def _any_read(self, connector: Any, samples: Samples) -> None:
        capabilities = self.connector_class.capabilities
        if Capability.CATALOG in capabilities:
            await connector.products(list(samples.product_ids[:2]))
        elif Capability.INVENTORY in capabilities:
            await connector.levels(list(samples.skus[:2]))
        elif Capability.CUSTOMERS in capabilities:
            await connector.customers(list(samples.customer_ids[:2]))
        else:
            await connector.orders(list(samples.order_ids[:2]))

    @pytest.mark.anyio
    @pytest.mark.parametrize(
        ("fault", "expected"),
        [
            ("down", UpstreamUnavailable),
            ("throttle", RateLimited),
            ("garbage", UnexpectedResponse),
        ],
        ids=["down", "throttled", "garbage-body"],
    )
    async def test_vendor_failures_map_to_the_error_tree(
        self,
        connector: Any,
        sandbox: Sandbox,
        samples: Samples,
        fault: str,
        expected: type[ConnectorError],
    ) -> None:
        sandbox.faults.apply(fault)
        with pytest.raises(expected) as caught:
            await self._any_read(connector, samples)
        assert caught.value.connector == connector.instance

    @pytest.mark.anyio
    async def test_throttling_says_when_to_retry(
        self, connector: Any, sandbox: Sandbox, samples: Samples
    ) -> None:
        sandbox.faults.throttle = True
        with pytest.raises(RateLimited) as caught:
            await self._any_read(connector, samples)
        assert caught.value.retry_after is not None
        assert caught.value.retry_after >= 0

    @pytest.mark.anyio
    async def test_a_hanging_vendor_times_out(
        self, sandbox: Sandbox, samples: Samples, anyio_backend: str
    ) -> None:
        sandbox.faults.latency_ms = 2000
        async with connect(self.connector_class, sandbox, read_timeout=0.05) as connector:
            with pytest.raises(UpstreamTimeout):
                await self._any_read(connector, samples)

    @pytest.mark.anyio
    async def test_wrong_credentials_fail_auth_without_leaking_them(
        self, sandbox: Sandbox, samples: Samples, anyio_backend: str
    ) -> None:
        # Only the credentials the sandbox hands out: a connector may offer alternative
        # ones (a static token or a client secret) that may not be set together.
        given = sandbox.connector_settings(sandbox.base_url)
        names = [n for n in secret_fields(self.connector_class.settings_type) if n in given]
        assert names, "a connector's credentials are typed Secret"
        wrong = dict.fromkeys(names, "wrong-credential-4f1d9c")
        async with connect(self.connector_class, sandbox, overrides=wrong) as connector:
            with pytest.raises(AuthFailed) as caught:
                await self._any_read(connector, samples)
        assert "wrong-credential-4f1d9c" not in str(caught.value)
        assert "wrong-credential-4f1d9c" not in repr(connector.settings)

    @pytest.mark.anyio
    async def test_ping_succeeds_against_the_sandbox(self, connector: Any) -> None:
        await connector.ping()

    @pytest.mark.anyio
    async def test_ping_fails_when_the_vendor_is_down(
        self, connector: Any, sandbox: Sandbox
    ) -> None:
        sandbox.faults.down = True
        with pytest.raises(UpstreamUnavailable):
            await connector.ping()
