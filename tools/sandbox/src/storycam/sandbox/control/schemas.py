"""Bodies of the control API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class NewUserBody(BaseModel):
    first_name: str = Field(min_length=1, max_length=64)
    language_code: Literal["ru", "en"] = "en"
    last_name: str | None = Field(default=None, max_length=64)
    username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{4,31}$")


class TextBody(BaseModel):
    text: str = Field(min_length=1, max_length=4096)


class TapBody(BaseModel):
    message_id: int
    data: str


class PayBody(BaseModel):
    message_id: int


class PayLinkBody(BaseModel):
    url: str = Field(min_length=1, max_length=256, description="https://t.me/$<slug>, as createInvoiceLink made it")


class ForceFloodBody(BaseModel):
    """Make the next ``count`` Bot API calls (of ``method``, or any) answer 429 with ``retry_after``."""

    count: int = Field(ge=1, le=1000)
    retry_after: int = Field(ge=1, le=3600)
    method: str | None = None


class CallbackDeadlineBody(BaseModel):
    """Refuse answers to button taps older than ``seconds`` as Telegram does ("query is too old"); null: never."""

    seconds: float | None = Field(default=None, ge=0, le=3600)
