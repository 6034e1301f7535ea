"""YooKassa's objects as far as we use them. Unknown fields are ignored; what we rely on is validated."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from storycam.payments.money import Money

_ANSWER = ConfigDict(frozen=True, extra="ignore")
_REQUEST = ConfigDict(frozen=True, extra="forbid")


class PaymentStatus(StrEnum):
    PENDING = "pending"
    WAITING_FOR_CAPTURE = "waiting_for_capture"  # only for two-stage payments, which we never ask for
    SUCCEEDED = "succeeded"
    CANCELED = "canceled"


class Amount(BaseModel):
    model_config = _ANSWER

    value: Decimal
    currency: str

    @classmethod
    def of(cls, money: Money) -> Self:
        return cls(value=Decimal(money.as_text()), currency=money.currency.value)


class Confirmation(BaseModel):
    model_config = _ANSWER

    type: str
    confirmation_url: str | None = None


class CancellationDetails(BaseModel):
    model_config = _ANSWER

    party: str | None = None
    reason: str | None = None


class YooKassaPayment(BaseModel):
    model_config = _ANSWER

    id: str
    status: str  # a PaymentStatus; kept open so a status YooKassa adds later is seen, not a parse failure
    paid: bool = False
    amount: Amount
    confirmation: Confirmation | None = None
    description: str | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    created_at: datetime
    refunded_amount: Amount | None = None
    cancellation_details: CancellationDetails | None = None
    test: bool = False


class YooKassaRefund(BaseModel):
    model_config = _ANSWER

    id: str
    payment_id: str
    status: str
    amount: Amount
    created_at: datetime


class ReceiptCustomer(BaseModel):
    """Where the fiscal receipt goes: an e-mail or a phone (digits with the country code, as YooKassa wants)."""

    model_config = _REQUEST

    email: str | None = Field(default=None, max_length=64, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, pattern=r"^\d{11,15}$")

    @model_validator(mode="after")
    def _one_contact(self) -> Self:
        if (self.email is None) == (self.phone is None):
            raise ValueError("a receipt goes to exactly one of an e-mail or a phone")
        return self


class ReceiptItem(BaseModel):
    model_config = _REQUEST

    description: str = Field(max_length=128)
    quantity: Decimal = Decimal("1.00")
    amount: Amount
    vat_code: int = Field(ge=1, le=12)
    # Paid in full, delivered at once, and what is sold is a service (premium access, AI videos).
    payment_mode: Literal["full_payment"] = "full_payment"
    payment_subject: Literal["service"] = "service"


class Receipt(BaseModel):
    """The 54-FZ receipt YooKassa sends to the tax service and the buyer."""

    model_config = _REQUEST

    customer: ReceiptCustomer
    items: tuple[ReceiptItem, ...] = Field(min_length=1)
    tax_system_code: int = Field(ge=1, le=6)


def receipt_for(
    *, tax_system_code: int | None, vat_code: int, contact: ReceiptCustomer | None, description: str, price: Money
) -> Receipt | None:
    """A receipt of one item, when the operator configured a tax system and the buyer left a contact; else None."""
    if tax_system_code is None or contact is None:
        return None
    item = ReceiptItem(description=description[:128], amount=Amount.of(price), vat_code=vat_code)
    return Receipt(customer=contact, items=(item,), tax_system_code=tax_system_code)
