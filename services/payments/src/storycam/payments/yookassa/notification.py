"""A YooKassa notification as it arrives: only its event and object id are used (the rest is re-read)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

PAYMENT_EVENTS = frozenset({"payment.succeeded", "payment.canceled", "payment.waiting_for_capture"})
REFUND_EVENTS = frozenset({"refund.succeeded"})


class NotifiedObject(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(pattern=r"^[A-Za-z0-9-]{1,64}$")


class YooKassaNotification(BaseModel):
    """Whatever else the body says is not believed: YooKassa's notifications are not signed."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: Literal["notification"]
    event: str = Field(min_length=3, max_length=64, pattern=r"^[a-z_]+\.[a-z_]+$")
    object: NotifiedObject

    @property
    def inbox_key(self) -> str:
        return inbox_key(self.event, self.object.id)


def inbox_key(event: str, object_id: str) -> str:
    """The key a notification is journaled under; the reconciler closes a payment under the same one."""
    return f"yookassa:{event}:{object_id}"


def parse_notification(raw: bytes) -> YooKassaNotification | None:
    try:
        return YooKassaNotification.model_validate_json(raw)
    except (ValidationError, ValueError):
        return None
