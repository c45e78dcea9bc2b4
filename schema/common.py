"""Value types shared by every domain: money, images, addresses."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from connectors import models

__all__ = ["Address", "FieldSource", "Identity", "Image", "Money", "Warning"]


@strawberry.type(description="An amount in one currency. `amount` is a decimal string.")
class Money:
    amount: Decimal
    currency_code: str = strawberry.field(description="ISO 4217 currency code.")

    @classmethod
    def of(cls, money: models.Money) -> Money:
        return cls(amount=money.amount, currency_code=money.currency)

    @classmethod
    def maybe(cls, money: models.Money | None) -> Money | None:
        return None if money is None else cls(amount=money.amount, currency_code=money.currency)


@strawberry.type
class Image:
    url: str
    alt_text: str | None

    @classmethod
    def of(cls, image: models.Image) -> Image:
        return cls(url=image.url, alt_text=image.alt_text)


@strawberry.type
class Address:
    line1: str | None
    line2: str | None
    city: str | None
    postal_code: str | None
    region: str | None
    country_code: str | None = strawberry.field(description="ISO 3166-1 alpha-2.")
    company: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None

    @classmethod
    def maybe(cls, address: models.Address | None) -> Address | None:
        if address is None:
            return None
        return cls(
            line1=address.line1,
            line2=address.line2,
            city=address.city,
            postal_code=address.postal_code,
            region=address.region,
            country_code=address.country_code,
            company=address.company,
            first_name=address.first_name,
            last_name=address.last_name,
            phone=address.phone,
        )


@strawberry.type(description="A record of this object in one system.")
class Identity:
    system: str = strawberry.field(description="The back end's name in the gateway's config.")
    external_id: str = strawberry.field(description="The record's ID in that system.")


@strawberry.type(description="Which system's record gave a field of a merged object.")
class FieldSource:
    field: str = strawberry.field(description="The field, as the GraphQL schema names it.")
    system: str
    external_id: str


@strawberry.type(description="A soft problem with an answer: what could not be done, and why.")
class Warning:
    code: str
    message: str
