"""Salesforce: customers (Contacts with their Account) over the REST API's SOQL query.

Calls per batch (see ``docs/connectors/salesforce.md``):

    customers              1 query (``WHERE Id IN (...)``) per URL-sized chunk of IDs
    customers_by_email     1 query (``WHERE Email IN (...)``) per URL-sized chunk of e-mails
    customers_by_identity  1 query (``WHERE Customer_Number__c IN (...)``) per URL-sized
                           chunk of customer numbers; none for identities of other systems
    list_customers         1 query a page (``ORDER BY Id``, keyset on ``Id >``)
    ping                   1 ``GET /limits``

plus one ``GET nextRecordsUrl`` per further batch of 2,000 records (a batch of keys rarely
fills one), and, with client credentials, one token request on first use and after a
refusal. At the default ``max_url_bytes`` a query holds about 520 IDs or 300 e-mails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

import httpx

from connectors.base import Connector
from connectors.capabilities import Capability
from connectors.errors import RejectedByVendor, UnexpectedResponse
from connectors.http import reading
from connectors.models import Customer, Identity, Page
from connectors.salesforce import mapping
from connectors.salesforce.api import ApiUsage, RestApi
from connectors.salesforce.settings import SalesforceSettings
from connectors.salesforce.soql import (
    chunk_literals,
    decode_id_cursor,
    encode_id_cursor,
    in_clause,
    keyset_page,
    like_contains,
    query_path,
    salesforce_id,
    select_contacts,
    soql_string,
)

__all__ = ["SalesforceConnector"]

T = TypeVar("T")
JSON = Mapping[str, Any]

#: RFC 5321 caps an address at 254 characters; a longer key cannot match and would only
#: risk SOQL's 4,000-character cap on a string literal. No Contact name is longer either
#: (first name 40, last name 80), so it bounds free text too.
_MAX_EMAIL = 254
#: A Text field holds at most 255 characters: a longer customer number names nobody.
_MAX_TEXT_FIELD = 255
#: Most records on one ``list_customers`` page: one query batch (Salesforce's default
#: batch is 2,000 records; the one extra record asked for may take a ``nextRecordsUrl``).
_MAX_PAGE = 2000
_EARLIEST = datetime.min.replace(tzinfo=UTC)


def _queryable(value: str, longest: int) -> bool:
    return 0 < len(value) <= longest and not any(
        ord(char) < 0x20 or ord(char) == 0x7F for char in value
    )


def _queryable_email(email: str) -> bool:
    return _queryable(email, _MAX_EMAIL)


class SalesforceConnector(Connector[SalesforceSettings]):
    """Salesforce over the REST API (version pinned in settings, v60.0)."""

    name: ClassVar[str] = "salesforce"
    settings_type: ClassVar[type[Any]] = SalesforceSettings
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.CUSTOMERS})
    sandbox: ClassVar[str | None] = "connectors.salesforce.sandbox:SalesforceSandbox"

    def __init__(
        self, settings: SalesforceSettings, client: httpx.AsyncClient, *, instance: str = ""
    ) -> None:
        super().__init__(settings, client, instance=instance)
        self._api = RestApi(settings, client, connector=self.instance)
        #: Salesforce's API allowance: the gateway's transport holds calls once it is spent.
        self.quota = self._api.quota
        self._fields = mapping.ContactFields(
            loyalty_points=settings.loyalty_points_field,
            loyalty_tier=settings.loyalty_tier_field,
            customer_number=settings.customer_number_field,
            household_suffix=settings.household_suffix,
        )

    @property
    def api_usage(self) -> ApiUsage | None:
        """The org's 24-hour API usage as the latest response reported it
        (``Sforce-Limit-Info``); ``None`` before the first call. The gateway paces on it."""
        return self._api.quota.usage

    async def ping(self) -> None:
        """``GET /limits``: authenticated, cheap, and it reads no customer data."""
        data = await self._api.get(self._api.url(f"{self.settings.data_path}/limits"))
        with reading(self.instance, "limits"):
            if not isinstance(data, dict):
                raise TypeError("limits is not an object")

    # -- queries -----------------------------------------------------------------------

    async def _query(self, path: str) -> list[JSON]:
        """Every record of one SOQL query, following ``nextRecordsUrl`` until ``done``."""
        records: list[JSON] = []
        url = self._api.url(path)
        followed: set[str] = set()
        while True:
            data = await self._api.get(url)
            with reading(self.instance, "query result"):
                batch = data["records"]
                if not isinstance(batch, list):
                    raise TypeError("records is not a list")
                records.extend(batch)
                done = data["done"]
                next_path = data.get("nextRecordsUrl")
            if done is True:
                return records
            if not isinstance(next_path, str) or not next_path or next_path in followed:
                raise UnexpectedResponse(
                    "a query result that is not done names no new nextRecordsUrl",
                    connector=self.instance,
                )
            followed.add(next_path)
            url = self._api.url(next_path)

    async def _contacts(self, field: str, literals: Sequence[str]) -> list[JSON]:
        """Contacts whose ``field`` is one of ``literals`` (quoted SOQL literals): one
        query per chunk that fits ``max_url_bytes``, the chunks run together."""
        select = select_contacts(self._fields.select())
        data_path = self.settings.data_path

        def path_for(chunk: Sequence[str]) -> str:
            return query_path(data_path, select + in_clause(field, chunk))

        chunks = chunk_literals(literals, path_for=path_for, max_bytes=self.settings.max_url_bytes)
        pages = await self._all(self._query(path_for(chunk)) for chunk in chunks)
        return [record for page in pages for record in page]

    def _customer(self, record: JSON) -> Customer:
        return mapping.customer(
            record,
            source=self.instance,
            fields=self._fields,
            email_verified=self.settings.emails_verified,
        )

    # -- customers ---------------------------------------------------------------------

    async def customers(self, ids: Sequence[str]) -> list[Customer | None]:
        """Contacts by ID (15 or 18 characters). A key that is not a Salesforce ID is
        ``None`` without a call; found customers carry the 18-character ID."""
        canonical = {key: salesforce_id(key) for key in dict.fromkeys(ids)}
        wanted = list(dict.fromkeys(value for value in canonical.values() if value))
        if not wanted:
            return [None for _ in ids]
        records = await self._contacts("Id", [soql_string(value) for value in wanted])
        found: dict[str, Customer] = {}
        with reading(self.instance, "contact"):
            for record in records:
                customer = self._customer(record)
                found[salesforce_id(customer.external_id) or customer.external_id] = customer
        return [found.get(value) if (value := canonical[key]) else None for key in ids]

    async def customers_by_email(self, emails: Sequence[str]) -> list[list[Customer]]:
        """Every Contact per e-mail, trimmed and compared without case, oldest first.
        Salesforce often holds a person twice; all records come back and the caller
        decides what an ambiguous match means."""
        keys = [mapping.normalise_email(email) for email in emails]
        wanted = [key for key in dict.fromkeys(keys) if _queryable_email(key)]
        if not wanted:
            return [[] for _ in keys]
        records = await self._contacts("Email", [soql_string(key) for key in wanted])
        found: dict[str, list[Customer]] = {}
        with reading(self.instance, "contact"):
            for record in records:
                customer = self._customer(record)
                if customer.email:
                    found.setdefault(mapping.normalise_email(customer.email), []).append(customer)
        for matches in found.values():
            matches.sort(key=lambda c: (c.created_at or _EARLIEST, c.external_id))
        return [list(found.get(key, ())) for key in keys]

    async def list_customers(
        self, *, first: int, after: str | None = None, query: str | None = None
    ) -> Page[Customer]:
        """Contacts by ID, one query a page. The cursor is the last ID seen (keyset: the
        next page is ``Id > it``), so it stays valid across calls and is unaffected by
        contacts added or deleted before it. ``query`` (free text) matches the name or the
        e-mail, any case, with LIKE's ``%`` and ``_`` escaped to match only themselves."""
        if first < 1:
            raise ValueError(f"first must be at least 1, got {first}")
        size = min(first, _MAX_PAGE)
        try:
            last = decode_id_cursor(after)
        except ValueError as exc:
            raise RejectedByVendor(
                str(exc), connector=self.instance, code="BAD_CURSOR", field=("after",)
            ) from exc
        conditions: list[str] = []
        text = " ".join((query or "").split())
        if text:
            if not _queryable(text, _MAX_EMAIL):
                return Page(items=[])  # longer than any name or e-mail: nobody matches
            pattern = like_contains(text)
            conditions.append(f"(Name LIKE {pattern} OR Email LIKE {pattern})")
        if last is not None:
            conditions.append(f"Id > {soql_string(last)}")
        # One record past the page says whether there is a next one.
        soql = keyset_page(select_contacts(self._fields.select()), conditions, size + 1)
        records = await self._query(query_path(self.settings.data_path, soql))
        with reading(self.instance, "contact"):
            customers = [self._customer(record) for record in records[:size]]
        more = len(records) > size
        cursor = encode_id_cursor(customers[-1].external_id) if more and customers else None
        return Page(items=customers, next_cursor=cursor)

    async def customers_by_identity(self, identities: Sequence[Identity]) -> list[list[Customer]]:
        """Contacts by the retailer's customer number (``customer_number_field``), every
        number of the batch in one ``IN``; exact matches only, oldest first. Identities of
        other systems find nothing here and cost no call."""
        field = self.settings.customer_number_field
        keys = [
            identity.external_id
            if field
            and identity.system == mapping.CUSTOMER_NUMBER_SYSTEM
            and identity.external_id.strip()
            and _queryable(identity.external_id, _MAX_TEXT_FIELD)
            else ""
            for identity in identities
        ]
        wanted = list(dict.fromkeys(key for key in keys if key))
        if not wanted:
            return [[] for _ in identities]
        records = await self._contacts(field, [soql_string(key) for key in wanted])
        found: dict[str, list[Customer]] = {}
        with reading(self.instance, "contact"):
            for record in records:
                customer = self._customer(record)
                for identity in customer.identities:
                    if identity.system == mapping.CUSTOMER_NUMBER_SYSTEM:
                        found.setdefault(identity.external_id, []).append(customer)
        for matches in found.values():
            matches.sort(key=lambda c: (c.created_at or _EARLIEST, c.external_id))
        return [list(found.get(key, ())) if key else [] for key in keys]

    # -- helpers -----------------------------------------------------------------------

    async def _all(self, calls: Iterable[Awaitable[T]]) -> list[T]:
        """Run ``calls`` together; the first failure cancels the rest and is raised as is."""
        tasks: list[asyncio.Task[T]] = []
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(_wrap(call)) for call in calls]
        except BaseExceptionGroup as failed:
            raise _first(failed) from None
        return [task.result() for task in tasks]


async def _wrap(call: Awaitable[T]) -> T:
    return await call


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    exc: BaseException = group
    while isinstance(exc, BaseExceptionGroup):
        exc = exc.exceptions[0]
    return exc
