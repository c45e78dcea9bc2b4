"""Customers: one per person, merged across systems, readable only by whom may."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Sequence
from typing import cast

import orjson
from graphql.pyutils import Path

from connectors.capabilities import (
    Capability,
    CustomerDirectory,
    CustomerLinks,
)
from connectors.models import (
    Customer,
    Identity,
    Order,
    Page,
    Variant,
)
from gateway.auth.principal import ADMIN
from gateway.data.base import RequestData
from gateway.federation import MERGED_FIELDS, Merge, match, merge
from gateway.federation.customers import normalise_email
from gateway.loaders import (
    CustomerByIdLoader,
    CustomersByEmailLoader,
    CustomersByIdentityLoader,
)
from schema.context import FieldSource, Notice
from schema.errors import InvalidCursor
from schema.ids import GlobalId

__all__ = ["CustomerData"]


class CustomerData(RequestData):
    def _people_settings(self) -> tuple[tuple[str, ...], list[str], dict[str, tuple[str, ...]]]:
        federation = self._gateway.config.federation
        systems = [c.instance for c in self._gateway.serving(Capability.CUSTOMERS)]
        precedence = {"default": tuple(systems), **federation.precedence}
        return federation.link_on, systems, precedence

    async def _by_email(self, emails: set[str], at: Path | None) -> list[Customer]:
        systems = self._gateway.serving(Capability.CUSTOMERS)
        asks = [
            self._get(self._loader(CustomersByEmailLoader, c, private=True), email, c.instance, at)
            for c in systems
            for email in sorted(emails)
        ]
        return [record for found in await asyncio.gather(*asks) for record in found or ()]

    async def _by_identity(self, identities: set[Identity], at: Path | None) -> list[Customer]:
        asks: list[Awaitable[list[Customer] | None]] = []
        for connector in self._gateway.serving(Capability.CUSTOMERS):
            if isinstance(connector, CustomerLinks):
                loader = self._loader(CustomersByIdentityLoader, connector, private=True)
                asks.extend(
                    self._get(loader, identity, connector.instance, at)
                    for identity in sorted(identities, key=lambda i: (i.system, i.external_id))
                )
        return [record for found in await asyncio.gather(*asks) for record in found or ()]

    async def _by_reference(self, refs: set[Identity], at: Path | None) -> list[Customer]:
        asks: list[Awaitable[Customer | None]] = []
        for ref in sorted(refs, key=lambda i: (i.system, i.external_id)):
            connector = self._gateway.owner(ref.system, Capability.CUSTOMERS)
            if connector is not None:
                loader = self._loader(CustomerByIdLoader, connector, private=True)
                asks.append(self._get(loader, ref.external_id, connector.instance, at))
        return [record for record in await asyncio.gather(*asks) if record is not None]

    async def _expand(self, seeds: Sequence[Customer], at: Path | None) -> list[Customer]:
        """Seeds plus every record linked to them: by verified email, by shared keys, by
        IDs of other systems they name — two rounds, each one batched call per system."""
        link_on, systems, _ = self._people_settings()
        found = {(r.source, r.external_id): r for r in seeds}
        asked_emails: set[str] = set()
        asked_keys: set[Identity] = set()
        for _ in range(2):
            records = list(found.values())
            emails = {normalise_email(r.email) for r in records if r.email and r.email_verified}
            keys = {i for r in records for i in r.identities if i.system in link_on}
            refs = {
                i
                for r in records
                for i in r.identities
                if i.system in systems and (i.system, i.external_id) not in found
            }
            emails -= asked_emails
            keys -= asked_keys
            if not (emails or keys or refs):
                break
            asked_emails |= emails
            asked_keys |= keys
            more = await asyncio.gather(
                self._by_email(emails, at),
                self._by_identity(keys, at),
                self._by_reference(refs, at),
            )
            for record in (r for batch in more for r in batch):
                found.setdefault((record.source, record.external_id), record)
        return list(found.values())

    def _people(self, records: Sequence[Customer]) -> list[tuple[list[Customer], Merge]]:
        """Group records into people and merge each (remembered for ``sources`` and
        ``notices``); best first by default precedence."""
        link_on, systems, precedence = self._people_settings()
        rank = {system: i for i, system in enumerate(precedence["default"])}
        people = []
        for group, warnings in match(records, link_on=link_on, systems=systems):
            result = merge(group, precedence, warnings=warnings)
            self._merges[(result.customer.source, result.customer.external_id)] = result
            people.append((group, result))
        return sorted(
            people,
            key=lambda p: (rank.get(p[1].customer.source, len(rank)), p[1].customer.external_id),
        )

    async def customer(self, id: GlobalId, *, at: Path | None = None) -> Customer | None:
        self._private()
        connector = self._gateway.owner(id.source, Capability.CUSTOMERS)
        if connector is None:
            return None
        loader = self._loader(CustomerByIdLoader, connector, private=True)
        seed = await self._get(loader, id.external_id, connector.instance, at)
        if seed is None:
            return None
        people = self._people(await self._expand([seed], at))
        found = next((m for group, m in people if seed in group), None)
        return found.customer if found is not None and await self._may_see(found) else None

    async def customer_by_email(self, email: str, *, at: Path | None = None) -> Customer | None:
        self._private()
        found = await self._person_with_email(email, at)
        return found.customer if found is not None and await self._may_see(found) else None

    async def _person_with_email(self, email: str, at: Path | None) -> Merge | None:
        key = normalise_email(email)
        seeds = await self._by_email({key}, at)
        if not seeds:
            return None
        people = self._people(await self._expand(seeds, at))

        def shows(group: list[Customer], *, verified: bool) -> bool:
            return any(
                r.email is not None
                and normalise_email(r.email) == key
                and (r.email_verified or not verified)
                for r in group
            )

        # A person whose verified email it is; failing that, a record that merely shows it.
        for verified in (True, False):
            for group, merged in people:
                if shows(group, verified=verified):
                    return merged
        return None

    async def customers(
        self, *, first: int, after: str | None, query: str | None, at: Path | None = None
    ) -> Page[Customer]:
        """Every person once: each listing system in precedence order, skipping people an
        earlier system already showed. Admins only: anyone else gets an empty page."""
        self._private()
        if not self.principal.can(ADMIN):
            return Page(items=())
        _, _, precedence = self._people_settings()
        connectors = self._gateway.connectors
        directories = [
            connectors[name]
            for name in precedence["default"]
            if isinstance(connectors.get(name), CustomerDirectory)
        ]
        index, cursor = _decode_directory(after, len(directories))
        shown: dict[tuple[str, str], Customer] = {}
        for _ in range(8):
            if index >= len(directories) or len(shown) >= first:
                break
            directory = directories[index]
            page = await cast(CustomerDirectory, directory).list_customers(
                first=first - len(shown), after=cursor, query=query
            )
            earlier = {d.instance for d in directories[:index]}
            people = self._people(await self._expand(list(page.items), at))
            for seed in page.items:
                group, merged = next(p for p in people if seed in p[0])
                if any(record.source in earlier for record in group):
                    continue  # shown already, from an earlier system
                shown.setdefault(
                    (merged.customer.source, merged.customer.external_id), merged.customer
                )
            if page.next_cursor is not None:
                cursor = page.next_cursor
            else:
                index, cursor = index + 1, None
        more = index < len(directories)
        return Page(
            list(shown.values()), next_cursor=_encode_directory(index, cursor) if more else None
        )

    def sources(self, record: Customer | Variant) -> list[FieldSource]:
        if isinstance(record, Variant):
            origin = self._price_sources.get((record.source, record.sku))
            return (
                [] if origin is None else [FieldSource("price", origin.system, origin.external_id)]
            )
        found = self._merges.get((record.source, record.external_id))
        if found is None:
            return [FieldSource(name, record.source, record.external_id) for name in MERGED_FIELDS]
        return [
            FieldSource(name, identity.system, identity.external_id)
            for name, identity in found.sources.items()
        ]

    def notices(self, record: Customer) -> list[Notice]:
        found = self._merges.get((record.source, record.external_id))
        return [] if found is None else [Notice(w.code, w.message) for w in found.warnings]

    # -- who may see what ----------------------------------------------------------------

    async def _may_see(self, person: Merge) -> bool:
        """Whether the principal may read this person's data."""
        principal = self.principal
        if principal.can(ADMIN):
            return True
        if principal.kind != "customer":
            return False
        members = {(m.source, m.external_id) for m in person.members}
        if principal.record is not None and principal.record in members:
            return True
        emails = {normalise_email(m.email) for m in person.members if m.email}
        return principal.email is not None and principal.email in emails

    async def _myself(self, at: Path | None) -> Customer | None:
        """The customer a customer session belongs to, looked up once per request."""

        async def find() -> Customer | None:
            principal = self.principal
            if principal.record is not None:
                system, external_id = principal.record
                return await self.customer(GlobalId("Customer", system, external_id), at=at)
            if principal.email is not None:
                return await self.customer_by_email(principal.email, at=at)
            return None

        if self._me is None:
            self._me = asyncio.ensure_future(find())
        return await asyncio.shield(self._me)

    async def _may_see_order(self, order: Order, at: Path | None) -> bool:
        principal = self.principal
        if principal.can(ADMIN):
            return True
        if principal.kind != "customer":
            return False
        me = await self._myself(at)
        if me is None:
            return False
        mine = {(i.system, i.external_id) for i in me.identities} | {(me.source, me.external_id)}
        return (order.source, order.customer_external_id or "") in mine


def _encode_directory(index: int, cursor: str | None) -> str:
    raw = orjson.dumps([index, cursor])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode_directory(cursor: str | None, systems: int) -> tuple[int, str | None]:
    if cursor is None:
        return 0, None
    try:
        index, inner = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, TypeError):
        raise InvalidCursor from None
    if not (
        isinstance(index, int)
        and 0 <= index <= systems
        and (inner is None or isinstance(inner, str))
    ):
        raise InvalidCursor
    return index, inner
