"""Amounts of money: roubles with kopecks, or whole Telegram Stars."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator


class Currency(StrEnum):
    RUB = "RUB"
    XTR = "XTR"  # Telegram Stars


class Money(BaseModel):
    """Exact (Decimal, never float), positive, and in the currency's own unit: kopecks at most, whole Stars."""

    model_config = ConfigDict(frozen=True)

    amount: Decimal
    currency: Currency

    @model_validator(mode="after")
    def _in_units_of_the_currency(self) -> Self:
        if not self.amount.is_finite() or self.amount <= 0:
            raise ValueError("an amount must be a positive number")
        places = 0 if self.currency is Currency.XTR else 2
        if self.amount != self.amount.quantize(Decimal(1).scaleb(-places)):
            raise ValueError(f"{self.currency} amounts have at most {places} decimal places")
        return self

    def as_text(self) -> str:
        """As YooKassa and YooMoney write it: ``500.00``; Stars as a whole number."""
        return f"{self.amount:.0f}" if self.currency is Currency.XTR else f"{self.amount:.2f}"
