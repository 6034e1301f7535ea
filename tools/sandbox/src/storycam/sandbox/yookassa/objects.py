"""The payment and refund objects the emulated shop keeps, rendered as YooKassa's API renders them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

# An unpaid payment is canceled after about an hour; a paid two-stage one waits seven days for its capture.
CAPTURE_WINDOW = timedelta(days=7)
TEST_CARD = {
    "first6": "555555",
    "last4": "4444",
    "expiry_year": "2030",
    "expiry_month": "12",
    "card_type": "MasterCard",
}


def object_id() -> str:
    """An id shaped like YooKassa's (``2ed2b1e4-000f-5000-9000-1b7e3fa0c1d5``)."""
    return f"{secrets.token_hex(4)}-000f-5000-{secrets.choice('89ab')}{secrets.token_hex(2)[1:]}-{secrets.token_hex(6)}"


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def amount(value: Decimal, currency: str) -> dict[str, str]:
    return {"value": f"{value:.2f}", "currency": currency}


@dataclass
class Payment:
    id: str
    amount: Decimal
    currency: str
    capture: bool
    return_url: str
    confirmation_url: str
    description: str | None
    metadata: dict[str, str]
    commission_percent: Decimal
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    status: str = "pending"
    captured_at: datetime | None = None
    expires_at: datetime | None = None
    cancellation_details: dict[str, str] | None = None
    refunded: Decimal = Decimal("0.00")
    receipt_registration: str | None = None

    @property
    def paid(self) -> bool:
        return self.status in {"waiting_for_capture", "succeeded"}

    @property
    def refundable_amount(self) -> Decimal:
        return self.amount - self.refunded if self.status == "succeeded" else Decimal("0.00")

    def as_json(self) -> dict[str, Any]:
        payment: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "paid": self.paid,
            "amount": amount(self.amount, self.currency),
            "recipient": {"account_id": "100500", "gateway_id": "100700"},
            "created_at": timestamp(self.created_at),
            "metadata": dict(self.metadata),
            "refundable": self.refundable_amount > 0,
            "test": True,  # the emulator is a test shop, as YooKassa's own test shops say
        }
        if self.description is not None:
            payment["description"] = self.description
        if self.status == "pending":
            payment["confirmation"] = {"type": "redirect", "confirmation_url": self.confirmation_url}
        if self.paid:
            income = self.amount * (1 - self.commission_percent / 100)
            payment["income_amount"] = amount(income.quantize(Decimal("0.01")), self.currency)
            payment["payment_method"] = {
                "type": "bank_card",
                "id": self.id,
                "saved": False,
                "title": f"Bank card *{TEST_CARD['last4']}",
                "card": TEST_CARD,
            }
            payment["authorization_details"] = {"rrn": "603668680243", "auth_code": "000000"}
        if self.captured_at is not None:
            payment["captured_at"] = timestamp(self.captured_at)
        if self.expires_at is not None:
            payment["expires_at"] = timestamp(self.expires_at)
        if self.cancellation_details is not None:
            payment["cancellation_details"] = dict(self.cancellation_details)
        if self.refunded > 0:
            payment["refunded_amount"] = amount(self.refunded, self.currency)
        if self.receipt_registration is not None:
            payment["receipt_registration"] = self.receipt_registration
        return payment


@dataclass
class Refund:
    id: str
    payment_id: str
    amount: Decimal
    currency: str
    description: str | None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    status: str = "succeeded"  # the emulator's bank answers at once

    def as_json(self) -> dict[str, Any]:
        refund: dict[str, Any] = {
            "id": self.id,
            "payment_id": self.payment_id,
            "status": self.status,
            "amount": amount(self.amount, self.currency),
            "created_at": timestamp(self.created_at),
        }
        if self.description is not None:
            refund["description"] = self.description
        return refund
