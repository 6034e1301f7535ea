"""What other services ask the gateway to tell a user; only the gateway holds the bot token."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field, model_validator

from storycam.contracts.base import Contract


class InlineButton(Contract):
    text: str = Field(min_length=1, max_length=64)
    callback_data: str | None = Field(default=None, max_length=64)
    url: str | None = None

    @model_validator(mode="after")
    def _one_action(self) -> InlineButton:
        if (self.callback_data is None) == (self.url is None):
            raise ValueError("a button has either callback_data or url")
        return self


class OutboundMessage(Contract):
    """Published on ``telegram.outbound``. ``request_id`` makes a redelivered request send once.

    With ``edit_key`` the gateway edits the message it sent earlier under the same key (a progress message)
    instead of sending a new one.
    """

    type: Literal["telegram.outbound_message"] = "telegram.outbound_message"
    request_id: UUID
    chat_id: int
    text: str | None = Field(default=None, max_length=4096)
    photo_url: str | None = None
    video_url: str | None = None
    buttons: list[list[InlineButton]] = Field(default_factory=list)
    edit_key: str | None = Field(default=None, max_length=128)

    @model_validator(mode="after")
    def _has_content(self) -> OutboundMessage:
        if not (self.text or self.photo_url or self.video_url):
            raise ValueError("an outbound message needs text, a photo or a video")
        return self


class StarsRefund(Contract):
    """Published on ``telegram.outbound`` by payments (an operator's refund of a Stars payment): the gateway calls
    ``refundStarPayment`` once per ``request_id``, then reports ``POST /internal/v1/stars/refunds`` to payments
    (``StarsRefundDone``), which takes back what the payment granted."""

    type: Literal["telegram.stars_refund"] = "telegram.stars_refund"
    request_id: UUID
    user_id: int
    telegram_payment_charge_id: str = Field(min_length=1, max_length=256)


class StarsRefundDone(Contract):
    user_id: int
    telegram_payment_charge_id: str = Field(min_length=1, max_length=256)
    # Telegram said CHARGE_ALREADY_REFUNDED: refunded before (by us or by Telegram support); take back all the same.
    already_refunded: bool = False
