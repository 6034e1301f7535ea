"""What a user may use: premium, credits. Asked of the payments service by the others."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from storycam.contracts.base import Contract
from storycam.contracts.stories import readable_text

SubscriptionSource = Literal["yookassa", "stars", "grant"]
Plan = Literal["premium"]


class Entitlements(Contract):
    """``GET /internal/v1/users/{user_id}/entitlements`` on payments."""

    user_id: int
    premium: bool
    premium_until: datetime | None = None
    credits: int = 0


class SubscriptionGrant(Contract):
    """``POST /internal/v1/users/{user_id}/subscriptions/grants``: support gives premium for some days."""

    days: int = Field(ge=1, le=3660)
    reason: str = Field(min_length=3, max_length=500)
    plan: Plan = "premium"

    @field_validator("reason")
    @classmethod
    def _readable(cls, value: str) -> str:
        # Control characters and lone surrogates cannot be stored (PostgreSQL refuses NUL in text): a clear 422.
        cleaned = readable_text(value)
        try:
            cleaned.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("holds characters that are not text (unpaired surrogates)") from None
        if len(cleaned) < 3:
            raise ValueError("a reason has at least 3 readable characters")
        return cleaned


class Subscription(Contract):
    id: int
    user_id: int
    plan: Plan
    source: SubscriptionSource
    active_from: datetime
    active_until: datetime
    reason: str | None = None
    created_at: datetime
