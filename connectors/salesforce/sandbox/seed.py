"""The demo retailer as its CRM holds it: a Contact per customer Salesforce knows, each
with an Account of its own.

- Customers who also buy on the B2B site (SAP Commerce) belong to their company's account
  (``Type = "Customer"``); everyone else to an NPSP-style household account,
  ``"<LastName> Household"`` (``Type = "Household"``).
- A person the CRM holds twice (``duplicated_in``) has a second, later Contact: the same
  address typed with capitals, no phone, no loyalty, no customer number, its own household.
- ``Loyalty_Points__c`` / ``Loyalty_Tier__c`` come from the retailer's loyalty figures,
  ``Customer_Number__c`` is the retailer's customer number.

IDs are stable 18-character Salesforce IDs: ``003...`` contacts, ``001...`` accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connectors.salesforce.sandbox.soql import canonical_id
from connectors.sandbox.retailer import Retailer, RetailerCustomer

__all__ = ["SYSTEM", "State", "build_state", "record_id"]

SYSTEM = "salesforce"
_B2B = "sap_commerce"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_COMPANY_FORMS = (
    "{last} Outdoor GmbH",
    "Bergsport {last} KG",
    "{last} & Partner Sport GmbH",
    "Alpin {last} e.K.",
)
_COUNTRIES = {"DE": "Germany", "AT": "Austria"}


def record_id(prefix: str, number: int) -> str:
    """An 18-character ID: key prefix, pod ``5g``, reserved ``0``, 9 base-62 digits, checksum."""
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    head = f"{prefix}5g0{digits.rjust(9, '0')}"
    canonical = canonical_id(head)
    assert canonical is not None
    return canonical


@dataclass
class State:
    """sObject records by type, then by ID; values as Salesforce stores them."""

    objects: dict[str, dict[str, dict[str, Any]]]
    #: Retailer customer key -> the IDs of its contacts (two for a duplicate).
    contacts_of: dict[str, list[str]]

    @property
    def contacts(self) -> dict[str, dict[str, Any]]:
        return self.objects["Contact"]

    @property
    def accounts(self) -> dict[str, dict[str, Any]]:
        return self.objects["Account"]


def _contact(
    customer: RetailerCustomer,
    contact_id: str,
    account_id: str,
    created: datetime,
    *,
    duplicate: bool,
) -> dict[str, Any]:
    seen = customer.seen_by(SYSTEM)
    email = seen["email"]
    if duplicate:
        local, _, domain = email.partition("@")
        email = f"{local.title()}@{domain.title()}"  # typed in again, with capitals
    return {
        "Id": contact_id,
        "AccountId": account_id,
        "FirstName": seen["first_name"],
        "LastName": seen["last_name"],
        "Name": f"{seen['first_name']} {seen['last_name']}",
        "Email": email,
        "Phone": None if duplicate else seen["phone"],
        "MobilePhone": None,
        "MailingStreet": customer.line1,
        "MailingCity": customer.city,
        "MailingPostalCode": customer.postal_code,
        "MailingCountry": _COUNTRIES.get(customer.country_code, customer.country_code),
        "MailingCountryCode": customer.country_code,
        "HasOptedOutOfEmail": not customer.accepts_marketing,
        "CreatedDate": created,
        "LastModifiedDate": created + timedelta(days=3),
        # A Number field: Salesforce hands it back as a JSON number with a fraction.
        "Loyalty_Points__c": (
            None if duplicate or customer.loyalty_points is None else float(customer.loyalty_points)
        ),
        "Loyalty_Tier__c": None if duplicate else customer.loyalty_tier,
        "Customer_Number__c": None if duplicate else customer.number,
    }


def build_state(retailer: Retailer) -> State:
    contacts: dict[str, dict[str, Any]] = {}
    accounts: dict[str, dict[str, Any]] = {}
    contacts_of: dict[str, list[str]] = {}
    serial = 0
    for index, customer in enumerate(retailer.customers_in(SYSTEM)):
        copies = 2 if SYSTEM in customer.duplicated_in else 1
        for copy in range(copies):
            serial += 1
            number = 2_170_000_000 + serial * 9_173_811
            contact_id = record_id("003", number)
            account_id = record_id("001", number + 4_111)
            created = customer.created_at + timedelta(days=210 * copy, hours=2)
            business = _B2B in customer.systems and copy == 0
            form = _COMPANY_FORMS[index % len(_COMPANY_FORMS)]
            household = f"{customer.seen_by(SYSTEM)['last_name']} Household"
            accounts[account_id] = {
                "Id": account_id,
                "Name": form.format(last=customer.last_name) if business else household,
                "Type": "Customer" if business else "Household",
                "CreatedDate": created,
                "LastModifiedDate": created,
            }
            contacts[contact_id] = _contact(
                customer, contact_id, account_id, created, duplicate=copy > 0
            )
            contacts_of.setdefault(customer.key, []).append(contact_id)
    return State({"Contact": contacts, "Account": accounts}, contacts_of)
