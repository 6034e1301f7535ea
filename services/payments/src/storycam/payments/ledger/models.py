"""What the ledger answers with."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pydantic import BaseModel, ConfigDict

_FROZEN = ConfigDict(frozen=True)


class EntryKind(StrEnum):
    GRANT = "grant"
    HOLD = "hold"
    SETTLE = "settle"
    RELEASE = "release"


class HoldState(StrEnum):
    HELD = "held"
    SETTLED = "settled"
    RELEASED = "released"


class CreditBalance(BaseModel):
    """``available`` can be held or spent; ``held`` is promised to jobs still running."""

    model_config = _FROZEN

    user_id: int
    available: int
    held: int


class CreditGrant(BaseModel):
    model_config = _FROZEN

    id: int
    user_id: int
    credits: int
    idempotency_key: str
    purchase_id: UUID | None
    reason: str | None
    created_at: datetime


class CreditHold(BaseModel):
    model_config = _FROZEN

    id: int
    user_id: int
    credits: int
    idempotency_key: str
    expires_at: datetime
    created_at: datetime
    state: HoldState
