"""Salesforce query records -> records. Pure functions; no I/O.

A wrong shape raises ``KeyError``, ``TypeError`` or ``ValueError``; the connector turns those
into :class:`~connectors.errors.UnexpectedResponse` at its boundary.

A customer is a Contact: ``external_id`` is its 18-character ID, ``company`` its Account's
name (unless that is a household), and the retailer's customer number, when the Contact
holds one, an ``Identity(system="customer_number")`` the gateway links systems on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from connectors.models import Address, Customer, Identity, Loyalty
from connectors.times import utc_time as parse_time

__all__ = [
    "ACCOUNT_FIELDS",
    "CONTACT_FIELDS",
    "CUSTOMER_NUMBER_SYSTEM",
    "ContactFields",
    "address",
    "customer",
    "loyalty",
    "normalise_email",
    "parse_time",
]

JSON = Mapping[str, Any]

#: Standard Contact fields the connector reads. ``MailingCountryCode`` exists when the org
#: has State and Country/Territory Picklists enabled (the default for new orgs).
CONTACT_FIELDS = (
    "Id",
    "FirstName",
    "LastName",
    "Email",
    "Phone",
    "MobilePhone",
    "MailingStreet",
    "MailingCity",
    "MailingPostalCode",
    "MailingCountryCode",
    "HasOptedOutOfEmail",
    "CreatedDate",
)
ACCOUNT_FIELDS = ("Account.Id", "Account.Name")
#: ``Identity.system`` of the retailer's own customer number.
CUSTOMER_NUMBER_SYSTEM = "customer_number"


@dataclass(frozen=True, slots=True)
class ContactFields:
    """The org's custom Contact fields; ``""`` where the org has none."""

    loyalty_points: str = "Loyalty_Points__c"
    loyalty_tier: str = "Loyalty_Tier__c"
    customer_number: str = "Customer_Number__c"
    household_suffix: str = " Household"

    def select(self) -> list[str]:
        """The SELECT list: standard fields, the custom ones configured, the account."""
        custom = [self.loyalty_points, self.loyalty_tier, self.customer_number]
        return [*CONTACT_FIELDS, *(name for name in custom if name), *ACCOUNT_FIELDS]


def normalise_email(value: str) -> str:
    """How e-mails are compared: trimmed, lower-cased."""
    return value.strip().lower()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value.strip() or None


def _company(record: JSON, household_suffix: str) -> str | None:
    account = record.get("Account")
    if account is None:
        return None
    name = _text(account.get("Name"))
    if name and household_suffix and name.endswith(household_suffix):
        return None
    return name


def address(record: JSON, *, household_suffix: str = " Household") -> Address | None:
    """A Contact's mailing address; ``None`` when it has none. ``MailingStreet`` is a text
    area: its first line is ``line1``, the rest ``line2``."""
    street = _text(record.get("MailingStreet"))
    city = _text(record.get("MailingCity"))
    postal_code = _text(record.get("MailingPostalCode"))
    country = _text(record.get("MailingCountryCode"))
    if not (street or city or postal_code or country):
        return None
    lines = [line.strip() for line in (street or "").splitlines() if line.strip()]
    return Address(
        line1=lines[0] if lines else None,
        line2=", ".join(lines[1:]) or None,
        city=city,
        postal_code=postal_code,
        country_code=country.upper() if country else None,
        company=_company(record, household_suffix),
        first_name=_text(record.get("FirstName")),
        last_name=_text(record.get("LastName")),
        phone=_text(record.get("Phone")) or _text(record.get("MobilePhone")),
    )


def loyalty(record: JSON, fields: ContactFields) -> Loyalty | None:
    """``Loyalty(points, tier)`` when the points field is set. Number fields arrive as JSON
    numbers (``8450.0``); a fraction of a point is dropped, never rounded up."""
    if not fields.loyalty_points:
        return None
    points = record.get(fields.loyalty_points)
    if points is None:
        return None
    if isinstance(points, bool) or not isinstance(points, int | float | str):
        raise TypeError(f"{fields.loyalty_points} is not a number")
    tier = _text(record.get(fields.loyalty_tier)) if fields.loyalty_tier else None
    return Loyalty(points=int(Decimal(str(points))), tier=tier)


def _customer_number(record: JSON, fields: ContactFields) -> str | None:
    if not fields.customer_number:
        return None
    value = record.get(fields.customer_number)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a Number field holding the customer number
    return str(value).strip() or None


def customer(
    record: JSON, *, source: str, fields: ContactFields, email_verified: bool = False
) -> Customer:
    """A Contact query record -> ``Customer``."""
    mailing = address(record, household_suffix=fields.household_suffix)
    email = _text(record.get("Email"))
    phones = [_text(record.get("Phone")), _text(record.get("MobilePhone"))]
    opted_out = record.get("HasOptedOutOfEmail")
    number = _customer_number(record, fields)
    return Customer(
        source=source,
        external_id=str(record["Id"]),
        email=email,
        email_verified=email_verified and email is not None,
        first_name=_text(record.get("FirstName")),
        last_name=_text(record.get("LastName")),
        phones=tuple(dict.fromkeys(phone for phone in phones if phone)),
        addresses=(mailing,) if mailing else (),
        default_address=mailing,
        accepts_marketing=None if opted_out is None else not bool(opted_out),
        loyalty=loyalty(record, fields),
        created_at=parse_time(record.get("CreatedDate")),
        identities=(Identity(CUSTOMER_NUMBER_SYSTEM, number),) if number else (),
    )
