"""A purchase as the service sees it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from storycam.contracts.payments import ResumeStory
from storycam.payments.catalogue.models import Grants
from storycam.payments.money import Money
from storycam.payments.settings import Provider


class PurchaseStatus(StrEnum):
    PENDING = "pending"  # waiting for the provider's outcome
    SUCCEEDED = "succeeded"  # paid; what it grants was granted
    CANCELED = "canceled"  # not paid (declined, abandoned, expired)
    REFUNDED = "refunded"  # paid, then given back


class Purchase(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: UUID
    user_id: int
    product_id: str
    provider: Provider
    price: Money
    grants: Grants
    status: PurchaseStatus
    provider_payment_id: str | None
    created_at: datetime
    updated_at: datetime
    chat_id: int | None = None
    language: str = "en"
    resume: ResumeStory | None = None
    checkout_key: str | None = None
    confirmation_url: str | None = None
    renewal_of: UUID | None = None
    refunded_amount: Decimal = Decimal(0)
    credits_taken: int = 0
    credits_shortfall: int = 0
