"""The catalogue's shape, validated when it is loaded so a wrong file stops the service at start-up."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from storycam.payments.money import Currency, Money
from storycam.payments.settings import Provider

# Telegram renews a Stars subscription every 30 days and offers no other period.
STARS_SUBSCRIPTION_DAYS = 30
# Telegram's ceiling for one Stars price (and for a Stars subscription).
MAX_STARS = 10_000

_STRICT = ConfigDict(frozen=True, extra="forbid")


class ProductKind(StrEnum):
    SUBSCRIPTION = "subscription"
    CREDITS = "credits"


class Localized(BaseModel):
    """A user-facing text in both languages the bot speaks."""

    model_config = _STRICT

    ru: str = Field(min_length=1, max_length=128)
    en: str = Field(min_length=1, max_length=128)

    def in_language(self, language: str) -> str:
        return self.ru if language == "ru" else self.en


class Grants(BaseModel):
    """What a purchase gives. Zero means "none of that"."""

    model_config = _STRICT

    premium_days: int = Field(default=0, ge=0, le=366)
    # Premium stories come with any premium time; said explicitly so the catalogue reads as what is sold.
    premium_stories: bool = False
    # AI videos included in each 30-day period of the subscription (not carried over, unlike credits).
    ai_videos_per_period: int = Field(default=0, ge=0, le=1000)
    # Credits for AI videos, kept until spent.
    ai_video_credits: int = Field(default=0, ge=0, le=10_000)


class Price(BaseModel):
    model_config = _STRICT

    rub: Decimal | None = Field(default=None, ge=Decimal("1.00"), le=Decimal("1000000"), decimal_places=2)
    stars: int | None = Field(default=None, ge=1, le=MAX_STARS)


class Product(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,31}$")
    kind: ProductKind
    title: Localized
    description: Localized
    price: Price
    grants: Grants

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.price.rub is None and self.price.stars is None:
            raise ValueError(f"product {self.id!r} has no price (give price.rub, price.stars or both)")
        grants = self.grants
        if self.kind is ProductKind.SUBSCRIPTION:
            if grants.premium_days <= 0:
                raise ValueError(f"subscription {self.id!r} must grant premium_days")
            if self.price.stars is not None and grants.premium_days != STARS_SUBSCRIPTION_DAYS:
                raise ValueError(
                    f"subscription {self.id!r} is sold for Stars, which renew every {STARS_SUBSCRIPTION_DAYS} days:"
                    f" premium_days must be {STARS_SUBSCRIPTION_DAYS}"
                )
        elif grants.ai_video_credits <= 0 or grants.premium_days or grants.ai_videos_per_period:
            raise ValueError(f"credit pack {self.id!r} must grant ai_video_credits and nothing else")
        return self

    def price_in(self, currency: Currency) -> Money | None:
        amount = self.price.rub if currency is Currency.RUB else self.price.stars
        return None if amount is None else Money(amount=Decimal(amount), currency=currency)

    def price_for(self, provider: Provider) -> Money | None:
        """What this product costs through ``provider``, or None when it is not sold that way."""
        return self.price_in(currency_of(provider))


def currency_of(provider: Provider) -> Currency:
    return Currency.XTR if provider is Provider.STARS else Currency.RUB


class Catalogue(BaseModel):
    model_config = _STRICT

    version: Literal[1] = 1
    products: tuple[Product, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ids = [p.id for p in self.products]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"product ids must be unique; repeated: {', '.join(repeated)}")
        return self

    def product(self, product_id: str) -> Product | None:
        return next((p for p in self.products if p.id == product_id), None)

    def for_sale(self, providers: frozenset[Provider]) -> tuple[Product, ...]:
        """The products that can be bought through at least one of ``providers``, in catalogue order."""
        return tuple(p for p in self.products if any(p.price_for(provider) for provider in providers))
